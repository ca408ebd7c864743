// Issue 11 item 4: `tikar record` as its own process, its broker (real mosquitto) not up at start and then
// SIGKILLed 10 times under it. It must log, retry with backoff, and never exit; afterwards it still stores and
// receipts what a gateway sends.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { registerChildren, saveManual, startTestGateway, undelivered } from './fixtures.ts';
import { waitFor } from './helpers.ts';

const tikar = join(import.meta.dirname, '..', '..', 'bin', 'tikar.mjs');
const kills = 10;

describe('tikar record survives its broker', { timeout: 180_000 }, () => {
  let record: ChildProcess | undefined;
  let broker: Mosquitto | undefined;
  let dir: Awaited<ReturnType<typeof tmpDir>> | undefined;
  afterAll(async () => {
    if (record && record.exitCode === null) {
      const exited = new Promise((resolve) => record?.once('exit', resolve));
      record.kill('SIGTERM');
      await exited;
    }
    await broker?.stop();
    await dir?.cleanup();
  });

  it(`starts without a broker, outlives ${kills} SIGKILLs of it, logging and retrying, and still works`, async () => {
    dir = await tmpDir('tikar-record-kills-');
    const port = await freePort();
    let log = '';
    let exit: string | undefined;
    record = spawn(
      process.execPath,
      [
        tikar,
        'record',
        '--village',
        'sukamaju',
        '--mqtt',
        `mqtt://127.0.0.1:${port}`,
        '--db',
        join(dir.path, 'record.db'),
      ],
      { env: { ...process.env, TIKAR_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    record.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    record.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    record.once('exit', (code, signal) => {
      exit = `${code ?? signal}`;
    });
    const count = (text: string) => log.split(text).length - 1;
    const alive = () => {
      if (exit !== undefined) throw new Error(`tikar record exited (${exit}):\n${log.slice(-2000)}`);
    };
    /** How often `text` is in the log so far; throws once the record has exited. */
    const seen = (text: string) => {
      alive();
      return count(text);
    };

    // Not up at start: it keeps retrying (before the fix it exited with code 13 here).
    await waitFor('retries while no broker listens', () => seen('mqtt broker away: retrying') >= 3, 20_000);
    broker = await startMosquitto({ port });
    await waitFor('the first connection', () => seen('"mqtt connected"') >= 1, 20_000);

    for (let kill = 1; kill <= kills; kill++) {
      const retriesBefore = count('mqtt broker away: retrying');
      await broker.kill();
      await waitFor(
        `retry after kill ${kill}`,
        () => seen('mqtt broker away: retrying') > retriesBefore,
        20_000,
      );
      await broker.restart();
      await waitFor(`reconnect after kill ${kill}`, () => seen('"mqtt connected"') >= kill + 1, 30_000);
    }
    alive();
    expect(count('"mqtt connected"')).toBe(kills + 1);

    // Still the village record: a gateway's measurement is stored and receipted.
    const gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url });
    try {
      const [childId = ''] = await registerChildren(gateway, 1);
      await saveManual(gateway, childId, 1);
      await waitFor('delivered to the record', async () => (await undelivered(gateway.db)) === 0, 30_000);
    } finally {
      await gateway.stop();
    }
    alive();
  });
});
