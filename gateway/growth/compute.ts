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
import {
  adjustLenhei,
  bmiForAgeZ,
  F5_HIGH,
  F5_LOW,
  FLEN_HIGH,
  FLEN_LOW,
  FWEI_HIGH,
  FWEI_LOW,
  headForAgeZ,
  implausibleFlag,
  lengthForAgeZ,
  POSITION_LYING,
  POSITION_STANDING,
  POSITION_UNKNOWN,
  STANDING_FROM_MONTHS,
  TABLE_WFL,
  weightForAgeZ,
  weightForLenheiTable,
  weightForLenheiZ,
} from './indicators.ts';
import type { GrowthInput, GrowthResult } from './types.ts';

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
 * Computes every indicator into `out` and returns 0, or returns the index of the first input error
 * in GROWTH_ERRORS (then `out` is left unspecified). Never throws, never allocates.
 */
export function tryComputeGrowth(input: GrowthInput, out: GrowthResult): number {
  const sex = input.sex;
  if (sex !== 1 && sex !== 2) return ERR_SEX;
  const measure = input.measure;
  let position = POSITION_UNKNOWN;
  if (measure === 'l') position = POSITION_LYING;
  else if (measure === 'h') position = POSITION_STANDING;
  else if (measure !== undefined) return ERR_MEASURE;
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
  const sex0 = sex - 1;
  const weightUsable = weightKg !== undefined && input.oedema !== true;

  // Standing before 9 months is implausible: the position is dropped, so no 0.7 cm correction.
  const standingTooYoung = position === POSITION_STANDING && ageMonths < STANDING_FROM_MONTHS;
  if (standingTooYoung) position = POSITION_UNKNOWN;
  out.c9moFlag = standingTooYoung;

  let clenheiCm = Number.NaN;
  let zlen = Number.NaN;
  let zbmi = Number.NaN;
  let zwfl = Number.NaN;
  let wflTable: 'wfl' | 'wfh' | undefined;
  if (lenheiCm !== undefined) {
    clenheiCm = adjustLenhei(lenheiCm, ageDays, position);
    const tableId = weightForLenheiTable(ageDays, position, clenheiCm);
    wflTable = tableId === TABLE_WFL ? 'wfl' : 'wfh';
    if (ageKnown) zlen = lengthForAgeZ(sex0, ageDays, clenheiCm);
    if (weightUsable) {
      zwfl = weightForLenheiZ(sex0, tableId, clenheiCm, weightKg);
      if (ageKnown) zbmi = bmiForAgeZ(sex0, ageDays, weightKg, clenheiCm);
    }
  }
  const zwei = ageKnown && weightUsable ? weightForAgeZ(sex0, ageDays, weightKg) : Number.NaN;
  const zhc = ageKnown && headcCm !== undefined ? headForAgeZ(sex0, ageDays, headcCm) : Number.NaN;

  out.clenheiCm = clenheiCm;
  out.wflTable = wflTable;
  out.zlen = zlen;
  out.zwei = zwei;
  out.zwfl = zwfl;
  out.zbmi = zbmi;
  out.zhc = zhc;
  out.flen = implausibleFlag(zlen, FLEN_LOW, FLEN_HIGH);
  out.fwei = implausibleFlag(zwei, FWEI_LOW, FWEI_HIGH);
  out.fwfl = implausibleFlag(zwfl, F5_LOW, F5_HIGH);
  out.fbmi = implausibleFlag(zbmi, F5_LOW, F5_HIGH);
  out.fhc = implausibleFlag(zhc, F5_LOW, F5_HIGH);
  return 0;
}

/** One observation; throws GrowthInputError (with `code` and `field`) on impossible input. */
export function computeGrowth(input: GrowthInput, out: GrowthResult = emptyGrowthResult()): GrowthResult {
  const error = tryComputeGrowth(input, out);
  if (error !== 0) throw growthError(error);
  return out;
}
