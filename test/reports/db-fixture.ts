// Writes report fixtures into a real gateway SQLite file through the store's own migrations and inserts.
import { ageInDays } from '../../gateway/growth/index.ts';
import { type MeasurementRow, measurementColumns } from '../../gateway/model/records.ts';
import type { ReportData } from '../../gateway/reports/types.ts';
import { type Db, insertChild, openDb } from '../../gateway/store/index.ts';

export async function writeFixtureDb(path: string, data: ReportData): Promise<Db> {
  const db = await openDb(path, { durable: false });
  const createdAt = '2026-11-28T08:00:00.000Z';
  const birthDates = new Map(data.children.map((c) => [c.id, c.birth_date]));
  await db.transaction(async (tx) => {
    for (const c of data.children) {
      await insertChild(tx, {
        id: c.id,
        pseudo_id: c.pseudo_id,
        name: c.name,
        sex: c.sex,
        birth_date: c.birth_date,
        nik: c.nik,
        mother_name: c.mother_name ?? 'Ibu',
        posyandu_id: c.posyandu_id,
        village_id: c.village_id,
        has_kia: c.has_kia === 1,
        created_at: createdAt,
        updated_at: createdAt,
      });
    }
    // Many rows per INSERT (the store's own column list), so the 100k-row benchmark sets up in seconds.
    const paud = new Set(data.paud ?? []);
    // As the gateway stores them: age from the birth date, a correction's reason, PAUD rows by WHO 2007.
    const rows = [...data.measurements, ...paud].map(
      (m): MeasurementRow => ({
        ...m,
        age_days: ageInDays(birthDates.get(m.child_id) as string, m.measured_on),
        correction_reason: m.supersedes_id === null ? null : 'salah baca timbangan',
        created_at: createdAt,
        reference: paud.has(m) ? 'who2007' : 'who2006',
      }),
    );
    const perStatement = 500;
    const placeholders = `(${measurementColumns.map(() => '?').join(',')})`;
    for (let start = 0; start < rows.length; start += perStatement) {
      const batch = rows.slice(start, start + perStatement);
      await tx.run(
        `INSERT INTO measurements (${measurementColumns.join(', ')}) VALUES ${batch.map(() => placeholders).join(',')}`,
        batch.flatMap((row) => measurementColumns.map((column) => row[column])),
      );
    }
  });
  return db;
}
