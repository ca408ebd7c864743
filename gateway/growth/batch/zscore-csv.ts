// The `tikar zscore` engine: CSV bytes in, CSV bytes out, with the fixed column contract
// (docs/growth.md). No I/O here: the caller feeds chunks and writes what comes back.
//
// A hand-written byte-level reader and writer, because general CSV libraries build a string per
// cell and an object per row, which is an order of magnitude slower than the z-scores themselves
// (goal: 1,000,000 rows/s end to end). It still follows RFC 4180: quoted fields with "" escapes,
// commas and line breaks inside quotes, CRLF or LF, a UTF-8 BOM; the header is matched
// case-insensitively in any order. Each input row is copied through byte for byte.
import { printable } from '../../log/printable.ts';
import { DAYS_PER_MONTH } from '../age.ts';
import { emptyGrowthResult } from '../compute.ts';
import {
  ERR_AGE_MONTHS_NEGATIVE,
  ERR_AGE_NEGATIVE,
  ERR_BIRTH_AFTER_MEASUREMENT,
  GROWTH_ERRORS,
  type GrowthInputField,
} from '../errors.ts';
import {
  POSITION_LYING,
  POSITION_STANDING,
  POSITION_UNKNOWN,
  VALUE_AGE_DAYS,
  VALUE_AGE_MONTHS,
  VALUE_HEADC_CM,
  VALUE_LENHEI_CM,
  VALUE_OEDEMA,
  VALUE_POSITION,
  VALUE_SEX,
  VALUE_SLOTS,
  VALUE_WEIGHT_KG,
} from '../indicators.ts';
import { roundTo, roundZHundredths } from '../round.ts';
import type { GrowthResult } from '../types.ts';
import { computeGrowthAnyAgeValues } from '../who2007.ts';
import {
  copySpan,
  copyWords,
  parseDecimal,
  parseIsoDateDays,
  textWords,
  trimEnd,
  trimStart,
  writeFixed,
} from './bytes.ts';
import {
  FLAG_COUNT,
  FLAG_EMPTY,
  FLAG_TEXT,
  FLAG_TEXT_LENGTH,
  FLAG_TEXT_STRIDE,
  flagRowCode,
  IMTU_5_18_COLUMN,
  MAX_THOUSANDTHS,
  NO_STATUS,
  STATUS_2007_ROW_LENGTH,
  STATUS_2007_ROW_OFFSET,
  STATUS_2007_ROW_TEXT,
  STATUS_BAND,
  STATUS_ROW_LENGTH,
  STATUS_ROW_OFFSET,
  STATUS_ROW_TEXT,
  status2007RowCode,
  statusBandOf,
  statusRowCode,
  writeThousandths,
  Z_TABLE_ENTRIES,
  Z_TABLE_LIMIT,
  Z_TEXT,
  Z_TEXT_LENGTH,
  Z_TEXT_STRIDE,
} from './z-text.ts';
import {
  CsvFatalError,
  emptySummary,
  MAX_FIRST_ERRORS,
  MAX_ROW_BYTES,
  type ZscoreCsvSummary,
} from './zscore-summary.ts';

export {
  CsvFatalError,
  emptySummary,
  MAX_FIRST_ERRORS,
  MAX_ROW_BYTES,
  mergeSummary,
  type ZscoreCsvSummary,
} from './zscore-summary.ts';

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const Z_WORDS = textWords(Z_TEXT);
const FLAG_WORDS = textWords(FLAG_TEXT);
const STATUS_ROW_WORDS = textWords(STATUS_ROW_TEXT);
const STATUS_2007_ROW_WORDS = textWords(STATUS_2007_ROW_TEXT);

export const OUTPUT_COLUMNS = [
  'clenhei',
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
  'c9mo_flag',
  'status_tbu',
  'status_bbu',
  'status_bbtb',
  'status_imtu',
  'error',
  // Last, so that every column before it keeps its place for readers of earlier outputs.
  'reference',
] as const;

const INPUT_COLUMNS = [
  'sex',
  'age_days',
  'birth_date',
  'date',
  'weight_kg',
  'lenhei_cm',
  'measure',
  'oedema',
  'headc_cm',
  'age_months',
] as const;
type InputColumn = (typeof INPUT_COLUMNS)[number];
// Positions in INPUT_COLUMNS, used as indexes into the header's cell map.
const SEX = 0;
const AGE_DAYS = 1;
const BIRTH_DATE = 2;
const DATE = 3;
const WEIGHT_KG = 4;
const LENHEI_CM = 5;
const MEASURE = 6;
const OEDEMA = 7;
const HEADC_CM = 8;
const AGE_MONTHS = 9;
// Where a row's age came from (the column an age error is blamed on).
const AGE_FROM_DAYS = 0;
const AGE_FROM_DATES = 1;
const AGE_FROM_MONTHS = 2;

const QUOTE = 34;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const LF = 10;
const CR = 13;
const MAX_FIELDS = 4096;
/** clenhei is printed to 3 decimals with trailing zeros dropped (85.9, not 85.89999999999999). */
const CLENHEI_DECIMALS = 3;
/** Longest echo of a bad cell in an error message. */
const MAX_ECHO_BYTES = 40;

export interface ZscoreCsvOptions {
  /** Decimals printed for z-scores (WHO prints 2); flags always use the z rounded to 2. */
  precision?: number;
  /** Write the output header line (default true); batches after the first leave it out. */
  emitHeader?: boolean;
  /** Size of each output buffer (default 1 MB); a batch sized to hold all its output needs no copy. */
  outputBufferBytes?: number;
  /**
   * Memory for the first output buffer when it holds outputBufferBytes: the caller's, used again (fresh
   * memory costs a page fault per 4 KB written).
   */
  outputBuffer?: Buffer;
}

const FIELD_COLUMN: Readonly<Record<GrowthInputField, string>> = {
  sex: 'sex',
  ageDays: 'age_days',
  ageMonths: 'age_months',
  weightKg: 'weight_kg',
  lenheiCm: 'lenhei_cm',
  headcCm: 'headc_cm',
  measure: 'measure',
  birthDate: 'birth_date',
  measuredOn: 'date',
};

export class ZscoreCsvTransformer {
  readonly summary: ZscoreCsvSummary = emptySummary();
  private readonly precision: number;
  private readonly emitHeader: boolean;
  private readonly outputBufferBytes: number;
  private leftover: Buffer | undefined;
  private headerDone = false;
  private headerFields = 0;
  /** Cell of each input column (INPUT_COLUMNS order) in the header, -1 when absent. */
  private readonly column = new Int32Array(INPUT_COLUMNS.length).fill(-1);
  // Cell bounds of the current row (content only, without enclosing quotes).
  private readonly cellStart = new Int32Array(MAX_FIELDS);
  private readonly cellEnd = new Int32Array(MAX_FIELDS);
  private readonly cellEscaped = new Uint8Array(MAX_FIELDS);
  private cells = 0;
  // Band code of each band column in the current row (z-text.ts), set as its z is written.
  private readonly band = new Uint8Array(NO_STATUS);
  private rowContentEnd = 0;
  // The current row as numbers (NaN = missing), in VALUE_* slots, and where its age came from.
  private readonly values = new Float64Array(VALUE_SLOTS);
  private ageFrom = AGE_FROM_DAYS;
  // The last measurement date cell seen (bytes, length) and its day number.
  private readonly lastDateBytes = new Uint8Array(32);
  private lastDateLength = -1;
  private lastDateDays = Number.NaN;
  private readonly result: GrowthResult = emptyGrowthResult();
  // The chunk being processed, as a DataView for word copies.
  private inView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  // Output buffers: filled in place, handed out whole.
  private out: Buffer = Buffer.alloc(0);
  private outView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private outPos = 0;
  private readonly done: Buffer[] = [];
  private given: Buffer | undefined;

  constructor(options: ZscoreCsvOptions = {}) {
    const precision = options.precision ?? 2;
    if (!Number.isInteger(precision) || precision < 0 || precision > 10) {
      throw new RangeError(`precision must be an integer 0..10, got ${precision}`);
    }
    this.precision = precision;
    this.emitHeader = options.emitHeader ?? true;
    this.outputBufferBytes = options.outputBufferBytes ?? 1 << 20;
    this.given = options.outputBuffer;
  }

  /** Feeds the next chunk; returns the output ready so far. Throws CsvFatalError only for fatal input. */
  push(chunk: Buffer): Buffer[] {
    const data = this.leftover === undefined ? chunk : Buffer.concat([this.leftover, chunk]);
    this.leftover = undefined;
    const consumed = this.process(data, false);
    if (consumed < data.length) {
      if (data.length - consumed > MAX_ROW_BYTES) {
        throw new CsvFatalError(
          `row ${this.summary.rows + 1}: longer than ${MAX_ROW_BYTES} bytes (unclosed quote?)`,
        );
      }
      this.leftover = data.subarray(consumed);
    }
    return this.take();
  }

  /** Ends the input (a last row without a line break is fine); returns the remaining output. */
  end(): Buffer[] {
    if (this.leftover !== undefined) this.process(this.leftover, true);
    this.leftover = undefined;
    if (!this.headerDone) throw new CsvFatalError('the input is empty: expected a header row');
    return this.take();
  }

  /** Position after the first non-blank row of `data` (the header), or -1 when it is not complete. */
  headerEnd(data: Buffer): number {
    let pos = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
    while (pos < data.length) {
      const rowEnd = this.scanRow(data, pos, false);
      if (rowEnd < 0) return -1;
      const blank = this.cells === 1 && this.cellEnd[0] === this.cellStart[0] && this.rowContentEnd === pos;
      if (!blank) return rowEnd;
      pos = rowEnd;
    }
    return -1;
  }

  /**
   * Position after the last complete row of `data` (which starts at a row boundary), 0 when none.
   * Fast: it jumps from quote to quote (native search) instead of reading every cell, applying the
   * row scanner's own rule: a quote opens a quoted field only at the start of a field; elsewhere it is
   * a literal byte. Only LF counts as a row end here; input without any (old Mac CR-only files)
   * falls back to the full scanner once it is large.
   */
  lastRowEnd(data: Buffer): number {
    let last = 0;
    let outsideFrom = 0;
    let quote = data.indexOf(QUOTE);
    while (quote >= 0) {
      const before = quote === 0 ? LF : data[quote - 1];
      if (before !== COMMA && before !== LF && before !== CR) {
        quote = data.indexOf(QUOTE, quote + 1); // a literal quote inside an unquoted field
        continue;
      }
      const lineEnd = quote > outsideFrom ? data.lastIndexOf(LF, quote - 1) : -1;
      if (lineEnd >= outsideFrom) last = lineEnd + 1;
      // Find the closing quote, skipping "" escapes.
      let close = data.indexOf(QUOTE, quote + 1);
      while (close >= 0 && data[close + 1] === QUOTE) close = data.indexOf(QUOTE, close + 2);
      if (close < 0 || close + 1 >= data.length) return last; // the row goes on in the next chunk
      outsideFrom = close + 1;
      quote = data.indexOf(QUOTE, outsideFrom);
    }
    const lineEnd = data.lastIndexOf(LF);
    if (lineEnd >= outsideFrom) last = lineEnd + 1;
    if (last === 0 && data.length > MAX_ROW_BYTES) return this.lastRowEndByScan(data);
    return last;
  }

  /** lastRowEnd by the full row scanner (handles CR-only line ends). */
  lastRowEndByScan(data: Buffer): number {
    let pos = 0;
    while (pos < data.length) {
      const rowEnd = this.scanRow(data, pos, false);
      if (rowEnd < 0) break;
      pos = rowEnd;
    }
    return pos;
  }

  private take(): Buffer[] {
    if (this.outPos > 0) {
      this.done.push(this.out.subarray(0, this.outPos));
      this.out = Buffer.alloc(0);
      this.outPos = 0;
    }
    return this.done.splice(0);
  }

  private reserve(bytes: number): void {
    if (this.outPos + bytes <= this.out.length) return;
    if (this.outPos > 0) this.done.push(this.out.subarray(0, this.outPos));
    const size = Math.max(bytes, this.outputBufferBytes);
    const given = this.given;
    this.given = undefined;
    // Never from Node's shared pool: a batch's output buffer is transferred to another thread whole.
    this.out = given !== undefined && given.length >= size ? given : Buffer.allocUnsafeSlow(size);
    this.outView = viewOf(this.out);
    this.outPos = 0;
  }

  /** Processes every complete row of data; returns how many bytes were consumed. */
  private process(data: Buffer, final: boolean): number {
    this.inView = viewOf(data);
    let pos = 0;
    if (!this.headerDone && data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf)
      pos = 3;
    while (pos < data.length) {
      const rowEnd = this.scanRow(data, pos, final);
      if (rowEnd < 0) return pos;
      const blank = this.cells === 1 && this.cellEnd[0] === this.cellStart[0] && this.rowContentEnd === pos;
      if (!blank) {
        if (this.headerDone) this.dataRow(data, pos);
        else this.header(data, pos);
      }
      pos = rowEnd;
    }
    return pos;
  }

  /**
   * Splits one row starting at `start` into cells. Returns the position after its line break, or -1
   * when the row is not complete in `data` (and more input may come).
   */
  private scanRow(data: Buffer, start: number, final: boolean): number {
    const end = data.length;
    let pos = start;
    let cells = 0;
    for (;;) {
      let contentStart = pos;
      let contentEnd: number;
      let escaped = 0;
      if (pos < end && data[pos] === QUOTE) {
        contentStart = pos + 1;
        let at = contentStart;
        for (;;) {
          const quote = data.indexOf(QUOTE, at);
          if (quote < 0) {
            if (!final) return -1;
            throw new CsvFatalError(`row ${this.summary.rows + 1}: a quoted field is never closed`);
          }
          if (quote + 1 >= end && !final) return -1;
          if (data[quote + 1] === QUOTE) {
            escaped = 1;
            at = quote + 2;
            continue;
          }
          contentEnd = quote;
          pos = quote + 1;
          break;
        }
        // Bytes between a closing quote and the delimiter are kept as part of the cell.
        while (pos < end && data[pos] !== COMMA && data[pos] !== LF && data[pos] !== CR) pos++;
        if (pos > contentEnd + 1) contentEnd = pos;
      } else {
        while (pos < end) {
          const byte = data[pos];
          if (byte === COMMA || byte === LF || byte === CR) break;
          pos++;
        }
        contentEnd = pos;
      }
      if (cells < MAX_FIELDS) {
        this.cellStart[cells] = contentStart;
        this.cellEnd[cells] = contentEnd;
        this.cellEscaped[cells] = escaped;
      }
      cells++;
      if (pos >= end) {
        if (!final) return -1;
        this.cells = cells;
        this.rowContentEnd = end;
        return end;
      }
      const byte = data[pos];
      if (byte === COMMA) {
        pos++;
        continue;
      }
      this.cells = cells;
      this.rowContentEnd = pos;
      if (byte === LF) return pos + 1;
      // CR: CRLF, or a lone CR as an old-style line end.
      if (pos + 1 >= end && !final) return -1;
      return data[pos + 1] === LF ? pos + 2 : pos + 1;
    }
  }

  private cellText(data: Buffer, cell: number): string {
    const start = this.cellStart[cell] as number;
    const text = data.toString('utf8', start, this.cellEnd[cell] as number);
    return this.cellEscaped[cell] === 1 ? text.replaceAll('""', '"') : text;
  }

  private header(data: Buffer, rowStart: number): void {
    if (this.cells > MAX_FIELDS) throw new CsvFatalError(`header: more than ${MAX_FIELDS} columns`);
    const names: string[] = [];
    for (let cell = 0; cell < this.cells; cell++) {
      const name = this.cellText(data, cell).trim().toLowerCase();
      names.push(name);
      if ((OUTPUT_COLUMNS as readonly string[]).includes(name)) {
        throw new CsvFatalError(
          `header: input already has the output column '${printable(name)}' (an output of tikar zscore?)`,
        );
      }
      const known = (INPUT_COLUMNS as readonly string[]).indexOf(name);
      if (known < 0) continue;
      if ((this.column[known] as number) >= 0) {
        throw new CsvFatalError(`header: column '${INPUT_COLUMNS[known]}' appears twice`);
      }
      this.column[known] = cell;
    }
    if ((this.column[SEX] as number) < 0) {
      const found = printable(names.join(', '), 200) || 'nothing';
      throw new CsvFatalError(`header: no 'sex' column (found: ${found})`);
    }
    if ((this.column[BIRTH_DATE] as number) < 0 !== (this.column[DATE] as number) < 0) {
      throw new CsvFatalError(
        "header: 'birth_date' and 'date' must come together (or use 'age_days' or 'age_months')",
      );
    }
    this.headerFields = this.cells;
    this.headerDone = true;
    if (!this.emitHeader) return;
    const tail = `,${OUTPUT_COLUMNS.join(',')}\n`;
    this.reserve(this.rowContentEnd - rowStart + tail.length);
    this.outPos += data.copy(this.out, this.outPos, rowStart, this.rowContentEnd);
    this.outPos += this.out.write(tail, this.outPos, 'latin1');
  }

  /** Cell bounds of a known column in the current row, or -1 when the column is absent or blank. */
  private present(column: number, data: Buffer): number {
    const cell = this.column[column] as number;
    if (cell < 0) return -1;
    const start = this.cellStart[cell] as number;
    const end = this.cellEnd[cell] as number;
    if (start === end) return -1;
    const first = data[start];
    if (first !== SPACE && first !== TAB) return cell;
    return trimStart(data, start, end) < end ? cell : -1;
  }

  private number(data: Buffer, cell: number): number {
    return parseDecimal(data, this.cellStart[cell] as number, this.cellEnd[cell] as number);
  }

  /** The cell's single significant byte lower-cased, or 0 when it has none or several. */
  private letter(data: Buffer, cell: number): number {
    if ((this.cellEnd[cell] as number) - (this.cellStart[cell] as number) === 1) {
      const byte = data[this.cellStart[cell] as number] as number;
      return byte === SPACE || byte === TAB ? 0 : byte | 0x20;
    }
    const start = trimStart(data, this.cellStart[cell] as number, this.cellEnd[cell] as number);
    const end = trimEnd(data, start, this.cellEnd[cell] as number);
    return end - start === 1 ? (data[start] as number) | 0x20 : 0;
  }

  private dataRow(data: Buffer, rowStart: number): void {
    this.summary.rows++;
    const rowBytes = this.rowContentEnd - rowStart;
    // Room for the results (at most ~250 bytes; word copies write a few bytes past them).
    this.reserve(rowBytes + this.headerFields + 1200 + 5 * this.precision);
    this.outPos =
      rowBytes < 256
        ? copySpan(this.inView, rowStart, this.rowContentEnd, this.outView, this.outPos)
        : this.outPos + data.copy(this.out, this.outPos, rowStart, this.rowContentEnd);
    const error = this.readRow(data);
    if (error !== undefined) {
      this.errorRow(error.column, error.message);
      return;
    }
    const failed = computeGrowthAnyAgeValues(this.values, this.result);
    if (failed !== 0) {
      this.errorRow(...this.describeCoreError(failed));
      return;
    }
    this.writeResult();
  }

  /** Column and message for a core error; an age error is blamed on the column(s) the age came from. */
  private describeCoreError(failed: number): [column: string, message: string] {
    if (this.ageFrom === AGE_FROM_DATES && failed === ERR_AGE_NEGATIVE) {
      return ['birth_date', GROWTH_ERRORS[ERR_BIRTH_AFTER_MEASUREMENT]?.message ?? ''];
    }
    // A negative age in months reaches the 2006 core as days: say it in the unit it was given in.
    const error =
      this.ageFrom === AGE_FROM_MONTHS && failed === ERR_AGE_NEGATIVE ? ERR_AGE_MONTHS_NEGATIVE : failed;
    const info = GROWTH_ERRORS[error];
    if (info === undefined) return ['row', 'invalid input'];
    if (info.field !== 'ageDays' && info.field !== 'ageMonths')
      return [FIELD_COLUMN[info.field], info.message];
    const from = this.ageFrom;
    return [
      from === AGE_FROM_DATES ? 'birth_date/date' : from === AGE_FROM_MONTHS ? 'age_months' : 'age_days',
      info.message,
    ];
  }

  /** Reads the row into this.values (NaN = missing); returns the first problem, naming its column. */
  private readRow(data: Buffer): { column: string; message: string } | undefined {
    if (this.cells !== this.headerFields) {
      return { column: 'row', message: `has ${this.cells} fields but the header has ${this.headerFields}` };
    }
    const v = this.values;
    const sexCell = this.present(SEX, data);
    if (sexCell < 0) return { column: 'sex', message: 'missing' };
    const sex = this.letter(data, sexCell);
    // 1/2 (WHO), M/F, L/P (laki-laki/perempuan); `| 0x20` lower-cases letters and leaves digits.
    if (sex === 49 || sex === 109 || sex === 108) v[VALUE_SEX] = 1;
    else if (sex === 50 || sex === 102 || sex === 112) v[VALUE_SEX] = 2;
    else return this.badCell(data, sexCell, 'sex', 'is not 1/2, M/F or L/P');

    v[VALUE_AGE_DAYS] = Number.NaN;
    v[VALUE_AGE_MONTHS] = Number.NaN;
    this.ageFrom = AGE_FROM_DAYS;
    const ageCell = this.present(AGE_DAYS, data);
    const monthsCell = ageCell < 0 ? this.present(AGE_MONTHS, data) : -1;
    if (ageCell >= 0) {
      v[VALUE_AGE_DAYS] = this.number(data, ageCell);
      if (Number.isNaN(v[VALUE_AGE_DAYS])) return this.badCell(data, ageCell, 'age_days', 'is not a number');
    } else if (monthsCell >= 0) {
      // WHO AnthroPlus's input: the 2007 reference takes the months as given, the 2006 standards in days.
      const months = this.number(data, monthsCell);
      if (Number.isNaN(months)) return this.badCell(data, monthsCell, 'age_months', 'is not a number');
      v[VALUE_AGE_MONTHS] = months;
      v[VALUE_AGE_DAYS] = months * DAYS_PER_MONTH;
      this.ageFrom = AGE_FROM_MONTHS;
    } else {
      const birthCell = this.present(BIRTH_DATE, data);
      const dateCell = this.present(DATE, data);
      if (birthCell >= 0 && dateCell < 0)
        return { column: 'date', message: 'missing while birth_date is given' };
      if (dateCell >= 0 && birthCell < 0)
        return { column: 'birth_date', message: 'missing while date is given' };
      if (birthCell >= 0) {
        const birth = this.date(data, birthCell);
        if (Number.isNaN(birth))
          return this.badCell(data, birthCell, 'birth_date', 'is not a YYYY-MM-DD date');
        const measured = this.measuredOn(data, dateCell);
        if (Number.isNaN(measured)) return this.badCell(data, dateCell, 'date', 'is not a YYYY-MM-DD date');
        // A negative age is reported by the core, and blamed on birth_date.
        v[VALUE_AGE_DAYS] = measured - birth;
        this.ageFrom = AGE_FROM_DATES;
      }
    }

    const numberError =
      this.readNumber(data, WEIGHT_KG, VALUE_WEIGHT_KG) ??
      this.readNumber(data, LENHEI_CM, VALUE_LENHEI_CM) ??
      this.readNumber(data, HEADC_CM, VALUE_HEADC_CM);
    if (numberError !== undefined) return numberError;

    v[VALUE_POSITION] = POSITION_UNKNOWN;
    const measureCell = this.present(MEASURE, data);
    if (measureCell >= 0) {
      const measure = this.letter(data, measureCell);
      if (measure === 108) v[VALUE_POSITION] = POSITION_LYING;
      else if (measure === 104) v[VALUE_POSITION] = POSITION_STANDING;
      else return this.badCell(data, measureCell, 'measure', "is not 'l' (lying) or 'h' (standing)");
    }

    v[VALUE_OEDEMA] = 0;
    const oedemaCell = this.present(OEDEMA, data);
    if (oedemaCell >= 0) {
      const oedema = this.letter(data, oedemaCell);
      if (oedema === 121 || oedema === 49) v[VALUE_OEDEMA] = 1;
      else if (oedema !== 110 && oedema !== 50)
        return this.badCell(data, oedemaCell, 'oedema', "is not 'y' or 'n'");
    }
    return undefined;
  }

  private date(data: Buffer, cell: number): number {
    return parseIsoDateDays(data, this.cellStart[cell] as number, this.cellEnd[cell] as number);
  }

  /** The measurement date: usually the same for every row of a posyandu day, so the last one is kept. */
  private measuredOn(data: Buffer, cell: number): number {
    const start = this.cellStart[cell] as number;
    const length = (this.cellEnd[cell] as number) - start;
    const cached = this.lastDateBytes;
    if (length === this.lastDateLength && length <= cached.length) {
      let same = true;
      for (let i = 0; i < length && same; i++) same = data[start + i] === cached[i];
      if (same) return this.lastDateDays;
    }
    const days = this.date(data, cell);
    if (length <= cached.length) {
      for (let i = 0; i < length; i++) cached[i] = data[start + i] as number;
      this.lastDateLength = length;
      this.lastDateDays = days;
    }
    return days;
  }

  /** Stores an optional number column in values[slot] (NaN when blank); returns a problem or undefined. */
  private readNumber(
    data: Buffer,
    column: number,
    slot: number,
  ): { column: string; message: string } | undefined {
    const cell = this.present(column, data);
    if (cell < 0) {
      this.values[slot] = Number.NaN;
      return undefined;
    }
    this.values[slot] = this.number(data, cell);
    return Number.isNaN(this.values[slot])
      ? this.badCell(data, cell, INPUT_COLUMNS[column] as InputColumn, 'is not a number')
      : undefined;
  }

  private badCell(
    data: Buffer,
    cell: number,
    column: string,
    problem: string,
  ): { column: string; message: string } {
    const text = printable(this.cellText(data, cell).trim(), MAX_ECHO_BYTES);
    return { column, message: `'${text}' ${problem}` };
  }

  private errorRow(column: string, problem: string): void {
    const summary = this.summary;
    summary.errorRows++;
    summary.errorsByColumn[column] = (summary.errorsByColumn[column] ?? 0) + 1;
    const message = `${column}: ${problem}`;
    if (summary.firstErrors.length < MAX_FIRST_ERRORS)
      summary.firstErrors.push({ row: summary.rows, message });
    const out = this.out;
    let pos = this.outPos;
    // Pad a short row so the output columns stay aligned.
    for (let cell = this.cells; cell < this.headerFields; cell++) out[pos++] = COMMA;
    // 16 empty result columns, the quoted message, an empty reference.
    for (let i = 1; i < OUTPUT_COLUMNS.length; i++) out[pos++] = COMMA;
    out[pos++] = QUOTE;
    pos += out.write(message.replaceAll('"', '""'), pos, 'utf8');
    out[pos++] = QUOTE;
    out[pos++] = COMMA;
    out[pos++] = LF;
    this.outPos = pos;
  }

  /**
   * Writes ",z" and, unless `column` is NO_STATUS, sets the band code of the band column decided on it.
   * Returns the new position.
   */
  private writeZ(pos: number, z: number, column: number): number {
    if (Number.isNaN(z)) {
      if (column < NO_STATUS) this.band[column] = statusBandOf(column, Number.NaN);
      this.out[pos] = COMMA;
      return pos + 1;
    }
    const k = roundZHundredths(z);
    const entry = k + Z_TABLE_LIMIT;
    const inTable = entry >= 0 && entry < Z_TABLE_ENTRIES;
    if (column < NO_STATUS) {
      // roundZ(z) is k / 100 exactly (R's rounding returns integer / 100).
      this.band[column] = inTable
        ? (STATUS_BAND[column * Z_TABLE_ENTRIES + entry] as number)
        : statusBandOf(column, k / 100);
    }
    if (inTable && this.precision === 2) {
      // Always both words of the entry (",-20.00" is 7 bytes): no loop to mispredict.
      const word = (entry * Z_TEXT_STRIDE) / 4;
      this.outView.setUint32(pos, Z_WORDS[word] as number, true);
      this.outView.setUint32(pos + 4, Z_WORDS[word + 1] as number, true);
      return pos + (Z_TEXT_LENGTH[entry] as number);
    }
    this.out[pos++] = COMMA;
    const precision = this.precision;
    return writeFixed(this.out, pos, precision === 2 ? k / 100 : roundTo(z, precision), precision, false);
  }

  private writeResult(): void {
    const r = this.result;
    const out = this.out;
    let pos = this.outPos;
    out[pos++] = COMMA;
    if (!Number.isNaN(r.clenheiCm)) {
      // Display only: the nearest thousandth, trailing zeros dropped. Tables for the usual lengths;
      // writeFixed (same text, slower) for the rest (negative or 1000 cm and more).
      const thousandths = Math.round(r.clenheiCm * 1000);
      pos =
        thousandths >= 0 && thousandths <= MAX_THOUSANDTHS
          ? writeThousandths(this.outView, pos, thousandths)
          : writeFixed(out, pos, thousandths / 1000, CLENHEI_DECIMALS, true);
    }
    // The 2007 reference (5-19 years) has no BB/U category and IMT/U in its own bands.
    const is2007 = r.reference === 'who2007';
    pos = this.writeZ(pos, r.zlen, 0);
    pos = this.writeZ(pos, r.zwei, is2007 ? NO_STATUS : 1);
    pos = this.writeZ(pos, r.zwfl, 2);
    pos = this.writeZ(pos, r.zbmi, is2007 ? IMTU_5_18_COLUMN : 3);
    pos = this.writeZ(pos, r.zhc, NO_STATUS);
    const flags = flagRowCode(
      flagCode(r.flen),
      flagCode(r.fwei),
      flagCode(r.fwfl),
      flagCode(r.fbmi),
      flagCode(r.fhc),
      r.c9moFlag ? 1 : 0,
    );
    this.summary.flagged += FLAG_COUNT[flags] as number;
    pos = copyWords(
      FLAG_WORDS,
      (flags * FLAG_TEXT_STRIDE) / 4,
      FLAG_TEXT_LENGTH[flags] as number,
      this.outView,
      pos,
    );
    const band = this.band;
    // A flagged z gets no Permenkes label (only the flag), nor do BB/TB and IMT/U from a flagged length.
    if (is2007) {
      const imtu =
        r.flen === 1 || r.fbmi === 1 ? (NO_Z_BAND[IMTU_5_18_COLUMN] as number) : band[IMTU_5_18_COLUMN];
      const tbu = r.flen === 1 ? (NO_Z_BAND[0] as number) : band[0];
      const code = status2007RowCode(tbu as number, imtu as number);
      this.outPos = copyWords(
        STATUS_2007_ROW_WORDS,
        (STATUS_2007_ROW_OFFSET[code] as number) / 4,
        STATUS_2007_ROW_LENGTH[code] as number,
        this.outView,
        pos,
      );
      return;
    }
    if (r.flen === 1) {
      band[0] = NO_Z_BAND[0] as number;
      band[2] = NO_Z_BAND[2] as number;
      band[3] = NO_Z_BAND[3] as number;
    }
    if (r.fwei === 1) band[1] = NO_Z_BAND[1] as number;
    if (r.fwfl === 1) band[2] = NO_Z_BAND[2] as number;
    if (r.fbmi === 1) band[3] = NO_Z_BAND[3] as number;
    const statuses = statusRowCode(
      band[0] as number,
      band[1] as number,
      band[2] as number,
      band[3] as number,
    );
    this.outPos = copyWords(
      STATUS_ROW_WORDS,
      (STATUS_ROW_OFFSET[statuses] as number) / 4,
      STATUS_ROW_LENGTH[statuses] as number,
      this.outView,
      pos,
    );
  }
}

/** The band code of an empty status cell, per status column. */
const NO_Z_BAND = [0, 1, 2, 3, IMTU_5_18_COLUMN].map((column) => statusBandOf(column, Number.NaN));

/** A flag (1, 0 or NaN) as a flag column code. */
function flagCode(flag: number): number {
  return Number.isNaN(flag) ? FLAG_EMPTY : flag;
}

/** Output bytes per input byte a batch's buffer is sized for: typical rows grow about threefold. */
const BATCH_OUTPUT_PER_INPUT_BYTE = 4;

/**
 * One batch of whole rows after the header (as in a worker): output rows without the header line,
 * in an array that owns its memory (transferable), and the batch's own summary (rows numbered from 1).
 * `outputBuffer`: memory to write into, used when it holds what the batch is sized for (the output is then a
 * view of it).
 */
export function processBatch(
  header: Buffer,
  batch: Buffer,
  precision: number,
  outputBuffer?: Buffer,
): { output: Uint8Array; summary: ZscoreCsvSummary } {
  const transformer = new ZscoreCsvTransformer({
    precision,
    emitHeader: false,
    outputBufferBytes: batch.length * BATCH_OUTPUT_PER_INPUT_BYTE + 4096,
    ...(outputBuffer === undefined ? {} : { outputBuffer }),
  });
  const parts = [...transformer.push(header), ...transformer.push(batch), ...transformer.end()];
  // Usually one part, in a buffer of its own: handed out as it is, without a copy.
  if (parts.length === 1) return { output: parts[0] as Buffer, summary: transformer.summary };
  let length = 0;
  for (const part of parts) length += part.length;
  const output = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    output.set(part, at);
    at += part.length;
  }
  return { output, summary: transformer.summary };
}

/** Convenience for small inputs and tests: the whole CSV at once. */
export function zscoreCsv(
  input: Buffer,
  options: ZscoreCsvOptions = {},
): { output: Buffer; summary: ZscoreCsvSummary } {
  const transformer = new ZscoreCsvTransformer(options);
  const parts = [...transformer.push(input), ...transformer.end()];
  return { output: Buffer.concat(parts), summary: transformer.summary };
}
