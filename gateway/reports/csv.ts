// CSV writing (RFC 4180: quoted fields, doubled quotes, CRLF rows). Cells that are text and start like a
// spreadsheet formula get a leading apostrophe, so a name typed as "=HYPERLINK(...)" stays text in Excel.

export type CsvCell = string | number | null | undefined;

export interface CsvOptions {
  /** Decimal comma with ';' between fields, as some Indonesian exports are read (Excel id-ID). */
  decimalComma?: boolean;
  /** Start with a UTF-8 byte-order mark so Excel reads names with non-ASCII letters correctly. */
  bom?: boolean;
}

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(cell: CsvCell, options: CsvOptions = {}): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return '';
    const text = String(cell);
    return options.decimalComma ? text.replace('.', ',') : text;
  }
  const safe = formulaStart.test(cell) ? `'${cell}` : cell;
  const delimiter = options.decimalComma ? ';' : ',';
  return safe.includes('"') || safe.includes(delimiter) || /[\r\n]/.test(safe)
    ? `"${safe.replaceAll('"', '""')}"`
    : safe;
}

export function csvRow(cells: readonly CsvCell[], options: CsvOptions = {}): string {
  return `${cells.map((cell) => csvCell(cell, options)).join(options.decimalComma ? ';' : ',')}\r\n`;
}

export function toCsv(
  header: readonly string[],
  rows: Iterable<readonly CsvCell[]>,
  options: CsvOptions = {},
): string {
  const parts = [options.bom ? '\uFEFF' : '', csvRow(header, options)];
  for (const row of rows) parts.push(csvRow(row, options));
  return parts.join('');
}

/** Rounds to `digits` decimals for output (numbers stay numbers, so the decimal-comma option applies). */
export function round(value: number | null | undefined, digits: number): number | undefined {
  if (value === null || value === undefined || !Number.isFinite(value)) return undefined;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
