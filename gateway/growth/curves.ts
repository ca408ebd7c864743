// SD lines for growth charts: the measurement at a given z along the whole table.
import { restrictedLmsValue } from './lms.ts';
import type { Indicator, Sex } from './types.ts';
import { TABLES } from './who-2006/tables.ts';

/** Last day of the age tables that anthro 1.1.0 uses (59.99 months). */
export const LAST_AGE_DAY = 1826;

const RESTRICTED: Readonly<Record<Indicator, boolean>> = {
  lhfa: false,
  hcfa: false,
  wfa: true,
  bfa: true,
  wfl: true,
  wfh: true,
};

/**
 * The curve at `z` for one sex: x in days (0..1826) for age-based indicators, or in cm
 * (45-110 / 65-120 by 0.1) for wfl/wfh; y in the indicator's unit (cm, kg, kg/m2).
 * Beyond +-3 SD the restricted indicators continue linearly, as their z-scores do.
 */
export function sdCurve(indicator: Indicator, sex: Sex, z: number): { x: Float64Array; y: Float64Array } {
  if (sex !== 1 && sex !== 2) throw new RangeError(`sdCurve: sex must be 1 or 2, got ${String(sex)}`);
  if (!Number.isFinite(z)) throw new RangeError(`sdCurve: z must be finite, got ${z}`);
  const table = TABLES[indicator];
  const byLength = indicator === 'wfl' || indicator === 'wfh';
  const points = byLength ? table.rows : LAST_AGE_DAY + 1;
  const x = new Float64Array(points);
  const y = new Float64Array(points);
  const restricted = RESTRICTED[indicator];
  for (let row = 0; row < points; row++) {
    const at = ((sex - 1) * table.rows + row) * 3;
    const l = table.lms[at] as number;
    const m = table.lms[at + 1] as number;
    const s = table.lms[at + 2] as number;
    x[row] = byLength ? (table.firstKey + row) / 10 : row;
    y[row] = restricted ? restrictedLmsValue(z, l, m, s) : m * (1 + l * s * z) ** (1 / l);
  }
  return { x, y };
}
