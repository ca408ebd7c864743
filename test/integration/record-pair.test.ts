// One record service over a district broker pair (`pairLink`): the same message arriving through both brokers
// is stored once and receipted on each, and the second copy is reported as a duplicate.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/log/logger.ts';
import { type MqttLink, openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { posyanduTopics } from '../../gateway/publish/topics.ts';
import { RecordService } from '../../gateway/record/record-service.ts';
import { SqliteRecordStore } from '../../gateway/record/sqlite-record-store.ts';
import { type Db, openDb } from '../../gateway/store/db.ts';
import { districtMessages } from '../district/district-fixtures.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { waitFor } from './helpers.ts';

describe('a record service over a broker pair', { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let brokers: Mosquitto[] = [];
  let db: Db;
  const links: MqttLink[] = [];
  let service: RecordService;
  /** The message ids of each batch the service handed to the store. */
  const batches: string[][] = [];
  const log = createLogger('test.record-pair');
  const connect = async (broker: Mosquitto, clientId: string) => {
    const link = await openMqttLink({ url: broker.url, clientOptions: { clientId, clean: true }, log });
    links.push(link);
    return link;
  };

  beforeAll(async () => {
    dir = await tmpDir('tikar-record-pair-');
    brokers = [await startMosquitto(), await startMosquitto()];
    db = await openDb(join(dir.path, 'record.db'));
    const [a, b] = brokers as [Mosquitto, Mosquitto];
    const store = new SqliteRecordStore(db);
    const storeBatch = store.storeBatch.bind(store);
    store.storeBatch = (batch) => {
      batches.push(batch.map((item) => item.message.id));
      return storeBatch(batch);
    };
    service = new RecordService({
      store,
      link: await connect(a, 'record-a'),
      pairLink: await connect(b, 'record-b'),
      villageId: 'desa-1',
      // Time for both copies of a message to meet in one batch.
      batchDelayMs: 1000,
      log,
    });
    await service.start();
  });
  afterAll(async () => {
    await service?.stop();
    await Promise.all(links.map((link) => link.close()));
    await db?.close();
    for (const broker of brokers) await broker.stop();
    await dir?.cleanup();
  });

  it('stores each message once and receipts it through both brokers', async () => {
    const [plan] = districtMessages({
      villages: 1,
      posyanduPerVillage: 1,
      children: 3,
      lastMonth: '2026-11',
      months: 2,
    });
    if (!plan) throw new Error('no messages');
    const topics = posyanduTopics(plan.villageId, plan.posyanduId);
    const stored: { id: string; duplicate: boolean }[] = [];
    service.on('stored', ({ id, duplicate }) => stored.push({ id, duplicate }));
    // A gateway on each broker, as the village's two bridges deliver: every message through both.
    const receipted = brokers.map(() => new Set<string>());
    const gateways = await Promise.all(brokers.map((broker, i) => connect(broker, `gateway-${i}`)));
    await Promise.all(
      gateways.map((gateway, i) =>
        gateway.subscribe(topics.receipts, (_topic, payload) => {
          for (const id of (JSON.parse(payload.toString()) as { ids: string[] }).ids) receipted[i]?.add(id);
        }),
      ),
    );
    for (const message of plan.messages)
      await Promise.all(
        gateways.map((gateway) => gateway.publish(topics.measurements, JSON.stringify(message))),
      );

    const ids = plan.messages.map((message) => message.id);
    await waitFor('receipts through both brokers', () =>
      receipted.every((set) => ids.every((id) => set.has(id))),
    );
    const rows = await db.all<{ id: string }>('SELECT id FROM record_messages');
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
    const [measurements] = await db.all<{ n: number }>('SELECT count(*) AS n FROM measurements');
    expect(measurements?.n).toBe(ids.length);
    // Two copies that meet in a batch go to the store as one (and with a second to meet, most do).
    for (const batch of batches) expect(new Set(batch).size).toBe(batch.length);
    expect(batches.flat().length).toBeLessThan(2 * ids.length);
    // Each message: one copy stored, the other a duplicate.
    for (const id of ids) {
      expect(
        stored
          .filter((s) => s.id === id)
          .map((s) => s.duplicate)
          .sort(),
      ).toEqual([false, true]);
    }
  });
});
