// Columnar batch: the same rules as computeGrowth over typed-array columns, for bulk work (reports,
// re-computation of a whole register, benchmarks). One pass checks and prepares every row (errors,
// whole days, position after the 9-month rule, clenhei); then one tight loop per requested indicator.
import {
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
  POSITION_UNKNOWN,
  type PreparedRow,
  prepareRow,
  VALUE_AGE_DAYS,
  VALUE_HEADC_CM,
  VALUE_LENHEI_CM,
  VALUE_POSITION,
  VALUE_SEX,
  VALUE_SLOTS,
  VALUE_WEIGHT_KG,
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

const prepared: PreparedRow = { ageDays: -1, position: POSITION_UNKNOWN, clenheiCm: Number.NaN, c9moFlag: 0 };
const values = new Float64Array(VALUE_SLOTS);

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
  // Columns hoisted out of the loop; an absent one reads as missing.
  const {
    sex: sexes,
    ageDays: agesIn,
    weightKg: weightsIn,
    lenheiCm: lengthsIn,
    headcCm: headsIn,
    measure,
  } = input;
  const c9mo = out.c9moFlag;
  const nan = Number.NaN;
  for (let i = 0; i < count; i++) {
    values[VALUE_SEX] = sexes[i] as number;
    values[VALUE_AGE_DAYS] = agesIn === undefined ? nan : (agesIn[i] as number);
    values[VALUE_WEIGHT_KG] = weightsIn === undefined ? nan : (weightsIn[i] as number);
    values[VALUE_LENHEI_CM] = lengthsIn === undefined ? nan : (lengthsIn[i] as number);
    values[VALUE_HEADC_CM] = headsIn === undefined ? nan : (headsIn[i] as number);
    values[VALUE_POSITION] = measure === undefined ? POSITION_UNKNOWN : (measure[i] as number);
    const error = prepareRow(values, prepared);
    out.error[i] = error;
    if (error !== 0) {
      errors++;
      scratchAge[i] = -2;
      scratchClenhei[i] = nan;
      if (c9mo !== undefined) c9mo[i] = 0;
      continue;
    }
    scratchAge[i] = prepared.ageDays;
    scratchPosition[i] = prepared.position;
    scratchClenhei[i] = prepared.clenheiCm;
    if (c9mo !== undefined) c9mo[i] = prepared.c9moFlag;
  }
  const sex = input.sex;
  const ages = scratchAge;
  const clenhei = scratchClenhei;
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
