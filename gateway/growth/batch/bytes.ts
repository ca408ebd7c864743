// Number and date parsing/formatting straight on bytes, for the CSV batch path.
// Why by hand: String/Number conversions allocate a string per cell, which alone costs more than the
// whole z-score computation; these loops read and write the buffer in place.
import { daysFromCivil } from '../age.ts';

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const COMMA = 44;
const MINUS = 45;
const PLUS = 43;
const SPACE = 32;
const TAB = 9;
const DASH = 45;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function isBlank(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB;
}

/** Start of the cell content without leading blanks. */
export function trimStart(buf: Buffer, start: number, end: number): number {
  let at = start;
  while (at < end && isBlank(buf[at])) at++;
  return at;
}

/** End of the cell content without trailing blanks. */
export function trimEnd(buf: Buffer, start: number, end: number): number {
  let at = end;
  while (at > start && isBlank(buf[at - 1])) at--;
  return at;
}

/**
 * A decimal number such as `12.5`, `-0.7` or `12,5` (decimal comma, as in some Indonesian exports),
 * surrounding blanks allowed; NaN when the text is not a number. Up to 15 significant digits the
 * result is integer / 10^k, which is the correctly rounded double, identical to Number(text); longer
 * or exponent forms go through Number() on the slow path.
 */
export function parseDecimal(buf: Buffer, start: number, end: number): number {
  const from = trimStart(buf, start, end);
  const to = trimEnd(buf, from, end);
  let at = from;
  let negative = false;
  if (at < to && (buf[at] === MINUS || buf[at] === PLUS)) {
    negative = buf[at] === MINUS;
    at++;
  }
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; at < to; at++) {
    const byte = buf[at] as number;
    if (byte >= ZERO && byte <= NINE) {
      mantissa = mantissa * 10 + (byte - ZERO);
      digits++;
      if (decimals >= 0) decimals++;
    } else if ((byte === DOT || byte === COMMA) && decimals < 0) {
      decimals = 0;
    } else {
      return parseDecimalSlow(buf, from, to);
    }
  }
  if (digits === 0) return Number.NaN;
  if (digits > 15) return parseDecimalSlow(buf, from, to);
  const value = decimals > 0 ? mantissa / (POW10[decimals] as number) : mantissa;
  return negative ? -value : value;
}

const DECIMAL_TEXT = /^[+-]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][+-]?\d+)?$/;

function parseDecimalSlow(buf: Buffer, from: number, to: number): number {
  const text = buf.toString('latin1', from, to);
  return DECIMAL_TEXT.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
}

function twoDigits(buf: Buffer, at: number): number {
  const high = (buf[at] as number) - ZERO;
  const low = (buf[at + 1] as number) - ZERO;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

/** Day number of `YYYY-MM-DD` (anything after the 10th byte must start with T or a blank), or NaN. */
export function parseIsoDateDays(buf: Buffer, start: number, end: number): number {
  const from = trimStart(buf, start, end);
  const to = trimEnd(buf, from, end);
  if (to - from < 10 || buf[from + 4] !== DASH || buf[from + 7] !== DASH) return Number.NaN;
  if (to - from > 10) {
    const after = buf[from + 10];
    if (after !== 84 && after !== SPACE) return Number.NaN;
  }
  const century = twoDigits(buf, from);
  const yearInCentury = twoDigits(buf, from + 2);
  const month = twoDigits(buf, from + 5);
  const day = twoDigits(buf, from + 8);
  if (century < 0 || yearInCentury < 0 || month < 0 || day < 0) return Number.NaN;
  return daysFromCivil(century * 100 + yearInCentury, month, day);
}

/** Writes a non-negative integer below 2^31; returns the position after it. */
function writeSmallUnsigned(buf: Buffer, at: number, value: number): number {
  let length = 1;
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) length++;
  let rest = value;
  for (let i = at + length - 1; i >= at; i--) {
    const next = (rest / 10) | 0;
    buf[i] = ZERO + rest - next * 10;
    rest = next;
  }
  return at + length;
}

/** Writes `count` digits of a non-negative integer below 10^count, zero-padded. */
function writePadded(buf: Buffer, at: number, value: number, count: number): number {
  let rest = value;
  for (let i = at + count - 1; i >= at; i--) {
    const next = Math.floor(rest / 10);
    buf[i] = ZERO + rest - next * 10;
    rest = next;
  }
  return at + count;
}

/**
 * Writes `value` with exactly `decimals` decimals (0..15), assuming it was already rounded to them
 * (roundTo); with `trimZeros`, trailing zeros and a bare point are dropped. Returns the new position.
 * Magnitudes beyond 2^53 at that scale fall back to String(value).
 */
export function writeFixed(
  buf: Buffer,
  at: number,
  value: number,
  decimals: number,
  trimZeros: boolean,
): number {
  const pow10 = POW10[decimals] as number;
  const magnitude = value < 0 ? -value : value;
  const scaled = Math.round(magnitude * pow10);
  if (!(scaled < 9007199254740992)) return at + buf.write(String(value), at, 'latin1');
  let pos = at;
  if (value < 0 && scaled !== 0) buf[pos++] = MINUS;
  const whole = Math.floor(scaled / pow10);
  pos =
    whole < 2147483648 ? writeSmallUnsigned(buf, pos, whole) : pos + buf.write(String(whole), pos, 'latin1');
  if (decimals === 0) return pos;
  let fraction = scaled - whole * pow10;
  let kept = decimals;
  if (trimZeros) {
    while (kept > 0 && fraction % 10 === 0) {
      fraction /= 10;
      kept--;
    }
    if (kept === 0) return pos;
  }
  buf[pos++] = DOT;
  return writePadded(buf, pos, fraction, kept);
}

/** Text as little-endian words (byte 0 lowest), for copyWords; zero-padded to a whole word. */
export function textWords(text: Uint8Array): Uint32Array {
  const padded = new Uint8Array((text.length + 3) & ~3);
  padded.set(text);
  // On a little-endian machine the padded copy already is those words (one copy, no loop at start-up).
  if (LITTLE_ENDIAN) return new Uint32Array(padded.buffer);
  const view = new DataView(padded.buffer);
  const words = new Uint32Array(padded.length / 4);
  for (let word = 0; word < words.length; word++) words[word] = view.getUint32(word * 4, true);
  return words;
}

/**
 * Copies `length` bytes of text held as words (textWords) from word `startWord`, four at a time: a
 * byte loop costs about 1.5 ns a byte, and Buffer#copy's call more than a short copy. Whole words:
 * up to 3 bytes past the text land in `to`, where the next write overwrites them.
 */
export function copyWords(
  from: Uint32Array,
  startWord: number,
  length: number,
  to: DataView,
  at: number,
): number {
  for (let i = 0, word = startWord; i < length; i += 4, word++) {
    to.setUint32(at + i, from[word] as number, true); // a literal: V8 then emits one store
  }
  return at + length;
}

/** Copies bytes start..end, reading nothing past `end`: whole words, then the last few bytes. */
export function copySpan(from: DataView, start: number, end: number, to: DataView, at: number): number {
  let i = start;
  let pos = at;
  for (; i + 4 <= end; i += 4, pos += 4) to.setUint32(pos, from.getUint32(i, true), true);
  for (; i < end; i++) to.setUint8(pos++, from.getUint8(i));
  return pos;
}
