// Precomputed text and status label of every z-score from -20.00 to +20.00 in hundredths, so that the
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

/** The status columns in output order, with the z slot each one is decided on. */
export const STATUS_COLUMNS: readonly StatusIndex[] = ['tbu', 'bbu', 'bbtb', 'imtu'];

/**
 * Every Indonesian status label as bytes, and for each status column and each rounded z in the table
 * the label's offset and length in those bytes: entry [column * entries + k + Z_TABLE_LIMIT].
 */
export const STATUS_TEXT = Buffer.from(
  STATUS_COLUMNS.flatMap((index) => STATUS_BANDS[index].map((band) => band.label.id)).join(''),
);
export const STATUS_TEXT_OFFSET = new Uint16Array(STATUS_COLUMNS.length * entries);
export const STATUS_TEXT_LENGTH = new Uint8Array(STATUS_COLUMNS.length * entries);

/** Per status column, per band: [offset, length] of its label in STATUS_TEXT (computed once). */
const BAND_TEXT: (readonly [offset: number, length: number])[][] = [];
{
  let offset = 0;
  for (const index of STATUS_COLUMNS) {
    BAND_TEXT.push(
      STATUS_BANDS[index].map((band) => {
        const length = Buffer.byteLength(band.label.id);
        offset += length;
        return [offset - length, length] as const;
      }),
    );
  }
}

/** Offset and length in STATUS_TEXT of a band's label. */
export function statusTextOf(column: number, band: number): readonly [offset: number, length: number] {
  return BAND_TEXT[column]?.[band] ?? [0, 0];
}

STATUS_COLUMNS.forEach((index, column) => {
  for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++) {
    const [offset, length] = statusTextOf(column, bandIndexOfRounded(index, k / 100));
    STATUS_TEXT_OFFSET[column * entries + k + Z_TABLE_LIMIT] = offset;
    STATUS_TEXT_LENGTH[column * entries + k + Z_TABLE_LIMIT] = length;
  }
});

/** Table entries per status column. */
export const Z_TABLE_ENTRIES = entries;

for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++) {
  const at = (k + Z_TABLE_LIMIT) * Z_TEXT_STRIDE;
  Z_TEXT_LENGTH[k + Z_TABLE_LIMIT] = writeFixed(Z_TEXT, at, k / 100, 2, false) - at;
}
