// Precomputed text and status of every z-score from -20.00 to +20.00 in hundredths, so that the
// CSV writer copies a few bytes instead of formatting a number and searching the status bands.
// Built with the same writeFixed and band rules as the slow path, so both always agree.
import { bandIndexOfRounded, STATUS_BANDS, type StatusIndex } from '../classify.ts';
import { writeFixed } from './bytes.ts';

/** The table covers rounded z from -LIMIT/100 to +LIMIT/100. */
export const Z_TABLE_LIMIT = 2000;
/** Bytes per entry: "-20.00" is the longest. */
export const Z_TEXT_STRIDE = 8;

const entries = 2 * Z_TABLE_LIMIT + 1;
export const Z_TEXT = Buffer.alloc(entries * Z_TEXT_STRIDE);
export const Z_TEXT_LENGTH = new Uint8Array(entries);

function bandTable(index: StatusIndex): Int8Array {
  const table = new Int8Array(entries);
  for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++)
    table[k + Z_TABLE_LIMIT] = bandIndexOfRounded(index, k / 100);
  return table;
}

/** Band position in STATUS_BANDS[index] of the rounded z k / 100, at [k + Z_TABLE_LIMIT]. */
export const Z_BAND: Readonly<Record<StatusIndex, Int8Array>> = {
  tbu: bandTable('tbu'),
  bbu: bandTable('bbu'),
  bbtb: bandTable('bbtb'),
  imtu: bandTable('imtu'),
};

for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++) {
  const at = (k + Z_TABLE_LIMIT) * Z_TEXT_STRIDE;
  Z_TEXT_LENGTH[k + Z_TABLE_LIMIT] = writeFixed(Z_TEXT, at, k / 100, 2, false) - at;
}

/** The Indonesian status labels as bytes, by index and band position. */
export const STATUS_BYTES: Readonly<Record<StatusIndex, readonly Buffer[]>> = {
  tbu: STATUS_BANDS.tbu.map((b) => Buffer.from(b.label.id)),
  bbu: STATUS_BANDS.bbu.map((b) => Buffer.from(b.label.id)),
  bbtb: STATUS_BANDS.bbtb.map((b) => Buffer.from(b.label.id)),
  imtu: STATUS_BANDS.imtu.map((b) => Buffer.from(b.label.id)),
};
