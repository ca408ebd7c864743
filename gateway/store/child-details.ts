// What the gateway keeps about a child and a visit beside the register, never published over MQTT:
// the address for home visits (dusun, RT/RW, phone), a visit's vitamin A and ASI eksklusif, and the
// month's sasaran (target count of balita in the area) per posyandu. Tables of migration 5.
import {
  type ChildAddressRow,
  childAddressColumns,
  type SasaranRow,
  sasaranColumns,
  type VisitNoteRow,
  visitNoteColumns,
} from '../model/records.ts';
import type { Sql } from './db.ts';

export type ChildAddress = ChildAddressRow;
export type Sasaran = SasaranRow;

/** A visit note as the screens see it: the row with its flags as booleans. */
export type VisitNote = Omit<VisitNoteRow, 'vitamin_a' | 'asi_eksklusif'> & {
  vitamin_a: boolean | null;
  asi_eksklusif: boolean | null;
};

type Flag = 0 | 1 | null;
const toFlag = (value: boolean | null): Flag => (value === null ? null : value ? 1 : 0);
const fromFlag = (value: Flag): boolean | null => (value === null ? null : value === 1);

/** `INSERT … ON CONFLICT (key) DO UPDATE`: a newer row replaces every other column. */
function replaceSql(table: string, columns: readonly string[], key: readonly string[]): string {
  const others = columns.filter((column) => !key.includes(column));
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(',')})
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${others.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}
const setAddressSql = replaceSql('child_addresses', childAddressColumns, ['child_id']);
const setSasaranSql = replaceSql('sasaran', sasaranColumns, ['posyandu_id', 'month']);

export async function setChildAddress(sql: Sql, address: ChildAddress): Promise<void> {
  await sql.run(
    setAddressSql,
    childAddressColumns.map((column) => address[column]),
  );
}

export async function getChildAddress(sql: Sql, childId: string): Promise<ChildAddress | undefined> {
  return sql.get<ChildAddressRow>(
    `SELECT ${childAddressColumns.join(', ')} FROM child_addresses WHERE child_id = ?`,
    [childId],
  );
}

/** Records what was given at a visit; a field left null keeps what an earlier call recorded that day. */
export async function setVisitNote(sql: Sql, note: VisitNote): Promise<void> {
  await sql.run(
    `INSERT INTO visit_notes (child_id, visit_on, vitamin_a, asi_eksklusif, updated_at) VALUES (?,?,?,?,?)
     ON CONFLICT (child_id, visit_on) DO UPDATE SET
       vitamin_a = coalesce(excluded.vitamin_a, visit_notes.vitamin_a),
       asi_eksklusif = coalesce(excluded.asi_eksklusif, visit_notes.asi_eksklusif),
       updated_at = excluded.updated_at`,
    [note.child_id, note.visit_on, toFlag(note.vitamin_a), toFlag(note.asi_eksklusif), note.updated_at],
  );
}

export async function listVisitNotes(sql: Sql, childId: string): Promise<VisitNote[]> {
  const rows = await sql.all<VisitNoteRow>(
    `SELECT ${visitNoteColumns.join(', ')} FROM visit_notes WHERE child_id = ? ORDER BY visit_on`,
    [childId],
  );
  return rows.map((row) => ({
    ...row,
    vitamin_a: fromFlag(row.vitamin_a),
    asi_eksklusif: fromFlag(row.asi_eksklusif),
  }));
}

export async function setSasaran(sql: Sql, sasaran: Sasaran): Promise<void> {
  await sql.run(
    setSasaranSql,
    sasaranColumns.map((column) => sasaran[column]),
  );
}

export async function clearSasaran(sql: Sql, posyanduId: string, month: string): Promise<void> {
  await sql.run('DELETE FROM sasaran WHERE posyandu_id = ? AND month = ?', [posyanduId, month]);
}

/** The detail tables of one posyandu's gateway, for the screens (web/api/detail-routes.ts). */
export interface DetailStore {
  /** undefined when no such child. */
  getAddress(childId: string): Promise<ChildAddress | null | undefined>;
  /** false when no such child. */
  setAddress(childId: string, address: Omit<ChildAddress, 'child_id' | 'updated_at'>): Promise<boolean>;
  listVisitNotes(childId: string): Promise<VisitNote[] | undefined>;
  setVisitNote(note: Omit<VisitNote, 'updated_at'>): Promise<boolean>;
  getSasaran(month: string): Promise<number | null>;
  /** null clears the month's sasaran (S falls back to the registered count). */
  setSasaran(month: string, balita: number | null): Promise<void>;
}

export function createDetailStore(
  sql: Sql,
  posyanduId: string,
  now: () => Date = () => new Date(),
): DetailStore {
  const exists = async (childId: string) =>
    (await sql.get('SELECT 1 AS present FROM children WHERE id = ?', [childId])) !== undefined;
  return {
    async getAddress(childId) {
      if (!(await exists(childId))) return undefined;
      return (await getChildAddress(sql, childId)) ?? null;
    },
    async setAddress(childId, address) {
      if (!(await exists(childId))) return false;
      await setChildAddress(sql, { child_id: childId, ...address, updated_at: now().toISOString() });
      return true;
    },
    async listVisitNotes(childId) {
      return (await exists(childId)) ? listVisitNotes(sql, childId) : undefined;
    },
    async setVisitNote(note) {
      if (!(await exists(note.child_id))) return false;
      await setVisitNote(sql, { ...note, updated_at: now().toISOString() });
      return true;
    },
    async getSasaran(month) {
      const row = await sql.get<{ balita: number }>(
        'SELECT balita FROM sasaran WHERE posyandu_id = ? AND month = ?',
        [posyanduId, month],
      );
      return row?.balita ?? null;
    },
    async setSasaran(month, balita) {
      if (balita === null) await clearSasaran(sql, posyanduId, month);
      else await setSasaran(sql, { posyandu_id: posyanduId, month, balita, updated_at: now().toISOString() });
    },
  };
}
