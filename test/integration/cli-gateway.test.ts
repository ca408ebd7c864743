// `npm start` with nothing else installed: `tikar gateway` with the simulated mat, the built-in broker, the
// village record in-process, demo children and the screens; a clean SIGTERM stop.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../gateway/store/db.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { startGatewayProcess, waitFor } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');

// Real processes on a shared 2-core machine: generous time, never a timing assertion.
describe('tikar gateway (zero configuration)', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  beforeAll(async () => {
    dir = await tmpDir('tikar-cli-');
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it('starts everything, prints the address, serves the screens, and stops cleanly', async () => {
    const dbPath = join(dir.path, 'data', 'tikar.db');
    const gateway = await startGatewayProcess({
      tikar: join(root, 'bin', 'tikar.mjs'),
      args: ['--db', dbPath, '--http', '0', '--speed', '20'],
      env: { TIKAR_PIN_BIDAN: '135791' },
    });
    const { url } = gateway;
    let code: number | null;
    try {
      expect(gateway.output()).toMatch(/with the village record in-process/);
      const response = await fetch(url);
      expect(response.status).toBeLessThan(500);
      // The Laporan page reads this gateway's own database: the five demo children are S in the SKDN.
      const login = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ role: 'bidan', pin: '135791' }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const month = new Date().toISOString().slice(0, 7);
      const skdn = await fetch(`${url}/api/reports/skdn?month=${month}&format=csv`, { headers: { cookie } });
      expect(skdn.status).toBe(200);
      const [header, row] = (await skdn.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      const columns = (header ?? '').split(',');
      expect((row ?? '').split(',')[columns.indexOf('s')]).toBe('5');
      // The five demo children reach the in-process record, whose receipts close the loop.
      await waitFor('the demo children to be delivered', async () => {
        const db = await openDb(dbPath, { readonly: true });
        try {
          const row = await db.get<{ n: number }>(
            'SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL',
          );
          return row?.n === 0;
        } finally {
          await db.close();
        }
      });
    } finally {
      code = await gateway.stop();
    }
    expect(code).toBe(0);
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir.path, 'data')).mode & 0o777).toBe(0o700);
    const db = await openDb(dbPath, { readonly: true });
    try {
      const row = await db.get<{ children: number; undelivered: number }>(
        'SELECT (SELECT count(*) FROM children) AS children, (SELECT count(*) FROM outbox WHERE delivered_at IS NULL) AS undelivered',
      );
      expect(row).toEqual({ children: 5, undelivered: 0 });
    } finally {
      await db.close();
    }
  });

  it('`npm start` passes a stop signal on: stopping npm stops the gateway (no screens left serving)', async () => {
    const child = spawn(
      'npm',
      ['start', '--', '--db', join(dir.path, 'npm', 'tikar.db'), '--http', '0', '--speed', '20'],
      // Its own process group, so a failed run can still clean up whatever npm left behind.
      {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, TIKAR_LOG_LEVEL: 'error' },
      },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      const url = await waitFor(
        'the address',
        () => /Open (http:\/\/\S+) in a browser/.exec(out)?.[1],
        60_000,
      );
      expect((await fetch(url)).status).toBeLessThan(500);
      child.kill('SIGTERM'); // npm itself, as a service manager or `kill` would stop it
      await waitFor(
        'the screens to stop answering',
        () =>
          fetch(url).then(
            () => false,
            () => true,
          ),
        30_000,
      );
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // The group is gone: everything stopped.
      }
    }
  });
});
