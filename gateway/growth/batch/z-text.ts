// Precomputed output text for the CSV writer: ",z" for every rounded z from -20.00 to +20.00, the
// five flag columns with c9mo_flag for every combination, the four status columns with the empty
// error column, the reference and the line end for every combination of labels (one table per
// reference), and clenhei's digits. The writer
// copies these four bytes at a time instead of formatting numbers and searching bands byte by byte.
// Built with the same band rules as the slow path; the z and clenhei texts are digits written directly
// (every process and worker builds these tables at start: writeFixed 4,000 times, or a Buffer per text,
// was a fifth of the engine's start-up), and tests check them against writeFixed entry by entry. The
// bundled engine gets the bigger tables baked in by the build (prebuilt.ts) and computes none of them.
import { bandIndexOfRounded, STATUS_BANDS, type StatusIndex } from '../classify.ts';
import { once, prebuilt } from '../prebuilt.ts';

/** The z table covers rounded z from -LIMIT/100 to +LIMIT/100. */
export const Z_TABLE_LIMIT = 2000;
/** Bytes per z entry: ",-20.00" is the longest; two words. */
export const Z_TEXT_STRIDE = 8;
/** Table entries per status column. */
export const Z_TABLE_ENTRIES = 2 * Z_TABLE_LIMIT + 1;

const DIGIT_0 = 48;

/** ",z" of every rounded z k / 100 (what writeFixed(k / 100, 2, false) writes after the comma). */
const zTexts = once(() => {
  const text = Buffer.alloc(Z_TABLE_ENTRIES * Z_TEXT_STRIDE);
  const lengths = new Uint8Array(Z_TABLE_ENTRIES);
  for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++) {
    const at = (k + Z_TABLE_LIMIT) * Z_TEXT_STRIDE;
    const hundredths = k < 0 ? -k : k;
    const whole = Math.floor(hundredths / 100);
    let pos = at;
    text[pos++] = 44; // ,
    if (k < 0) text[pos++] = 45; // -
    if (whole >= 10) text[pos++] = DIGIT_0 + Math.floor(whole / 10);
    text[pos++] = DIGIT_0 + (whole % 10);
    text[pos++] = 46; // .
    text[pos++] = DIGIT_0 + Math.floor((hundredths % 100) / 10);
    text[pos++] = DIGIT_0 + (hundredths % 10);
    lengths[k + Z_TABLE_LIMIT] = pos - at;
  }
  return { text, lengths };
});
export const Z_TEXT = prebuilt('Z_TEXT', () => zTexts().text);
export const Z_TEXT_LENGTH = prebuilt('Z_TEXT_LENGTH', () => zTexts().lengths);

/**
 * The band columns: the four status columns in output order for the 2006 standards (column c decided on
 * zlen, zwei, zwfl, zbmi), then IMT/U 5-18 (on zbmi) for the 2007 reference, whose TB/U is column 0.
 */
export const STATUS_COLUMNS: readonly StatusIndex[] = ['tbu', 'bbu', 'bbtb', 'imtu', 'imtu_5_18'];
/** The band column of IMT/U 5-18. */
export const IMTU_5_18_COLUMN = 4;
/** A z without a status column (zhc; zwei under the 2007 reference). */
export const NO_STATUS = STATUS_COLUMNS.length;

/** Band codes per band column: its bands, then one more for "no z" (an empty cell). */
export const STATUS_CODES = STATUS_COLUMNS.map((index) => STATUS_BANDS[index].length + 1);

/** Band of each status column for each rounded z of the table: [column * Z_TABLE_ENTRIES + k + LIMIT]. */
export const STATUS_BAND = prebuilt('STATUS_BAND', () => {
  const table = new Uint8Array(STATUS_COLUMNS.length * Z_TABLE_ENTRIES);
  STATUS_COLUMNS.forEach((index, column) => {
    // The bands ascend, so one walk up them as z rises gives bandIndexOfRounded's band for every z.
    const bands = STATUS_BANDS[index];
    let band = 0;
    for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++) {
      const rounded = k / 100;
      for (; band < bands.length; band++) {
        const b = bands[band] as (typeof bands)[number];
        if (rounded < b.upper || (b.inclusive && rounded === b.upper)) break;
      }
      table[column * Z_TABLE_ENTRIES + k + Z_TABLE_LIMIT] = band < bands.length ? band : -1;
    }
  });
  return table;
});

/** The band code of a rounded z beyond the table (or NaN: no z) in status column `column`. */
export function statusBandOf(column: number, rounded: number): number {
  const index = STATUS_COLUMNS[column] as StatusIndex;
  return Number.isNaN(rounded) ? STATUS_BANDS[index].length : bandIndexOfRounded(index, rounded);
}

/** The combination code of four band codes, indexing STATUS_ROW_OFFSET and STATUS_ROW_LENGTH. */
export function statusRowCode(tbu: number, bbu: number, bbtb: number, imtu: number): number {
  return (
    ((tbu * (STATUS_CODES[1] as number) + bbu) * (STATUS_CODES[2] as number) + bbtb) *
      (STATUS_CODES[3] as number) +
    imtu
  );
}

/** The code of a 2007 row's status bands: TB/U (column 0) and IMT/U 5-18, indexing STATUS_2007_ROW_*. */
export function status2007RowCode(tbu: number, imtu: number): number {
  return tbu * (STATUS_CODES[IMTU_5_18_COLUMN] as number) + imtu;
}

const labelsOf = (column: number): string[] => [
  ...STATUS_BANDS[STATUS_COLUMNS[column] as StatusIndex].map((band) => band.label.id),
  '',
];

/** Word-aligned texts, with their offsets and lengths by code, and room for a whole last word. */
function wordTable(entries: { code: number; text: string }[], size: number) {
  const offsets = new Uint32Array(size);
  const lengths = new Uint8Array(size);
  let total = 0;
  for (const { text } of entries) total += (Buffer.byteLength(text) + 3) & ~3;
  const table = Buffer.alloc(total);
  let offset = 0;
  for (const { code, text } of entries) {
    const length = table.write(text, offset);
    offsets[code] = offset;
    lengths[code] = length;
    offset += (length + 3) & ~3;
  }
  return { offsets, lengths, text: table };
}

/** The empty error column, the reference column and the line end, after the status columns. */
const ROW_END_2006 = ',,who2006\n';
const ROW_END_2007 = ',,who2007\n';

/**
 * ",tbu,bbu,bbtb,imtu,,who2006\n" (Indonesian labels, the empty error column, the reference, the line
 * end) of every band combination of the 2006 standards.
 */
const statusRows2006 = once(() => {
  const entries: { code: number; text: string }[] = [];
  const [tbu, bbu, bbtb, imtu] = [0, 1, 2, 3].map(labelsOf) as [string[], string[], string[], string[]];
  tbu.forEach((a, i) => {
    bbu.forEach((b, j) => {
      bbtb.forEach((c, k) => {
        imtu.forEach((d, l) => {
          entries.push({ code: statusRowCode(i, j, k, l), text: `,${a},${b},${c},${d}${ROW_END_2006}` });
        });
      });
    });
  });
  const size = (STATUS_CODES as number[]).slice(0, 4).reduce((a, b) => a * b, 1);
  return wordTable(entries, size);
});
export const STATUS_ROW_OFFSET = prebuilt('STATUS_ROW_OFFSET', () => statusRows2006().offsets);
export const STATUS_ROW_LENGTH = prebuilt('STATUS_ROW_LENGTH', () => statusRows2006().lengths);
export const STATUS_ROW_TEXT = prebuilt('STATUS_ROW_TEXT', () => statusRows2006().text);

/** ",tbu,,,imtu,,who2007\n" of every TB/U and IMT/U 5-18 combination (no BB/U, BB/TB for 5-18 years). */
const STATUS_ROWS_2007 = (() => {
  const entries: { code: number; text: string }[] = [];
  labelsOf(0).forEach((a, i) => {
    labelsOf(IMTU_5_18_COLUMN).forEach((d, l) => {
      entries.push({ code: status2007RowCode(i, l), text: `,${a},,,${d}${ROW_END_2007}` });
    });
  });
  return wordTable(entries, (STATUS_CODES[0] as number) * (STATUS_CODES[IMTU_5_18_COLUMN] as number));
})();
export const STATUS_2007_ROW_OFFSET = STATUS_ROWS_2007.offsets;
export const STATUS_2007_ROW_LENGTH = STATUS_ROWS_2007.lengths;
export const STATUS_2007_ROW_TEXT = STATUS_ROWS_2007.text;

/** Flag column codes: 0 and 1 as printed, 2 for an empty cell (no z). */
export const FLAG_EMPTY = 2;
/** Bytes per flags entry: ",f,f,f,f,f,c" is at most 12, three words. */
export const FLAG_TEXT_STRIDE = 12;

/** The combination code of five flag codes (0, 1 or FLAG_EMPTY) and c9mo_flag (0 or 1). */
export function flagRowCode(
  flen: number,
  fwei: number,
  fwfl: number,
  fbmi: number,
  fhc: number,
  c9mo: number,
): number {
  return ((((flen * 3 + fwei) * 3 + fwfl) * 3 + fbmi) * 3 + fhc) * 2 + c9mo;
}

/** ",flen,fwei,fwfl,fbmi,fhc,c9mo_flag" of every combination, and how many of its flags are 1. */
const flagTables = once(() => {
  const text = Buffer.alloc(3 ** 5 * 2 * FLAG_TEXT_STRIDE);
  const lengths = new Uint8Array(3 ** 5 * 2);
  const counts = new Uint8Array(3 ** 5 * 2);
  for (let code = 0; code < lengths.length; code++) {
    const c9mo = code % 2;
    const flags: number[] = [];
    for (let rest = (code - c9mo) / 2, i = 0; i < 5; i++, rest = Math.floor(rest / 3))
      flags.unshift(rest % 3);
    const row = `${flags.map((flag) => (flag === FLAG_EMPTY ? ',' : `,${flag}`)).join('')},${c9mo}`;
    text.write(row, code * FLAG_TEXT_STRIDE, 'latin1');
    lengths[code] = row.length;
    counts[code] = flags.filter((flag) => flag === 1).length;
  }
  return { text, lengths, counts };
});
export const FLAG_TEXT = prebuilt('FLAG_TEXT', () => flagTables().text);
export const FLAG_TEXT_LENGTH = prebuilt('FLAG_TEXT_LENGTH', () => flagTables().lengths);
export const FLAG_COUNT = prebuilt('FLAG_COUNT', () => flagTables().counts);

/** Text of 0..999 and of the thousandths .001...999 (trailing zeros dropped, "" for 0), as words. */
const INTEGER_WORDS = new Uint32Array(1000);
const INTEGER_LENGTH = new Uint8Array(1000);
const FRACTION_WORDS = new Uint32Array(1000);
const FRACTION_LENGTH = new Uint8Array(1000);
for (let n = 0; n < 1000; n++) {
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor(n / 10) % 10;
  const ones = n % 10;
  // Little-endian words: the first character in the lowest byte.
  if (n >= 100) {
    INTEGER_WORDS[n] = (DIGIT_0 + hundreds) | ((DIGIT_0 + tens) << 8) | ((DIGIT_0 + ones) << 16);
    INTEGER_LENGTH[n] = 3;
  } else if (n >= 10) {
    INTEGER_WORDS[n] = (DIGIT_0 + tens) | ((DIGIT_0 + ones) << 8);
    INTEGER_LENGTH[n] = 2;
  } else {
    INTEGER_WORDS[n] = DIGIT_0 + ones;
    INTEGER_LENGTH[n] = 1;
  }
  // ".ddd" without its trailing zeros.
  const kept = n === 0 ? 0 : ones !== 0 ? 3 : tens !== 0 ? 2 : 1;
  let word = kept > 0 ? 46 | ((DIGIT_0 + hundreds) << 8) : 0; // .d
  if (kept > 1) word |= (DIGIT_0 + tens) << 16;
  if (kept > 2) word |= (DIGIT_0 + ones) << 24;
  FRACTION_WORDS[n] = word >>> 0;
  FRACTION_LENGTH[n] = kept === 0 ? 0 : kept + 1;
}

/** Largest thousandths writeThousandths takes (999.999). */
export const MAX_THOUSANDTHS = 999_999;

/**
 * Writes 0..MAX_THOUSANDTHS thousandths as a decimal, trailing zeros and a bare point dropped (what
 * writeFixed(t / 1000, 3, true) writes): two word stores, no digit loops. Writes up to 3 bytes past
 * the text, like copyWords.
 */
export function writeThousandths(to: DataView, at: number, thousandths: number): number {
  const integer = Math.floor(thousandths / 1000);
  const fraction = thousandths - integer * 1000;
  to.setUint32(at, INTEGER_WORDS[integer] as number, true);
  const pos = at + (INTEGER_LENGTH[integer] as number);
  to.setUint32(pos, FRACTION_WORDS[fraction] as number, true);
  return pos + (FRACTION_LENGTH[fraction] as number);
}
