// The hot path: one observation in, every z-score out, following WHO anthro 1.1.0 rule by rule
// (see docs/growth.md and ../shared/who/METHOD.md). No allocation when `out` is given, no strings
// built, no parsing: a table row is found by arithmetic on the whole age in days or on tenths of a cm.
import { DAYS_PER_MONTH } from './age.ts';
import { growthError } from './errors.ts';
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
  POSITION_LYING,
  POSITION_STANDING,
  POSITION_UNKNOWN,
  type PreparedRow,
  prepareRow,
  TABLE_WFL,
  VALUE_AGE_DAYS,
  VALUE_AGE_MONTHS,
  VALUE_HEADC_CM,
  VALUE_LENHEI_CM,
  VALUE_OEDEMA,
  VALUE_POSITION,
  VALUE_SEX,
  VALUE_SLOTS,
  VALUE_WEIGHT_KG,
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
    reference: 'who2006',
  };
}

const prepared: PreparedRow = { ageDays: -1, position: POSITION_UNKNOWN, clenheiCm: Number.NaN, c9moFlag: 0 };

/**
 * The core on an observation packed in a Float64Array (VALUE_* slots, NaN = missing, position
 * POSITION_*, oedema 1/0): fills `out` and returns 0, or returns the index of the first input error
 * in GROWTH_ERRORS. For callers that parse their own input (the CSV engine): nothing allocated.
 */
export function computeGrowthValues(values: Float64Array, out: GrowthResult): number {
  const error = prepareRow(values, prepared);
  if (error !== 0) return error;
  const sex = values[VALUE_SEX] as number;
  const weightKg = values[VALUE_WEIGHT_KG] as number;
  const headcCm = values[VALUE_HEADC_CM] as number;
  const oedema = values[VALUE_OEDEMA] as number;
  const sex0 = sex - 1;
  const age = prepared.ageDays;
  const ageKnown = age >= 0;
  const clenheiCm = prepared.clenheiCm;
  const hasLength = !Number.isNaN(clenheiCm);
  const weightUsable = !Number.isNaN(weightKg) && oedema !== 1;
  let zlen = Number.NaN;
  let zbmi = Number.NaN;
  let zwfl = Number.NaN;
  let wflTable: 'wfl' | 'wfh' | undefined;
  if (hasLength) {
    const tableId = weightForLenheiTable(age, prepared.position, clenheiCm);
    wflTable = tableId === TABLE_WFL ? 'wfl' : 'wfh';
    if (ageKnown) zlen = lengthForAgeZ(sex0, age, clenheiCm);
    if (weightUsable) {
      zwfl = weightForLenheiZ(sex0, tableId, clenheiCm, weightKg);
      if (ageKnown) zbmi = bmiForAgeZ(sex0, age, weightKg, clenheiCm);
    }
  }
  const zwei = ageKnown && weightUsable ? weightForAgeZ(sex0, age, weightKg) : Number.NaN;
  const zhc = ageKnown && !Number.isNaN(headcCm) ? headForAgeZ(sex0, age, headcCm) : Number.NaN;

  out.reference = 'who2006';
  out.c9moFlag = prepared.c9moFlag === 1;
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

const scratch = new Float64Array(VALUE_SLOTS);

/** The core on plain numbers (NaN = missing; position POSITION_*; oedema 1/0); see computeGrowthValues. */
export function computeGrowthScalars(
  sex: number,
  ageDays: number,
  weightKg: number,
  lenheiCm: number,
  headcCm: number,
  position: number,
  oedema: number,
  out: GrowthResult,
): number {
  scratch[VALUE_SEX] = sex;
  scratch[VALUE_AGE_DAYS] = ageDays;
  scratch[VALUE_WEIGHT_KG] = weightKg;
  scratch[VALUE_LENHEI_CM] = lenheiCm;
  scratch[VALUE_HEADC_CM] = headcCm;
  scratch[VALUE_POSITION] = position;
  scratch[VALUE_OEDEMA] = oedema;
  scratch[VALUE_AGE_MONTHS] = Number.NaN;
  return computeGrowthValues(scratch, out);
}

/**
 * An optional input as a number: absent -> NaN (missing); an explicit NaN, or anything that is not a
 * number at all (untrusted JSON), -> Infinity, reported as "not a finite number".
 */
function given(value: number | undefined): number {
  if (value === undefined) return Number.NaN;
  return typeof value !== 'number' || Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
}

/**
 * Packs an observation into `values` (VALUE_* slots) for the cores: absent -> NaN, impossible values
 * kept so that the core reports them. An age given only in months also fills the days (x 30.4375).
 */
export function packGrowthInput(input: GrowthInput, values: Float64Array): void {
  const measure = input.measure;
  let position = POSITION_UNKNOWN;
  if (measure === 'l') position = POSITION_LYING;
  else if (measure === 'h') position = POSITION_STANDING;
  else if (measure !== undefined) position = -1;
  // A sex that is not a number (a string from untrusted JSON, say) must fail as invalid, not coerce.
  values[VALUE_SEX] = typeof input.sex === 'number' ? input.sex : Number.NaN;
  const ageMonths = given(input.ageMonths);
  values[VALUE_AGE_MONTHS] = input.ageDays === undefined ? ageMonths : Number.NaN;
  values[VALUE_AGE_DAYS] = input.ageDays === undefined ? ageMonths * DAYS_PER_MONTH : given(input.ageDays);
  values[VALUE_WEIGHT_KG] = given(input.weightKg);
  values[VALUE_LENHEI_CM] = given(input.lenheiCm);
  values[VALUE_HEADC_CM] = given(input.headcCm);
  values[VALUE_POSITION] = position;
  values[VALUE_OEDEMA] = input.oedema === true ? 1 : 0;
}

/**
 * Computes every indicator (WHO 2006 standards) into `out` and returns 0, or returns the index of the
 * first input error in GROWTH_ERRORS (then `out` is left unspecified). Never throws, never allocates.
 */
export function tryComputeGrowth(input: GrowthInput, out: GrowthResult): number {
  packGrowthInput(input, scratch);
  return computeGrowthValues(scratch, out);
}

/** One observation; throws GrowthInputError (with `code` and `field`) on impossible input. */
export function computeGrowth(input: GrowthInput, out: GrowthResult = emptyGrowthResult()): GrowthResult {
  const error = tryComputeGrowth(input, out);
  if (error !== 0) throw growthError(error);
  return out;
}
