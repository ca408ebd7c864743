// A message the broker lost (the record's clean session was away) is sent again after the wait learnt from
// earlier receipts, not after the longest wait: here the longest is a minute and the test allows 20 s.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/log/logger.ts';
import { openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { RecordService } from '../../gateway/record/record-service.ts';
import { SqliteRecordStore } from '../../gateway/record/sqlite-record-store.ts';
import { openDb } from '../../gateway/store/db.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { registerChildren, saveManual, startTestGateway, undelivered } from './fixtures.ts';
import { waitFor } from './helpers.ts';

describe('the receipt wait learnt from receipts', { timeout: 90_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let broker: Mosquitto;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    dir = await tmpDir('tikar-receipt-wait-');
    broker = await startMosquitto();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
    await broker.stop();
    await dir.cleanup();
  });

  /** A village record whose session the broker forgets when it goes: what it missed is lost there. */
  async function startForgetfulRecord() {
    const log = createLogger('test.record');
    const db = await openDb(join(dir.path, 'record.db'));
    const link = await openMqttLink({
      url: broker.url,
      clientOptions: { clientId: 'tikar-record-sukamaju', clean: true },
      log,
    });
    await link.waitConnected(5000);
    const service = new RecordService({ store: new SqliteRecordStore(db), link, villageId: 'sukamaju', log });
    await service.start();
    return {
      db,
      async stop() {
        await service.stop();
        await link.close();
        await db.close();
      },
    };
  }

  it('resends a lost message after seconds although the longest wait is a minute', async () => {
    let record = await startForgetfulRecord();
    const gateway = await startTestGateway({
      dir: dir.path,
      mqttUrl: broker.url,
      relay: { receiptTimeoutMs: 60_000, minReceiptTimeoutMs: 300, maxBackoffMs: 60_000 },
    });
    cleanups.push(() => gateway.stop());
    const children = await registerChildren(gateway, 8);
    await waitFor('the children to be receipted', async () => (await undelivered(gateway.db)) === 0);

    await record.stop();
    const id = await saveManual(gateway, children[0] as string, 1);
    await waitFor('the measurement to be published to nobody', async () => {
      const row = await gateway.db.get<{ sent_at: string | null }>(
        "SELECT sent_at FROM outbox WHERE kind = 'measurement'",
      );
      return row?.sent_at != null;
    });
    record = await startForgetfulRecord();
    cleanups.push(() => record.stop());

    await waitFor(
      'the lost measurement to be resent and receipted',
      async () => (await undelivered(gateway.db)) === 0,
      20_000,
    );
    const stored = await record.db.all<{ id: string }>('SELECT id FROM measurements');
    expect(stored.map((row) => row.id)).toEqual([id]);
  });
});
