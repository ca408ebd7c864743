// `npm run district:demo` runs the built demo (dist/district-demo.mjs, bundled by `npm run build`): nothing
// compiles TypeScript while it runs. Started small, it brings up the whole district, serves the dashboard with
// the villages' data, and removes everything on Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../gateway/clock/calendar.ts';
import { localDate } from '../../gateway/clock/clock.ts';
import { freePort } from '../helpers/free-port.ts';
import { waitFor } from '../integration/helpers.ts';

const demo = join(import.meta.dirname, '..', '..', 'dist', 'district-demo.mjs');

describe('npm run district:demo', { timeout: 180_000 }, () => {
  it('runs built code, serves the dashboard with the simulated villages, and stops on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [demo], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TIKAR_DEMO_HTTP: String(port),
        TIKAR_DEMO_CHILDREN: '3',
        TIKAR_DASHBOARD_PASSWORD: 'demo-test-password',
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        'the demo to print the dashboard address',
        () => {
          if (child.exitCode !== null) throw new Error(`the demo exited ${child.exitCode}: ${out}`);
          return out.includes(`The district dashboard: http://127.0.0.1:${port}`);
        },
        150_000,
      );
      const base = `http://127.0.0.1:${port}`;
      const login = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'demo-test-password' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
      const month = addMonths(localDate(new Date()).slice(0, 7), -1);
      const overview = await fetch(`${base}/api/overview?month=${month}&days=30`, { headers: { cookie } });
      expect(overview.status).toBe(200);
      const text = await overview.text();
      for (const village of ['sukamaju', 'cibodas', 'mekarsari']) expect(text).toContain(village);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('is what the npm script runs, without tsx', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['district:demo']).toBe('npm run build && node dist/district-demo.mjs');
  });
});
