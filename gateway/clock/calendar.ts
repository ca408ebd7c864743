// Calendar arithmetic for reports: months as 'YYYY-MM', dates as 'YYYY-MM-DD' (local posyandu dates).
// Ages here are in completed calendar months, as the Buku KIA / KMS and the KPM forms count them
// (the WHO z-scores use age in days and come from the growth core, not from here).

export interface CalendarDate {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
}

const monthPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;
const datePattern = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])/;

/** Parses 'YYYY-MM' (a report month); undefined when malformed. */
export function parseMonth(month: string): { year: number; month: number } | undefined {
  const match = monthPattern.exec(month);
  if (!match) return undefined;
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** Parses the date part of 'YYYY-MM-DD…'; undefined when malformed or not a real day. */
export function parseDate(date: string): CalendarDate | undefined {
  const match = datePattern.exec(date);
  if (!match) return undefined;
  const parsed = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return parsed.day <= daysInMonth(parsed.year, parsed.month) ? parsed : undefined;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 'YYYY-MM' shifted by `delta` months (negative goes back). */
export function addMonths(month: string, delta: number): string {
  const parsed = parseMonth(month);
  if (!parsed) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  const index = parsed.year * 12 + (parsed.month - 1) + delta;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

export function formatMonth(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function formatDate(date: CalendarDate): string {
  return `${formatMonth(date.year, date.month)}-${String(date.day).padStart(2, '0')}`;
}

export function firstDayOf(month: string): string {
  return `${month}-01`;
}

export function lastDayOf(month: string): string {
  const parsed = parseMonth(month);
  if (!parsed) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return `${month}-${String(daysInMonth(parsed.year, parsed.month)).padStart(2, '0')}`;
}

/**
 * Age as completed years, months and days between two dates, the way a person counts on a calendar
 * (born 2024-01-31, on 2024-03-01 = 0 y 1 m 1 d). Undefined when `on` is before `birth`.
 */
export function calendarAge(
  birth: CalendarDate,
  on: CalendarDate,
): { years: number; months: number; days: number } | undefined {
  let totalMonths = (on.year - birth.year) * 12 + (on.month - birth.month);
  let days = on.day - birth.day;
  if (days < 0) {
    totalMonths -= 1;
    // Days borrowed from the month before `on`, capped so a 31st birthday in a short month still counts.
    const borrowYear = on.month === 1 ? on.year - 1 : on.year;
    const borrowMonth = on.month === 1 ? 12 : on.month - 1;
    days += Math.max(daysInMonth(borrowYear, borrowMonth), birth.day);
  }
  if (totalMonths < 0) return undefined;
  return { years: Math.floor(totalMonths / 12), months: totalMonths % 12, days };
}

/** Completed calendar months from birth to `on` (ISO date strings); -1 when `on` is before the birth. */
export function ageInCompletedMonths(birthDate: string, on: string): number {
  const birth = parseDate(birthDate);
  const date = parseDate(on);
  if (!birth || !date) return -1;
  const age = calendarAge(birth, date);
  return age ? age.years * 12 + age.months : -1;
}

/**
 * Age in the KMS's calendar-month columns: month of `on` minus month of birth (the birth month is column 0;
 * born 20 July, weighed 10 November = column 4; Kemenkes KMS leaflet: born February, "4 bulan" in June).
 * -1 when `on` is before the birth or either date is bad.
 */
export function ageInKmsMonths(birthDate: string, on: string): number {
  const birth = parseDate(birthDate);
  const date = parseDate(on);
  if (!birth || !date || formatDate(date) < formatDate(birth)) return -1;
  return (date.year - birth.year) * 12 + (date.month - birth.month);
}

/** e-PPGBM's age text: "X Tahun - Y Bulan - Z Hari"; empty when either date is bad or reversed. */
export function ageText(birthDate: string, on: string): string {
  const birth = parseDate(birthDate);
  const date = parseDate(on);
  const age = birth && date ? calendarAge(birth, date) : undefined;
  return age ? `${age.years} Tahun - ${age.months} Bulan - ${age.days} Hari` : '';
}

/** Quarter of a month: '2026-11' -> { label '2026-T4', months ['2026-10','2026-11','2026-12'] }. */
export function quarterOf(month: string): { label: string; months: [string, string, string] } {
  const parsed = parseMonth(month);
  if (!parsed) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  const quarter = Math.floor((parsed.month - 1) / 3);
  const first = formatMonth(parsed.year, quarter * 3 + 1);
  return {
    label: `${parsed.year}-T${quarter + 1}`,
    months: [first, addMonths(first, 1), addMonths(first, 2)],
  };
}

/** The months in Bahasa Indonesia, January first (report titles, e-PPGBM's Bulan Pengukuran). */
export const monthNamesId: readonly string[] = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];
