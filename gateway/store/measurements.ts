// Measurements and their raw readings. Rows are never updated: a correction is a new row whose
// supersedes_id names the row it replaces.

import {
  type MeasurementRow,
  measurementColumns,
  type ReadingRow,
  readingColumns,
} from '../model/records.ts';
import type { Sql, SqlValue } from './db.ts';

export type { MeasurementRow, ReadingRow };

/** A stored measurement with what the screens need besides the row itself. */
export interface StoredMeasurement {
  row: MeasurementRow;
  readings: ReadingRow[];
  supersededBy: string | null;
  delivery: 'pending' | 'sent' | 'delivered' | 'local';
}

const insertMeasurementSql = `INSERT INTO measurements (${measurementColumns.join(', ')}) VALUES (${measurementColumns
  .map(() => '?')
  .join(',')})`;
const insertReadingSql = `INSERT INTO readings (${readingColumns.join(', ')}) VALUES (${readingColumns
  .map(() => '?')
  .join(',')})`;

/** Inserts a measurement and its readings (call inside a transaction together with its outbox message). */
export async function insertMeasurement(
  sql: Sql,
  row: MeasurementRow,
  readings: ReadingRow[],
): Promise<void> {
  await sql.run(
    insertMeasurementSql,
    measurementColumns.map((c) => row[c]),
  );
  for (const reading of readings) {
    await sql.run(
      insertReadingSql,
      readingColumns.map((c) => reading[c]),
    );
  }
}

/** Inserts a measurement received from elsewhere unless its id is already stored. Returns true if new. */
export async function insertMeasurementIfNew(
  sql: Sql,
  row: MeasurementRow,
  readings: ReadingRow[],
): Promise<boolean> {
  const existing = await sql.get('SELECT 1 AS present FROM measurements WHERE id = ?', [row.id]);
  if (existing) return false;
  await insertMeasurement(sql, row, readings);
  return true;
}

const selectStored = `SELECT m.*,
  (SELECT s.id FROM measurements s WHERE s.supersedes_id = m.id) AS superseded_by,
  (SELECT CASE WHEN o.delivered_at IS NOT NULL THEN 'delivered' WHEN o.sent_at IS NOT NULL THEN 'sent'
          ELSE 'pending' END FROM outbox o WHERE o.subject_id = m.id AND o.kind = 'measurement') AS delivery
  FROM measurements m`;

type StoredRow = MeasurementRow & {
  superseded_by: string | null;
  delivery: StoredMeasurement['delivery'] | null;
};

async function withReadings(sql: Sql, rows: StoredRow[]): Promise<StoredMeasurement[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const readings = await sql.all<ReadingRow>(
    `SELECT ${readingColumns.join(', ')} FROM readings WHERE measurement_id IN (${ids.map(() => '?').join(',')})
     ORDER BY channel, ordinal`,
    ids,
  );
  const byMeasurement = new Map<string, ReadingRow[]>();
  for (const reading of readings) {
    const list = byMeasurement.get(reading.measurement_id) ?? [];
    list.push(reading);
    byMeasurement.set(reading.measurement_id, list);
  }
  return rows.map(({ superseded_by, delivery, ...row }) => ({
    row: row as MeasurementRow,
    readings: byMeasurement.get(row.id) ?? [],
    supersededBy: superseded_by,
    delivery: delivery ?? 'local',
  }));
}

export async function getMeasurement(sql: Sql, id: string): Promise<StoredMeasurement | undefined> {
  const rows = await sql.all<StoredRow>(`${selectStored} WHERE m.id = ?`, [id]);
  return (await withReadings(sql, rows))[0];
}

/** A child's measurements, newest first (corrected rows included, marked by supersededBy). */
export async function listMeasurementsOfChild(sql: Sql, childId: string): Promise<StoredMeasurement[]> {
  const rows = await sql.all<StoredRow>(
    `${selectStored} WHERE m.child_id = ? ORDER BY m.measured_at DESC, m.id DESC`,
    [childId],
  );
  return withReadings(sql, rows);
}

/** The child's newest current (not superseded) measurement before `beforeIso`, if any. */
export async function previousMeasurement(
  sql: Sql,
  childId: string,
  beforeIso: string,
  excludeId: string | null = null,
): Promise<MeasurementRow | undefined> {
  return sql.get<MeasurementRow>(
    `SELECT m.* FROM measurements m
     WHERE m.child_id = ? AND m.measured_at < ? AND m.id IS NOT ?
       AND NOT EXISTS (SELECT 1 FROM measurements s WHERE s.supersedes_id = m.id)
     ORDER BY m.measured_at DESC, m.id DESC LIMIT 1`,
    [childId, beforeIso, excludeId],
  );
}

/** Current measurements taken at a posyandu on a local date, newest first. */
export async function measurementsOnDay(
  sql: Sql,
  posyanduId: string,
  measuredOn: string,
): Promise<StoredMeasurement[]> {
  const rows = await sql.all<StoredRow>(
    `${selectStored} WHERE m.posyandu_id = ? AND m.measured_on = ?
       AND NOT EXISTS (SELECT 1 FROM measurements s WHERE s.supersedes_id = m.id)
     ORDER BY m.measured_at DESC, m.id DESC`,
    [posyanduId, measuredOn],
  );
  return withReadings(sql, rows);
}

/** When the newest measurement of this gateway was stored (UTC ISO), for the clock check. */
export async function newestCreatedAt(sql: Sql): Promise<string | null> {
  const row = await sql.get<{ newest: string | null }>(
    "SELECT max(created_at) AS newest FROM measurements WHERE source != 'record'",
  );
  return row?.newest ?? null;
}

export async function countMeasurements(sql: Sql, where = '1', params: SqlValue[] = []): Promise<number> {
  const row = await sql.get<{ n: number }>(`SELECT count(*) AS n FROM measurements WHERE ${where}`, params);
  return row?.n ?? 0;
}
