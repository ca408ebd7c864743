// `tikar <command> --help` loads the option parser and the command's own option definitions, nothing heavy:
// each help of the built command runs in a child process whose every loaded module is recorded
// (test/helpers/load-recorder.mjs), and none may be a module of zod, the WHO tables, or an outside library
// with I/O or weight. Chunks are recognised by what they hold (a stretch of the WHO tables' data, esbuild's
// `// node_modules/<package>/…` note of a bundled package), never by their hashed names. A positive control
// (a report run, which loads all of these) proves the recognition works.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProduct } from '../../scripts/build.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const recorder = join(root, 'test', 'helpers', 'load-recorder.mjs');

/** Outside libraries no help may load (those with I/O or weight, and zod). */
const heavyPackages = [
  'zod',
  'sqlite3',
  'mqtt',
  'aedes',
  'serialport',
  '@serialport',
  'pg',
  'pino',
  'exceljs',
  'playwright-core',
  'johnny-five',
  'firmata-io',
];

/** The first base64 table of a generated WHO reference file: only a chunk holding those tables holds it. */
function tableMarker(file: string): string {
  const text = readFileSync(join(root, 'gateway', 'growth', file), 'utf8');
  const marker = /boys: '([A-Za-z0-9+/=]{64})/.exec(text)?.[1];
  if (!marker) throw new Error(`no base64 table found in ${file}`);
  return marker;
}
const bundledMarkers: [string, string][] = [
  ['WHO 2006 tables', tableMarker('who-2006/reference.generated.ts')],
  ['WHO 2007 tables', tableMarker('who-2007/reference.generated.ts')],
  ...heavyPackages.map((name): [string, string] => [name, `// node_modules/${name}/`]),
];

/** What of the forbidden a list of loaded module URLs holds, each named once. */
async function heavyLoaded(urls: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const url of urls) {
    if (!url.startsWith('file:')) continue;
    const path = fileURLToPath(url);
    for (const name of heavyPackages) if (path.includes(`/node_modules/${name}/`)) found.add(name);
    if (path.includes('/node_modules/') || !/\.m?js$/.test(path)) continue;
    const text = await readFile(path, 'utf8');
    for (const [name, marker] of bundledMarkers) if (text.includes(marker)) found.add(name);
  }
  return [...found].sort();
}

describe('tikar <command> --help', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let tikar: string;
  let log = 0;

  /** Runs the built command with the recorder; the URLs of every module it loaded. */
  async function loads(args: string[]): Promise<{ stdout: string; urls: string[] }> {
    const file = join(dir.path, `loads-${log++}.txt`);
    const result = await exec(process.execPath, ['--import', recorder, tikar, ...args], {
      env: { ...process.env, TIKAR_LOAD_LOG: file },
    }).catch((error: { stdout: string }) => error);
    const urls = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
    return { stdout: result.stdout, urls };
  }

  beforeAll(async () => {
    dir = await tmpDir('tikar-help-loads-');
    // The built command beside a node_modules, as in the repository (npm packages stay external).
    const app = join(dir.path, 'app');
    await mkdir(app);
    await buildProduct(join(app, 'dist'));
    await symlink(join(root, 'node_modules'), join(app, 'node_modules'), 'dir');
    tikar = join(app, 'dist', 'tikar.mjs');
  }, 120_000);
  afterAll(async () => {
    await dir?.cleanup();
  });

  it('recognises what a report run loads (the control: it loads all that a help must not)', async () => {
    const { urls } = await loads(['report', 'skdn', '--db', join(dir.path, 'none.db'), '--month', '2026-01']);
    expect(urls.some((url) => url.includes('/dist/'))).toBe(true);
    expect(await heavyLoaded(urls)).toEqual(
      expect.arrayContaining(['WHO 2006 tables', 'WHO 2007 tables', 'sqlite3', 'zod']),
    );
  });

  it('loads none of zod, the WHO tables, sqlite3, mqtt, serialport, pg, pino, exceljs, playwright-core, johnny-five', async () => {
    const listed = (await loads(['--help'])).stdout;
    const commands = [...listed.matchAll(/^ {2}(\w+) /gm)].map((match) => match[1] as string);
    expect(commands.length).toBeGreaterThanOrEqual(15);
    const helps: string[][] = [
      ['record', 'query', '--help'],
      ['district', 'check', '--help'],
      ['district', 'summarise', '--help'],
    ];
    const offenders: Record<string, string[]> = {};
    const check = async (args: string[], run: { stdout: string; urls: string[] }) => {
      expect(run.stdout, args.join(' ')).toMatch(/usage/i);
      const heavy = await heavyLoaded(run.urls);
      if (heavy.length > 0) offenders[`tikar ${args.join(' ')}`] = heavy;
    };
    await check(['--help'], await loads(['--help']));
    for (const command of commands) {
      const run = await loads([command, '--help']);
      await check([command, '--help'], run);
      // Subcommands commander lists under "Commands:" (report skdn, export fhir, pki init, …).
      const nested = run.stdout.split(/^Commands:$/m)[1] ?? '';
      for (const match of nested.matchAll(/^ {2}(\w+) /gm)) {
        if (match[1] !== 'help') helps.push([command, match[1] as string, '--help']);
      }
    }
    expect(helps.length).toBeGreaterThanOrEqual(14);
    for (const args of helps) await check(args, await loads(args));
    expect(offenders).toEqual({});
  });
});
