// Prevalence of stunting (TB/U z < −2), severe stunting (< −3), wasting (BB/TB z < −2) and underweight
// (BB/U z < −2) among children 0–59 months of a posyandu measured in a month, each with a 95 % Wilson
// interval. Cut-offs apply to the z rounded to 2 decimals, like the status labels. Per child and indicator the month's last measurement with a usable z counts (WHO-flagged
// implausible values are left out of numerator and denominator alike).
import { roundZ } from '../growth/index.ts';
import { addMonths, ageInCompletedMonths, parseMonth } from './calendar.ts';
import { buildHistories, type ChildHistory, lastInMonth, usableZ } from './history.ts';
import type { ReportData, ReportMeasurement } from './types.ts';
import { type ProportionInterval, wilsonInterval } from './wilson.ts';

export const prevalenceIndicators = ['stunting', 'severeStunting', 'wasting', 'underweight'] as const;
export type PrevalenceIndicator = (typeof prevalenceIndicators)[number];

export const prevalenceLabels: Record<PrevalenceIndicator, { id: string; en: string; rule: string }> = {
  stunting: { id: 'Stunting (pendek + sangat pendek)', en: 'Stunting', rule: 'TB/U z < −2' },
  severeStunting: { id: 'Sangat pendek', en: 'Severe stunting', rule: 'TB/U z < −3' },
  wasting: { id: 'Wasting (gizi kurang + gizi buruk)', en: 'Wasting', rule: 'BB/TB z < −2' },
  underweight: { id: 'Berat badan kurang + sangat kurang', en: 'Underweight', rule: 'BB/U z < −2' },
};

const rules: Record<
  PrevalenceIndicator,
  { z: (m: ReportMeasurement) => number | undefined; cutoff: number }
> = {
  stunting: { z: (m) => usableZ(m.zlen, m.flen), cutoff: -2 },
  severeStunting: { z: (m) => usableZ(m.zlen, m.flen), cutoff: -3 },
  wasting: { z: (m) => usableZ(m.zwfl, m.fwfl), cutoff: -2 },
  underweight: { z: (m) => usableZ(m.zwei, m.fwei), cutoff: -2 },
};

export interface PrevalenceCell {
  cases: number;
  measured: number;
  /** Undefined when nobody was measured for this indicator. */
  interval?: ProportionInterval;
}

export interface PrevalenceMonth {
  month: string;
  cells: Record<PrevalenceIndicator, PrevalenceCell>;
}

export interface PrevalenceReport {
  posyanduId: string;
  month: string;
  current: PrevalenceMonth;
  /** The 12 months ending with `month`, oldest first. */
  trend: PrevalenceMonth[];
}

function prevalenceInMonth(histories: Iterable<ChildHistory>, month: string): PrevalenceMonth {
  const tally = Object.fromEntries(
    prevalenceIndicators.map((name) => [name, { cases: 0, measured: 0 }]),
  ) as Record<PrevalenceIndicator, { cases: number; measured: number }>;
  for (const { child, measurements } of histories) {
    for (const name of prevalenceIndicators) {
      const rule = rules[name];
      const m = lastInMonth(measurements, month, (candidate) => rule.z(candidate) !== undefined);
      if (!m) continue;
      const ageMonths = ageInCompletedMonths(child.birthDate, m.measuredOn);
      if (ageMonths < 0 || ageMonths >= 60) continue;
      tally[name].measured++;
      // On the z rounded to 2 decimals, as the Permenkes labels are decided (growth core), so −2.004 is not stunted.
      if (roundZ(rule.z(m) as number) < rule.cutoff) tally[name].cases++;
    }
  }
  const cells = {} as Record<PrevalenceIndicator, PrevalenceCell>;
  for (const name of prevalenceIndicators) {
    const { cases, measured } = tally[name];
    const interval = wilsonInterval(cases, measured);
    cells[name] = interval ? { cases, measured, interval } : { cases, measured };
  }
  return { month, cells };
}

export interface PrevalenceOptions {
  posyanduId: string;
  month: string;
  trendMonths?: number; // default 12
}

export function computePrevalence(data: ReportData, options: PrevalenceOptions): PrevalenceReport {
  const { posyanduId, month } = options;
  if (!parseMonth(month)) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const trendMonths = options.trendMonths ?? 12;
  const histories = [...buildHistories(data, posyanduId).values()];
  const trend: PrevalenceMonth[] = [];
  for (let back = trendMonths - 1; back >= 0; back--) {
    trend.push(prevalenceInMonth(histories, addMonths(month, -back)));
  }
  const current = trend[trend.length - 1] ?? prevalenceInMonth(histories, month);
  return { posyanduId, month, current, trend };
}
