// The growth core (no I/O): WHO 2006 z-scores as WHO anthro 1.1.0 computes them, WHO Reference 2007
// z-scores (5-19 years) as WHO anthroplus computes them, and the Permenkes 2/2020 status categories. Contract: docs/architecture.md, "Growth core"; how: docs/growth.md.
export { ageInDays, ageInMonths, DAYS_PER_MONTH, daysFromCivil, isoDateToDays, roundUpDays } from './age.ts';
export { computeGrowthColumns, type GrowthColumns, type GrowthOutputColumns } from './batch.ts';
export {
  bandIndexOfRounded,
  classifyGrowth,
  classifyZ,
  type GrowthStatus,
  STATUS_BANDS,
  STATUS_LABELS,
  type StatusBand,
  type StatusIndex,
  type StatusLabel,
  type StatusSeverity,
  statusBandIndex,
  statusIndexFor,
  stuntingFlag,
} from './classify.ts';
export {
  computeGrowth,
  computeGrowthScalars,
  computeGrowthValues,
  emptyGrowthResult,
  tryComputeGrowth,
} from './compute.ts';
export { LAST_AGE_DAY, sdCurve } from './curves.ts';
export {
  GROWTH_ERRORS,
  type GrowthErrorCode,
  type GrowthErrorInfo,
  GrowthInputError,
  type GrowthInputField,
  growthError,
} from './errors.ts';
export {
  HEIGHT_FROM_DAY,
  LYING_STANDING_DIFFERENCE_CM,
  POSITION_LYING,
  POSITION_STANDING,
  POSITION_UNKNOWN,
} from './indicators.ts';
export { lmsValue, lmsZ, restrictedLmsValue, restrictedLmsZ } from './lms.ts';
export { MAX_ROUND_DIGITS, roundTo, roundZ, roundZHundredths } from './round.ts';
export type { GrowthInput, GrowthReference, GrowthResult, Indicator, Position, Sex } from './types.ts';
export { WHO_REFERENCE_FORMAT_VERSION } from './who-2006/reference.generated.ts';
export { WHO_2007_FORMAT_VERSION } from './who-2007/reference.generated.ts';
export {
  computeGrowth2007,
  computeGrowthForAge,
  type Indicator2007,
  sdCurve2007,
  tryComputeGrowth2007,
  tryComputeGrowthForAge,
  WHO_2007_FIRST_MONTH,
  WHO_2007_LAST_MONTH,
  WHO_2007_WFA_LAST_MONTH,
} from './who2007.ts';
