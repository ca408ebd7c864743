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

/**
 * Measurement columns in the order of the JSON array each row is read as. node-sqlite3 builds a JS object
 * per row and property, which dominated load time (~2.4 s for 90k rows here); SQLite writing all rows as
 * one JSON text and V8 parsing it once takes about a third of that. (REAL values come back with 15
 * significant digits, far beyond the 0.1 cm / 10 g the devices read.)
 */
export const measurementColumns = [
  'id',
  'child_id',
  'posyandu_id',
  'village_id',
  'measured_at',
  'measured_on',
  'age_days',
  'position',
  'lenhei_cm',
  'clenhei_cm',
  'weight_kg',
  'headc_cm',
  'oedema',
  'zlen',
  'zwei',
  'zwfl',
  'zbmi',
  'zhc',
  'flen',
  'fwei',
  'fwfl',
  'fbmi',
  'fhc',
  'supersedes_id',
  'source',
] as const;

export type MeasurementTuple = [
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  number | null,
  number | null,
  number | null,
  number | null,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
  string,
];

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

export function toReportMeasurement(t: MeasurementTuple): ReportMeasurement {
  return {
    id: t[0],
    childId: t[1],
    posyanduId: t[2],
    villageId: t[3],
    measuredAt: t[4],
    measuredOn: t[5],
    ageDays: t[6],
    position: t[7] as Position, // CHECK (position IN ('l', 'h')) in the schema
    lenheiCm: t[8],
    clenheiCm: t[9],
    weightKg: t[10],
    headcCm: t[11],
    oedema: t[12] === 1,
    zlen: t[13],
    zwei: t[14],
    zwfl: t[15],
    zbmi: t[16],
    zhc: t[17],
    flen: flag(t[18]),
    fwei: flag(t[19]),
    fwfl: flag(t[20]),
    fbmi: flag(t[21]),
    fhc: flag(t[22]),
    supersedesId: t[23],
    source: t[24],
  };
}

const childColumns =
  'id, pseudo_id, name, sex, birth_date, nik, mother_name, posyandu_id, village_id, has_kia';
/** Children registered at `posyanduId` (all when undefined) with all their measurements. */
export async function loadReportData(sql: Sql, posyanduId?: string): Promise<ReportData> {
  const where = posyanduId === undefined ? '' : ' WHERE c.posyandu_id = ?';
  const params = posyanduId === undefined ? [] : [posyanduId];
  const children = await sql.all<ChildRow>(`SELECT ${childColumns} FROM children c${where}`, params);
  const json = `json_array(${measurementColumns.map((column) => `m.${column}`).join(', ')})`;
  const all = await sql.get<{ rows_json: string | null }>(
    `SELECT json_group_array(${json}) AS rows_json FROM measurements m JOIN children c ON c.id = m.child_id${where}`,
    params,
  );
  const tuples = JSON.parse(all?.rows_json ?? '[]') as MeasurementTuple[];
  return { children: children.map(toReportChild), measurements: tuples.map(toReportMeasurement) };
}
