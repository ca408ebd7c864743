// The KPM's monthly form 2.B for children 0–23 months (DOMAIN.md, KPM forms): per child the status gizi
// (N normal, GK gizi kurang, GB gizi buruk, S stunting), whether it was weighed this month, whether its
// length was measured this month, and the growth-mat colour; with the KPM scorecard's indicators
// "ditimbang rutin" and "PB/TB diukur ≥ 2× setahun". Definitions of both indicators are ours (the
// scorecard names them without a rule): see docs/reports.md, unverified.

import { addMonths, ageInCompletedMonths, firstDayOf, lastDayOf, parseMonth } from '../clock/calendar.ts';
import type { MeasurementRow } from '../model/records.ts';
import { percent } from './cohort.ts';
import { buildHistories, isWeighed, lastInMonth } from './history.ts';
import { computeRecap, type MatResultRow } from './recap.ts';
import { monthSigns } from './referrals.ts';
import { type ReportSettings, reportAgeMonths } from './settings.ts';
import type { ReportChild, ReportData } from './types.ts';

export type StatusGizi = 'N' | 'GK' | 'GB' | 'S';

export interface Kpm2bRow {
  child: ReportChild;
  ageMonths: number;
  /** Empty when the month gave no usable z (not measured, or ukur ulang). */
  statusGizi: StatusGizi[];
  weighed: boolean;
  lengthMeasured: boolean;
  mat: MatResultRow;
  /** Weighed in each of the `routineMonths` months up to this one (months before birth excepted). */
  weighedRoutinely: boolean;
  /** Lengths measured in the 12 months up to this one (distinct days). */
  lengthsInYear: number;
}

export interface Kpm2bReport {
  posyanduId: string | undefined;
  month: string;
  rows: Kpm2bRow[];
  indicators: {
    children: number;
    weighedRoutinely: number;
    weighedRoutinelyPct: number | null;
    lengthTwiceAYear: number;
    lengthTwiceAYearPct: number | null;
  };
}

const hasLength = (m: MeasurementRow): boolean => m.lenhei_cm !== null && m.lenhei_cm > 0;

export function computeKpm2b(
  data: ReportData,
  options: { posyanduId: string | undefined; month: string; settings: ReportSettings },
): Kpm2bReport {
  const { posyanduId, month, settings } = options;
  if (!parseMonth(month)) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const mats = new Map(computeRecap(data, options).monthly.map((row) => [row.child.id, row]));
  const yearStart = addMonths(month, -11);
  const rows: Kpm2bRow[] = [];
  for (const { child, measurements } of buildHistories(data, posyanduId).values()) {
    const mat = mats.get(child.id);
    if (!mat) continue; // not 0–23 months this month (the recap's monthly cohort)
    const signs = monthSigns(child, measurements, month, settings);
    const statusGizi: StatusGizi[] = [];
    if (signs.reasons.includes('gizi_buruk')) statusGizi.push('GB');
    else if (signs.reasons.includes('gizi_kurang')) statusGizi.push('GK');
    if (signs.reasons.includes('pendek') || signs.reasons.includes('sangat_pendek')) statusGizi.push('S');
    const anyZ = signs.zwfl !== undefined || signs.zlen !== undefined || signs.oedema;
    if (statusGizi.length === 0 && anyZ) statusGizi.push('N');
    let weighedRoutinely = true;
    for (let back = 0; back < settings.kpmRoutineMonths; back++) {
      const m = addMonths(month, -back);
      if (ageInCompletedMonths(child.birth_date, lastDayOf(m)) < 0) break; // not born yet
      if (!lastInMonth(measurements, m, isWeighed)) weighedRoutinely = false;
    }
    const lengthDays = new Set(
      measurements
        .filter(
          (m) => hasLength(m) && m.measured_on >= firstDayOf(yearStart) && m.measured_on <= lastDayOf(month),
        )
        .map((m) => m.measured_on),
    );
    rows.push({
      child,
      ageMonths: Math.max(0, reportAgeMonths(settings.ageRule, child.birth_date, `${month}-01`)),
      statusGizi,
      weighed: lastInMonth(measurements, month, isWeighed) !== undefined,
      lengthMeasured: lastInMonth(measurements, month, hasLength) !== undefined,
      mat,
      weighedRoutinely,
      lengthsInYear: lengthDays.size,
    });
  }
  rows.sort((a, b) => (a.child.name ?? '').localeCompare(b.child.name ?? ''));
  const routine = rows.filter((r) => r.weighedRoutinely).length;
  const twice = rows.filter((r) => r.lengthsInYear >= 2).length;
  return {
    posyanduId,
    month,
    rows,
    indicators: {
      children: rows.length,
      weighedRoutinely: routine,
      weighedRoutinelyPct: percent(routine, rows.length),
      lengthTwiceAYear: twice,
      lengthTwiceAYearPct: percent(twice, rows.length),
    },
  };
}
