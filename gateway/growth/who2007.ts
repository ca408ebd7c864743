// The WHO Reference 2007 (5-19 years) as WHO's R package anthroplus applies it (R/zscores.R, summarised
// in ../shared/who2007/METHOD.md): age in decimal months; L, M and S interpolated linearly between the
// whole-month rows; plain LMS for height-for-age, restricted LMS beyond +-3 SD for weight-for-age and
// BMI-for-age; 60-228 months (weight-for-age to 120); oedema blanks the weight-based z; flags from the
// z rounded to 2 decimals. Same hot-path rules as the 2006 core: numbers in a Float64Array, no allocation.
import { DAYS_PER_MONTH } from './age.ts';
import { computeGrowthValues, emptyGrowthResult, packGrowthInput } from './compute.ts';
import {
  ERR_AGE_MISSING,
  ERR_AGE_MONTHS_NEGATIVE,
  ERR_AGE_MONTHS_NOT_FINITE,
  ERR_AGE_NEGATIVE,
  ERR_AGE_NOT_FINITE,
  ERR_AGE_OVER_228_MONTHS,
  ERR_AGE_UNDER_60_MONTHS,
  growthError,
} from './errors.ts';
import {
  checkObservation,
  F5_HIGH,
  F5_LOW,
  FLEN_HIGH,
  FLEN_LOW,
  FWEI_HIGH,
  FWEI_LOW,
  implausibleFlag,
  LYING_STANDING_DIFFERENCE_CM,
  POSITION_LYING,
  VALUE_AGE_DAYS,
  VALUE_AGE_MONTHS,
  VALUE_LENHEI_CM,
  VALUE_OEDEMA,
  VALUE_POSITION,
  VALUE_SEX,
  VALUE_SLOTS,
  VALUE_WEIGHT_KG,
} from './indicators.ts';
import { restrictedLmsValue, restrictedLmsZ } from './lms.ts';
import type { GrowthInput, GrowthResult } from './types.ts';
import { BFA_2007, HFA_2007, type LmsTable2007, WFA_2007 } from './who-2007/tables.ts';

/** First month of the 2007 reference; below it the 2006 standards apply (anthro: age < 60 months). */
export const WHO_2007_FIRST_MONTH = 60;
/** Last month scored for height-for-age and BMI-for-age (19 years). */
export const WHO_2007_LAST_MONTH = 228;
/** Last month scored for weight-for-age (10 years): WHO publishes no weight-for-age beyond. */
export const WHO_2007_WFA_LAST_MONTH = 120;

/**
 * Height-for-age z at a decimal age: anthroplus's interpolation (low = trunc(age), upp = trunc(age + 1),
 * each of L, M, S as x_low + d * (x_upp - x_low) when d > 0). L = 1 in every row (the build checks it),
 * so the interpolated L is exactly 1 and ((y / M)^1 - 1) / (S * 1) is (y / M - 1) / S, the same double.
 */
export function heightForAge2007Z(sex0: number, ageMonths: number, heightCm: number): number {
  const table = HFA_2007;
  const low = Math.trunc(ageMonths);
  const d = ageMonths - low;
  const base = sex0 * table.rows - table.firstKey;
  const lms = table.lms;
  const at = (base + low) * 3;
  let m = lms[at + 1] as number;
  let s = lms[at + 2] as number;
  if (d > 0) {
    const up = (base + Math.trunc(ageMonths + 1)) * 3;
    m = m + d * ((lms[up + 1] as number) - m);
    s = s + d * ((lms[up + 2] as number) - s);
  }
  return (heightCm / m - 1) / s;
}

/** Restricted LMS z at a decimal age, with the same interpolation (weight-for-age, BMI-for-age). */
function restrictedByMonth(table: LmsTable2007, sex0: number, ageMonths: number, y: number): number {
  const low = Math.trunc(ageMonths);
  const d = ageMonths - low;
  const base = sex0 * table.rows - table.firstKey;
  const lms = table.lms;
  const at = (base + low) * 3;
  let l = lms[at] as number;
  let m = lms[at + 1] as number;
  let s = lms[at + 2] as number;
  if (d > 0) {
    const up = (base + Math.trunc(ageMonths + 1)) * 3;
    l = l + d * ((lms[up] as number) - l);
    m = m + d * ((lms[up + 1] as number) - m);
    s = s + d * ((lms[up + 2] as number) - s);
  }
  return restrictedLmsZ(y, l, m, s);
}

/** Weight-for-age z, 60-120 months only (the caller checks the age). */
export function weightForAge2007Z(sex0: number, ageMonths: number, weightKg: number): number {
  return restrictedByMonth(WFA_2007, sex0, ageMonths, weightKg);
}

/** BMI-for-age z from weight and height (BMI = weight / (height / 100)^2, unrounded, as anthroplus). */
export function bmiForAge2007Z(sex0: number, ageMonths: number, weightKg: number, heightCm: number): number {
  const heightM = heightCm / 100;
  return restrictedByMonth(BFA_2007, sex0, ageMonths, weightKg / (heightM * heightM));
}

/** The age in months of an observation: as given, or from the days (WHO's days / 30.4375). */
function monthsOf(values: Float64Array): number {
  const months = values[VALUE_AGE_MONTHS] as number;
  return Number.isNaN(months) ? (values[VALUE_AGE_DAYS] as number) / DAYS_PER_MONTH : months;
}

/** The age error for the field the age came in (months when given so, else days). */
function ageError(values: Float64Array, months: number): number {
  const givenInMonths = !Number.isNaN(values[VALUE_AGE_MONTHS] as number);
  if (Number.isNaN(months)) return ERR_AGE_MISSING;
  if (!Number.isFinite(months)) return givenInMonths ? ERR_AGE_MONTHS_NOT_FINITE : ERR_AGE_NOT_FINITE;
  if (months < 0) return givenInMonths ? ERR_AGE_MONTHS_NEGATIVE : ERR_AGE_NEGATIVE;
  if (months < WHO_2007_FIRST_MONTH) return ERR_AGE_UNDER_60_MONTHS;
  return months > WHO_2007_LAST_MONTH ? ERR_AGE_OVER_228_MONTHS : 0;
}

/**
 * The 2007 reference on an observation packed in a Float64Array (VALUE_* slots, NaN = missing): fills
 * `out` (zlen = height-for-age, zwei = weight-for-age to 120 months, zbmi; zwfl and zhc NaN) and returns
 * 0, or returns the index of the first input error in GROWTH_ERRORS. The height is standing height as
 * anthroplus takes it; one measured lying (`l`) is converted by WHO's -0.7 cm (clenheiCm).
 */
export function computeGrowth2007Values(values: Float64Array, out: GrowthResult): number {
  const inputError = checkObservation(values);
  if (inputError !== 0) return inputError;
  const sex = values[VALUE_SEX] as number;
  const position = values[VALUE_POSITION] as number;
  const weightKg = values[VALUE_WEIGHT_KG] as number;
  const lenheiCm = values[VALUE_LENHEI_CM] as number;
  const months = monthsOf(values);
  const error = ageError(values, months);
  if (error !== 0) return error;
  const sex0 = sex - 1;
  const heightCm = position === POSITION_LYING ? lenheiCm - LYING_STANDING_DIFFERENCE_CM : lenheiCm;
  const hasHeight = !Number.isNaN(heightCm);
  const weightUsable = !Number.isNaN(weightKg) && (values[VALUE_OEDEMA] as number) !== 1;
  const zlen = hasHeight ? heightForAge2007Z(sex0, months, heightCm) : Number.NaN;
  const zwei =
    weightUsable && months <= WHO_2007_WFA_LAST_MONTH
      ? weightForAge2007Z(sex0, months, weightKg)
      : Number.NaN;
  const zbmi = weightUsable && hasHeight ? bmiForAge2007Z(sex0, months, weightKg, heightCm) : Number.NaN;
  out.reference = 'who2007';
  out.c9moFlag = false;
  out.clenheiCm = heightCm;
  out.wflTable = undefined;
  out.zlen = zlen;
  out.zwei = zwei;
  out.zwfl = Number.NaN;
  out.zbmi = zbmi;
  out.zhc = Number.NaN;
  out.flen = implausibleFlag(zlen, FLEN_LOW, FLEN_HIGH);
  out.fwei = implausibleFlag(zwei, FWEI_LOW, FWEI_HIGH);
  out.fwfl = Number.NaN;
  out.fbmi = implausibleFlag(zbmi, F5_LOW, F5_HIGH);
  out.fhc = Number.NaN;
  return 0;
}

/**
 * True when an observation is scored by the 2007 reference: its age is 60 months or more (an age in
 * days when 1826.25 or more; whole days from dates, from 1827). No age, a negative age or one under 60
 * months stays with the 2006 standards, whose rules report it.
 */
export function uses2007(values: Float64Array): boolean {
  const months = monthsOf(values);
  return months >= WHO_2007_FIRST_MONTH;
}

/**
 * Either reference by age, as `tikar zscore` applies them: under 60 months (or no age) the 2006
 * standards (computeGrowthValues), from 60 months the 2007 reference; over 228 months an error.
 * VALUE_AGE_DAYS must hold the age in days whenever an age is known (months * 30.4375 when given in
 * months), VALUE_AGE_MONTHS the months as given or NaN.
 */
export function computeGrowthAnyAgeValues(values: Float64Array, out: GrowthResult): number {
  return uses2007(values) ? computeGrowth2007Values(values, out) : computeGrowthValues(values, out);
}

const scratch = new Float64Array(VALUE_SLOTS);

/** The 2007 reference on one observation (ageMonths or ageDays); 0 or an error index, never throws. */
export function tryComputeGrowth2007(input: GrowthInput, out: GrowthResult): number {
  packGrowthInput(input, scratch);
  return computeGrowth2007Values(scratch, out);
}

/** Either reference by age (see computeGrowthAnyAgeValues); 0 or an error index, never throws. */
export function tryComputeGrowthForAge(input: GrowthInput, out: GrowthResult): number {
  packGrowthInput(input, scratch);
  return computeGrowthAnyAgeValues(scratch, out);
}

/** The 2007 reference on one observation; throws GrowthInputError on impossible input or age. */
export function computeGrowth2007(input: GrowthInput, out: GrowthResult = emptyGrowthResult()): GrowthResult {
  const error = tryComputeGrowth2007(input, out);
  if (error !== 0) throw growthError(error);
  return out;
}

/**
 * Either reference by age: the 2006 standards under 60 months, the 2007 reference from 60 to 228
 * months (`out.reference` says which); throws GrowthInputError on impossible input or age.
 */
export function computeGrowthForAge(
  input: GrowthInput,
  out: GrowthResult = emptyGrowthResult(),
): GrowthResult {
  const error = tryComputeGrowthForAge(input, out);
  if (error !== 0) throw growthError(error);
  return out;
}

export type Indicator2007 = 'hfa' | 'wfa' | 'bfa';

const TABLE_OF: Readonly<Record<Indicator2007, LmsTable2007>> = {
  hfa: HFA_2007,
  wfa: WFA_2007,
  bfa: BFA_2007,
};
const LAST_MONTH_OF: Readonly<Record<Indicator2007, number>> = {
  hfa: WHO_2007_LAST_MONTH,
  wfa: WHO_2007_WFA_LAST_MONTH,
  bfa: WHO_2007_LAST_MONTH,
};

/**
 * The 2007 SD line at `z` for one sex at every whole month from `fromMonth` to `toMonth` (within the
 * indicator's range): x in days (month x 30.4375, as the 2006 curves' axis), y in cm or kg/m2 or kg.
 * Weight-for-age and BMI-for-age continue linearly beyond +-3 SD, as their z-scores do.
 */
export function sdCurve2007(
  indicator: Indicator2007,
  sex: 1 | 2,
  z: number,
  fromMonth = WHO_2007_FIRST_MONTH,
  toMonth = LAST_MONTH_OF[indicator],
): { x: Float64Array; y: Float64Array } {
  if (sex !== 1 && sex !== 2) throw new RangeError(`sdCurve2007: sex must be 1 or 2, got ${String(sex)}`);
  if (!Number.isFinite(z)) throw new RangeError(`sdCurve2007: z must be finite, got ${z}`);
  const table = TABLE_OF[indicator];
  const first = Math.max(WHO_2007_FIRST_MONTH, Math.ceil(fromMonth));
  const last = Math.min(LAST_MONTH_OF[indicator], Math.floor(toMonth));
  const points = Math.max(0, last - first + 1);
  const x = new Float64Array(points);
  const y = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const at = ((sex - 1) * table.rows + first + i - table.firstKey) * 3;
    const l = table.lms[at] as number;
    const m = table.lms[at + 1] as number;
    const s = table.lms[at + 2] as number;
    x[i] = (first + i) * DAYS_PER_MONTH;
    y[i] = indicator === 'hfa' ? m * (1 + s * z) : restrictedLmsValue(z, l, m, s);
  }
  return { x, y };
}
