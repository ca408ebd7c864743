// A gateway without a mat (manual measurements use the same durable commit path as the mat) and a village
// record with its own link, each startable and stoppable on its own, against real brokers.
import { join } from 'node:path';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { type MqttLink, openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { RecordService } from '../../gateway/record/record-service.ts';
import { SqliteRecordStore } from '../../gateway/record/sqlite-record-store.ts';
import { type Db, openDb } from '../../gateway/store/db.ts';
import { birthDateForAge } from './helpers.ts';

export const fastRelay = {
  receiptTimeoutMs: 400,
  maxBackoffMs: 1500,
  liveWindowMs: 1000,
  backlogPerSecond: 2000,
  batchSize: 64,
};

export async function startTestGateway(options: {
  dir: string;
  mqttUrl: string;
  posyanduId?: string;
  villageId?: string;
  name?: string;
  /** Relay settings over fastRelay's. */
  relay?: Partial<typeof fastRelay> & { minReceiptTimeoutMs?: number };
}): Promise<RunningGateway> {
  return startGateway({
    dbPath: join(options.dir, `${options.name ?? 'gateway'}.db`),
    posyanduId: options.posyanduId ?? 'melati',
    villageId: options.villageId ?? 'sukamaju',
    sim: { scenario: 'calm', timeScale: 1 },
    mqtt: { url: options.mqttUrl },
    record: { enabled: false },
    relay: { ...fastRelay, ...options.relay },
    mqttReconnect: { minMs: 100, maxMs: 400 },
  });
}

export interface TestRecord {
  db: Db;
  link: MqttLink;
  service: RecordService;
  stop(): Promise<void>;
}

/** The village record on its own link (persistent session, as `tikar record` runs it). */
export async function startTestRecord(options: {
  dbPath: string;
  mqttUrl: string;
  villageId?: string;
}): Promise<TestRecord> {
  const log = createLogger('test.record');
  const db = await openDb(options.dbPath);
  const villageId = options.villageId ?? 'sukamaju';
  const link = await openMqttLink({
    url: options.mqttUrl,
    clientOptions: { clientId: `tikar-record-${villageId}`, clean: false },
    minReconnectMs: 100,
    maxReconnectMs: 400,
    log,
  });
  await link.waitConnected(5000);
  const service = new RecordService({ store: new SqliteRecordStore(db), link, villageId, log });
  await service.start();
  return {
    db,
    link,
    service,
    async stop() {
      await service.stop();
      await link.close();
      await db.close();
    },
  };
}

/** Names never repeat within a run: the gateway refuses the same child registered twice. */
let registered = 0;

/** Registers `count` children at the gateway; returns their ids. */
export async function registerChildren(gateway: RunningGateway, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = registered++;
    const result = await gateway.services.registerChild({
      name: `Anak ${n}`,
      sex: (i % 2) + 1,
      birth_date: birthDateForAge(3 + (i % 50)),
      mother_name: `Ibu ${n}`,
    });
    if (!result.ok) throw new Error(result.error.message);
    ids.push(result.value.id);
  }
  return ids;
}

/** Saves a plausible manual measurement for the child (`k` varies the values a little). */
export async function saveManual(gateway: RunningGateway, childId: string, k: number): Promise<string> {
  const result = await gateway.services.saveManualMeasurement({
    child_id: childId,
    lenhei_cm: 70 + (k % 10) * 0.3,
    weight_kg: 8 + (k % 7) * 0.1,
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.measurement.id;
}

export async function undelivered(db: Db): Promise<number> {
  const row = await db.get<{ n: number }>('SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL');
  return row?.n ?? -1;
}

/** Per child, the record's measurements in the order they arrived must be in creation (id) order. */
export async function outOfOrderChildren(record: Db): Promise<number> {
  const rows = await record.all<{ child_id: string; id: string }>(
    'SELECT child_id, id FROM measurements ORDER BY rowid',
  );
  const last = new Map<string, string>();
  let outOfOrder = 0;
  for (const row of rows) {
    const previous = last.get(row.child_id);
    if (previous !== undefined && previous > row.id) outOfOrder++;
    last.set(row.child_id, row.id);
  }
  return outOfOrder;
}
