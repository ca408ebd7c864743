// Migration 7: measurements rebuilt for PAUD children (to 84 months, WHO 2007 reference). A file written
// before it keeps every row and reading, each marked who2006; the new CHECKs hold.
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations, openDb } from '../../../gateway/store/index.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

let dir: { path: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await tmpDir('tikar-paud-migration-');
});
afterEach(async () => {
  await dir.cleanup();
});

function exec(raw: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => raw.exec(sql, (error) => (error ? reject(error) : resolve())));
}

const columns =
  'id, child_id, posyandu_id, village_id, measured_at, measured_on, age_days, position, lenhei_cm, weight_kg, oedema, source, created_at';

/** A file at schema 3 (before PAUD) with one child, one measurement, one reading. */
async function writeVersion3(path: string): Promise<void> {
  const raw = new sqlite3.Database(path);
  for (const migration of migrations.filter((m) => m.version <= 3)) await exec(raw, migration.sql);
  await exec(
    raw,
    `PRAGMA user_version = 3;
     INSERT INTO children (id, pseudo_id, name, name_key, sex, birth_date, mother_name, posyandu_id, village_id,
       has_kia, created_at, updated_at)
       VALUES ('c1', 'p1', 'Ani', 'ani', 2, '2021-01-01', 'Ibu', 'pos-1', 'desa-1', 1, 't', 't');
     INSERT INTO measurements (${columns}) VALUES
       ('m1', 'c1', 'pos-1', 'desa-1', '2025-06-01T09:00:00+08:00', '2025-06-01', 1612, 'h', 101.5, 15.2, 0, 'mat', 't');
     INSERT INTO readings (id, measurement_id, channel, ordinal, value_mm_or_g, locked_at)
       VALUES ('r1', 'm1', 'length', 1, 1015, 't');`,
  );
  await new Promise<void>((resolve) => raw.close(() => resolve()));
}

describe('migration 7: PAUD children in measurements', () => {
  it('keeps every row and reading of an older file, each scored by WHO 2006', async () => {
    const path = join(dir.path, 'old.db');
    await writeVersion3(path);
    const db = await openDb(path, { durable: false });
    try {
      expect((await db.get('PRAGMA user_version'))?.user_version).toBe(migrations.at(-1)?.version);
      const row = await db.get('SELECT id, age_days, lenhei_cm, reference FROM measurements');
      expect(row).toEqual({ id: 'm1', age_days: 1612, lenhei_cm: 101.5, reference: 'who2006' });
      expect((await db.get('SELECT count(*) AS n FROM readings'))?.n).toBe(1);
      expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
      expect(
        (await db.get("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index'"))?.n,
      ).toBeGreaterThan(3);

      const insert = (id: string, ageDays: number, reference: string, weightKg = 20) =>
        db.run(
          `INSERT INTO measurements (${columns}, reference) VALUES
           (?, 'c1', 'pos-1', 'desa-1', '2027-01-01T09:00:00+08:00', '2027-01-01', ?, 'h', 112, ?, 0, 'manual', 't', ?)`,
          [id, ageDays, weightKg, reference],
        );
      await insert('m2', 2556, 'who2007', 45); // 84 months, a heavy 7-year-old
      await expect(insert('m3', 2557, 'who2007')).rejects.toThrow(/CHECK/);
      await expect(insert('m4', 2000, 'who2006')).rejects.toThrow(/CHECK/); // 2006 stops at day 1856
      await expect(insert('m5', 2000, 'who2020')).rejects.toThrow(/CHECK/);
    } finally {
      await db.close();
    }
  });
});
