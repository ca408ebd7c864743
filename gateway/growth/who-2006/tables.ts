// Decodes the generated WHO 2006 reference data into typed arrays once, at module load.
// Layout: one Float64Array per table holding L, M, S triplets; boys' rows first, then girls'.
// Row of (sex, key) = (sex - 1) * rows + (key - firstKey), where key is days or tenths of a cm.
import { WHO_REFERENCE_SCALE, WHO_REFERENCE_TABLES } from './reference.generated.ts';

export type TableName = keyof typeof WHO_REFERENCE_TABLES;

export interface LmsTable {
  readonly name: TableName;
  /** First key: day 0, or the first length/height in tenths of a centimetre (450 or 650). */
  readonly firstKey: number;
  /** Rows per sex. */
  readonly rows: number;
  /** L, M, S triplets: index ((sex - 1) * rows + key - firstKey) * 3. */
  readonly lms: Float64Array;
}

/** Divisors of the packed L, M and S integers. */
export interface LmsScale {
  readonly l: number;
  readonly m: number;
  readonly s: number;
}

/** Portable base64 decoding (Node and browsers) of packed Int32 L, M, S triplets into the doubles. */
export function decodeInto(base64: string, lms: Float64Array, firstValue: number, scale: LmsScale): void {
  const bytes = atob(base64);
  const scales = [scale.l, scale.m, scale.s];
  for (let byte = 0, value = 0; byte < bytes.length; byte += 4, value++) {
    const scaled =
      bytes.charCodeAt(byte) |
      (bytes.charCodeAt(byte + 1) << 8) |
      (bytes.charCodeAt(byte + 2) << 16) |
      (bytes.charCodeAt(byte + 3) << 24);
    // Integer / power of ten is the correctly rounded double of the published decimal.
    lms[firstValue + value] = scaled / (scales[value % 3] ?? Number.NaN);
  }
}

function loadTable(name: TableName): LmsTable {
  const source = WHO_REFERENCE_TABLES[name];
  const lms = new Float64Array(source.rows * 3 * 2);
  decodeInto(source.boys, lms, 0, WHO_REFERENCE_SCALE);
  decodeInto(source.girls, lms, source.rows * 3, WHO_REFERENCE_SCALE);
  return { name, firstKey: source.firstKey, rows: source.rows, lms };
}

export const LHFA = loadTable('lhfa');
export const WFA = loadTable('wfa');
export const BFA = loadTable('bfa');
export const HCFA = loadTable('hcfa');
export const WFL = loadTable('wfl');
export const WFH = loadTable('wfh');

export const TABLES: Readonly<Record<TableName, LmsTable>> = {
  lhfa: LHFA,
  wfa: WFA,
  bfa: BFA,
  hcfa: HCFA,
  wfl: WFL,
  wfh: WFH,
};
