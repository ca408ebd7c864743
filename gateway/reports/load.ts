// Reads the report rows from a gateway's (or the village record's) SQLite file through the store's Db:
// children of one posyandu (or all) and their measurements, corrections included (history.ts applies them).
import type { Row, Sql } from '../store/index.ts';
import type { ImplausibleFlag, Position, ReportChild, ReportData, ReportMeasurement, Sex } from './types.ts';

interface ChildRow extends Row {
  id: string;
  pseudo_id: string;
  name: string;
  sex: number;
  birth_date: string;
  nik: string | null;
  mother_name: string | null;
  posyandu_id: string;
  village_id: string;
  has_kia: number;
}

interface MeasurementRow extends Row {
  id: string;
  child_id: string;
  posyandu_id: string;
  village_id: string;
  measured_at: string;
  measured_on: string;
  age_days: number;
  position: string;
  lenhei_cm: number | null;
  clenhei_cm: number | null;
  weight_kg: number | null;
  headc_cm: number | null;
  oedema: number;
  zlen: number | null;
  zwei: number | null;
  zwfl: number | null;
  zbmi: number | null;
  zhc: number | null;
  flen: number | null;
  fwei: number | null;
  fwfl: number | null;
  fbmi: number | null;
  fhc: number | null;
  supersedes_id: string | null;
  source: string;
}

const flag = (value: number | null): ImplausibleFlag => (value === 1 ? 1 : value === 0 ? 0 : null);

export function toReportChild(row: ChildRow): ReportChild {
  return {
    id: row.id,
    pseudoId: row.pseudo_id,
    name: row.name,
    sex: row.sex as Sex, // CHECK (sex IN (1, 2)) in the schema
    birthDate: row.birth_date,
    nik: row.nik,
    motherName: row.mother_name,
    posyanduId: row.posyandu_id,
    villageId: row.village_id,
    hasKia: row.has_kia === 1,
  };
}

export function toReportMeasurement(row: MeasurementRow): ReportMeasurement {
  return {
    id: row.id,
    childId: row.child_id,
    posyanduId: row.posyandu_id,
    villageId: row.village_id,
    measuredAt: row.measured_at,
    measuredOn: row.measured_on,
    ageDays: row.age_days,
    position: row.position as Position, // CHECK (position IN ('l', 'h')) in the schema
    lenheiCm: row.lenhei_cm,
    clenheiCm: row.clenhei_cm,
    weightKg: row.weight_kg,
    headcCm: row.headc_cm,
    oedema: row.oedema === 1,
    zlen: row.zlen,
    zwei: row.zwei,
    zwfl: row.zwfl,
    zbmi: row.zbmi,
    zhc: row.zhc,
    flen: flag(row.flen),
    fwei: flag(row.fwei),
    fwfl: flag(row.fwfl),
    fbmi: flag(row.fbmi),
    fhc: flag(row.fhc),
    supersedesId: row.supersedes_id,
    source: row.source,
  };
}

const childColumns =
  'id, pseudo_id, name, sex, birth_date, nik, mother_name, posyandu_id, village_id, has_kia';
const measurementColumns = `m.id, m.child_id, m.posyandu_id, m.village_id, m.measured_at, m.measured_on, m.age_days,
  m.position, m.lenhei_cm, m.clenhei_cm, m.weight_kg, m.headc_cm, m.oedema, m.zlen, m.zwei, m.zwfl, m.zbmi, m.zhc,
  m.flen, m.fwei, m.fwfl, m.fbmi, m.fhc, m.supersedes_id, m.source`;

/** Children registered at `posyanduId` (all when undefined) with all their measurements. */
export async function loadReportData(sql: Sql, posyanduId?: string): Promise<ReportData> {
  const where = posyanduId === undefined ? '' : ' WHERE c.posyandu_id = ?';
  const params = posyanduId === undefined ? [] : [posyanduId];
  const children = await sql.all<ChildRow>(`SELECT ${childColumns} FROM children c${where}`, params);
  const measurements = await sql.all<MeasurementRow>(
    `SELECT ${measurementColumns} FROM measurements m JOIN children c ON c.id = m.child_id${where}`,
    params,
  );
  return { children: children.map(toReportChild), measurements: measurements.map(toReportMeasurement) };
}
