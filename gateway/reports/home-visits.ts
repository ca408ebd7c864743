// Daftar kunjungan rumah (home visits): the children in S not weighed this month, marked when they have not
// been weighed for two months or more (or never), with the mother's name and where to find them. The
// district monitoring in the project's source material asks for it (DOMAIN.md, Reports). Sorted to walk:
// by dusun, RW, RT, then name.

import { addMonths, parseMonth } from '../clock/calendar.ts';
import type { ChildAddressRow, MeasurementRow } from '../model/records.ts';
import { isUnderFiveIn } from './cohort.ts';
import { buildHistories, isWeighed, lastInMonth } from './history.ts';
import type { ListOptions } from './referrals.ts';
import { reportAgeMonths } from './settings.ts';
import type { ReportChild, ReportData } from './types.ts';

export interface HomeVisitRow {
  child: ReportChild;
  ageMonths: number;
  address?: ChildAddressRow;
  lastWeighed?: MeasurementRow;
  /** Whole calendar months since the month of the last weighing; undefined when never weighed. */
  monthsSince?: number;
  /** Not weighed this month nor last month (or never, being born before last month): two months or more. */
  twoMonthsOrMore: boolean;
}

export interface HomeVisitList {
  posyanduId: string | undefined;
  month: string;
  rows: HomeVisitRow[];
}

function monthsBetween(from: string, to: string): number {
  return (
    (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
    Number(to.slice(5, 7)) -
    Number(from.slice(5, 7))
  );
}

const walkKey = (row: HomeVisitRow): string[] => [
  // Children without an address last: '1' sorts after '0' whatever the collation.
  row.address?.dusun ? `0${row.address.dusun}` : '1',
  (row.address?.rw ?? '').padStart(3, '0'),
  (row.address?.rt ?? '').padStart(3, '0'),
  row.child.name ?? '',
];

export function computeHomeVisits(data: ReportData, options: ListOptions): HomeVisitList {
  const { posyanduId, month, settings } = options;
  if (!parseMonth(month)) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const rows: HomeVisitRow[] = [];
  for (const { child, measurements } of buildHistories(data, posyanduId).values()) {
    if (!isUnderFiveIn(child, month) || lastInMonth(measurements, month, isWeighed)) continue;
    let lastWeighed: MeasurementRow | undefined;
    for (const m of measurements) if (m.measured_on.slice(0, 7) < month && isWeighed(m)) lastWeighed = m;
    const monthsSince = lastWeighed ? monthsBetween(lastWeighed.measured_on.slice(0, 7), month) : undefined;
    const address = data.addresses?.get(child.id);
    rows.push({
      child,
      ageMonths: Math.max(0, reportAgeMonths(settings.ageRule, child.birth_date, `${month}-01`)),
      ...(address ? { address } : {}),
      ...(lastWeighed ? { lastWeighed } : {}),
      ...(monthsSince === undefined ? {} : { monthsSince }),
      // Never weighed counts as two months or more once the child is older than last month.
      twoMonthsOrMore: lastWeighed
        ? lastWeighed.measured_on.slice(0, 7) < addMonths(month, -1)
        : child.birth_date < `${addMonths(month, -1)}-01`,
    });
  }
  rows.sort((a, b) => {
    const [ka, kb] = [walkKey(a), walkKey(b)];
    for (let i = 0; i < ka.length; i++) {
      const order = (ka[i] as string).localeCompare(kb[i] as string);
      if (order !== 0) return order;
    }
    return 0;
  });
  return { posyanduId, month, rows };
}
