// Each stored record is described once, in gateway/model/records.ts: here every table that holds one, in a real
// migrated SQLite file and in a real PostgreSQL (the district record), is checked against its schema (column
// names in order, NULL allowed or not, storage type), and rows the stores wrote parse by the schema.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { simulatePosyandu } from '../../../district/sim/population.ts';
import {
  childAddressRecord,
  childRecord,
  columnNamesOf,
  measurementRecord,
  nullable,
  outboxRecord,
  readingRecord,
  type Storage,
  sasaranRecord,
  storageOf,
  visitNoteRecord,
} from '../../../gateway/model/records.ts';
import { PostgresRecordStore } from '../../../gateway/record/postgres-record-store.ts';
import type { Incoming } from '../../../gateway/record/record-store.ts';
import { SqliteRecordStore } from '../../../gateway/record/sqlite-record-store.ts';
import { setChildAddress, setSasaran, setVisitNote } from '../../../gateway/store/child-details.ts';
import { type Db, openDb } from '../../../gateway/store/db.ts';
import { enqueue } from '../../../gateway/store/outbox.ts';
import { type Postgres, startPostgres } from '../../helpers/postgres.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

type RecordSchema = z.ZodObject<z.ZodRawShape>;

interface Column {
  name: string;
  nullable: boolean;
  storage: Storage;
}

/** What the schema says of each column, in order. */
function expected(schema: RecordSchema): Column[] {
  return columnNamesOf(schema).map((name) => {
    const field = schema.shape[name] as z.ZodType;
    return { name, nullable: nullable(field), storage: storageOf(field) };
  });
}

const sqliteTables: [string, RecordSchema][] = [
  ['children', childRecord],
  ['measurements', measurementRecord],
  ['readings', readingRecord],
  ['outbox', outboxRecord],
  ['child_addresses', childAddressRecord],
  ['visit_notes', visitNoteRecord],
  ['sasaran', sasaranRecord],
];
/** The district record keeps the record's tables; the outbox and the detail tables are the gateway's alone. */
const postgresTables = sqliteTables.slice(0, 3);

// A few posyandu visits, through the record stores' own inserts (children, measurements, readings).
const messages = simulatePosyandu({
  villageId: 'sukamaju',
  posyanduId: 'melati',
  seed: 12,
  children: 3,
  months: ['2026-10', '2026-11'],
});
const measured = messages.find((message) => message.schema === 'tikar.measurement/1');
if (!measured) throw new Error('the simulated posyandu measured no one');
measured.readings = [1, 2].map((ordinal) => ({
  id: `${measured.measurement.id}-r${ordinal}`,
  measurement_id: measured.measurement.id,
  channel: 'length' as const,
  ordinal,
  value_mm_or_g: 701.5,
  raw_counts_json: '[51234,51236]',
  locked_at: measured.measurement.measured_at,
}));
const batch: Incoming[] = messages.map((message) => ({
  message,
  kind: message.schema === 'tikar.measurement/1' ? 'measurement' : 'child',
  villageId: message.child.village_id,
  posyanduId: message.child.posyandu_id,
}));

describe('the records against the SQLite tables', () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let db: Db;
  beforeAll(async () => {
    dir = await tmpDir('tikar-record-schemas-');
    db = await openDb(join(dir.path, 'gateway.db'), { durable: false });
    await new SqliteRecordStore(db).storeBatch(batch);
    await enqueue(db, {
      id: 'm-1',
      kind: 'child',
      subject_id: 'c-1',
      topic: 'tikar/v1/sukamaju/melati/children',
      payload: '{}',
      child_id: 'c-1',
      created_at: '2026-11-28T01:00:00.000Z',
    });
    const childId = measured.child.id;
    const updatedAt = '2026-11-28T01:00:00.000Z';
    const place = { dusun: 'Krajan', rt: '004', rw: '002', phone: '081234567890' };
    await setChildAddress(db, { child_id: childId, ...place, updated_at: updatedAt });
    const note = { visit_on: '2026-11-09', vitamin_a: true, asi_eksklusif: null, updated_at: updatedAt };
    await setVisitNote(db, { child_id: childId, ...note });
    await setSasaran(db, { posyandu_id: 'melati', month: '2026-11', balita: 40, updated_at: updatedAt });
  });
  afterAll(async () => {
    await db.close();
    await dir.cleanup();
  });

  it.each(sqliteTables)(
    '%s: the columns of the schema, in order, NOT NULL and STRICT types alike',
    async (table, schema) => {
      const info = await db.all<{ name: string; type: string; notnull: number; pk: number }>(
        `SELECT name, type, "notnull", pk FROM pragma_table_info('${table}') ORDER BY cid`,
      );
      // A STRICT table's primary key holds no NULL even without NOT NULL written.
      const actual = info.map((column) => ({
        name: column.name,
        nullable: column.notnull === 0 && column.pk === 0,
        storage: column.type.toLowerCase(),
      }));
      expect(actual).toEqual(expected(schema));
    },
  );

  it.each(sqliteTables)('%s: the rows the store wrote parse by the schema', async (table, schema) => {
    const rows = await db.all(`SELECT * FROM ${table}`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(schema.safeParse(row).error).toBeUndefined();
  });
});

describe('the records against the district record in PostgreSQL', () => {
  let postgres: Postgres;
  let store: PostgresRecordStore;
  beforeAll(async () => {
    postgres = await startPostgres();
    store = await PostgresRecordStore.open(postgres.url);
    await store.storeBatch(batch);
  });
  afterAll(async () => {
    await store?.close();
    await postgres?.stop();
  });

  const storageOfPg: { [type: string]: Storage } = {
    text: 'text',
    smallint: 'integer',
    integer: 'integer',
    'double precision': 'real',
  };

  it.each(postgresTables)(
    '%s: the columns of the schema, in order, NOT NULL and types alike',
    async (table, schema) => {
      const info = await store.pg.query<{ column_name: string; is_nullable: string; data_type: string }>(
        `SELECT column_name, is_nullable, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      const actual = info.map((column) => ({
        name: column.column_name,
        nullable: column.is_nullable === 'YES',
        storage: storageOfPg[column.data_type] ?? column.data_type,
      }));
      expect(actual).toEqual(expected(schema));
    },
  );

  it.each(postgresTables)('%s: the rows the store wrote parse by the schema', async (table, schema) => {
    const rows = await store.pg.query(`SELECT * FROM ${table}`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(schema.safeParse(row).error).toBeUndefined();
  });
});
