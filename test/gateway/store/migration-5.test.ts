// Migration 5 rebuilds `measurements` (source 'import' allowed): a gateway file written by migrations 1–3,
// with a reading and a correction pointing at its rows, must come through whole and consistent.
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../gateway/store/index.ts';
import { migrations } from '../../../gateway/store/migrations.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

function exec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
}

const columns =
  '(id, child_id, posyandu_id, village_id, measured_at, measured_on, age_days, position, weight_kg, supersedes_id, correction_reason, source, created_at)';

describe('migration 5', () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  beforeEach(async () => {
    dir = await tmpDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('keeps every measurement, reading and correction of a version-3 file and accepts source import', async () => {
    const path = join(dir.path, 'v3.db');
    const raw = new sqlite3.Database(path);
    for (const migration of migrations.filter((m) => m.version <= 3)) await exec(raw, migration.sql);
    await exec(
      raw,
      `PRAGMA user_version = 3;
       INSERT INTO children (id, pseudo_id, name, name_key, sex, birth_date, mother_name, posyandu_id, village_id,
         has_kia, created_at, updated_at) VALUES ('c1', 'p1', 'Ani', 'ani', 2, '2025-11-01', 'Ibu', 'P1', 'V1', 1, 't', 't');
       INSERT INTO measurements ${columns} VALUES
         ('m1', 'c1', 'P1', 'V1', '2026-11-09T09:00:00+08:00', '2026-11-09', 373, 'l', 9.15, NULL, NULL, 'mat', 't'),
         ('m2', 'c1', 'P1', 'V1', '2026-11-09T10:00:00+08:00', '2026-11-09', 373, 'l', 8.15, 'm1', 'salah baca', 'manual', 't');
       INSERT INTO readings (id, measurement_id, channel, ordinal, value_mm_or_g, locked_at)
         VALUES ('r1', 'm1', 'weight', 1, 9150, 't');`,
    );
    await new Promise<void>((resolve) => raw.close(() => resolve()));

    const db = await openDb(path, { durable: false });
    try {
      expect((await db.get('PRAGMA user_version'))?.user_version).toBe(migrations.at(-1)?.version);
      expect(
        await db.all('SELECT id, supersedes_id, weight_kg, source FROM measurements ORDER BY id'),
      ).toEqual([
        { id: 'm1', supersedes_id: null, weight_kg: 9.15, source: 'mat' },
        { id: 'm2', supersedes_id: 'm1', weight_kg: 8.15, source: 'manual' },
      ]);
      expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
      expect(await db.get("SELECT count(*) AS n FROM sqlite_master WHERE name = 'measurements_day'")).toEqual(
        {
          n: 1,
        },
      );
      await db.run(
        `INSERT INTO measurements ${columns} VALUES ('m3', 'c1', 'P1', 'V1', '2026-10-09T09:00:00+08:00', '2026-10-09', 342, 'l', 8.0, NULL, NULL, 'import', 't')`,
      );
      await expect(
        db.run(
          `INSERT INTO measurements ${columns} VALUES ('m4', 'c1', 'P1', 'V1', 'x', '2026-10-09', 342, 'l', 8.0, NULL, NULL, 'guess', 't')`,
        ),
      ).rejects.toThrow(/CHECK/);
    } finally {
      await db.close();
    }
  });
});
