// Who a monthly report counts, and its ratios.
import { ageInCompletedMonths, firstDayOf, lastDayOf } from './calendar.ts';
import type { ReportChild } from './types.ts';

/** Under five for at least one day of `month`: born by its last day, fifth birthday after its first day. */
export function isUnderFiveIn(child: ReportChild, month: string): boolean {
  // -1 at the month's end: born later, or a birth date that is no real day; either way not counted.
  if (ageInCompletedMonths(child.birthDate, lastDayOf(month)) < 0) return false;
  return ageInCompletedMonths(child.birthDate, firstDayOf(month)) < 60;
}

export function percent(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : (100 * numerator) / denominator;
}
