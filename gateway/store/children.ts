// Children: registration, lookup, and merging of the village register (children of other posyandu).

import type { Child, Sex } from '../app/services.ts';
import type { Row, Sql } from './db.ts';
import { nameKey, nameSimilarity } from './name-match.ts';

interface ChildRow extends Row {
  id: string;
  pseudo_id: string;
  name: string;
  sex: number;
  birth_date: string;
  nik: string | null;
  mother_name: string;
  posyandu_id: string;
  village_id: string;
  has_kia: number;
  created_at: string;
  updated_at: string;
}

const columns =
  'id, pseudo_id, name, sex, birth_date, nik, mother_name, posyandu_id, village_id, has_kia, created_at, updated_at';

function toChild(row: ChildRow): Child {
  return {
    id: row.id,
    pseudo_id: row.pseudo_id,
    name: row.name,
    sex: row.sex as Sex,
    birth_date: row.birth_date,
    nik: row.nik,
    mother_name: row.mother_name,
    posyandu_id: row.posyandu_id,
    village_id: row.village_id,
    has_kia: row.has_kia === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function values(child: Child) {
  return [
    child.id,
    child.pseudo_id,
    child.name,
    nameKey(child.name),
    child.sex,
    child.birth_date,
    child.nik,
    child.mother_name,
    child.posyandu_id,
    child.village_id,
    child.has_kia ? 1 : 0,
    child.created_at,
    child.updated_at,
  ];
}

export async function insertChild(sql: Sql, child: Child): Promise<void> {
  await sql.run(
    `INSERT INTO children (id, pseudo_id, name, name_key, sex, birth_date, nik, mother_name, posyandu_id,
       village_id, has_kia, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    values(child),
  );
}

/**
 * Inserts a child known elsewhere (village register, or the child snapshot in a measurement message);
 * an existing row is replaced only by a newer `updated_at`. Returns true if the row changed.
 */
export async function upsertChild(sql: Sql, child: Child): Promise<boolean> {
  const result = await sql.run(
    `INSERT INTO children (id, pseudo_id, name, name_key, sex, birth_date, nik, mother_name, posyandu_id,
       village_id, has_kia, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, sex = excluded.sex,
       birth_date = excluded.birth_date, nik = excluded.nik, mother_name = excluded.mother_name,
       posyandu_id = excluded.posyandu_id, has_kia = excluded.has_kia, updated_at = excluded.updated_at
     WHERE excluded.updated_at > children.updated_at`,
    values(child),
  );
  return result.changes > 0;
}

export async function getChild(sql: Sql, id: string): Promise<Child | undefined> {
  const row = await sql.get<ChildRow>(`SELECT ${columns} FROM children WHERE id = ?`, [id]);
  return row ? toChild(row) : undefined;
}

export async function findChildByNik(sql: Sql, nik: string): Promise<Child | undefined> {
  const row = await sql.get<ChildRow>(`SELECT ${columns} FROM children WHERE nik = ?`, [nik]);
  return row ? toChild(row) : undefined;
}

export async function listChildren(sql: Sql): Promise<Child[]> {
  const rows = await sql.all<ChildRow>(`SELECT ${columns} FROM children ORDER BY name_key, id`);
  return rows.map(toChild);
}

export async function countChildren(sql: Sql): Promise<number> {
  const row = await sql.get<{ n: number }>('SELECT count(*) AS n FROM children');
  return row?.n ?? 0;
}

/** Children whose name resembles the query, best first (scores only the name keys, then loads the few best). */
export async function searchChildren(
  sql: Sql,
  query: string,
  limit: number,
): Promise<{ child: Child; score: number }[]> {
  const queryKey = nameKey(query);
  if (queryKey.length === 0) return [];
  const keys = await sql.all<{ id: string; name_key: string }>('SELECT id, name_key FROM children');
  const minimumScore = 0.7;
  const best = keys
    .map((row) => ({ row, score: nameSimilarity(queryKey, row.name_key) }))
    .filter((match) => match.score >= minimumScore)
    .sort((a, b) => b.score - a.score || a.row.name_key.localeCompare(b.row.name_key))
    .slice(0, limit);
  const matches: { child: Child; score: number }[] = [];
  for (const { row, score } of best) {
    const child = await getChild(sql, row.id);
    if (child) matches.push({ child, score: Math.round(score * 100) / 100 });
  }
  return matches;
}
