// A production install: the built dist/ and bin/ with `npm prune --omit=dev` (no tsx, no esbuild, no
// TypeScript) runs every command. Made from hard links of this checkout's node_modules, so it needs no network.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProduct } from '../../scripts/build.ts';
import { generateObservations, observationsCsv } from '../growth/observations.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { startGatewayProcess } from '../integration/helpers.ts';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

describe('a production install (npm prune --omit=dev after the build)', { timeout: 180_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let app: string;
  let tikar: string;

  beforeAll(async () => {
    dir = await tmpDir('tikar-prod-');
    app = join(dir.path, 'app');
    await mkdir(app);
    await buildProduct(join(app, 'dist'));
    await cp(join(root, 'bin'), join(app, 'bin'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) await cp(join(root, file), join(app, file));
    await exec('cp', ['-al', join(root, 'node_modules'), join(app, 'node_modules')]);
    await exec('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: app,
    });
    tikar = join(app, 'bin', 'tikar.mjs');
  }, 180_000);
  afterAll(async () => {
    await dir?.cleanup();
  });

  const run = (args: string[]) =>
    exec(process.execPath, [tikar, ...args], { cwd: app, env: { ...process.env, TIKAR_LOG_LEVEL: 'error' } });

  it('holds no build tool', async () => {
    const modules = await readdir(join(app, 'node_modules'));
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest']) expect(modules).not.toContain(dev);
    expect(modules).toContain('sqlite3');
  });

  it("prints every command's help", async () => {
    const { stdout } = await run(['--help']);
    const commands = [...stdout.matchAll(/^ {2}(\w+) /gm)].map((match) => match[1] as string);
    expect(commands).toContain('zscore');
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const command of commands) {
      const help = await run([command, '--help']);
      expect(help.stdout, command).toMatch(new RegExp(`tikar ${command}`));
    }
  });

  it('runs tikar zscore on worker threads from the built engine, and refuses to run without it', async () => {
    // Over 8 MB (about 12 MB): the run goes to the worker threads, which load dist/zscore-engine.mjs.
    const input = join(dir.path, 'in.csv');
    await writeFile(input, observationsCsv(generateObservations(200_000, 3)));
    const output = join(dir.path, 'out.csv');
    const { stderr } = await run(['zscore', '--in', input, '--out', output, '--threads', '1']);
    expect(stderr).toMatch(/200000 rows, 200000 ok/);
    await rm(join(app, 'dist', 'zscore-engine.mjs'));
    const failed = await run(['zscore', '--in', input, '--out', join(dir.path, 'out2.csv')]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in failed && failed.code).not.toBe(0);
    expect((failed as { stderr: string }).stderr).toMatch(
      /zscore-engine\.mjs is missing: run `npm run build`/,
    );
  });

  it('runs the gateway on embedded defaults, then a report and an export from its database', async () => {
    const dbPath = join(dir.path, 'data', 'tikar.db');
    const gateway = await startGatewayProcess({ tikar, args: ['--db', dbPath, '--http', '0'], cwd: app });
    let code: number | null;
    try {
      expect((await fetch(gateway.url)).status).toBe(200);
    } finally {
      code = await gateway.stop();
    }
    expect(code).toBe(0);
    const month = new Date().toISOString().slice(0, 7);
    const report = await run(['report', 'skdn', '--db', dbPath, '--month', month]);
    expect(report.stdout).toMatch(/^\uFEFF?[a-z_]+,/);
    const xlsx = join(dir.path, 'eppgbm.xlsx');
    await run(['export', 'eppgbm', '--db', dbPath, '--month', month, '--format', 'xlsx', '--out', xlsx]);
    // An XLSX is a ZIP archive: exceljs was loaded and wrote one.
    expect((await readFile(xlsx)).subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  });
});
