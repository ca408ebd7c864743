// Daftar rujukan (referral list) for a month: the children the bidan should see, each with its reasons.
// Buku KIA 2023 "Rujuk bila": weight not gaining (T, a single T is enough), below the red line of the KMS
// (BGM, here BB/U < −3 SD); the F2 form counts 2T (T twice running) on its own row; and the Permenkes
// 2/2020 categories that need care: gizi kurang / gizi buruk (BB/TB < −2 SD, oedema counts as gizi buruk
// as WHO counts it), pendek / sangat pendek (TB/U < −2 SD). Flagged z-scores give no reason (ukur ulang).

import { addMonths, parseMonth } from '../clock/calendar.ts';
import { roundZ } from '../growth/index.ts';
import type { MeasurementRow } from '../model/records.ts';
import { isUnderFiveIn } from './cohort.ts';
import { buildHistories, lastInMonth, usableWflZ, usableZ } from './history.ts';
import { type ReportSettings, reportAgeMonths } from './settings.ts';
import { type WeighOutcome, weighOutcome } from './skdn.ts';
import type { ReportChild, ReportData } from './types.ts';

export type ReferralReason = 't' | '2t' | 'bgm' | 'gizi_buruk' | 'gizi_kurang' | 'sangat_pendek' | 'pendek';

export const referralReasonLabels: Record<ReferralReason, string> = {
  t: 'BB tidak naik (T)',
  '2t': '2T: dua bulan berturut-turut tidak naik',
  bgm: 'Di bawah garis merah (BB/U < −3 SD)',
  gizi_buruk: 'Gizi buruk (BB/TB < −3 SD atau edema)',
  gizi_kurang: 'Gizi kurang (BB/TB −3 s.d. < −2 SD)',
  sangat_pendek: 'Sangat pendek (TB/U < −3 SD)',
  pendek: 'Pendek (TB/U −3 s.d. < −2 SD)',
};

export interface MonthSigns {
  outcome?: WeighOutcome;
  twoT: boolean;
  /** BB/U z of the month's last weighing with a usable one. */
  zwei?: number;
  zwfl?: number;
  zlen?: number;
  oedema: boolean;
  reasons: ReferralReason[];
}

const last = (ms: readonly MeasurementRow[], month: string, z: (m: MeasurementRow) => number | undefined) => {
  const m = lastInMonth(ms, month, (x) => z(x) !== undefined);
  return m ? (z(m) as number) : undefined;
};

/** What a child's measurements in `month` say: N/T/O/B, 2T, the z-scores and the referral reasons. */
export function monthSigns(
  child: ReportChild,
  measurements: readonly MeasurementRow[],
  month: string,
  settings: ReportSettings,
): MonthSigns {
  const outcome = weighOutcome(child, measurements, month, settings);
  const twoT =
    outcome?.status === 'T' &&
    weighOutcome(child, measurements, addMonths(month, -1), settings)?.status === 'T';
  const zwei = last(measurements, month, (m) => usableZ(m.zwei, m.fwei));
  const zwfl = last(measurements, month, usableWflZ);
  const zlen = last(measurements, month, (m) => usableZ(m.zlen, m.flen));
  const oedema = lastInMonth(measurements, month, () => true)?.oedema === 1;
  const reasons: ReferralReason[] = [];
  if (twoT) reasons.push('2t');
  else if (outcome?.status === 'T') reasons.push('t');
  // On the z rounded to 2 decimals, as the Permenkes labels are decided.
  if (zwei !== undefined && roundZ(zwei) < -3) reasons.push('bgm');
  if (oedema || (zwfl !== undefined && roundZ(zwfl) < -3)) reasons.push('gizi_buruk');
  else if (zwfl !== undefined && roundZ(zwfl) < -2) reasons.push('gizi_kurang');
  if (zlen !== undefined && roundZ(zlen) < -3) reasons.push('sangat_pendek');
  else if (zlen !== undefined && roundZ(zlen) < -2) reasons.push('pendek');
  return {
    ...(outcome ? { outcome } : {}),
    twoT,
    ...(zwei === undefined ? {} : { zwei }),
    ...(zwfl === undefined ? {} : { zwfl }),
    ...(zlen === undefined ? {} : { zlen }),
    oedema,
    reasons,
  };
}

export interface ReferralRow {
  child: ReportChild;
  ageMonths: number;
  signs: MonthSigns;
}

export interface ReferralList {
  posyanduId: string | undefined;
  month: string;
  rows: ReferralRow[];
}

export interface ListOptions {
  posyanduId: string | undefined;
  month: string;
  settings: ReportSettings;
}

export function computeReferrals(data: ReportData, options: ListOptions): ReferralList {
  const { posyanduId, month, settings } = options;
  if (!parseMonth(month)) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const rows: ReferralRow[] = [];
  for (const { child, measurements } of buildHistories(data, posyanduId).values()) {
    if (!isUnderFiveIn(child, month)) continue;
    const signs = monthSigns(child, measurements, month, settings);
    if (signs.reasons.length === 0) continue;
    const on = signs.outcome?.weighed.measured_on ?? `${month}-01`;
    rows.push({
      child,
      ageMonths: Math.max(0, reportAgeMonths(settings.ageRule, child.birth_date, on)),
      signs,
    });
  }
  // The most urgent first: more reasons, then by name.
  rows.sort(
    (a, b) =>
      b.signs.reasons.length - a.signs.reasons.length ||
      (a.child.name ?? '').localeCompare(b.child.name ?? ''),
  );
  return { posyanduId, month, rows };
}
