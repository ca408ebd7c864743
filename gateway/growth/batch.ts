// Columnar batch: the same rules as computeGrowth over typed-array columns, for bulk work (reports,
// re-computation of a whole register, benchmarks). One pass checks and prepares every row (errors,
// whole days, position after the 9-month rule, clenhei); then one tight loop per requested indicator.
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
  POSITION_STANDING,
  POSITION_UNKNOWN,
  STANDING_FROM_MONTHS,
  weightForAgeZ,
  weightForLenheiTable,
  weightForLenheiZ,
} from './indicators.ts';

/** Input columns; NaN in a number column means missing. */
export interface GrowthColumns {
  /** 1 male, 2 female. */
  sex: Uint8Array;
  ageDays?: Float64Array;
  weightKg?: Float64Array;
  lenheiCm?: Float64Array;
  headcCm?: Float64Array;
  /** 0 unknown, 1 lying ('l'), 2 standing ('h'). */
  measure?: Uint8Array;
  /** 1 oedema, 0 none. */
  oedema?: Uint8Array;
}

/** Output columns: only those given are computed. A flag column needs its z column. */
export interface GrowthOutputColumns {
  /** Index into GROWTH_ERRORS per row, 0 when the row is fine (then every output of the row is NaN). */
  error: Uint8Array;
  clenheiCm?: Float64Array;
  zlen?: Float64Array;
  zwei?: Float64Array;
  zwfl?: Float64Array;
  zbmi?: Float64Array;
  zhc?: Float64Array;
  flen?: Float64Array;
  fwei?: Float64Array;
  fwfl?: Float64Array;
  fbmi?: Float64Array;
  fhc?: Float64Array;
  c9moFlag?: Uint8Array;
}

// Per-row scratch reused between calls: whole age in days (-1 unknown, -2 row in error), position
// after the 9-month rule, clenhei.
let scratchAge = new Int32Array(0);
let scratchPosition = new Uint8Array(0);
let scratchClenhei = new Float64Array(0);

function ensureScratch(count: number): void {
  if (scratchAge.length >= count) return;
  scratchAge = new Int32Array(count);
  scratchPosition = new Uint8Array(count);
  scratchClenhei = new Float64Array(count);
}

function measuredError(value: number, notFinite: number, notPositive: number): number {
  if (Number.isNaN(value)) return 0;
  if (!Number.isFinite(value)) return notFinite;
  return value > 0 ? 0 : notPositive;
}

/** Checks one row and fills the scratch; returns its error index (0 = fine). */
function prepareRow(input: GrowthColumns, out: GrowthOutputColumns, i: number): number {
  const sex = input.sex[i];
  if (sex !== 1 && sex !== 2) return ERR_SEX;
  let position = input.measure === undefined ? POSITION_UNKNOWN : (input.measure[i] as number);
  if (position > POSITION_STANDING) return ERR_MEASURE;
  const lenheiCm = input.lenheiCm === undefined ? Number.NaN : (input.lenheiCm[i] as number);
  const error =
    measuredError(
      input.weightKg === undefined ? Number.NaN : (input.weightKg[i] as number),
      ERR_WEIGHT_NOT_FINITE,
      ERR_WEIGHT_NOT_POSITIVE,
    ) ||
    measuredError(lenheiCm, ERR_LENHEI_NOT_FINITE, ERR_LENHEI_NOT_POSITIVE) ||
    measuredError(
      input.headcCm === undefined ? Number.NaN : (input.headcCm[i] as number),
      ERR_HEADC_NOT_FINITE,
      ERR_HEADC_NOT_POSITIVE,
    );
  if (error !== 0) return error;
  const ageRaw = input.ageDays === undefined ? Number.NaN : (input.ageDays[i] as number);
  let ageDays = -1;
  let ageMonths = Number.NaN;
  if (!Number.isNaN(ageRaw)) {
    if (!Number.isFinite(ageRaw)) return ERR_AGE_NOT_FINITE;
    if (ageRaw < 0) return ERR_AGE_NEGATIVE;
    ageMonths = ageRaw / DAYS_PER_MONTH;
    if (!(ageMonths < 60)) return ERR_AGE_OVER_60_MONTHS;
    ageDays = roundUpDays(ageRaw);
  }
  const standingTooYoung = position === POSITION_STANDING && ageMonths < STANDING_FROM_MONTHS;
  if (standingTooYoung) position = POSITION_UNKNOWN;
  if (out.c9moFlag !== undefined) out.c9moFlag[i] = standingTooYoung ? 1 : 0;
  scratchAge[i] = ageDays;
  scratchPosition[i] = position;
  scratchClenhei[i] = Number.isNaN(lenheiCm) ? Number.NaN : adjustLenhei(lenheiCm, ageDays, position);
  return 0;
}

function flags(
  z: Float64Array | undefined,
  flag: Float64Array | undefined,
  low: number,
  high: number,
  count: number,
) {
  if (flag === undefined) return;
  if (z === undefined) throw new Error('computeGrowthColumns: a flag column needs its z column');
  for (let i = 0; i < count; i++) flag[i] = implausibleFlag(z[i] as number, low, high);
}

/**
 * Computes the requested output columns for rows 0..count-1 and returns how many rows have an input
 * error. Results are identical to computeGrowth row by row.
 */
export function computeGrowthColumns(
  input: GrowthColumns,
  out: GrowthOutputColumns,
  count: number = input.sex.length,
): number {
  ensureScratch(count);
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const error = prepareRow(input, out, i);
    out.error[i] = error;
    if (error !== 0) {
      errors++;
      scratchAge[i] = -2;
      scratchClenhei[i] = Number.NaN;
      if (out.c9moFlag !== undefined) out.c9moFlag[i] = 0;
    }
  }
  const sex = input.sex;
  const ages = scratchAge;
  const clenhei = scratchClenhei;
  const nan = Number.NaN;
  if (out.clenheiCm !== undefined) out.clenheiCm.set(clenhei.subarray(0, count));
  const { zlen, zwei, zwfl, zbmi, zhc } = out;
  if (zlen !== undefined) {
    for (let i = 0; i < count; i++) {
      const age = ages[i] as number;
      const x = clenhei[i] as number;
      zlen[i] = age >= 0 && !Number.isNaN(x) ? lengthForAgeZ((sex[i] as number) - 1, age, x) : nan;
    }
  }
  const weights = input.weightKg;
  const oedema = input.oedema;
  if (weights !== undefined && (zwei !== undefined || zwfl !== undefined || zbmi !== undefined)) {
    for (let i = 0; i < count; i++) {
      const age = ages[i] as number;
      const weight = oedema !== undefined && oedema[i] === 1 ? nan : (weights[i] as number);
      const usable = age >= -1 && !Number.isNaN(weight);
      const x = clenhei[i] as number;
      const sex0 = (sex[i] as number) - 1;
      if (zwei !== undefined) zwei[i] = usable && age >= 0 ? weightForAgeZ(sex0, age, weight) : nan;
      if (zbmi !== undefined)
        zbmi[i] = usable && age >= 0 && !Number.isNaN(x) ? bmiForAgeZ(sex0, age, weight, x) : nan;
      if (zwfl !== undefined) {
        zwfl[i] =
          usable && !Number.isNaN(x)
            ? weightForLenheiZ(sex0, weightForLenheiTable(age, scratchPosition[i] as number, x), x, weight)
            : nan;
      }
    }
  } else {
    zwei?.fill(nan, 0, count);
    zwfl?.fill(nan, 0, count);
    zbmi?.fill(nan, 0, count);
  }
  if (zhc !== undefined) {
    const heads = input.headcCm;
    for (let i = 0; i < count; i++) {
      const age = ages[i] as number;
      const head = heads === undefined ? nan : (heads[i] as number);
      zhc[i] = age >= 0 && !Number.isNaN(head) ? headForAgeZ((sex[i] as number) - 1, age, head) : nan;
    }
  }
  flags(zlen, out.flen, FLEN_LOW, FLEN_HIGH, count);
  flags(zwei, out.fwei, FWEI_LOW, FWEI_HIGH, count);
  flags(zwfl, out.fwfl, F5_LOW, F5_HIGH, count);
  flags(zbmi, out.fbmi, F5_LOW, F5_HIGH, count);
  flags(zhc, out.fhc, F5_LOW, F5_HIGH, count);
  return errors;
}
