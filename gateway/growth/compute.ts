// The hot path: one observation in, every z-score out, following WHO anthro 1.1.0 rule by rule
// (see docs/growth.md and ../shared/who/METHOD.md). No allocation when `out` is given, no strings
// built, no parsing: a table row is found by arithmetic on the whole age in days or on tenths of a cm.
import { DAYS_PER_MONTH, roundUpDays } from './age.ts';
import {
  ERR_AGE_NEGATIVE,
  ERR_AGE_NOT_FINITE,
  ERR_AGE_OVER_60_MONTHS,
  ERR_HEADC_NOT_FINITE,
  ERR_HEADC_NOT_POSITIVE,
  ERR_LENHEI_NOT_FINITE,
  ERR_LENHEI_NOT_POSITIVE,
  ERR_MEASURE,
  ERR_SEX,
  ERR_WEIGHT_NOT_FINITE,
  ERR_WEIGHT_NOT_POSITIVE,
  growthError,
} from './errors.ts';
import { restrictedLmsZ } from './lms.ts';
import { roundZ } from './round.ts';
import type { GrowthInput, GrowthResult } from './types.ts';
import { BFA, HCFA, LHFA, type LmsTable, WFA, WFH, WFL } from './who-2006/tables.ts';

/** Position switch of the WHO tables: length below 731 days, height from 731 days. */
export const HEIGHT_FROM_DAY = 731;
/** Length minus height measured on the same child (WHO). */
export const LYING_STANDING_DIFFERENCE_CM = 0.7;
/** Without age and position, lengths below 87 cm use the weight-for-length table. */
const WFL_BY_VALUE_BELOW_CM = 87;
// Table ranges in cm, ends included.
const WFL_MIN_CM = 45;
const WFL_MAX_CM = 110;
const WFH_MIN_CM = 65;
const WFH_MAX_CM = 120;

export function emptyGrowthResult(): GrowthResult {
  return {
    clenheiCm: Number.NaN,
    zlen: Number.NaN,
    zwei: Number.NaN,
    zwfl: Number.NaN,
    zbmi: Number.NaN,
    zhc: Number.NaN,
    flen: Number.NaN,
    fwei: Number.NaN,
    fwfl: Number.NaN,
    fbmi: Number.NaN,
    fhc: Number.NaN,
    c9moFlag: false,
    wflTable: undefined,
  };
}

/** 0 when `value` is absent or a positive finite number, else the given error index. */
function checkMeasured(value: number | undefined, notFinite: number, notPositive: number): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value)) return notFinite;
  return value > 0 ? 0 : notPositive;
}

/**
 * Flag from the z rounded to 2 decimals, as anthro sets it: 1 outside [low, high], NaN without z.
 * Rounding can only matter within 0.01 of a bound, so it is skipped elsewhere (same answer, faster).
 */
function flag(z: number, low: number, high: number): number {
  if (z > low + 0.01 && z < high - 0.01) return 0;
  if (Number.isNaN(z)) return Number.NaN;
  const rounded = roundZ(z);
  return rounded < low || rounded > high ? 1 : 0;
}

/** Plain LMS with L = 1 (length/height and head circumference; the build checks L = 1 in every row). */
function zL1(table: LmsTable, sexOffset: number, ageDays: number, y: number): number {
  const row = (sexOffset * table.rows + ageDays) * 3;
  // ((y / M)^1 - 1) / (S * 1), written as anthro evaluates it: the same double.
  return (y / (table.lms[row + 1] as number) - 1) / (table.lms[row + 2] as number);
}

function zRestrictedByAge(table: LmsTable, sexOffset: number, ageDays: number, y: number): number {
  const row = (sexOffset * table.rows + ageDays) * 3;
  const lms = table.lms;
  return restrictedLmsZ(y, lms[row] as number, lms[row + 1] as number, lms[row + 2] as number);
}

/**
 * Weight-for-length/height with anthro's interpolation between 0.1 cm rows. The expressions are
 * anthro's own (trunc(x*10)/10, trunc(x*10+1)/10, (x-low)/0.1) so that its floating-point quirk at
 * 103.1 cm lying from 731 days (x = 102.39999999999999 jumps to row 102.5) is reproduced.
 */
function zWeightForLenhei(table: LmsTable, sexOffset: number, x: number, weightKg: number): number {
  const low10 = Math.trunc(x * 10);
  const up10 = Math.trunc(x * 10 + 1);
  const d = (x - low10 / 10) / 0.1;
  const lms = table.lms;
  const base = sexOffset * table.rows - table.firstKey;
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
 * Computes every indicator into `out` and returns 0, or returns the index of the first input error
 * in GROWTH_ERRORS (then `out` is left unspecified). Never throws, never allocates.
 */
export function tryComputeGrowth(input: GrowthInput, out: GrowthResult): number {
  const sex = input.sex;
  if (sex !== 1 && sex !== 2) return ERR_SEX;
  const measure = input.measure;
  if (measure !== undefined && measure !== 'l' && measure !== 'h') return ERR_MEASURE;
  const weightKg = input.weightKg;
  const lenheiCm = input.lenheiCm;
  const headcCm = input.headcCm;
  const measuredError =
    checkMeasured(weightKg, ERR_WEIGHT_NOT_FINITE, ERR_WEIGHT_NOT_POSITIVE) ||
    checkMeasured(lenheiCm, ERR_LENHEI_NOT_FINITE, ERR_LENHEI_NOT_POSITIVE) ||
    checkMeasured(headcCm, ERR_HEADC_NOT_FINITE, ERR_HEADC_NOT_POSITIVE);
  if (measuredError !== 0) return measuredError;

  // Age: whole days (round half up) for the look-up, unrounded months for the cut-offs.
  const ageRaw = input.ageDays;
  let ageDays = -1;
  let ageMonths = Number.NaN;
  if (ageRaw !== undefined) {
    if (!Number.isFinite(ageRaw)) return ERR_AGE_NOT_FINITE;
    if (ageRaw < 0) return ERR_AGE_NEGATIVE;
    ageMonths = ageRaw / DAYS_PER_MONTH;
    // < 60 months also keeps the whole days within 0..1826, inside every age table.
    if (!(ageMonths < 60)) return ERR_AGE_OVER_60_MONTHS;
    ageDays = roundUpDays(ageRaw);
  }
  const ageKnown = ageDays >= 0;
  const sexOffset = sex - 1;
  const oedema = input.oedema === true;

  // Standing before 9 months is implausible: the position is dropped, so no 0.7 cm correction.
  let position = measure;
  const standingTooYoung = position === 'h' && ageKnown && ageMonths < 9;
  if (standingTooYoung) position = undefined;
  out.c9moFlag = standingTooYoung;

  let clenheiCm = Number.NaN;
  if (lenheiCm !== undefined) {
    clenheiCm = lenheiCm;
    if (ageKnown && position === 'h' && ageDays < HEIGHT_FROM_DAY)
      clenheiCm = lenheiCm + LYING_STANDING_DIFFERENCE_CM;
    else if (ageKnown && position === 'l' && ageDays >= HEIGHT_FROM_DAY)
      clenheiCm = lenheiCm - LYING_STANDING_DIFFERENCE_CM;
  }
  out.clenheiCm = clenheiCm;
  const hasLength = lenheiCm !== undefined;

  const zlen = ageKnown && hasLength ? zL1(LHFA, sexOffset, ageDays, clenheiCm) : Number.NaN;
  const weightUsable = weightKg !== undefined && !oedema;
  const zwei = ageKnown && weightUsable ? zRestrictedByAge(WFA, sexOffset, ageDays, weightKg) : Number.NaN;
  let zbmi = Number.NaN;
  if (ageKnown && weightUsable && hasLength) {
    const heightM = clenheiCm / 100;
    zbmi = zRestrictedByAge(BFA, sexOffset, ageDays, weightKg / (heightM * heightM));
  }
  const zhc = ageKnown && headcCm !== undefined ? zL1(HCFA, sexOffset, ageDays, headcCm) : Number.NaN;

  let zwfl = Number.NaN;
  let wflTable: 'wfl' | 'wfh' | undefined;
  if (hasLength) {
    const useLength = ageKnown
      ? ageDays < HEIGHT_FROM_DAY
      : position === 'l' || (position === undefined && clenheiCm < WFL_BY_VALUE_BELOW_CM);
    wflTable = useLength ? 'wfl' : 'wfh';
    if (weightUsable) {
      if (useLength) {
        if (clenheiCm >= WFL_MIN_CM && clenheiCm <= WFL_MAX_CM) {
          zwfl = zWeightForLenhei(WFL, sexOffset, clenheiCm, weightKg);
        }
      } else if (clenheiCm >= WFH_MIN_CM && clenheiCm <= WFH_MAX_CM) {
        zwfl = zWeightForLenhei(WFH, sexOffset, clenheiCm, weightKg);
      }
    }
  }
  out.wflTable = wflTable;

  out.zlen = zlen;
  out.zwei = zwei;
  out.zwfl = zwfl;
  out.zbmi = zbmi;
  out.zhc = zhc;
  out.flen = flag(zlen, -6, 6);
  out.fwei = flag(zwei, -6, 5);
  out.fwfl = flag(zwfl, -5, 5);
  out.fbmi = flag(zbmi, -5, 5);
  out.fhc = flag(zhc, -5, 5);
  return 0;
}

/** One observation; throws GrowthInputError (with `code` and `field`) on impossible input. */
export function computeGrowth(input: GrowthInput, out: GrowthResult = emptyGrowthResult()): GrowthResult {
  const error = tryComputeGrowth(input, out);
  if (error !== 0) throw growthError(error);
  return out;
}
