// Decodes the generated WHO 2006 reference data into typed arrays once, at module load.
// Layout: one Float64Array per table holding L, M, S triplets; boys' rows first, then girls'.
// Row of (sex, key) = (sex - 1) * rows + (key - firstKey), where key is days or tenths of a cm.
import { prebuilt } from '../prebuilt.ts';
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

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Decodes base64 of packed little-endian Int32 L, M, S triplets into the doubles. Buffer's native base64
 * decoder, then one typed-array read per value: Node's atob is a JavaScript loop that leaves a binary string
 * to read back byte by byte (a third of the engine's start-up, garbage included).
 */
export function decodeInto(base64: string, lms: Float64Array, firstValue: number, scale: LmsScale): void {
  const bytes = Buffer.from(base64, 'base64');
  let packed: Int32Array;
  if (LITTLE_ENDIAN) {
    // A fresh copy when the decoder handed out an unaligned slice of its shared pool (short strings).
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    packed = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
  } else {
    packed = Int32Array.from({ length: bytes.length >> 2 }, (_, i) => bytes.readInt32LE(i * 4));
  }
  // Integer / power of ten is the correctly rounded double of the published decimal.
  for (let value = 0; value < packed.length; value += 3) {
    lms[firstValue + value] = (packed[value] as number) / scale.l;
    lms[firstValue + value + 1] = (packed[value + 1] as number) / scale.m;
    lms[firstValue + value + 2] = (packed[value + 2] as number) / scale.s;
  }
}

function loadTable(name: TableName): LmsTable {
  const source = WHO_REFERENCE_TABLES[name];
  const lms = prebuilt(`who2006.${name}`, () => {
    const decoded = new Float64Array(source.rows * 3 * 2);
    decodeInto(source.boys, decoded, 0, WHO_REFERENCE_SCALE);
    decodeInto(source.girls, decoded, source.rows * 3, WHO_REFERENCE_SCALE);
    return decoded;
  });
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
