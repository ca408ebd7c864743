// What the dashboard shows, read from the summary tables (district/summary.ts): per posyandu and village for a
// month, the posyandu not heard from for N days, and the 12-month trend per village and for the district.
// Sums of counts are exact (each child is registered at one posyandu); ratios and Wilson intervals are
// computed from the sums, never averaged.

import { addMonths } from '../../gateway/clock/calendar.ts';
import { percent } from '../../gateway/reports/cohort.ts';
import {
  type PrevalenceIndicator,
  type PrevalenceMonth,
  prevalenceIndicators,
} from '../../gateway/reports/prevalence.ts';
import { wilsonInterval } from '../../gateway/reports/wilson.ts';
import type { PgSql } from '../../gateway/store/postgres.ts';
import { type Counts, countColumns } from '../summary.ts';

const snake: Record<PrevalenceIndicator, string> = {
  stunting: 'stunting',
  severeStunting: 'severe_stunting',
  wasting: 'wasting',
  underweight: 'underweight',
};

export interface Rate {
  cases: number;
  measured: number;
  /** Percent, with the 95 % Wilson interval; null when nobody was measured. */
  pct: number | null;
  lower: number | null;
  upper: number | null;
}

export interface PlaceRow extends Counts {
  village_id: string;
  /** Undefined for a village or the district. */
  posyandu_id?: string;
  posyandu_count: number;
  d_over_s: number | null;
  n_over_d: number | null;
  /** Children measured for TB/U over S, percent. */
  coverage: number | null;
  rates: Record<PrevalenceIndicator, Rate>;
  last_message_at: string | null;
  last_measured_on: string | null;
  /** Days from the newest measurement day held to today: how long since the district heard of a session. */
  days_silent: number | null;
}

export interface Overview {
  month: string;
  stale_days: number;
  district: PlaceRow;
  villages: PlaceRow[];
  posyandu: PlaceRow[];
  /** Posyandu whose last message is N days old or more (or that never sent one), longest silence first. */
  stale: PlaceRow[];
}

const zero = (): Counts => Object.fromEntries(countColumns.map((c) => [c, 0])) as Counts;

function rate(cases: number, measured: number): Rate {
  const interval = wilsonInterval(cases, measured);
  return {
    cases,
    measured,
    pct: interval ? interval.proportion * 100 : null,
    lower: interval ? interval.lower * 100 : null,
    upper: interval ? interval.upper * 100 : null,
  };
}

interface Seen {
  /** When the district last received a message from here (UTC ISO). */
  last_message_at: string | null;
  /** The newest measurement day held from here (local date YYYY-MM-DD). */
  last_measured_on: string | null;
}

function place(
  counts: Counts,
  where: { village_id: string; posyandu_id?: string; posyandu_count: number } & Seen,
  today: string,
): PlaceRow {
  const rates = {} as Record<PrevalenceIndicator, Rate>;
  for (const name of prevalenceIndicators) {
    rates[name] = rate(
      counts[`${snake[name]}_cases` as keyof Counts],
      counts[`${snake[name]}_measured` as keyof Counts],
    );
  }
  const last = where.last_measured_on;
  return {
    ...where,
    ...counts,
    d_over_s: percent(counts.d, counts.s),
    n_over_d: percent(counts.n, counts.d),
    coverage: percent(counts.stunting_measured, counts.s),
    rates,
    days_silent: last === null ? null : Math.round((Date.parse(today) - Date.parse(last)) / 86_400_000),
  };
}

function add(into: Counts, from: Counts): void {
  for (const c of countColumns) into[c] += from[c];
}

/** The later of two ISO texts of the same shape (null: unknown). */
const later = (a: string | null, b: string | null): string | null =>
  a === null || (b !== null && b > a) ? b : a;

function seenBoth(a: Seen, b: Seen): Seen {
  return {
    last_message_at: later(a.last_message_at, b.last_message_at),
    last_measured_on: later(a.last_measured_on, b.last_measured_on),
  };
}

interface PosyanduRow extends Counts {
  village_id: string;
  posyandu_id: string;
  last_message_at: Date | null;
  last_measured_on: string | null;
}

/** `today` (local YYYY-MM-DD) is the day the days of silence are counted to. */
export async function overview(
  sql: PgSql,
  options: { month: string; staleDays: number; today: string },
): Promise<Overview> {
  const rows = await sql.query<PosyanduRow>(
    `SELECT p.village_id, p.posyandu_id, p.last_message_at, p.last_measured_on,
       ${countColumns.map((c) => `coalesce(s.${c}, 0) AS ${c}`).join(', ')}
     FROM district_posyandu p
     LEFT JOIN district_posyandu_month s
       ON s.month = $1 AND s.village_id = p.village_id AND s.posyandu_id = p.posyandu_id
     ORDER BY p.village_id, p.posyandu_id`,
    [options.month],
  );
  const total = zero();
  let districtSeen: Seen = { last_message_at: null, last_measured_on: null };
  const byVillage = new Map<string, { counts: Counts; count: number; seen: Seen }>();
  const posyandu = rows.map((row) => {
    const counts = Object.fromEntries(countColumns.map((c) => [c, row[c]])) as Counts;
    const seen: Seen = {
      last_message_at: row.last_message_at === null ? null : row.last_message_at.toISOString(),
      last_measured_on: row.last_measured_on,
    };
    const village = byVillage.get(row.village_id) ?? { counts: zero(), count: 0, seen };
    add(village.counts, counts);
    village.count++;
    village.seen = seenBoth(village.seen, seen);
    byVillage.set(row.village_id, village);
    add(total, counts);
    districtSeen = seenBoth(districtSeen, seen);
    const where = { village_id: row.village_id, posyandu_id: row.posyandu_id, posyandu_count: 1, ...seen };
    return place(counts, where, options.today);
  });
  const villages = [...byVillage].map(([villageId, v]) =>
    place(v.counts, { village_id: villageId, posyandu_count: v.count, ...v.seen }, options.today),
  );
  const silence = (p: PlaceRow) => p.days_silent ?? Number.POSITIVE_INFINITY;
  const stale = posyandu
    .filter((p) => silence(p) >= options.staleDays)
    .sort((a, b) => silence(b) - silence(a));
  const district = place(
    total,
    { village_id: 'kabupaten', posyandu_count: posyandu.length, ...districtSeen },
    options.today,
  );
  return { month: options.month, stale_days: options.staleDays, district, villages, posyandu, stale };
}

export interface TrendPoint {
  month: string;
  villageId: string | undefined;
  rates: Record<PrevalenceIndicator, Rate>;
  /** S of the month (sum of the posyandu's S). */
  s: number;
  dOverS: number | null;
}

/** The 12 months ending with `month`, per village and (villageId undefined) for the whole district. */
export async function trend(sql: PgSql, month: string, months = 12): Promise<TrendPoint[]> {
  const first = addMonths(month, 1 - months);
  const sums = [
    's',
    'd',
    ...prevalenceIndicators.flatMap((n) => [`${snake[n]}_cases`, `${snake[n]}_measured`]),
  ];
  const rows = await sql.query<Record<string, number> & { village_id: string; month: string }>(
    `SELECT village_id, month, ${sums.map((c) => `sum(${c}) AS ${c}`).join(', ')}
     FROM district_posyandu_month WHERE month >= $1 AND month <= $2 GROUP BY village_id, month`,
    [first, month],
  );
  const monthList = Array.from({ length: months }, (_, i) => addMonths(first, i));
  const key = (village: string | undefined, m: string) => `${village ?? ''}/${m}`;
  const totals = new Map<string, Record<string, number>>();
  const villages = new Set<string>();
  for (const row of rows) {
    villages.add(row.village_id);
    for (const village of [row.village_id, undefined]) {
      const k = key(village, row.month);
      const into = totals.get(k) ?? Object.fromEntries(sums.map((c) => [c, 0]));
      for (const c of sums) into[c] = (into[c] ?? 0) + (row[c] ?? 0);
      totals.set(k, into);
    }
  }
  const points: TrendPoint[] = [];
  for (const village of [undefined, ...[...villages].sort()]) {
    for (const m of monthList) {
      const t = totals.get(key(village, m)) ?? {};
      const rates = {} as Record<PrevalenceIndicator, Rate>;
      for (const name of prevalenceIndicators)
        rates[name] = rate(t[`${snake[name]}_cases`] ?? 0, t[`${snake[name]}_measured`] ?? 0);
      points.push({ month: m, villageId: village, rates, s: t.s ?? 0, dOverS: percent(t.d ?? 0, t.s ?? 0) });
    }
  }
  return points;
}

/** A trend as the report module's PrevalenceMonth[], for its SVG chart. */
export function asPrevalenceMonths(points: readonly TrendPoint[]): PrevalenceMonth[] {
  return points.map((point) => {
    const cells = {} as PrevalenceMonth['cells'];
    for (const name of prevalenceIndicators) {
      const { cases, measured } = point.rates[name];
      const interval = wilsonInterval(cases, measured);
      const coveragePct = percent(measured, point.s);
      cells[name] = interval ? { cases, measured, interval, coveragePct } : { cases, measured, coveragePct };
    }
    return { month: point.month, s: point.s, registered: point.s, cells };
  });
}
