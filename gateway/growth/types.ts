// Types of the growth core contract (docs/architecture.md, "Growth core").

/** 1 male, 2 female (WHO coding). */
export type Sex = 1 | 2;

/** l = recumbent length (terlentang), h = standing height (berdiri). */
export type Position = 'l' | 'h';

export interface GrowthInput {
  sex: Sex;
  /** Age in days; fractions are rounded half up as anthro does. Omit when unknown. */
  ageDays?: number;
  /**
   * Age in months, decimal (WHO AnthroPlus's input), instead of ageDays (which wins when both are
   * given); one month is 30.4375 days.
   */
  ageMonths?: number;
  weightKg?: number;
  /** Length or height as measured, before the 0.7 cm adjustment. */
  lenheiCm?: number;
  /** How lenheiCm was measured; omit when unknown (then it follows the age). */
  measure?: Position;
  oedema?: boolean;
  headcCm?: number;
}

/** Which WHO reference scored an observation: the 2006 standards (0-5 years) or the 2007 reference (5-19). */
export type GrowthReference = 'who2006' | 'who2007';

/**
 * Results of one observation. z-scores are unrounded (use roundZ for WHO's printed 2 decimals);
 * NaN means WHO's software gives no z. Flags: 1 implausible, 0 not, NaN when there is no z.
 */
export interface GrowthResult {
  /** Length/height after the 0.7 cm adjustment; NaN without a length. */
  clenheiCm: number;
  zlen: number;
  zwei: number;
  zwfl: number;
  zbmi: number;
  zhc: number;
  flen: number;
  fwei: number;
  fwfl: number;
  fbmi: number;
  fhc: number;
  /** Standing before 9 months: the position was ignored (anthro 1.1.0 `c9mo_flag`). */
  c9moFlag: boolean;
  /** The table chosen for zwfl (also when the length falls outside it); undefined without a length. */
  wflTable: 'wfl' | 'wfh' | undefined;
  /** who2007: zlen is height-for-age, zwei weight-for-age (to 120 months), zbmi BMI-for-age; no zwfl, zhc. */
  reference: GrowthReference;
}

export type Indicator = 'lhfa' | 'wfa' | 'wfl' | 'wfh' | 'bfa' | 'hcfa';
