// Children: registration, lookup, and merging of the village register (children of other posyandu).

import type { Child } from '../model/index.ts';
import { type ChildRow, childColumns } from '../model/records.ts';
import type { Db, Sql } from './db.ts';
import { nameKey, nameSimilarity } from './name-match.ts';

const columns = childColumns.join(', ');
const insertSql = `INSERT INTO children (${columns}) VALUES (${childColumns.map(() => '?').join(',')})`;

/** A child of this posyandu's register as the screens see it (its personal fields are never null here). */
function toChild(row: ChildRow): Child {
  return {
    id: row.id,
    pseudo_id: row.pseudo_id,
    name: row.name as string,
    sex: row.sex,
    birth_date: row.birth_date as string,
    nik: row.nik,
    mother_name: row.mother_name as string,
    posyandu_id: row.posyandu_id,
    village_id: row.village_id,
    has_kia: row.has_kia === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function values(child: Child) {
  const row: ChildRow = { ...child, name_key: nameKey(child.name), has_kia: child.has_kia ? 1 : 0 };
  return childColumns.map((column) => row[column]);
}

export async function insertChild(sql: Sql, child: Child): Promise<void> {
  await sql.run(insertSql, values(child));
}

/**
 * Merges a child of another posyandu from the village register: inserted when new, replaced only by a newer
 * `updated_at`, and never when the stored row belongs to `ownPosyanduId` (this posyandu's children change
 * only here, whatever anyone publishes). The caller refuses a register child naming this posyandu.
 * Returns true if the row changed.
 */
export async function mergeRegisterChild(sql: Sql, child: Child, ownPosyanduId: string): Promise<boolean> {
  const result = await sql.run(
    `${insertSql}
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, sex = excluded.sex,
       birth_date = excluded.birth_date, nik = excluded.nik, mother_name = excluded.mother_name,
       posyandu_id = excluded.posyandu_id, has_kia = excluded.has_kia, updated_at = excluded.updated_at
     WHERE excluded.updated_at > children.updated_at AND children.posyandu_id != ?`,
    [...values(child), ownPosyanduId],
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

/**
 * Children already registered as this one: the same name and mother's name (after spelling folding) and the
 * same birth date. A second registration of the same child splits its history in two.
 */
export async function findSameChild(
  sql: Sql,
  child: { name: string; birth_date: string; mother_name: string },
): Promise<Child[]> {
  const rows = await sql.all<ChildRow>(
    `SELECT ${columns} FROM children WHERE birth_date = ? AND name_key = ? ORDER BY created_at`,
    [child.birth_date, nameKey(child.name)],
  );
  // The spelling fold drops digits; "Anak 1" and "Anak 10" are not the same child.
  const digits = (text: string) => text.replace(/\D/g, '');
  const motherKey = nameKey(child.mother_name);
  return rows
    .map(toChild)
    .filter(
      (found) =>
        nameKey(found.mother_name) === motherKey &&
        digits(found.name) === digits(child.name) &&
        digits(found.mother_name) === digits(child.mother_name),
    );
}

/**
 * Rows per statement when reading every child: sqlite3 builds a whole result in native memory before handing
 * it to JS, and 10,000 rows at once left ~15 MB of RSS behind; pages of this size keep that small.
 */
const pageRows = 500;

/** All children by name, or the first `limit`; read in pages from one snapshot. */
export async function listChildren(db: Db, limit = Number.POSITIVE_INFINITY): Promise<Child[]> {
  return db.snapshot(async (tx) => {
    const children: Child[] = [];
    while (children.length < limit) {
      const wanted = Math.min(pageRows, limit - children.length);
      const rows = await tx.all<ChildRow>(
        `SELECT ${columns} FROM children ORDER BY name_key, id LIMIT ? OFFSET ?`,
        [wanted, children.length],
      );
      for (const row of rows) children.push(toChild(row));
      if (rows.length < wanted) break;
    }
    return children;
  });
}

export async function countChildren(sql: Sql): Promise<number> {
  const row = await sql.get<{ n: number }>('SELECT count(*) AS n FROM children');
  return row?.n ?? 0;
}

/** Children whose name resembles the query, best first (scores only the name keys, then loads the few best). */
export async function searchChildren(
  db: Db,
  query: string,
  limit: number,
): Promise<{ child: Child; score: number; matched_on: 'name' | 'mother_name' }[]> {
  const queryKey = nameKey(query);
  if (queryKey.length === 0) return [];
  const minimumScore = 0.7;
  // Scanned in rowid pages (the order of a plain table scan), keeping only the names that resemble the query.
  const candidates = await db.snapshot(async (tx) => {
    const found: {
      row: { id: string; name_key: string };
      score: number;
      matchedOn: 'name' | 'mother_name';
    }[] = [];
    for (let afterRowid = 0; ; ) {
      const rows = await tx.all<{ rowid: number; id: string; name_key: string; mother_name: string }>(
        'SELECT rowid, id, name_key, mother_name FROM children WHERE rowid > ? ORDER BY rowid LIMIT ?',
        [afterRowid, pageRows],
      );
      for (const row of rows) {
        // The child's name or the mother's, with the same spelling tolerance (a kader may know only one).
        const byName = nameSimilarity(queryKey, row.name_key);
        const byMother = nameSimilarity(queryKey, nameKey(row.mother_name));
        const score = Math.max(byName, byMother);
        if (score >= minimumScore)
          found.push({ row, score, matchedOn: byName >= byMother ? 'name' : 'mother_name' });
      }
      const last = rows.at(-1);
      if (!last || rows.length < pageRows) return found;
      afterRowid = last.rowid;
    }
  });
  const best = candidates
    .sort((a, b) => b.score - a.score || a.row.name_key.localeCompare(b.row.name_key))
    .slice(0, limit);
  const matches: { child: Child; score: number; matched_on: 'name' | 'mother_name' }[] = [];
  for (const { row, score, matchedOn } of best) {
    const child = await getChild(db, row.id);
    if (child) matches.push({ child, score: Math.round(score * 100) / 100, matched_on: matchedOn });
  }
  return matches;
}
