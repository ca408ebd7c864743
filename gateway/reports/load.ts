// Reads the report rows from a gateway's (or the village record's) SQLite file through the store's Db:
// children of one posyandu (or all) and their measurements, corrections included (history.ts applies them).
import { childColumns, type MeasurementRow, measurementColumns } from '../model/records.ts';
import type { Row, Sql } from '../store/index.ts';
import type { ReportAddress, ReportChild, ReportData, ReportSasaran, ReportVisitNote } from './types.ts';

/**
 * Children registered at `posyanduId` (all when undefined) with all their measurements: the WHO 2006
 * rows in `measurements`, the PAUD rows (WHO Reference 2007, 60-84 months) apart in `paud`, so that
 * SKDN, the growth-mat recap, prevalence and the exports, which are for balita, never count them.
 */
export async function loadReportData(sql: Sql, posyanduId?: string): Promise<ReportData> {
  const where = posyanduId === undefined ? '' : ' WHERE c.posyandu_id = ?';
  const params = posyanduId === undefined ? [] : [posyanduId];
  const children = await sql.all<ReportChild>(
    `SELECT ${childColumns.map((column) => `c.${column}`).join(', ')} FROM children c${where}`,
    params,
  );
  // Files from before migration 7 (opened read-only, so not migrated) hold only WHO 2006 rows.
  const scored = await hasReferenceColumn(sql);
  // Each row as a JSON object, all rows as one JSON text: node-sqlite3 builds a JS object per row and
  // property, which dominated load time; SQLite writing the rows as one text and V8 parsing it once is
  // several times faster. (REAL values come back with 15 significant digits, far beyond the 0.1 cm / 10 g
  // the devices read.)
  const json = `json_object(${measurementColumns
    .map((column) => `'${column}', ${column === 'reference' && !scored ? "'who2006'" : `m.${column}`}`)
    .join(', ')})`;
  const rowsOf = async (reference: 'who2006' | 'who2007'): Promise<MeasurementRow[]> => {
    if (!scored && reference === 'who2007') return [];
    const filter = scored ? ` WHERE m.reference = ?${where.replace(' WHERE', ' AND')}` : where;
    const all = await sql.get<{ rows_json: string | null }>(
      `SELECT json_group_array(${json}) AS rows_json FROM measurements m JOIN children c ON c.id = m.child_id${filter}`,
      scored ? [reference, ...params] : params,
    );
    return JSON.parse(all?.rows_json ?? '[]') as MeasurementRow[];
  };
  const data: ReportData = {
    children,
    measurements: await rowsOf('who2006'),
    paud: await rowsOf('who2007'),
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
