// The district record's store on a real PostgreSQL: the same outcomes as the village record's SQLite store for
// the same messages (dedupe, child merge, register), exactly once when several workers store overlapping
// batches at the same moment, and an all-or-nothing batch.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatePosyandu } from '../../district/sim/population.ts';
import { measurementColumns } from '../../gateway/model/records.ts';
import type { GatewayMessage, MeasurementMessage } from '../../gateway/publish/payloads.ts';
import { postgresMigrations } from '../../gateway/record/postgres-migrations.ts';
import { PostgresRecordStore } from '../../gateway/record/postgres-record-store.ts';
import type { Incoming, RecordStore } from '../../gateway/record/record-store.ts';
import { SqliteRecordStore } from '../../gateway/record/sqlite-record-store.ts';
import { openDb } from '../../gateway/store/db.ts';
import { type Postgres, startPostgres } from '../helpers/postgres.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

let postgres: Postgres;
let dir: Awaited<ReturnType<typeof tmpDir>>;
let database = 0;

/** A fresh database on the shared server, so each case starts empty. */
async function freshPg(): Promise<PostgresRecordStore> {
  database++;
  const admin = await PostgresRecordStore.open(postgres.url);
  await admin.pg.query(`CREATE DATABASE case_${database}`);
  await admin.close();
  return PostgresRecordStore.open(postgres.url.replace(/\/tikar$/, `/case_${database}`));
}

async function freshSqlite(): Promise<SqliteRecordStore> {
  database++;
  return new SqliteRecordStore(await openDb(join(dir.path, `case-${database}.db`)));
}

function incoming(message: GatewayMessage): Incoming {
  return {
    message,
    kind: message.schema === 'tikar.measurement/1' ? 'measurement' : 'child',
    villageId: message.child.village_id,
    posyanduId:
      message.schema === 'tikar.measurement/1' ? message.measurement.posyandu_id : message.child.posyandu_id,
  };
}

const messages = simulatePosyandu({
  villageId: 'sukamaju',
  posyanduId: 'melati',
  seed: 7,
  children: 6,
  months: ['2026-09', '2026-10', '2026-11'],
});

/** The child message of a measurement's child at sharing level `register`, at a given updated_at. */
function childMessage(m: MeasurementMessage, n: number, updatedAt: string, nik?: string): GatewayMessage {
  return {
    schema: 'tikar.child/1',
    id: `child-msg-${n}`,
    backfilled: false,
    child: {
      ...m.child,
      name: `Anak ${n}`,
      mother_name: `Ibu ${n}`,
      birth_date: `${m.child.birth_month}-15`,
      ...(nik === undefined ? {} : { nik }),
      updated_at: updatedAt,
    },
  };
}

async function stateOf(store: RecordStore, villageId: string) {
  return {
    register: await store.registerSince(villageId, ''),
    inventory: await store.inventory(villageId, ['2026-09', '2026-10', '2026-11']),
  };
}

beforeAll(async () => {
  postgres = await startPostgres();
  dir = await tmpDir('tikar-pgstore-');
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
  await dir?.cleanup();
});

describe('PostgresRecordStore', { timeout: 120_000 }, () => {
  it('migrates once, however many workers start together', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => PostgresRecordStore.open(postgres.url)));
    const rows = await (stores[0] as PostgresRecordStore).pg.query<{ version: number }>(
      'SELECT version FROM tikar_schema ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(postgresMigrations.map((m) => m.version));
    await Promise.all(stores.map((s) => s.close()));
  });

  it('gives the same outcomes and the same register as the SQLite store, batch by batch', async () => {
    const first = messages[0] as MeasurementMessage;
    const second = messages[1] as MeasurementMessage;
    const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T00:00:00.000Z`;
    const pool: GatewayMessage[] = [
      ...messages.slice(0, 8),
      childMessage(first, 1, day(10)),
      childMessage(first, 2, day(12), '3301010101010001'),
      childMessage(first, 3, day(11)), // older: loses to 2
      childMessage(second, 4, day(9)),
    ];
    const shared = await freshPg();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat(pool.length - 1), { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (batches) => {
          await shared.pg.query('TRUNCATE readings, measurements, record_messages, children');
          const pgStore = shared;
          const sqlite = await freshSqlite();
          try {
            for (const batch of batches) {
              const items = batch.map((i) => incoming(pool[i] as GatewayMessage));
              expect(await pgStore.storeBatch(items)).toEqual(await sqlite.storeBatch(items));
            }
            expect(await stateOf(pgStore, 'sukamaju')).toEqual(await stateOf(sqlite, 'sukamaju'));
          } finally {
            await sqlite.close();
          }
        },
      ),
      { numRuns: 25 },
    );
    await shared.close();
  });

  it('stores every message exactly once when three workers store overlapping batches at once', async () => {
    const setup = await freshPg();
    const url = postgres.url.replace(/\/tikar$/, `/case_${database}`);
    await setup.close();
    const workers = await Promise.all([1, 2, 3].map(() => PostgresRecordStore.open(url)));
    const all = messages.map(incoming);
    // Each worker gets every message, in its own order and its own batch sizes: as if the broker delivered
    // everything three times.
    const outcomes = await Promise.all(
      workers.map(async (worker, w) => {
        const order = w === 1 ? [...all].reverse() : w === 2 ? [...all.slice(20), ...all.slice(0, 20)] : all;
        const stored: string[] = [];
        for (let i = 0; i < order.length; i += 7 + w * 3) {
          const batch = order.slice(i, i + 7 + w * 3);
          const result = await worker.storeBatch(batch);
          result.forEach((r, k) => {
            if (!r.duplicate) stored.push((batch[k] as Incoming).message.id);
          });
        }
        return stored;
      }),
    );
    const storedIds = outcomes.flat();
    expect(storedIds.length).toBe(all.length);
    expect(new Set(storedIds).size).toBe(all.length);
    const [counts] = await (workers[0] as PostgresRecordStore).pg.query<{
      messages: number;
      measurements: number;
    }>(
      'SELECT (SELECT count(*) FROM record_messages) AS messages, (SELECT count(*) FROM measurements) AS measurements',
    );
    expect(counts).toEqual({ messages: all.length, measurements: all.length });
    await Promise.all(workers.map((w) => w.close()));
  });

  it('stores every column of a measurement and its readings as the gateway sent them', async () => {
    const store = await freshPg();
    const sent = messages.slice(0, 6) as MeasurementMessage[];
    // Nulls and a float with many digits must come back as sent (the rows travel as JSON).
    const first = sent[0] as MeasurementMessage;
    sent[0] = {
      ...first,
      measurement: { ...first.measurement, headc_cm: null, weight_kg: 7.123456789012345, device_id: null },
    };
    await store.storeBatch(sent.map(incoming));
    const rows = await store.pg.query<Record<string, unknown>>(
      `SELECT ${measurementColumns.join(', ')} FROM measurements ORDER BY id`,
    );
    const expected = sent.map((m) => m.measurement).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(rows).toEqual(expected.map((m) => Object.fromEntries(measurementColumns.map((c) => [c, m[c]]))));
    const readings = await store.pg.query('SELECT * FROM readings ORDER BY id');
    expect(readings).toEqual(sent.flatMap((m) => m.readings).sort((a, b) => (a.id < b.id ? -1 : 1)));
    const dirty = await store.pg.query<{ place: string }>(
      "SELECT DISTINCT village_id || '/' || posyandu_id || '/' || month AS place FROM district_dirty ORDER BY 1",
    );
    expect(dirty.map((d) => d.place)).toEqual(
      [...new Set(sent.map((m) => `sukamaju/melati/${m.measurement.measured_on.slice(0, 7)}`))].sort(),
    );
    await store.close();
  });

  it('stores nothing of a batch it cannot store whole (a correction of a measurement it does not have)', async () => {
    const store = await freshPg();
    const first = messages[0] as MeasurementMessage;
    const correction: MeasurementMessage = {
      ...first,
      id: 'correction-message',
      measurement: {
        ...first.measurement,
        id: 'correction-row',
        supersedes_id: 'no-such-measurement',
        correction_reason: 'salah ketik',
      },
    };
    await expect(
      store.storeBatch([incoming(messages[1] as GatewayMessage), incoming(correction)]),
    ).rejects.toThrow(/foreign key/);
    expect(await store.pg.query('SELECT id FROM record_messages')).toEqual([]);
    // Alone, the good message is stored; the correction still waits for its original.
    expect(await store.storeBatch([incoming(messages[1] as GatewayMessage)])).toEqual([
      { duplicate: false, childChanged: true },
    ]);
    await store.close();
  });
});
