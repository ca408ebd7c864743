// Age rules of WHO anthro (R/utils.R): whole days for the table look-up, unrounded months for cut-offs.
import {
  ERR_BIRTH_AFTER_MEASUREMENT,
  ERR_BIRTH_DATE_INVALID,
  ERR_MEASURED_ON_INVALID,
  growthError,
} from './errors.ts';

/** ANTHRO_DAYS_OF_MONTH: one month is 30.4375 days. */
export const DAYS_PER_MONTH = 30.4375;

/** anthro's round_up: half rounds up (730.5 -> 731), unlike R's round(). */
export function roundUpDays(ageDays: number): number {
  const whole = Math.floor(ageDays);
  return ageDays - whole >= 0.5 ? whole + 1 : whole;
}

/** Age in months for display and cut-offs: days / 30.4375, not rounded. */
export function ageInMonths(ageDays: number): number {
  return ageDays / DAYS_PER_MONTH;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, or NaN when the date does not exist.
 * Integer arithmetic over 400-year eras (the "days from civil" method), no Date object.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;

/** Day number of an ISO date `YYYY-MM-DD` (a time part after T is ignored), or NaN. */
export function isoDateToDays(iso: string): number {
  const match = ISO_DATE.exec(iso);
  if (!match) return Number.NaN;
  return daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Whole days from birth to measurement; throws GrowthInputError for invalid dates or a negative age. */
export function ageInDays(birthDateIso: string, measuredOnIso: string): number {
  const birth = isoDateToDays(birthDateIso);
  if (Number.isNaN(birth)) throw growthError(ERR_BIRTH_DATE_INVALID, JSON.stringify(birthDateIso));
  const measured = isoDateToDays(measuredOnIso);
  if (Number.isNaN(measured)) throw growthError(ERR_MEASURED_ON_INVALID, JSON.stringify(measuredOnIso));
  if (birth > measured) throw growthError(ERR_BIRTH_AFTER_MEASUREMENT, `${birthDateIso} > ${measuredOnIso}`);
  return measured - birth;
}
