// Reads the report rows from a gateway's (or the village record's) SQLite file through the store's Db:
// children of one posyandu (or all) and their measurements, corrections included (history.ts applies them).
import {
  type ChildAddressRow,
  childAddressColumns,
  childColumns,
  type MeasurementRow,
  measurementColumns,
  rowFromValues,
  type SasaranRow,
  sasaranColumns,
  type VisitNoteRow,
  visitNoteColumns,
} from '../model/records.ts';
import type { Sql } from '../store/index.ts';
import type { ReportChild, ReportData } from './types.ts';

const measurementFromValues = rowFromValues<MeasurementRow>(measurementColumns);

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
  // All rows as one JSON text of one array per row, in the schema's column order, made into rows here:
  // node-sqlite3 builds a JS object per row and property, which dominated load time; SQLite writing the rows
  // as one text and V8 parsing it once is several times faster. Arrays, not JSON objects: objects repeat the
  // 34 column names in every row (60 MB of text against 26 MB for 92,000 rows), which took SQLite and
  // JSON.parse twice as long. REAL values come back with 15 significant digits, far beyond the 0.1 cm / 10 g
  // the devices read.
  const json = `json_array(${measurementColumns
    .map((column) => (column === 'reference' && !scored ? "'who2006'" : `m.${column}`))
    .join(', ')})`;
  const rowsOf = async (reference: 'who2006' | 'who2007'): Promise<MeasurementRow[]> => {
    if (!scored && reference === 'who2007') return [];
    const filter = scored ? ` WHERE m.reference = ?${where.replace(' WHERE', ' AND')}` : where;
    const all = await sql.get<{ rows_json: string | null }>(
      `SELECT json_group_array(${json}) AS rows_json FROM measurements m JOIN children c ON c.id = m.child_id${filter}`,
      scored ? [reference, ...params] : params,
    );
    return (JSON.parse(all?.rows_json ?? '[]') as unknown[][]).map(measurementFromValues);
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
  const columnsOf = (alias: string, columns: readonly string[]) =>
    columns.map((column) => `${alias}.${column}`).join(', ');
  const addresses = await sql.all<ChildAddressRow>(
    `SELECT ${columnsOf('a', childAddressColumns)} FROM child_addresses a JOIN children c ON c.id = a.child_id${where}`,
    params,
  );
  const visitNotes = await sql.all<VisitNoteRow>(
    `SELECT ${columnsOf('v', visitNoteColumns)} FROM visit_notes v JOIN children c ON c.id = v.child_id${where}`,
    params,
  );
  const sasaran = await sql.all<SasaranRow>(
    `SELECT ${columnsOf('s', sasaranColumns)} FROM sasaran s${where.replace('c.posyandu_id', 's.posyandu_id')}`,
    params,
  );
  return { addresses: new Map(addresses.map((a) => [a.child_id, a])), visitNotes, sasaran };
}
