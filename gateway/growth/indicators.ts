// The per-indicator steps of WHO anthro 1.1.0, shared by the one-observation API (compute.ts) and
// the columnar batch (batch.ts). Inputs here are already checked: sex0 is 0 (boys) or 1 (girls), a
// known age is a whole day 0..1826, and a position is a number (POSITION_*), so no strings are compared.
import { DAYS_PER_MONTH, roundUpDays } from './age.ts';
import {
  ERR_AGE_NEGATIVE,
  ERR_AGE_NOT_FINITE,
  ERR_AGE_OVER_60_MONTHS,
  ERR_HEADC_BEYOND,
  ERR_HEADC_NOT_FINITE,
  ERR_HEADC_NOT_POSITIVE,
  ERR_LENHEI_BEYOND,
  ERR_LENHEI_NOT_FINITE,
  ERR_LENHEI_NOT_POSITIVE,
  ERR_MEASURE,
  ERR_SEX,
  ERR_WEIGHT_BEYOND,
  ERR_WEIGHT_NOT_FINITE,
  ERR_WEIGHT_NOT_POSITIVE,
  MAX_HEADC_CM,
  MAX_LENHEI_CM,
  MAX_WEIGHT_KG,
} from './errors.ts';
import { restrictedLmsZ } from './lms.ts';
import { roundZ } from './round.ts';
import { BFA, HCFA, LHFA, type LmsTable, WFA, WFH, WFL } from './who-2006/tables.ts';

export const POSITION_UNKNOWN = 0;
export const POSITION_LYING = 1;
export const POSITION_STANDING = 2;

/** Position switch of the WHO tables: length below 731 days, height from 731 days. */
export const HEIGHT_FROM_DAY = 731;
/** Length minus height measured on the same child (WHO). */
export const LYING_STANDING_DIFFERENCE_CM = 0.7;
/** Below 9 months a standing measurement is implausible (anthro 1.1.0). */
export const STANDING_FROM_MONTHS = 9;
/** Without age and position, lengths below 87 cm use the weight-for-length table. */
const WFL_BY_VALUE_BELOW_CM = 87;
// Table ranges in cm, ends included.
const WFL_MIN_CM = 45;
const WFL_MAX_CM = 110;
const WFH_MIN_CM = 65;
const WFH_MAX_CM = 120;

export const TABLE_WFL = 1;
export const TABLE_WFH = 2;

/**
 * anthro's adjust_lenhei: standing below 731 days -> +0.7 cm; lying from 731 days -> -0.7 cm;
 * unknown age (ageDays < 0) or position -> unchanged.
 */
export function adjustLenhei(lenheiCm: number, ageDays: number, position: number): number {
  if (ageDays < 0) return lenheiCm;
  if (position === POSITION_STANDING && ageDays < HEIGHT_FROM_DAY)
    return lenheiCm + LYING_STANDING_DIFFERENCE_CM;
  if (position === POSITION_LYING && ageDays >= HEIGHT_FROM_DAY)
    return lenheiCm - LYING_STANDING_DIFFERENCE_CM;
  return lenheiCm;
}

/** A checked observation: what every indicator needs besides the measured values. */
export interface PreparedRow {
  /** Whole age in days (anthro's round_up), -1 when unknown. */
  ageDays: number;
  /** Position after the 9-month rule. */
  position: number;
  /** Length/height after the 0.7 cm adjustment; NaN without one. */
  clenheiCm: number;
  /** 1 when a standing position before 9 months was dropped. */
  c9moFlag: number;
}

/** 0 when `value` is missing (NaN) or a positive finite number, else the given error index. */
function checkMeasured(
  value: number,
  notFinite: number,
  notPositive: number,
  max: number,
  beyond: number,
): number {
  if (Number.isNaN(value)) return 0;
  if (!Number.isFinite(value)) return notFinite;
  if (!(value > 0)) return notPositive;
  return value > max ? beyond : 0;
}

// Slots of an observation packed in a Float64Array (NaN = missing). Passing one array instead of
// seven numbers keeps V8 from boxing every double at each call on the hot path.
export const VALUE_SEX = 0;
export const VALUE_AGE_DAYS = 1;
export const VALUE_WEIGHT_KG = 2;
export const VALUE_LENHEI_CM = 3;
export const VALUE_HEADC_CM = 4;
/** POSITION_* */
export const VALUE_POSITION = 5;
/** 1 oedema, 0 none. */
export const VALUE_OEDEMA = 6;
/** Age in months when given so (WHO AnthroPlus's input), else NaN: then it is VALUE_AGE_DAYS / 30.4375. */
export const VALUE_AGE_MONTHS = 7;
export const VALUE_SLOTS = 8;

/**
 * The checks of an observation that do not depend on the reference (both WHO cores run them): sex,
 * position, and each measured value missing or a positive finite number. 0 or an error index.
 */
export function checkObservation(values: Float64Array): number {
  const sex = values[VALUE_SEX] as number;
  const position = values[VALUE_POSITION] as number;
  if (sex !== 1 && sex !== 2) return ERR_SEX;
  if (position !== POSITION_UNKNOWN && position !== POSITION_LYING && position !== POSITION_STANDING) {
    return ERR_MEASURE;
  }
  return (
    checkMeasured(
      values[VALUE_WEIGHT_KG] as number,
      ERR_WEIGHT_NOT_FINITE,
      ERR_WEIGHT_NOT_POSITIVE,
      MAX_WEIGHT_KG,
      ERR_WEIGHT_BEYOND,
    ) ||
    checkMeasured(
      values[VALUE_LENHEI_CM] as number,
      ERR_LENHEI_NOT_FINITE,
      ERR_LENHEI_NOT_POSITIVE,
      MAX_LENHEI_CM,
      ERR_LENHEI_BEYOND,
    ) ||
    checkMeasured(
      values[VALUE_HEADC_CM] as number,
      ERR_HEADC_NOT_FINITE,
      ERR_HEADC_NOT_POSITIVE,
      MAX_HEADC_CM,
      ERR_HEADC_BEYOND,
    )
  );
}

/**
 * Checks one observation (VALUE_* slots, NaN = missing) and fills `row`; returns 0 or the index of
 * the first error in GROWTH_ERRORS. Age: whole days for the look-up, unrounded months for the
 * cut-offs (< 60 months, which also keeps the whole days within 0..1826, inside every age table).
 */
export function prepareRow(values: Float64Array, row: PreparedRow): number {
  let position = values[VALUE_POSITION] as number;
  const lenheiCm = values[VALUE_LENHEI_CM] as number;
  const ageRaw = values[VALUE_AGE_DAYS] as number;
  const inputError = checkObservation(values);
  if (inputError !== 0) return inputError;
  let ageDays = -1;
  let ageMonths = Number.NaN;
  if (!Number.isNaN(ageRaw)) {
    if (!Number.isFinite(ageRaw)) return ERR_AGE_NOT_FINITE;
    if (ageRaw < 0) return ERR_AGE_NEGATIVE;
    ageMonths = ageRaw / DAYS_PER_MONTH;
    if (!(ageMonths < 60)) return ERR_AGE_OVER_60_MONTHS;
    ageDays = roundUpDays(ageRaw);
  }
  // Standing before 9 months is implausible: the position is dropped, so no 0.7 cm correction.
  const standingTooYoung = position === POSITION_STANDING && ageMonths < STANDING_FROM_MONTHS;
  if (standingTooYoung) position = POSITION_UNKNOWN;
  row.ageDays = ageDays;
  row.position = position;
  row.c9moFlag = standingTooYoung ? 1 : 0;
  row.clenheiCm = Number.isNaN(lenheiCm) ? Number.NaN : adjustLenhei(lenheiCm, ageDays, position);
  return 0;
}

/** Plain LMS with L = 1 (length/height and head circumference; the build checks L = 1 in every row). */
function zL1(table: LmsTable, sex0: number, ageDays: number, y: number): number {
  const row = (sex0 * table.rows + ageDays) * 3;
  // ((y / M)^1 - 1) / (S * 1), written as anthro evaluates it: the same double.
  return (y / (table.lms[row + 1] as number) - 1) / (table.lms[row + 2] as number);
}

function zRestrictedByAge(table: LmsTable, sex0: number, ageDays: number, y: number): number {
  const row = (sex0 * table.rows + ageDays) * 3;
  const lms = table.lms;
  return restrictedLmsZ(y, lms[row] as number, lms[row + 1] as number, lms[row + 2] as number);
}

export function lengthForAgeZ(sex0: number, ageDays: number, clenheiCm: number): number {
  return zL1(LHFA, sex0, ageDays, clenheiCm);
}

export function headForAgeZ(sex0: number, ageDays: number, headcCm: number): number {
  return zL1(HCFA, sex0, ageDays, headcCm);
}

export function weightForAgeZ(sex0: number, ageDays: number, weightKg: number): number {
  return zRestrictedByAge(WFA, sex0, ageDays, weightKg);
}

/** BMI = weight / (clenhei / 100)^2, unrounded, as anthro's cbmi. */
export function bmiForAgeZ(sex0: number, ageDays: number, weightKg: number, clenheiCm: number): number {
  const heightM = clenheiCm / 100;
  return zRestrictedByAge(BFA, sex0, ageDays, weightKg / (heightM * heightM));
}

/** TABLE_WFL or TABLE_WFH: by age when known, else by position, else by the 87 cm rule. */
export function weightForLenheiTable(ageDays: number, position: number, clenheiCm: number): number {
  if (ageDays >= 0) return ageDays < HEIGHT_FROM_DAY ? TABLE_WFL : TABLE_WFH;
  if (position === POSITION_LYING) return TABLE_WFL;
  if (position === POSITION_STANDING) return TABLE_WFH;
  return clenheiCm < WFL_BY_VALUE_BELOW_CM ? TABLE_WFL : TABLE_WFH;
}

/**
 * Weight-for-length/height with anthro's interpolation between 0.1 cm rows; NaN outside the table.
 * The expressions are anthro's own (trunc(x*10)/10, trunc(x*10+1)/10, (x-low)/0.1) so that its
 * floating-point quirk at 103.1 cm lying from 731 days (x = 102.39999999999999 uses row 102.5) is
 * reproduced.
 */
export function weightForLenheiZ(sex0: number, tableId: number, clenheiCm: number, weightKg: number): number {
  const x = clenheiCm;
  const table = tableId === TABLE_WFL ? WFL : WFH;
  const inRange =
    tableId === TABLE_WFL ? x >= WFL_MIN_CM && x <= WFL_MAX_CM : x >= WFH_MIN_CM && x <= WFH_MAX_CM;
  if (!inRange) return Number.NaN;
  const low10 = Math.trunc(x * 10);
  const up10 = Math.trunc(x * 10 + 1);
  const d = (x - low10 / 10) / 0.1;
  const lms = table.lms;
  const base = sex0 * table.rows - table.firstKey;
  const low = (base + low10) * 3;
  let l = lms[low] as number;
  let m = lms[low + 1] as number;
  let s = lms[low + 2] as number;
  if (d > 0) {
    // anthro joins "up" against the table: no such row gives no z.
    if (up10 - table.firstKey >= table.rows) return Number.NaN;
    const up = (base + up10) * 3;
    l = l + d * ((lms[up] as number) - l);
    m = m + d * ((lms[up + 1] as number) - m);
    s = s + d * ((lms[up + 2] as number) - s);
  }
  return restrictedLmsZ(weightKg, l, m, s);
}

/**
 * Flag from the z rounded to 2 decimals, as anthro sets it: 1 outside [low, high], NaN without z.
 * Rounding can only matter within 0.01 of a bound, so it is skipped elsewhere (same answer, faster).
 */
export function implausibleFlag(z: number, low: number, high: number): number {
  if (z > low + 0.01 && z < high - 0.01) return 0;
  if (Number.isNaN(z)) return Number.NaN;
  const rounded = roundZ(z);
  return rounded < low || rounded > high ? 1 : 0;
}

// WHO's cut-offs for biologically implausible z-scores (the bounds themselves are plausible).
export const FLEN_LOW = -6;
export const FLEN_HIGH = 6;
export const FWEI_LOW = -6;
export const FWEI_HIGH = 5;
/** fwfl, fbmi and fhc: |z| > 5. */
export const F5_LOW = -5;
export const F5_HIGH = 5;
