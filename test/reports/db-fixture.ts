// Writes report fixtures into a real gateway SQLite file through the store's own migrations and inserts.
import { ageInDays } from '../../gateway/growth/index.ts';
import { type MeasurementRow, measurementColumns } from '../../gateway/model/records.ts';
import type { PaudMeasurement, ReportData, ReportMeasurement } from '../../gateway/reports/types.ts';
import { type Db, insertChild, openDb } from '../../gateway/store/index.ts';

export async function writeFixtureDb(path: string, data: ReportData): Promise<Db> {
  const db = await openDb(path, { durable: false });
  const createdAt = '2026-11-28T08:00:00.000Z';
  const birthDates = new Map(data.children.map((c) => [c.id, c.birthDate]));
  await db.transaction(async (tx) => {
    for (const c of data.children) {
      await insertChild(tx, {
        id: c.id,
        pseudo_id: c.pseudoId,
        name: c.name,
        sex: c.sex,
        birth_date: c.birthDate,
        nik: c.nik,
        mother_name: c.motherName ?? 'Ibu',
        posyandu_id: c.posyanduId,
        village_id: c.villageId,
        has_kia: c.hasKia,
        created_at: createdAt,
        updated_at: createdAt,
      });
    }
    // Many rows per INSERT (the store's own column list), so the 100k-row benchmark sets up in seconds.
    const paud = new Set(data.paud ?? []);
    const all: (ReportMeasurement | PaudMeasurement)[] = [...data.measurements, ...paud];
    const rows: MeasurementRow[] = all.map(
      (m): MeasurementRow => ({
        id: m.id,
        child_id: m.childId,
        posyandu_id: m.posyanduId,
        village_id: m.villageId,
        measured_at: m.measuredAt,
        measured_on: m.measuredOn,
        age_days: ageInDays(birthDates.get(m.childId) as string, m.measuredOn),
        position: m.position,
        lenhei_cm: m.lenheiCm,
        clenhei_cm: m.clenheiCm,
        weight_kg: m.weightKg,
        headc_cm: m.headcCm,
        oedema: m.oedema ? 1 : 0,
        zlen: m.zlen,
        zwei: m.zwei,
        zwfl: m.zwfl,
        zbmi: m.zbmi,
        zhc: m.zhc,
        flen: m.flen,
        fwei: m.fwei,
        fwfl: m.fwfl,
        fbmi: m.fbmi,
        fhc: m.fhc,
        status_tbu: 'statusTbu' in m ? m.statusTbu : null,
        status_bbu: null,
        status_bbtb: null,
        status_imtu: 'statusImtu' in m ? m.statusImtu : null,
        calibration_id: null,
        device_id: null,
        supersedes_id: m.supersedesId,
        correction_reason: m.supersedesId === null ? null : 'salah baca timbangan',
        source: m.source as 'mat' | 'manual' | 'record',
        created_at: createdAt,
        reference: paud.has(m as PaudMeasurement) ? 'who2007' : 'who2006',
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
