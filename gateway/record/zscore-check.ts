// The record does not take a gateway's word for its z-scores: it computes them again from the measured values
// (the same growth core) and refuses a message that disagrees. One function, used by every record store.

import { classifyGrowth, computeGrowthForAge, GrowthInputError, roundZ, type Sex } from '../growth/index.ts';
import type { MeasurementWire } from '../publish/payloads.ts';

const zFields = ['zlen', 'zwei', 'zwfl', 'zbmi', 'zhc'] as const;
const flagFields = ['flen', 'fwei', 'fwfl', 'fbmi', 'fhc'] as const;
const statusFields = [
  ['status_tbu', 'tbu'],
  ['status_bbu', 'bbu'],
  ['status_bbtb', 'bbtb'],
  ['status_imtu', 'imtu'],
] as const;

/**
 * Why the measurement's z-scores, flags or statuses are not what its values give, or undefined when they
 * agree. A z-score the gateway left out (null) is accepted: its computing it is not required.
 */
export function zScoreDisagreement(m: MeasurementWire, sex: Sex): string | undefined {
  let growth: ReturnType<typeof computeGrowthForAge>;
  try {
    // The reference the gateway used follows from the age: WHO 2006 to 60 months, WHO 2007 from then on.
    growth = computeGrowthForAge({
      sex,
      ageDays: m.age_days,
      ...(m.lenhei_cm === null ? {} : { lenheiCm: m.lenhei_cm, measure: m.position }),
      ...(m.weight_kg === null ? {} : { weightKg: m.weight_kg }),
      ...(m.headc_cm === null ? {} : { headcCm: m.headc_cm }),
      oedema: m.oedema === 1,
    });
  } catch (error) {
    if (error instanceof GrowthInputError) return `values no child can have (${error.field})`;
    throw error;
  }
  for (const field of zFields) {
    const claimed = m[field];
    if (claimed === null) continue;
    const value = growth[field];
    if (Number.isNaN(value) || Math.abs(roundZ(value) - claimed) > 0.005)
      return `${field} ${claimed} disagrees with the values`;
  }
  for (const field of flagFields) {
    const claimed = m[field];
    if (claimed !== null && growth[field] !== claimed) return `${field} disagrees with the values`;
  }
  const status = classifyGrowth(growth);
  for (const [field, index] of statusFields) {
    const claimed = m[field];
    if (claimed !== null && status[index]?.code !== claimed) return `${field} disagrees with the values`;
  }
  return undefined;
}
