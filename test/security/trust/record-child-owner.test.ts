// Issue 11 item 2 (the village record): a child's identity changes only by messages from the posyandu that
// owns it. A measurement from another posyandu carries a copy of the child (a child of the village register
// measured elsewhere); that copy may add a child the record lacks, but never change one, however new its
// `updated_at` — also when it claims the child moved to the sender. Real mosquitto, the record service over
// its SQLite store and over the district's PostgreSQL store (they share the rule: fromChildOwner).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../gateway/log/logger.ts';
import { assembleMeasurement } from '../../../gateway/measure/assemble.ts';
import type { Child } from '../../../gateway/model/index.ts';
import { openMqttLink } from '../../../gateway/publish/mqtt-link.ts';
import type { ChildMessage, MeasurementMessage } from '../../../gateway/publish/payloads.ts';
import { PostgresRecordStore } from '../../../gateway/record/postgres-record-store.ts';
import { RecordService } from '../../../gateway/record/record-service.ts';
import type { RecordStore } from '../../../gateway/record/record-store.ts';
import { SqliteRecordStore } from '../../../gateway/record/sqlite-record-store.ts';
import { openDb } from '../../../gateway/store/db.ts';
import { startMosquitto } from '../../helpers/mosquitto.ts';
import { type Postgres, startPostgres } from '../../helpers/postgres.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import { waitFor } from '../../integration/helpers.ts';
import { connectOnce } from '../secure-brokers.ts';

const village = 'tikar/v1/sukamaju';
const hourAgo = new Date(Date.now() - 3_600_000).toISOString();

let broker: Awaited<ReturnType<typeof startMosquitto>>;
let dir: Awaited<ReturnType<typeof tmpDir>>;
let postgres: Postgres;
let wire: MqttClient;

beforeAll(async () => {
  [broker, dir, postgres] = await Promise.all([
    startMosquitto(),
    tmpDir('tikar-child-owner-'),
    startPostgres(),
  ]);
  wire = await connectOnce(broker.url);
}, 60_000);
afterAll(async () => {
  await wire?.endAsync();
  await broker?.stop();
  await postgres?.stop();
  await dir?.cleanup();
});

function child(overrides: Partial<Child> = {}): Child {
  return {
    id: randomUUID(),
    pseudo_id: randomUUID(),
    name: 'Siti Nurhaliza',
    sex: 2,
    birth_date: '2025-09-01',
    nik: null,
    mother_name: 'Dewi',
    posyandu_id: 'melati',
    village_id: 'sukamaju',
    has_kia: true,
    created_at: hourAgo,
    updated_at: hourAgo,
    ...overrides,
  };
}

function childMessage(registered: Child): ChildMessage {
  const { nik, ...rest } = registered;
  return {
    schema: 'tikar.child/1',
    id: randomUUID(),
    backfilled: false,
    child: { ...rest, ...(nik ? { nik } : {}), birth_month: registered.birth_date.slice(0, 7) },
  };
}

/** A measurement taken at `posyandu` of the child as `copy` describes it, with z-scores that agree with it. */
function measurementMessage(posyandu: string, copy: Child): MeasurementMessage {
  const assembled = assembleMeasurement({
    id: randomUUID(),
    child: copy,
    position: 'l',
    lenheiCm: 68,
    weightKg: 8,
    oedema: false,
    measuredAt: new Date(),
    posyanduId: posyandu,
    villageId: 'sukamaju',
    source: 'manual',
    deviceId: null,
    calibrationId: null,
    supersedes: null,
    createdAt: new Date().toISOString(),
  });
  if (!assembled.ok) throw new Error(assembled.error.message);
  // A measurement carries the pseudonymous copy: no name, mother's name, birth date or NIK.
  const { name: _n, mother_name: _m, birth_date, nik: _k, ...pseudonymous } = copy;
  return {
    schema: 'tikar.measurement/1',
    id: randomUUID(),
    backfilled: false,
    child: { ...pseudonymous, birth_month: birth_date.slice(0, 7) },
    measurement: assembled.value,
    readings: [],
  };
}

const stores: [string, () => Promise<RecordStore>][] = [
  ['SQLite', async () => new SqliteRecordStore(await openDb(join(dir.path, 'record.db')))],
  ['PostgreSQL', () => PostgresRecordStore.open(postgres.url)],
];

describe.each(stores)('the record over %s', (_name, openStore) => {
  let store: RecordStore;
  let service: RecordService;
  let link: Awaited<ReturnType<typeof openMqttLink>>;
  const stored = new Set<string>();

  beforeAll(async () => {
    store = await openStore();
    const log = createLogger('test.record');
    link = await openMqttLink({
      url: broker.url,
      clientOptions: { clientId: 'tikar-record-sukamaju', clean: true },
      minReconnectMs: 100,
      maxReconnectMs: 400,
      log,
    });
    await link.waitConnected(5000);
    service = new RecordService({ store, link, villageId: 'sukamaju', log });
    service.on('stored', (event) => stored.add(event.id));
    await service.start();
  }, 30_000);
  afterAll(async () => {
    await service?.stop();
    await link?.close();
    await store?.close();
  });

  async function send(topic: string, message: ChildMessage | MeasurementMessage): Promise<void> {
    await wire.publishAsync(`${village}/${topic}`, JSON.stringify(message), { qos: 1 });
    await waitFor(`the record to store ${topic}`, () => stored.has(message.id));
  }

  it("keeps melati's child when mawar's measurement carries a changed copy, and takes melati's correction", async () => {
    const siti = child();
    await send('melati/children', childMessage(siti));
    const genuine = await store.registerRow(siti.id);
    expect(genuine).toMatchObject({ sex: 2, posyandu_id: 'melati', updated_at: hourAgo });

    const future = new Date(Date.now() + 60_000).toISOString();
    // Mawar measures her with a copy saying boy, born earlier, updated later than the record's row…
    await send(
      'mawar/measurements',
      measurementMessage('mawar', { ...siti, sex: 1, birth_date: '2025-06-01', updated_at: future }),
    );
    // …or that the child is now mawar's own.
    await send(
      'mawar/measurements',
      measurementMessage('mawar', {
        ...siti,
        sex: 1,
        posyandu_id: 'mawar',
        has_kia: false,
        updated_at: future,
      }),
    );
    expect(await store.registerRow(siti.id)).toEqual(genuine);

    // Melati's own correction (a newer updated_at on melati's topic) changes her.
    const corrected = {
      ...siti,
      sex: 1 as const,
      birth_date: '2025-08-20',
      updated_at: new Date().toISOString(),
    };
    await send('melati/children', childMessage(corrected));
    expect(await store.registerRow(siti.id)).toMatchObject({
      sex: 1,
      birth_date: '2025-08-20',
      posyandu_id: 'melati',
      updated_at: corrected.updated_at,
    });
  }, 30_000);

  it('adds a child it lacks from another posyandu’s measurement, then lets only its owner change it', async () => {
    const budi = child({ name: 'Budi', sex: 1 });
    await send('mawar/measurements', measurementMessage('mawar', budi));
    const future = new Date(Date.now() + 60_000).toISOString();
    await send('mawar/measurements', measurementMessage('mawar', { ...budi, sex: 2, updated_at: future }));
    // The owner's registration arrives last, older than the copy's claim: it still decides.
    const registered = { ...budi, updated_at: new Date().toISOString() };
    await send('melati/children', childMessage(registered));
    expect(await store.registerRow(budi.id)).toMatchObject({
      name: 'Budi',
      sex: 1,
      posyandu_id: 'melati',
      updated_at: registered.updated_at,
    });
  }, 30_000);
});
