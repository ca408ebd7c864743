// Prevalence of stunting (TB/U z < −2), severe stunting (< −3), wasting (BB/TB z < −2) and underweight
// (BB/U z < −2) among children 0–59 months of a posyandu measured in a month, each with a 95 % Wilson
// interval. Cut-offs apply to the z rounded to 2 decimals, like the status labels. Per child and indicator
// the month's last measurement with a usable z counts (WHO-flagged implausible values are left out of
// numerator and denominator alike). A child with oedema has no weight-based z but counts as below −3 SD
// for wasting and underweight, as WHO's anthro and igrowup count prevalence (docs/reports.md).

import { addMonths, ageInCompletedMonths, parseMonth } from '../clock/calendar.ts';
import { roundZ } from '../growth/index.ts';
import type { MeasurementRow } from '../model/records.ts';
import { percent } from './cohort.ts';
import { buildHistories, type ChildHistory, usableWflZ, usableZ } from './history.ts';
import { type Denominator, denominatorsFor } from './sasaran.ts';
import type { ReportData } from './types.ts';
import { type ProportionInterval, wilsonInterval } from './wilson.ts';

export const prevalenceIndicators = ['stunting', 'severeStunting', 'wasting', 'underweight'] as const;
export type PrevalenceIndicator = (typeof prevalenceIndicators)[number];

/** `short`: the Indonesian name for a legend or a column head. */
export const prevalenceLabels: Record<
  PrevalenceIndicator,
  { id: string; en: string; short: string; rule: string }
> = {
  stunting: {
    id: 'Stunting (pendek + sangat pendek)',
    en: 'Stunting',
    short: 'Stunting',
    rule: 'TB/U z < −2',
  },
  severeStunting: {
    id: 'Sangat pendek',
    en: 'Severe stunting',
    short: 'Sangat pendek',
    rule: 'TB/U z < −3',
  },
  wasting: {
    id: 'Wasting (gizi kurang + gizi buruk)',
    en: 'Wasting',
    short: 'Wasting',
    rule: 'BB/TB z < −2',
  },
  underweight: {
    id: 'Berat badan kurang + sangat kurang',
    en: 'Underweight',
    short: 'BB kurang',
    rule: 'BB/U z < −2',
  },
};

/** Oedema counts as below −3 SD for the weight-based indicators (WHO anthro `R/prevalence.R`). */
const oedemaZ = Number.NEGATIVE_INFINITY;
const withOedema =
  (z: (m: MeasurementRow) => number | undefined) =>
  (m: MeasurementRow): number | undefined =>
    m.oedema ? oedemaZ : z(m);

const rules: Record<PrevalenceIndicator, { z: (m: MeasurementRow) => number | undefined; cutoff: number }> = {
  stunting: { z: (m) => usableZ(m.zlen, m.flen), cutoff: -2 },
  severeStunting: { z: (m) => usableZ(m.zlen, m.flen), cutoff: -3 },
  wasting: { z: withOedema(usableWflZ), cutoff: -2 },
  underweight: { z: withOedema((m) => usableZ(m.zwei, m.fwei)), cutoff: -2 },
};

export interface PrevalenceCell {
  cases: number;
  measured: number;
  /** Undefined when nobody was measured for this indicator. */
  interval?: ProportionInterval;
  /** measured / S as a percentage; null when S is 0. */
  coveragePct: number | null;
}

export interface PrevalenceMonth {
  month: string;
  /** S of the month: the sasaran when one is set, else the registered children under five. */
  s: number;
  /** Registered children under five in the month (shown beside a sasaran). */
  registered: number;
  cells: Record<PrevalenceIndicator, PrevalenceCell>;
}

export interface PrevalenceReport {
  posyanduId: string | undefined;
  month: string;
  current: PrevalenceMonth;
  /** The 12 months ending with `month`, oldest first. */
  trend: PrevalenceMonth[];
}

/**
 * Prevalence for each of `months`, in one pass over every child's history: each measurement is put in
 * its month's slot per indicator (later ones overwrite earlier, histories being sorted), then counted.
 */
function prevalenceByMonth(
  data: ReportData,
  histories: readonly ChildHistory[],
  posyanduId: string | undefined,
  months: readonly string[],
): PrevalenceMonth[] {
  const monthIndex = new Map(months.map((month, index) => [month, index]));
  const width = prevalenceIndicators.length;
  const cases = new Array<number>(months.length * width).fill(0);
  const measured = new Array<number>(months.length * width).fill(0);
  const lastZ = new Float64Array(months.length * width);
  const lastOn = new Array<string | undefined>(months.length * width);
  for (const { child, measurements } of histories) {
    lastOn.fill(undefined);
    for (const m of measurements) {
      const index = monthIndex.get(m.measured_on.slice(0, 7));
      if (index === undefined) continue;
      prevalenceIndicators.forEach((name, k) => {
        const z = rules[name].z(m);
        if (z === undefined) return;
        lastZ[index * width + k] = z;
        lastOn[index * width + k] = m.measured_on;
      });
    }
    for (let slot = 0; slot < lastOn.length; slot++) {
      const on = lastOn[slot];
      if (on === undefined) continue;
      const ageMonths = ageInCompletedMonths(child.birth_date, on);
      if (ageMonths < 0 || ageMonths >= 60) continue;
      measured[slot] = (measured[slot] as number) + 1;
      const cutoff = rules[prevalenceIndicators[slot % width] as PrevalenceIndicator].cutoff;
      // On the z rounded to 2 decimals, as the Permenkes labels are decided (growth core), so −2.004 is not stunted.
      const z = lastZ[slot] as number;
      if (z === oedemaZ || roundZ(z) < cutoff) cases[slot] = (cases[slot] as number) + 1;
    }
  }
  const denominators = denominatorsFor(data, histories, posyanduId, months);
  return months.map((month, index) => {
    const { s, registered } = denominators[index] as Denominator;
    const cells = {} as Record<PrevalenceIndicator, PrevalenceCell>;
    prevalenceIndicators.forEach((name, k) => {
      const n = measured[index * width + k] as number;
      const count = { cases: cases[index * width + k] as number, measured: n, coveragePct: percent(n, s) };
      const interval = wilsonInterval(count.cases, count.measured);
      cells[name] = interval ? { ...count, interval } : count;
    });
    return { month, s, registered, cells };
  });
}

export interface PrevalenceOptions {
  posyanduId?: string; // undefined: every child in the data (a village record)
  month: string;
  trendMonths?: number; // default 12
}

export function computePrevalence(data: ReportData, options: PrevalenceOptions): PrevalenceReport {
  const { posyanduId, month } = options;
  if (!parseMonth(month)) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const trendMonths = Math.max(1, options.trendMonths ?? 12);
  const months = Array.from({ length: trendMonths }, (_, i) => addMonths(month, i - (trendMonths - 1)));
  const histories = [...buildHistories(data, posyanduId).values()];
  const trend = prevalenceByMonth(data, histories, posyanduId, months);
  const current = trend[trend.length - 1] as PrevalenceMonth;
  return { posyanduId, month, current, trend };
}
