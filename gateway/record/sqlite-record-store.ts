// The village record's store on a village box: the record's SQLite file (gateway/store/db.ts), the same schema
// as a gateway's (children, measurements, readings) plus `record_messages`, the dedupe table.

import { createHash } from 'node:crypto';
import { type ChildRow, childColumns } from '../model/records.ts';
import type { ChildWire, MeasurementMessage } from '../publish/payloads.ts';
import type { Db, Sql } from '../store/db.ts';
import { getMeasurement, insertMeasurementIfNew } from '../store/measurements.ts';
import { nameKey } from '../store/name-match.ts';
import {
  fromChildOwner,
  type Incoming,
  type InventoryEntry,
  type RecordChildRow,
  type RecordStore,
  registerSelect,
  type StoreOutcome,
} from './record-store.ts';

/** SHA-256 of the sorted ids, one per line: equal on both sides exactly when the sets are equal. */
export function idsDigest(sortedIds: readonly string[]): string {
  const hash = createHash('sha256');
  for (const id of sortedIds) hash.update(`${id}\n`);
  return hash.digest('hex');
}

/** Groups (posyandu, month, id) rows, already sorted that way, into inventory entries. */
export function inventoryOf(
  rows: readonly { posyandu_id: string; month: string; id: string }[],
): InventoryEntry[] {
  const entries: InventoryEntry[] = [];
  let ids: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as (typeof rows)[number];
    ids.push(row.id);
    const next = rows[i + 1];
    if (next === undefined || next.posyandu_id !== row.posyandu_id || next.month !== row.month) {
      entries.push({
        posyanduId: row.posyandu_id,
        month: row.month,
        count: ids.length,
        digest: idsDigest(ids),
      });
      ids = [];
    }
  }
  return entries;
}

export class SqliteRecordStore implements RecordStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  storeBatch(batch: readonly Incoming[]): Promise<StoreOutcome[]> {
    return this.#db.transaction(async (tx) => {
      const results: StoreOutcome[] = [];
      for (const item of batch) {
        const { message, kind, posyanduId } = item;
        const seen = await tx.get('SELECT 1 AS present FROM record_messages WHERE id = ?', [message.id]);
        if (seen) {
          results.push({ duplicate: true, childChanged: false });
          continue;
        }
        const childChanged = await upsertRecordChild(tx, message.child, fromChildOwner(item));
        if (message.schema === 'tikar.measurement/1') {
          await insertMeasurementIfNew(tx, message.measurement, message.readings);
        }
        await tx.run(
          'INSERT INTO record_messages (id, kind, posyandu_id, received_at, backfilled) VALUES (?,?,?,?,?)',
          [message.id, kind, posyanduId, new Date().toISOString(), message.backfilled ? 1 : 0],
        );
        results.push({ duplicate: false, childChanged });
      }
      return results;
    });
  }

  registerRow(childId: string): Promise<RecordChildRow | undefined> {
    return this.#db.get<RecordChildRow>(`${registerSelect} AND id = ?`, [childId]);
  }

  registerSince(villageId: string, since: string): Promise<RecordChildRow[]> {
    return this.#db.all<RecordChildRow>(
      `${registerSelect} AND village_id = ? AND updated_at >= ? ORDER BY updated_at`,
      [villageId, since],
    );
  }

  async inventory(villageId: string, months: readonly string[]): Promise<InventoryEntry[]> {
    if (months.length === 0) return [];
    const rows = await this.#db.all<{ posyandu_id: string; month: string; id: string }>(
      `SELECT posyandu_id, substr(measured_on, 1, 7) AS month, id FROM measurements
       WHERE village_id = ? AND substr(measured_on, 1, 7) IN (${months.map(() => '?').join(',')})
       ORDER BY posyandu_id, month, id`,
      [villageId, ...months],
    );
    return inventoryOf(rows);
  }

  async measurementIds(villageId: string, posyanduId: string, month: string): Promise<string[]> {
    const rows = await this.#db.all<{ id: string }>(
      `SELECT id FROM measurements WHERE village_id = ? AND posyandu_id = ? AND measured_on LIKE ?
       ORDER BY id`,
      [villageId, posyanduId, `${month}-%`],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Stored measurements rebuilt as the `tikar.measurement/1` messages a gateway sends (pseudonymous child
   * snapshot, readings), to send again to a district that lacks them. The message id is the measurement id,
   * so a second resend of the same row is a duplicate at the district.
   */
  async measurementMessages(ids: readonly string[]): Promise<MeasurementMessage[]> {
    const messages: MeasurementMessage[] = [];
    for (const id of ids) {
      const stored = await getMeasurement(this.#db, id);
      if (!stored) continue;
      const child = await this.#db.get<ChildRow>(
        `SELECT ${childColumns.join(', ')} FROM children WHERE id = ?`,
        [stored.row.child_id],
      );
      if (!child) continue;
      messages.push({
        schema: 'tikar.measurement/1',
        id,
        backfilled: true,
        child: {
          id: child.id,
          pseudo_id: child.pseudo_id,
          sex: child.sex,
          ...(child.birth_date === null ? {} : { birth_month: child.birth_date.slice(0, 7) }),
          posyandu_id: child.posyandu_id,
          village_id: child.village_id,
          has_kia: child.has_kia === 1,
          created_at: child.created_at,
          updated_at: child.updated_at,
        },
        measurement: stored.row,
        readings: stored.readings,
      });
    }
    return messages;
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}

/**
 * Stores a child as received. The record keeps what it is told: a field a message does not carry (a
 * measurement's pseudonymous snapshot, a register without NIK) leaves the stored value alone; a newer
 * `updated_at` replaces what it carries, and personal fields fill a row that had none whatever the time —
 * only when the message is from the child's own posyandu (`fromOwner`, see fromChildOwner), and never moves a
 * child to another posyandu. Returns true if the row changed.
 */
async function upsertRecordChild(tx: Sql, child: ChildWire, fromOwner: boolean): Promise<boolean> {
  const row: ChildRow = {
    id: child.id,
    pseudo_id: child.pseudo_id,
    name: child.name ?? null,
    name_key: child.name === undefined ? null : nameKey(child.name),
    sex: child.sex,
    birth_date: child.birth_date ?? null,
    nik: child.nik ?? null,
    mother_name: child.mother_name ?? null,
    posyandu_id: child.posyandu_id,
    village_id: child.village_id,
    has_kia: child.has_kia ? 1 : 0,
    created_at: child.created_at,
    updated_at: child.updated_at,
  };
  const result = await tx.run(
    `INSERT INTO children (${childColumns.join(', ')}) VALUES (${childColumns.map(() => '?').join(',')})
     ON CONFLICT (id) DO UPDATE SET
       name = coalesce(excluded.name, children.name),
       name_key = coalesce(excluded.name_key, children.name_key),
       birth_date = coalesce(excluded.birth_date, children.birth_date),
       mother_name = coalesce(excluded.mother_name, children.mother_name),
       nik = CASE WHEN ? THEN excluded.nik ELSE children.nik END,
       sex = excluded.sex, posyandu_id = excluded.posyandu_id, has_kia = excluded.has_kia,
       updated_at = max(excluded.updated_at, children.updated_at)
     WHERE ? AND children.posyandu_id = excluded.posyandu_id
       AND (excluded.updated_at > children.updated_at OR (children.name IS NULL AND excluded.name IS NOT NULL))`,
    [...childColumns.map((column) => row[column]), child.nik === undefined ? 0 : 1, fromOwner ? 1 : 0],
  );
  return result.changes > 0;
}
