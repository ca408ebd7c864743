// Power cut: SIGKILL a gateway process at random (seeded) moments 100 times while it saves measurements.
// Every measurement it reported as saved must exist exactly once, with its outbox message, in an intact
// database; after the broker drains, exactly once in the village record.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../device/sim/random.ts';
import { GatewayServicesImpl } from '../../gateway/app/gateway-services.ts';
import { Clock } from '../../gateway/clock/clock.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { OutboxRelay } from '../../gateway/publish/relay.ts';
import { posyanduTopics } from '../../gateway/publish/topics.ts';
import { openDb } from '../../gateway/store/db.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { startTestRecord, type TestRecord, undelivered } from './fixtures.ts';
import { birthDateForAge, waitFor } from './helpers.ts';

const kills = 100;
const root = join(import.meta.dirname, '..', '..');
// Bundled once so each of the 100 starts costs node's start-up, not the TypeScript loader's.
const childBundle = join(root, 'node_modules', '.cache', 'tikar-test', 'power-cut-child.mjs');

/** Runs the child until it has printed READY, then lets it save for `runMs`, then kills it (SIGKILL). */
async function runAndKill(args: string[], runMs: number, reported: string[]): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, [childBundle, ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let buffered = '';
  let readyAt: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => {
    readyAt = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'READY') readyAt?.();
      else if (line.startsWith('SAVED ')) reported.push(line.slice(6));
      else if (line.startsWith('ERROR')) throw new Error(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([ready, exited]);
  await new Promise((resolve) => setTimeout(resolve, runMs));
  child.kill('SIGKILL');
  await exited;
}

describe('power cut', () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let broker: Mosquitto;
  let record: TestRecord;
  beforeAll(async () => {
    dir = await tmpDir('tikar-power-');
    await build({
      entryPoints: [join(import.meta.dirname, 'power-cut-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      target: 'node20',
      outfile: childBundle,
      logLevel: 'silent',
    });
    broker = await startMosquitto();
    record = await startTestRecord({ dbPath: join(dir.path, 'record.db'), mqttUrl: broker.url });
  });
  afterAll(async () => {
    await record?.stop();
    await broker?.stop();
    await dir?.cleanup();
  });

  it(`${kills} SIGKILLs: every reported save exists once, the database is intact, the record gets each once`, async () => {
    const dbPath = join(dir.path, 'gateway.db');
    const log = createLogger('test.power-cut');
    const topics = posyanduTopics('sukamaju', 'melati');
    // Register the child (and let the record learn it) before the cuts begin.
    let db = await openDb(dbPath);
    const services = new GatewayServicesImpl({
      db,
      clock: new Clock(),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      topics,
      log,
    });
    await services.init();
    const childIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const child = await services.registerChild({
        name: `Ani ${i}`,
        sex: 2,
        birth_date: birthDateForAge(6 + i),
        mother_name: 'Ibu Ani',
      });
      if (!child.ok) throw new Error(child.error.message);
      childIds.push(child.value.id);
    }
    await db.close();

    const random = createRandom(2026);
    const reported: string[] = [];
    for (let i = 0; i < kills; i++) {
      await runAndKill([dbPath, ...childIds], random.int(0, 100), reported);
    }
    expect(reported.length).toBeGreaterThan(kills);

    db = await openDb(dbPath);
    try {
      expect((await db.get('PRAGMA integrity_check'))?.integrity_check).toBe('ok');
      const stored = await db.all<{ id: string; messages: number }>(
        `SELECT m.id, (SELECT count(*) FROM outbox o WHERE o.subject_id = m.id) AS messages FROM measurements m`,
      );
      const storedIds = new Set(stored.map((row) => row.id));
      for (const id of reported) expect(storedIds.has(id)).toBe(true);
      expect(new Set(reported).size).toBe(reported.length);
      // A measurement and its outbox message were committed together, or not at all.
      expect(stored.every((row) => row.messages === 1)).toBe(true);

      // Drain what the killed processes left in the outbox.
      const link = await openMqttLink({ url: broker.url, log });
      const relay = new OutboxRelay({
        db,
        link,
        receiptsTopic: topics.receipts,
        log,
        policy: { level: 'register', villageSecret: randomBytes(32) },
        receiptTimeoutMs: 400,
        maxBackoffMs: 800,
        backlogPerSecond: 5000,
      });
      relay.start();
      await waitFor('the outbox to drain', async () => (await undelivered(db)) === 0, 60_000);
      await relay.stop();
      await link.close();

      const inRecord = await record.db.all<{ id: string }>('SELECT id FROM measurements');
      expect(inRecord.map((r) => r.id).sort()).toEqual([...storedIds].sort());
    } finally {
      await db.close();
    }
  }, 150_000);
});
