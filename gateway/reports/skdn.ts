// SKDN for one posyandu and month (DOMAIN.md, Reports). Definitions, as docs/reports.md explains:
// S = the month's sasaran when set, else the children registered at the posyandu who were under five for
// at least one day of the month (the rows: every registered child under five),
// K = of the registered, with a Buku KIA / KMS recorded, D = of the registered, weighed this month (any posyandu),
// N / T = of D, weighed last month too, gain at least / below the KBM for the age (KMS month column by default),
// O = of D, weighed before but not last month, B = of D, weighed this month for the first time.
// So D = N + T + O + B, and D' (weighed last month and this month) = N + T.

import { addMonths, firstDayOf, parseMonth } from '../clock/calendar.ts';
import { roundZ } from '../growth/index.ts';
import { kbmForAge } from '../growth/kbm.ts';
import type { MeasurementRow } from '../model/records.ts';
import { isUnderFiveIn, percent } from './cohort.ts';
import { buildHistories, isWeighed, lastInMonth, usableZ } from './history.ts';
import { denominatorFor } from './sasaran.ts';
import { type ReportSettings, reportAgeMonths } from './settings.ts';
import type { ReportChild, ReportData } from './types.ts';

export type WeighStatus = 'N' | 'T' | 'O' | 'B';

export interface WeighOutcome {
  status: WeighStatus;
  weighed: MeasurementRow;
  previous?: MeasurementRow; // last month's weighing, for N and T
  gainG?: number;
  kbmG?: number;
  /** Age in months on the weighing by the settings' `ageRule` (the KMS column by default). */
  ageMonths: number;
}

export type WeighSettings = Pick<ReportSettings, 'kbmTable' | 'ageRule'>;

/**
 * N/T/O/B of a child's weighing in `month`, from its effective measurements (oldest first);
 * undefined when the child was not weighed that month.
 */
export function weighOutcome(
  child: ReportChild,
  measurements: readonly MeasurementRow[],
  month: string,
  settings: WeighSettings,
): WeighOutcome | undefined {
  const weighed = lastInMonth(measurements, month, isWeighed);
  if (!weighed) return undefined;
  const ageMonths = Math.max(0, reportAgeMonths(settings.ageRule, child.birth_date, weighed.measured_on));
  const previous = lastInMonth(measurements, addMonths(month, -1), isWeighed);
  if (!previous) {
    const weighedBefore = measurements.some((m) => m.measured_on.slice(0, 7) < month && isWeighed(m));
    return { status: weighedBefore ? 'O' : 'B', weighed, ageMonths };
  }
  // Whole grams: the scales read to 10 g, and float kg differences must not decide N against T.
  const gainG = Math.round(((weighed.weight_kg as number) - (previous.weight_kg as number)) * 1000);
  const kbmG = kbmForAge(settings.kbmTable, ageMonths);
  return { status: gainG >= kbmG ? 'N' : 'T', weighed, previous, gainG, kbmG, ageMonths };
}

export interface SkdnChildRow {
  child: ReportChild;
  outcome?: WeighOutcome;
  /** Age in months on the weighing, or on the month's first day when not weighed (settings' `ageRule`). */
  ageMonths: number;
  /** T this month and last month: refer to the health worker (DOMAIN.md, 2T). */
  twoT: boolean;
  /** Weighed this month and below the red line: BB/U z < −3 SD on the month's last usable one (BGM). */
  bgm: boolean;
}

export interface SkdnRatios {
  /** Percentages; null when the denominator is 0. */
  kOverS: number | null;
  dOverS: number | null;
  /** D/K, continuity (kelangsungan). */
  dOverK: number | null;
  nOverD: number | null;
  nOverDPrime: number | null;
  nOverS: number | null;
  bgmOverD: number | null;
}

export interface SkdnReport {
  posyanduId?: string; // undefined: every child in the data (a village record)
  month: string;
  /** S: the month's sasaran when set (sasaran.ts), else the registered children under five. */
  s: number;
  /** Registered children under five in the month (the rows below); equal to S without a sasaran. */
  registered: number;
  sasaranUsed: boolean;
  k: number;
  d: number;
  n: number;
  t: number;
  o: number;
  b: number;
  dPrime: number;
  /** Children T this month and last month (F2's 2T row). */
  twoT: number;
  /** Children weighed this month below the red line (BB/U < −3 SD); BGM/D in the ratios. */
  bgm: number;
  ratios: SkdnRatios;
  rows: SkdnChildRow[]; // one per child in S, by pseudo id
}

const bbuZ = (m: MeasurementRow): number | undefined => usableZ(m.zwei, m.fwei);

/** BB/U z < −3 SD (rounded, as the labels) on the month's last measurement with a usable one. */
export function belowRedLine(measurements: readonly MeasurementRow[], month: string): boolean {
  const m = lastInMonth(measurements, month, (x) => bbuZ(x) !== undefined);
  return m !== undefined && roundZ(bbuZ(m) as number) < -3;
}

export interface SkdnOptions {
  posyanduId: string | undefined; // undefined: every child in the data
  month: string;
  settings: ReportSettings;
}

export function computeSkdn(data: ReportData, options: SkdnOptions): SkdnReport {
  const { posyanduId, month, settings } = options;
  if (!parseMonth(month)) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const counts = { k: 0, d: 0, n: 0, t: 0, o: 0, b: 0, twoT: 0, bgm: 0 };
  const rows: SkdnChildRow[] = [];
  const histories = [...buildHistories(data, posyanduId).values()];
  const denominator = denominatorFor(data, histories, posyanduId, month);
  for (const { child, measurements } of histories) {
    if (!isUnderFiveIn(child, month)) continue;
    if (child.has_kia) counts.k++;
    const outcome = weighOutcome(child, measurements, month, settings);
    let twoT = false;
    if (outcome) {
      counts.d++;
      if (outcome.status === 'N') counts.n++;
      else if (outcome.status === 'T') counts.t++;
      else if (outcome.status === 'O') counts.o++;
      else counts.b++;
      twoT =
        outcome.status === 'T' &&
        weighOutcome(child, measurements, addMonths(month, -1), settings)?.status === 'T';
    }
    const ageMonths =
      outcome?.ageMonths ??
      Math.max(0, reportAgeMonths(settings.ageRule, child.birth_date, firstDayOf(month)));
    const bgm = outcome !== undefined && belowRedLine(measurements, month);
    if (twoT) counts.twoT++;
    if (bgm) counts.bgm++;
    rows.push(outcome ? { child, outcome, ageMonths, twoT, bgm } : { child, ageMonths, twoT, bgm });
  }
  rows.sort((a, b) =>
    a.child.pseudo_id < b.child.pseudo_id ? -1 : a.child.pseudo_id > b.child.pseudo_id ? 1 : 0,
  );
  const dPrime = counts.n + counts.t;
  const { s } = denominator;
  return {
    posyanduId,
    month,
    s,
    registered: denominator.registered,
    sasaranUsed: denominator.fromSasaran,
    ...counts,
    dPrime,
    ratios: {
      kOverS: percent(counts.k, s),
      dOverS: percent(counts.d, s),
      dOverK: percent(counts.d, counts.k),
      nOverD: percent(counts.n, counts.d),
      nOverDPrime: percent(counts.n, dPrime),
      nOverS: percent(counts.n, s),
      bgmOverD: percent(counts.bgm, counts.d),
    },
    rows,
  };
}
