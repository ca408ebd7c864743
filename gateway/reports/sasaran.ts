// S as the village counts it (DOMAIN.md, SKDN): "balita yang ada di wilayah", the month's target count
// (sasaran) the bidan or KPM enters per posyandu, used as S when set; the registered count is shown beside.

import { isUnderFiveIn } from './cohort.ts';
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

export function denominatorFor(
  data: ReportData,
  histories: readonly ChildHistory[],
  posyanduId: string | undefined,
  month: string,
): Denominator {
  const registeredBy = new Map<string, number>();
  for (const { child } of histories) {
    if (!isUnderFiveIn(child, month)) continue;
    registeredBy.set(child.posyanduId, (registeredBy.get(child.posyanduId) ?? 0) + 1);
  }
  const targets = new Map<string, number>();
  for (const row of data.sasaran ?? []) {
    if (row.month === month && (posyanduId === undefined || row.posyanduId === posyanduId))
      targets.set(row.posyanduId, row.balita);
  }
  let s = 0;
  let registered = 0;
  for (const count of registeredBy.values()) registered += count;
  for (const id of new Set([...registeredBy.keys(), ...targets.keys()])) {
    s += targets.get(id) ?? registeredBy.get(id) ?? 0;
  }
  return { s, registered, fromSasaran: targets.size > 0 };
}
