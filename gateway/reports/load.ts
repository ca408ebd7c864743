// Reads the report rows from a gateway's (or the village record's) SQLite file through the store's Db:
// children of one posyandu (or all) and their measurements, corrections included (history.ts applies them).
import type { Row, Sql } from '../store/index.ts';
import type {
  ImplausibleFlag,
  Position,
  ReportAddress,
  ReportChild,
  ReportData,
  ReportMeasurement,
  ReportSasaran,
  ReportVisitNote,
  Sex,
} from './types.ts';

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
/**
 * Children registered at `posyanduId` (all when undefined) with all their measurements: the WHO 2006
 * rows in `measurements`, the PAUD rows (WHO Reference 2007, 60-84 months) apart in `paud`, so that
 * SKDN, the growth-mat recap, prevalence and the exports, which are for balita, never count them.
 */
export async function loadReportData(sql: Sql, posyanduId?: string): Promise<ReportData> {
  const where = posyanduId === undefined ? '' : ' WHERE c.posyandu_id = ?';
  const params = posyanduId === undefined ? [] : [posyanduId];
  const children = await sql.all<ChildRow>(`SELECT ${childColumns} FROM children c${where}`, params);
  // Files from before migration 7 (opened read-only, so not migrated) hold only WHO 2006 rows.
  const scored = await hasReferenceColumn(sql);
  const rowsOf = async (reference: 'who2006' | 'who2007', extra: string[] = []) => {
    if (!scored && reference === 'who2007') return [];
    const json = `json_array(${[...measurementColumns, ...extra].map((column) => `m.${column}`).join(', ')})`;
    const filter = scored ? ` WHERE m.reference = ?${where.replace(' WHERE', ' AND')}` : where;
    const all = await sql.get<{ rows_json: string | null }>(
      `SELECT json_group_array(${json}) AS rows_json FROM measurements m JOIN children c ON c.id = m.child_id${filter}`,
      scored ? [reference, ...params] : params,
    );
    return JSON.parse(all?.rows_json ?? '[]') as MeasurementTuple[];
  };
  const paud = (await rowsOf('who2007', ['status_tbu', 'status_imtu'])).map((tuple) => {
    const [statusTbu = null, statusImtu = null] = (tuple as unknown[]).slice(measurementColumns.length) as (
      | string
      | null
    )[];
    return { ...toReportMeasurement(tuple), statusTbu, statusImtu };
  });
  const data: ReportData = {
    children: children.map(toReportChild),
    measurements: (await rowsOf('who2006')).map(toReportMeasurement),
    paud,
  };
  return (await hasDetailTables(sql)) ? { ...data, ...(await loadDetails(sql, where, params)) } : data;
}

async function hasReferenceColumn(sql: Sql): Promise<boolean> {
  const row = await sql.get<{ n: number }>(
    "SELECT count(*) AS n FROM pragma_table_info('measurements') WHERE name = 'reference'",
  );
  return row?.n === 1;
}

/** A file from before migration 5 (opened read-only, so not migrated) has no detail tables. */
async function hasDetailTables(sql: Sql): Promise<boolean> {
  const row = await sql.get<{ n: number }>(
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('child_addresses', 'visit_notes', 'sasaran')",
  );
  return row?.n === 3;
}

async function loadDetails(
  sql: Sql,
  where: string,
  params: string[],
): Promise<Required<Pick<ReportData, 'addresses' | 'visitNotes' | 'sasaran'>>> {
  const addresses = await sql.all<ReportAddress & Row & { child_id: string }>(
    `SELECT a.child_id, a.dusun, a.rt, a.rw, a.phone FROM child_addresses a JOIN children c ON c.id = a.child_id${where}`,
    params,
  );
  const notes = await sql.all<
    Row & { child_id: string; visit_on: string; vitamin_a: number | null; asi: number | null }
  >(
    `SELECT v.child_id, v.visit_on, v.vitamin_a, v.asi_eksklusif AS asi FROM visit_notes v JOIN children c ON c.id = v.child_id${where}`,
    params,
  );
  const sasaran = await sql.all<Row & { posyandu_id: string; month: string; balita: number }>(
    `SELECT posyandu_id, month, balita FROM sasaran${where.replace('c.posyandu_id', 'posyandu_id')}`,
    params,
  );
  const flagOf = (value: number | null): boolean | null => (value === null ? null : value === 1);
  return {
    addresses: new Map(
      addresses.map((a) => [a.child_id, { dusun: a.dusun, rt: a.rt, rw: a.rw, phone: a.phone }]),
    ),
    visitNotes: notes.map(
      (n): ReportVisitNote => ({
        childId: n.child_id,
        visitOn: n.visit_on,
        vitaminA: flagOf(n.vitamin_a),
        asiEksklusif: flagOf(n.asi),
      }),
    ),
    sasaran: sasaran.map(
      (r): ReportSasaran => ({ posyanduId: r.posyandu_id, month: r.month, balita: r.balita }),
    ),
  };
}
