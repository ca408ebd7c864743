// Who a monthly report counts, and its ratios.
import { firstDayOf, lastDayOf, parseDate } from '../clock/calendar.ts';
import type { ReportChild } from './types.ts';

/** Under five for at least one day of `month`: born by its last day, fifth birthday after its first day. */
export function isUnderFiveIn(child: ReportChild, month: string): boolean {
  return underFiveBetween(child.birth_date, firstDayOf(month), lastDayOf(month));
}

/**
 * Under five on some day of [first, last] (ISO dates), compared as text: born by `last`, and the fifth
 * birthday (same month and day five years on; 29 February's falls after 28 February, as completed months
 * count it) after `first`. A birth date that is no real day is never counted (`checked`: the caller has
 * already made sure it is one).
 */
export function underFiveBetween(birthDate: string, first: string, last: string, checked = false): boolean {
  const birth = birthDate.slice(0, 10);
  if (birth > last || (!checked && !parseDate(birth))) return false;
  const fifthBirthday = `${String(Number(birth.slice(0, 4)) + 5).padStart(4, '0')}${birth.slice(4)}`;
  return first < fifthBirthday;
}

export function percent(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : (100 * numerator) / denominator;
}
