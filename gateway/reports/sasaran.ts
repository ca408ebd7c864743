// S as the village counts it (DOMAIN.md, SKDN): "balita yang ada di wilayah", the month's target count
// (sasaran) the bidan or KPM enters per posyandu, used as S when set; the registered count is shown beside.
import { firstDayOf, lastDayOf, parseDate } from '../clock/calendar.ts';
import { underFiveBetween } from './cohort.ts';
import type { ChildHistory } from './history.ts';
import type { ReportData } from './types.ts';

export interface Denominator {
  /** S: the sasaran when set (summed over posyandu; a posyandu without one adds its registered count). */
  s: number;
  /** Registered children under five for at least one day of the month. */
  registered: number;
  /** True when at least one sasaran went into S. */
  fromSasaran: boolean;
}

/** S and the registered count for each of `months` (one pass over the children). */
export function denominatorsFor(
  data: ReportData,
  histories: readonly ChildHistory[],
  posyanduId: string | undefined,
  months: readonly string[],
): Denominator[] {
  const bounds = months.map((month) => [firstDayOf(month), lastDayOf(month)] as const);
  const registeredBy = months.map(() => new Map<string, number>());
  for (const { child } of histories) {
    if (!parseDate(child.birth_date)) continue; // no real day: never counted
    bounds.forEach(([first, last], k) => {
      if (!underFiveBetween(child.birth_date, first, last, true)) return;
      const counts = registeredBy[k] as Map<string, number>;
      counts.set(child.posyandu_id, (counts.get(child.posyandu_id) ?? 0) + 1);
    });
  }
  return months.map((month, k) => {
    const counts = registeredBy[k] as Map<string, number>;
    const targets = new Map<string, number>();
    for (const row of data.sasaran ?? []) {
      if (row.month === month && (posyanduId === undefined || row.posyandu_id === posyanduId))
        targets.set(row.posyandu_id, row.balita);
    }
    let s = 0;
    let registered = 0;
    for (const count of counts.values()) registered += count;
    for (const id of new Set([...counts.keys(), ...targets.keys()]))
      s += targets.get(id) ?? counts.get(id) ?? 0;
    return { s, registered, fromSasaran: targets.size > 0 };
  });
}

export function denominatorFor(
  data: ReportData,
  histories: readonly ChildHistory[],
  posyanduId: string | undefined,
  month: string,
): Denominator {
  return denominatorsFor(data, histories, posyanduId, [month])[0] as Denominator;
}
