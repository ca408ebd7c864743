// What the gateway keeps about a child and a visit beside the register, never published over MQTT:
// the address for home visits (dusun, RT/RW, phone), a visit's vitamin A and ASI eksklusif, and the
// month's sasaran (target count of balita in the area) per posyandu. Tables of migration 5.
import type { Row, Sql } from './db.ts';

export interface ChildAddress {
  child_id: string;
  dusun: string | null;
  rt: string | null;
  rw: string | null;
  phone: string | null;
  updated_at: string;
}

export interface VisitNote {
  child_id: string;
  visit_on: string; // YYYY-MM-DD
  vitamin_a: boolean | null;
  asi_eksklusif: boolean | null;
  updated_at: string;
}

export interface Sasaran {
  posyandu_id: string;
  month: string; // YYYY-MM
  balita: number;
  updated_at: string;
}

type Flag = 0 | 1 | null;
const toFlag = (value: boolean | null): Flag => (value === null ? null : value ? 1 : 0);
const fromFlag = (value: Flag): boolean | null => (value === null ? null : value === 1);

export async function setChildAddress(sql: Sql, address: ChildAddress): Promise<void> {
  await sql.run(
    `INSERT INTO child_addresses (child_id, dusun, rt, rw, phone, updated_at) VALUES (?,?,?,?,?,?)
     ON CONFLICT (child_id) DO UPDATE SET dusun = excluded.dusun, rt = excluded.rt, rw = excluded.rw,
       phone = excluded.phone, updated_at = excluded.updated_at`,
    [address.child_id, address.dusun, address.rt, address.rw, address.phone, address.updated_at],
  );
}

export async function getChildAddress(sql: Sql, childId: string): Promise<ChildAddress | undefined> {
  return sql.get<ChildAddress & Row>(
    'SELECT child_id, dusun, rt, rw, phone, updated_at FROM child_addresses WHERE child_id = ?',
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

interface VisitNoteRow extends Row {
  child_id: string;
  visit_on: string;
  vitamin_a: Flag;
  asi_eksklusif: Flag;
  updated_at: string;
}

export async function listVisitNotes(sql: Sql, childId: string): Promise<VisitNote[]> {
  const rows = await sql.all<VisitNoteRow>(
    'SELECT child_id, visit_on, vitamin_a, asi_eksklusif, updated_at FROM visit_notes WHERE child_id = ? ORDER BY visit_on',
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
    `INSERT INTO sasaran (posyandu_id, month, balita, updated_at) VALUES (?,?,?,?)
     ON CONFLICT (posyandu_id, month) DO UPDATE SET balita = excluded.balita, updated_at = excluded.updated_at`,
    [sasaran.posyandu_id, sasaran.month, sasaran.balita, sasaran.updated_at],
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
