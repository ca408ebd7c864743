// The child_corrections table (migration 8) and the one statement that changes a local child's identity.
// The rules (who may correct what, re-scoring, the outbox) are in gateway/app/child-corrections.ts.

import type { Row, Sql } from './db.ts';
import { nameKey } from './name-match.ts';

export interface ChildCorrectionRow extends Row {
  id: string;
  child_id: string;
  corrected_at: string;
  corrected_by: 'bidan' | 'admin';
  reason: string;
  /** JSON objects of the changed fields: personal data, kept in this 0600 database only. */
  before_json: string;
  after_json: string;
  /** How many measurements were re-scored. */
  rescored: number;
}

/** The identity columns of a child and its new `updated_at`. */
export interface ChildIdentityValues {
  id: string;
  name: string;
  sex: 1 | 2;
  birth_date: string;
  nik: string | null;
  mother_name: string;
  has_kia: boolean;
  updated_at: string;
}

export async function updateChildIdentity(sql: Sql, child: ChildIdentityValues): Promise<void> {
  await sql.run(
    `UPDATE children SET name = ?, name_key = ?, sex = ?, birth_date = ?, nik = ?, mother_name = ?, has_kia = ?,
       updated_at = ? WHERE id = ?`,
    [
      child.name,
      nameKey(child.name),
      child.sex,
      child.birth_date,
      child.nik,
      child.mother_name,
      child.has_kia ? 1 : 0,
      child.updated_at,
      child.id,
    ],
  );
}

/** True when another child than `exceptId` holds this NIK. */
export async function nikTaken(sql: Sql, nik: string, exceptId: string): Promise<boolean> {
  return (
    (await sql.get('SELECT 1 AS taken FROM children WHERE nik = ? AND id != ?', [nik, exceptId])) !==
    undefined
  );
}

export async function insertChildCorrection(sql: Sql, row: ChildCorrectionRow): Promise<void> {
  await sql.run(
    `INSERT INTO child_corrections (id, child_id, corrected_at, corrected_by, reason, before_json, after_json,
       rescored) VALUES (?,?,?,?,?,?,?,?)`,
    [
      row.id,
      row.child_id,
      row.corrected_at,
      row.corrected_by,
      row.reason,
      row.before_json,
      row.after_json,
      row.rescored,
    ],
  );
}

/** A child's corrections, newest first. */
export function listChildCorrectionRows(sql: Sql, childId: string): Promise<ChildCorrectionRow[]> {
  return sql.all<ChildCorrectionRow>(
    `SELECT id, child_id, corrected_at, corrected_by, reason, before_json, after_json, rescored
     FROM child_corrections WHERE child_id = ? ORDER BY corrected_at DESC, id DESC`,
    [childId],
  );
}
