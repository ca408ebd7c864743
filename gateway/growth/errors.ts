// Typed errors for impossible input. The hot path returns a small integer (an index into
// GROWTH_ERRORS, 0 = none) so a batch never pays for exceptions; computeGrowth turns it into a throw.

export type GrowthErrorCode =
  | 'invalid_sex'
  | 'invalid_measure'
  | 'not_finite'
  | 'negative_age'
  | 'age_over_60_months'
  | 'not_positive'
  | 'invalid_date'
  | 'birth_after_measurement'
  | 'age_under_60_months'
  | 'age_over_228_months'
  | 'age_missing'
  | 'beyond_any_child';

export type GrowthInputField =
  | 'sex'
  | 'ageDays'
  | 'weightKg'
  | 'lenheiCm'
  | 'headcCm'
  | 'measure'
  | 'ageMonths'
  | 'birthDate'
  | 'measuredOn';

export interface GrowthErrorInfo {
  readonly code: GrowthErrorCode;
  readonly field: GrowthInputField;
  readonly message: string;
}

/** Index 0 is "no error"; the others are what tryComputeGrowth and ageInDays can report. */
export const GROWTH_ERRORS: readonly (GrowthErrorInfo | undefined)[] = [
  undefined,
  { code: 'invalid_sex', field: 'sex', message: 'sex must be 1 (male) or 2 (female)' },
  { code: 'invalid_measure', field: 'measure', message: "measure must be 'l' (lying) or 'h' (standing)" },
  { code: 'not_finite', field: 'ageDays', message: 'age in days is not a finite number' },
  { code: 'negative_age', field: 'ageDays', message: 'age in days is negative' },
  {
    code: 'age_over_60_months',
    field: 'ageDays',
    message: 'age is 60 months or more (the WHO 2006 standards cover days 0-1826)',
  },
  { code: 'not_finite', field: 'weightKg', message: 'weight is not a finite number' },
  { code: 'not_positive', field: 'weightKg', message: 'weight must be greater than 0' },
  { code: 'not_finite', field: 'lenheiCm', message: 'length/height is not a finite number' },
  { code: 'not_positive', field: 'lenheiCm', message: 'length/height must be greater than 0' },
  { code: 'not_finite', field: 'headcCm', message: 'head circumference is not a finite number' },
  { code: 'not_positive', field: 'headcCm', message: 'head circumference must be greater than 0' },
  { code: 'invalid_date', field: 'birthDate', message: 'birth date is not a valid YYYY-MM-DD date' },
  { code: 'invalid_date', field: 'measuredOn', message: 'measurement date is not a valid YYYY-MM-DD date' },
  {
    code: 'birth_after_measurement',
    field: 'birthDate',
    message: 'birth date is after the measurement date (negative age)',
  },
  // The WHO Reference 2007 (who2007.ts).
  {
    code: 'age_under_60_months',
    field: 'ageMonths',
    message: 'age is under 60 months (the WHO 2007 reference starts at 60 months)',
  },
  {
    code: 'age_over_228_months',
    field: 'ageMonths',
    message: 'age is over 228 months (the WHO 2007 reference covers 60-228 months, 5-19 years)',
  },
  { code: 'age_missing', field: 'ageMonths', message: 'age is needed for the WHO 2007 reference' },
  { code: 'not_finite', field: 'ageMonths', message: 'age in months is not a finite number' },
  { code: 'negative_age', field: 'ageMonths', message: 'age in months is negative' },
  { code: 'beyond_any_child', field: 'weightKg', message: 'weight over 300 kg: no child has it' },
  {
    code: 'beyond_any_child',
    field: 'lenheiCm',
    message: 'length/height over 250 cm: no child has it',
  },
  {
    code: 'beyond_any_child',
    field: 'headcCm',
    message: 'head circumference over 80 cm: no child has it',
  },
];

/** Above these no child (to 19 years) can be (WHO's tables end far below them); such a value is a typo. */
export const MAX_WEIGHT_KG = 300;
export const MAX_LENHEI_CM = 250;
export const MAX_HEADC_CM = 80;

export const ERR_SEX = 1;
export const ERR_MEASURE = 2;
export const ERR_AGE_NOT_FINITE = 3;
export const ERR_AGE_NEGATIVE = 4;
export const ERR_AGE_OVER_60_MONTHS = 5;
export const ERR_WEIGHT_NOT_FINITE = 6;
export const ERR_WEIGHT_NOT_POSITIVE = 7;
export const ERR_LENHEI_NOT_FINITE = 8;
export const ERR_LENHEI_NOT_POSITIVE = 9;
export const ERR_HEADC_NOT_FINITE = 10;
export const ERR_HEADC_NOT_POSITIVE = 11;
export const ERR_BIRTH_DATE_INVALID = 12;
export const ERR_MEASURED_ON_INVALID = 13;
export const ERR_BIRTH_AFTER_MEASUREMENT = 14;
export const ERR_AGE_UNDER_60_MONTHS = 15;
export const ERR_AGE_OVER_228_MONTHS = 16;
export const ERR_AGE_MISSING = 17;
export const ERR_AGE_MONTHS_NOT_FINITE = 18;
export const ERR_AGE_MONTHS_NEGATIVE = 19;
export const ERR_WEIGHT_BEYOND = 20;
export const ERR_LENHEI_BEYOND = 21;
export const ERR_HEADC_BEYOND = 22;

export class GrowthInputError extends Error {
  override readonly name = 'GrowthInputError';
  readonly code: GrowthErrorCode;
  readonly field: GrowthInputField;

  constructor(info: GrowthErrorInfo, detail?: string) {
    super(
      detail === undefined ? `${info.field}: ${info.message}` : `${info.field}: ${info.message} (${detail})`,
    );
    this.code = info.code;
    this.field = info.field;
  }
}

/** The error for a non-zero code from the hot path. */
export function growthError(errorIndex: number, detail?: string): GrowthInputError {
  const info = GROWTH_ERRORS[errorIndex];
  if (info === undefined) throw new RangeError(`no growth error with index ${errorIndex}`);
  return new GrowthInputError(info, detail);
}
