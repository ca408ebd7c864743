// The KPM forms (DOMAIN.md, Reports): the monthly list of children 0–23 months with their growth-mat
// result, and the 3-monthly recap counting Hijau / Kuning / Merah / Tidak diukur for the village meeting.
// Our colour comes from the measured length and its TB/U (PB/U) z through the `matColours` setting; a
// length whose z is missing or WHO-flagged implausible counts as Tidak diukur (not usable), shown as such.

import { ageInCompletedMonths, firstDayOf, lastDayOf, parseMonth, quarterOf } from '../clock/calendar.ts';
import type { MeasurementRow } from '../model/records.ts';
import { buildHistories, type ChildHistory, usableZ } from './history.ts';
import { type MatColour, matColour, type ReportSettings, reportAgeMonths } from './settings.ts';
import type { ReportChild, ReportData } from './types.ts';

export const matColours: readonly MatColour[] = ['hijau', 'kuning', 'merah', 'tidak-diukur'];
export const matColourLabels: Record<MatColour, string> = {
  hijau: 'Hijau',
  kuning: 'Kuning',
  merah: 'Merah',
  'tidak-diukur': 'Tidak diukur',
};
/** The KPM scorecard's headings of its table "Hasil pengukuran tikar pertumbuhan". */
export const matColourHeadings: Record<MatColour, string> = {
  hijau: 'Hijau (Normal)',
  kuning: 'Kuning (Resiko Stunting)',
  merah: 'Merah (Terindikasi Stunting)',
  'tidak-diukur': 'Tidak diukur',
};

export interface MatResultRow {
  child: ReportChild;
  /** Months (settings' `ageRule`) on the measurement day, or at the end of the period when not measured. */
  ageMonths: number;
  measurement?: MeasurementRow;
  zlen?: number;
  colour: MatColour;
  /** A length was measured but its z is flagged implausible or missing. */
  unusable: boolean;
}

export interface RecapReport {
  posyanduId: string | undefined;
  month: string;
  monthly: MatResultRow[];
  quarter: {
    label: string;
    months: [string, string, string];
    counts: Record<MatColour, number>;
    total: number;
    rows: MatResultRow[];
  };
}

const hasLength = (m: MeasurementRow): boolean => m.lenhei_cm !== null && m.lenhei_cm > 0;

/** Children 0–23 months at some day of [fromMonth, toMonth]: born by its end, under 24 months at its start. */
function inCohort(child: ReportChild, fromMonth: string, toMonth: string): boolean {
  if (ageInCompletedMonths(child.birth_date, lastDayOf(toMonth)) < 0) return false; // unborn or no real date
  return ageInCompletedMonths(child.birth_date, firstDayOf(fromMonth)) < 24;
}

function matResult(
  history: ChildHistory,
  fromMonth: string,
  toMonth: string,
  settings: ReportSettings,
): MatResultRow {
  const { child, measurements } = history;
  let measurement: MeasurementRow | undefined;
  for (let i = measurements.length - 1; i >= 0; i--) {
    const m = measurements[i] as MeasurementRow;
    const month = m.measured_on.slice(0, 7);
    if (month < fromMonth) break;
    if (month <= toMonth && hasLength(m)) {
      measurement = m;
      break;
    }
  }
  if (!measurement) {
    const ageMonths = Math.max(0, reportAgeMonths(settings.ageRule, child.birth_date, lastDayOf(toMonth)));
    return { child, ageMonths, colour: 'tidak-diukur', unusable: false };
  }
  const zlen = usableZ(measurement.zlen, measurement.flen);
  const ageMonths = reportAgeMonths(settings.ageRule, child.birth_date, measurement.measured_on);
  const row = { child, ageMonths, measurement, colour: matColour(settings.matColours, zlen ?? null) };
  return zlen === undefined ? { ...row, unusable: true } : { ...row, zlen, unusable: false };
}

const byPseudoId = (a: MatResultRow, b: MatResultRow): number =>
  a.child.pseudo_id < b.child.pseudo_id ? -1 : a.child.pseudo_id > b.child.pseudo_id ? 1 : 0;

export interface RecapOptions {
  posyanduId?: string; // undefined: every child in the data (a village record)
  month: string;
  settings: ReportSettings;
}

export function computeRecap(data: ReportData, options: RecapOptions): RecapReport {
  const { posyanduId, month, settings } = options;
  if (!parseMonth(month)) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const quarter = quarterOf(month);
  const [quarterStart, , quarterEnd] = quarter.months;
  const monthly: MatResultRow[] = [];
  const rows: MatResultRow[] = [];
  const counts: Record<MatColour, number> = { hijau: 0, kuning: 0, merah: 0, 'tidak-diukur': 0 };
  for (const history of buildHistories(data, posyanduId).values()) {
    if (inCohort(history.child, month, month)) monthly.push(matResult(history, month, month, settings));
    if (inCohort(history.child, quarterStart, quarterEnd)) {
      const row = matResult(history, quarterStart, quarterEnd, settings);
      counts[row.colour]++;
      rows.push(row);
    }
  }
  monthly.sort(byPseudoId);
  rows.sort(byPseudoId);
  return {
    posyanduId,
    month,
    monthly,
    quarter: { label: quarter.label, months: quarter.months, counts, total: rows.length, rows },
  };
}
