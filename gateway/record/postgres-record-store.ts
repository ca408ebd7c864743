// The district record's store: the record service's RecordStore on PostgreSQL, shared by several workers.
// Exactly once across workers: a message id is inserted if absent (`ON CONFLICT DO NOTHING` on the primary
// key); a worker that loses the race for an id sees it as a duplicate, and a worker killed mid-batch leaves
// nothing (one transaction), so the gateway's resend is stored by whoever gets it. Rows are written in id
// order within each table, so two workers' batches never wait on each other in a cycle.

import type { z } from 'zod';
import {
  childColumns,
  childRecord,
  columnNamesOf,
  measurementColumns,
  readingColumns,
  type Storage,
  storageOf,
} from '../model/records.ts';
import type { MeasurementWire, ReadingWire } from '../publish/payloads.ts';
import { nameKey } from '../store/name-match.ts';
import { openPostgres, type Pg, type PgSql, pgStatement } from '../store/postgres.ts';
import { migratePostgres } from './postgres-migrations.ts';
import {
  fromChildOwner,
  type Incoming,
  type InventoryEntry,
  type RecordChildRow,
  type RecordStore,
  registerSelect,
  type StoreOutcome,
} from './record-store.ts';
import { inventoryOf } from './sqlite-record-store.ts';

/**
 * The fresh rows of a batch in one statement: measurements, their readings and the posyandu-months the
 * summaries must recompute. Each table's rows arrive as one JSON array (`json_populate_recordset` reads them
 * by column name with the table's own types): one native JSON.stringify instead of a PostgreSQL array literal
 * per column built in JavaScript, which was most of a worker's time in pg. The readings' foreign key is
 * checked at the end of the statement, after the measurements' insert.
 */
const insertRows = pgStatement(`WITH m AS (
    INSERT INTO measurements (${measurementColumns.join(', ')})
    SELECT ${measurementColumns.join(', ')} FROM json_populate_recordset(NULL::measurements, $1::json)
    ORDER BY id ON CONFLICT (id) DO NOTHING),
  r AS (
    INSERT INTO readings (${readingColumns.join(', ')})
    SELECT ${readingColumns.join(', ')} FROM json_populate_recordset(NULL::readings, $2::json)
    ORDER BY id ON CONFLICT DO NOTHING)
  INSERT INTO district_dirty (village_id, posyandu_id, month)
  SELECT village_id, posyandu_id, month FROM json_populate_recordset(NULL::district_dirty, $3::json)`);

/** Claims the batch's message ids: returns the ones inserted now. */
const claimIds = pgStatement(`INSERT INTO record_messages (id, kind, village_id, posyandu_id, backfilled)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[])
  ORDER BY 1 ON CONFLICT (id) DO NOTHING RETURNING id`);

export class PostgresRecordStore implements RecordStore {
  readonly #pg: Pg;

  constructor(pg: Pg) {
    this.#pg = pg;
  }

  /** Connects, runs the migrations, and returns the store. */
  static async open(url: string, options: { connections?: number } = {}): Promise<PostgresRecordStore> {
    const pg = await openPostgres(url, { max: options.connections ?? 3, applicationName: 'tikar-record' });
    try {
      await migratePostgres(pg);
    } catch (error) {
      await pg.close();
      throw error;
    }
    return new PostgresRecordStore(pg);
  }

  get pg(): Pg {
    return this.#pg;
  }

  storeBatch(batch: readonly Incoming[]): Promise<StoreOutcome[]> {
    return this.#pg.transaction((tx) => storeBatchIn(tx, batch));
  }

  async registerRow(childId: string): Promise<RecordChildRow | undefined> {
    const [row] = await this.#pg.query<RecordChildRow>(`${registerSelect} AND id = $1`, [childId]);
    return row;
  }

  registerSince(villageId: string, since: string): Promise<RecordChildRow[]> {
    return this.#pg.query<RecordChildRow>(
      `${registerSelect} AND village_id = $1 AND updated_at >= $2 ORDER BY updated_at`,
      [villageId, since],
    );
  }

  async inventory(villageId: string, months: readonly string[]): Promise<InventoryEntry[]> {
    if (months.length === 0) return [];
    const rows = await this.#pg.query<{ posyandu_id: string; month: string; id: string }>(
      `SELECT posyandu_id, left(measured_on, 7) AS month, id FROM measurements
       WHERE village_id = $1 AND left(measured_on, 7) = ANY ($2::text[])
       ORDER BY posyandu_id COLLATE "C", left(measured_on, 7) COLLATE "C", id COLLATE "C"`,
      [villageId, months],
    );
    return inventoryOf(rows);
  }

  async measurementIds(villageId: string, posyanduId: string, month: string): Promise<string[]> {
    const rows = await this.#pg.query<{ id: string }>(
      `SELECT id FROM measurements WHERE village_id = $1 AND posyandu_id = $2
         AND measured_on >= $3 AND measured_on < $4 ORDER BY id COLLATE "C"`,
      [villageId, posyanduId, `${month}-01`, `${month}-32`],
    );
    return rows.map((row) => row.id);
  }

  close(): Promise<void> {
    return this.#pg.close();
  }
}

async function storeBatchIn(tx: PgSql, batch: readonly Incoming[]): Promise<StoreOutcome[]> {
  // 1. Claim the message ids: only the ones inserted now are new (a resend, or another worker's, is not).
  const claimed = new Set(
    (
      await tx.query<{ id: string }>(claimIds, [
        batch.map((item) => item.message.id),
        batch.map((item) => item.kind),
        batch.map((item) => item.villageId),
        batch.map((item) => item.posyanduId),
        batch.map((item) => item.message.backfilled),
      ])
    ).map((row) => row.id),
  );
  const fresh: number[] = [];
  for (const [index, item] of batch.entries()) {
    // The first occurrence of a claimed id is new; a second copy in the same batch is a duplicate.
    if (claimed.delete(item.message.id)) fresh.push(index);
  }
  const outcomes: StoreOutcome[] = batch.map(() => ({ duplicate: true, childChanged: false }));
  for (const index of fresh) outcomes[index] = { duplicate: false, childChanged: false };

  // 2. Children: one statement per round, where round k holds the k-th message of each child in the batch, so
  //    a child's versions merge in arrival order and no statement touches a row twice.
  const rounds: number[][] = [];
  const seenOfChild = new Map<string, number>();
  for (const index of fresh) {
    const childId = (batch[index] as Incoming).message.child.id;
    const round = seenOfChild.get(childId) ?? 0;
    seenOfChild.set(childId, round + 1);
    const members = rounds[round] ?? [];
    members.push(index);
    rounds[round] = members;
  }
  for (const round of rounds) {
    const changed = await upsertChildren(
      tx,
      round.map((index) => batch[index] as Incoming),
    );
    for (const index of round) {
      if (changed.has((batch[index] as Incoming).message.child.id))
        (outcomes[index] as StoreOutcome).childChanged = true;
    }
  }

  // 3. Measurements, readings and what the district's summaries must recompute, in one statement. Dirty: the
  //    child's posyandu (its reports) and, for a measurement, the posyandu where it was taken (its last
  //    message), in the month it concerns.
  const measurements: MeasurementWire[] = [];
  const readings: ReadingWire[] = [];
  const dirty = new Map<string, { village_id: string; posyandu_id: string; month: string }>();
  const markDirty = (village_id: string, posyandu_id: string, month: string) =>
    dirty.set(`${village_id}/${posyandu_id}/${month}`, { village_id, posyandu_id, month });
  for (const index of fresh) {
    const { message } = batch[index] as Incoming;
    const { child } = message;
    if (message.schema !== 'tikar.measurement/1') {
      markDirty(child.village_id, child.posyandu_id, child.updated_at.slice(0, 7));
      continue;
    }
    const { measurement } = message;
    const month = measurement.measured_on.slice(0, 7);
    measurements.push(measurement);
    readings.push(...message.readings);
    markDirty(child.village_id, child.posyandu_id, month);
    markDirty(measurement.village_id, measurement.posyandu_id, month);
  }
  if (dirty.size > 0) {
    await tx.query(insertRows, [
      JSON.stringify(measurements),
      JSON.stringify(readings),
      JSON.stringify([...dirty.values()]),
    ]);
  }
  return outcomes;
}

/** PostgreSQL array types of the children's columns, for one multi-row upsert through unnest(). */
const pgTypes: Record<Storage, string> = { text: 'text', integer: 'integer', real: 'float8' };
const childTypes = columnNamesOf(childRecord).map(
  (column) => pgTypes[storageOf(childRecord.shape[column] as z.ZodType)],
);
/** The children's columns, and whether the message carried a NIK (the merge keeps the stored one if not). */
const childInputColumns = [
  ...childColumns.map((column, i) => [column, childTypes[i] as string] as const),
  ['carries_nik', 'boolean'] as const,
  ['from_owner', 'boolean'] as const,
];
/**
 * The same merge as the village record's (sqlite-record-store.ts), for many children at once (each at most
 * once): newest `updated_at` wins, personal fields fill gaps, a NIK is replaced only by a message carrying one,
 * and only a message from the child's own posyandu changes a stored child (fromChildOwner).
 * Returns the ids of the rows inserted or changed.
 */
const upsertChildrenStatement = pgStatement(`WITH input AS (
    SELECT * FROM unnest(${childInputColumns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
      AS u(${childInputColumns.map(([name]) => name).join(', ')}))
  INSERT INTO children AS c (${childColumns.join(', ')})
  SELECT ${childColumns.join(', ')} FROM input ORDER BY id
  ON CONFLICT (id) DO UPDATE SET
    name = coalesce(excluded.name, c.name),
    name_key = coalesce(excluded.name_key, c.name_key),
    birth_date = coalesce(excluded.birth_date, c.birth_date),
    mother_name = coalesce(excluded.mother_name, c.mother_name),
    nik = CASE WHEN (SELECT i.carries_nik FROM input i WHERE i.id = excluded.id) THEN excluded.nik ELSE c.nik END,
    sex = excluded.sex, posyandu_id = excluded.posyandu_id, has_kia = excluded.has_kia,
    updated_at = greatest(excluded.updated_at, c.updated_at)
  WHERE (SELECT i.from_owner FROM input i WHERE i.id = excluded.id) AND c.posyandu_id = excluded.posyandu_id
    AND (excluded.updated_at > c.updated_at OR (c.name IS NULL AND excluded.name IS NOT NULL))
  RETURNING c.id`);

async function upsertChildren(tx: PgSql, items: readonly Incoming[]): Promise<Set<string>> {
  const rows = items.map(({ message: { child } }, i) => ({
    ...child,
    name: child.name ?? null,
    name_key: child.name === undefined ? null : nameKey(child.name),
    birth_date: child.birth_date ?? null,
    nik: child.nik ?? null,
    mother_name: child.mother_name ?? null,
    has_kia: child.has_kia ? 1 : 0,
    carries_nik: child.nik !== undefined,
    from_owner: fromChildOwner(items[i] as Incoming),
  }));
  const changed = await tx.query<{ id: string }>(
    upsertChildrenStatement,
    childInputColumns.map(([name]) => rows.map((row) => row[name])),
  );
  return new Set(changed.map((row) => row.id));
}
