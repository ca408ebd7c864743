// The gateway's retained status: `online` on connect; `offline` on a clean stop, and from the broker (the
// last will) when the gateway vanishes without a word.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/log/logger.ts';
import { type MqttLink, openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { startTestGateway } from './fixtures.ts';
import { waitFor } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const statusTopic = 'tikar/v1/sukamaju/melati/status';

/** A fresh subscriber: what it receives first on the status topic is the retained message. */
async function retainedStatus(url: string): Promise<string> {
  const link: MqttLink = await openMqttLink({ url, log: createLogger('test.presence') });
  try {
    let state: string | undefined;
    void link.subscribe(statusTopic, (_topic, payload) => {
      state = (JSON.parse(payload.toString()) as { state: string }).state;
    });
    return await waitFor('the retained status', () => state);
  } finally {
    await link.close();
  }
}

// Real processes on a shared 2-core machine: generous time, never a timing assertion.
describe('presence', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let broker: Mosquitto;
  beforeAll(async () => {
    dir = await tmpDir('tikar-presence-');
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
    await dir?.cleanup();
  });

  it('online while running, offline after a clean stop', async () => {
    const gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url });
    try {
      await waitFor('online', async () => (await retainedStatus(broker.url)) === 'online');
    } finally {
      await gateway.stop();
    }
    expect(await retainedStatus(broker.url)).toBe('offline');
  });

  it('the last will says offline when the gateway is killed', async () => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin', 'tikar.mjs'),
        'gateway',
        '--db',
        join(dir.path, 'killed.db'),
        '--http',
        '0',
        '--mqtt',
        broker.url,
        '--no-record',
        '--posyandu',
        'melati',
        '--village',
        'sukamaju',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, TIKAR_LOG_LEVEL: 'error' } },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await waitFor('the gateway to start', () => out.includes('Open '), 30_000);
    await waitFor('online', async () => (await retainedStatus(broker.url)) === 'online');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    await waitFor('the last will', async () => (await retainedStatus(broker.url)) === 'offline', 30_000);
  });
});
