// A slow, obviously-correct SKDN (scan everything for every child, check every day of the month) and a
// seeded generator of plausible posyandu data. Used by the property tests and by the benchmark as its peer.

import { addMonths, ageInCompletedMonths, daysInMonth, parseMonth } from '../../gateway/clock/calendar.ts';
import { type KbmRow, kbmForAge } from '../../gateway/growth/kbm.ts';
import type { MeasurementRow } from '../../gateway/model/records.ts';
import type { AgeRule } from '../../gateway/reports/settings.ts';
import type { ReportChild, ReportData } from '../../gateway/reports/types.ts';
import { measurement } from './fixtures.ts';

/** [S, K, D, N, T, O, B] by the definitions in skdn.ts, written the long way. */
export function naiveSkdn(
  data: ReportData,
  posyanduId: string,
  month: string,
  kbmTable: readonly KbmRow[],
  ageRule: AgeRule = 'kms',
): number[] {
  const counts: [number, number, number, number, number, number, number] = [0, 0, 0, 0, 0, 0, 0];
  const superseded = new Set(data.measurements.flatMap((m) => (m.supersedes_id ? [m.supersedes_id] : [])));
  const { year, month: monthNumber } = parseMonth(month) as { year: number; month: number };
  const days = Array.from(
    { length: daysInMonth(year, monthNumber) },
    (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`,
  );
  const order = (a: MeasurementRow, b: MeasurementRow): number =>
    Date.parse(a.measured_at) - Date.parse(b.measured_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  for (const child of data.children) {
    if (child.posyandu_id !== posyanduId) continue;
    const underFive = days.some((day) => {
      const age = ageInCompletedMonths(child.birth_date, day);
      return age >= 0 && age < 60;
    });
    if (!underFive) continue;
    counts[0]++;
    if (child.has_kia) counts[1]++;
    const weighings = data.measurements
      .filter((m) => m.child_id === child.id && !superseded.has(m.id) && m.weight_kg !== null)
      .sort(order);
    const lastOf = (mon: string) => weighings.filter((m) => m.measured_on.startsWith(mon)).at(-1);
    const now = lastOf(month);
    if (!now) continue;
    counts[2]++;
    const before = lastOf(addMonths(month, -1));
    if (before) {
      const gainG = Math.round(((now.weight_kg as number) - (before.weight_kg as number)) * 1000);
      // KMS column: count the months from the birth month to the weighing's month on the calendar.
      const kmsColumn =
        (Number(now.measured_on.slice(0, 4)) - Number(child.birth_date.slice(0, 4))) * 12 +
        Number(now.measured_on.slice(5, 7)) -
        Number(child.birth_date.slice(5, 7));
      const age = ageRule === 'kms' ? kmsColumn : ageInCompletedMonths(child.birth_date, now.measured_on);
      const kbm = kbmForAge(kbmTable, Math.max(0, age));
      counts[gainG >= kbm ? 3 : 4]++;
    } else if (weighings.some((m) => m.measured_on < `${month}-01`)) counts[5]++;
    else counts[6]++;
  }
  return counts;
}

/** mulberry32: a tiny seeded PRNG, enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * `childCount` children (90 % at pos-1) born 2022-01..2026-12, weighed in most months from birth (or
 * 2026-12 minus `months` + 1) to 2026-12, a second visit in some months, corrections, length-only visits
 * and implausible flags now and then. z-scores are random, not from the growth core: reports only count them.
 */
export function randomReportData(seed: number, childCount: number, months: number): ReportData {
  const random = seededRandom(seed);
  const children: ReportChild[] = [];
  const measurements: MeasurementRow[] = [];
  let serial = 0;
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (let c = 0; c < childCount; c++) {
    const birthYear = 2022 + Math.floor(random() * 5);
    const birthMonth = 1 + Math.floor(random() * 12);
    const birthDate = `${birthYear}-${pad(birthMonth)}-${pad(1 + Math.floor(random() * 28))}`;
    const id = `c${String(c).padStart(6, '0')}`;
    children.push({
      id,
      pseudo_id: `PX${String(c).padStart(6, '0')}`,
      name: `Anak ${c}`,
      sex: random() < 0.5 ? 1 : 2,
      birth_date: birthDate,
      nik: random() < 0.3 ? String(3201000000000000 + c) : null,
      mother_name: `Ibu ${c}`,
      posyandu_id: random() < 0.9 ? 'pos-1' : 'pos-2',
      village_id: 'desa-1',
      has_kia: random() < 0.8 ? 1 : 0,
      name_key: `anak ${c}`,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    let weightKg = 3 + random() * 8;
    const firstMonth = addMonths('2026-12', -(months - 1));
    for (let back = months - 1; back >= 0; back--) {
      const month = addMonths('2026-12', -back);
      if (month < birthDate.slice(0, 7) || month < firstMonth || random() < 0.25) continue;
      const visits = random() < 0.1 ? 2 : 1;
      for (let v = 0; v < visits; v++) {
        const day = `${month}-${pad(1 + Math.floor(random() * 28))}`;
        if (day < birthDate) continue;
        weightKg = Math.max(2, weightKg + (random() - 0.3) * 0.6);
        const lengthOnly = random() < 0.05;
        const zlen = gaussian() - 1.2;
        const m = measurement({
          id: `m${String(serial++).padStart(8, '0')}`,
          child_id: id,
          measured_at: `${day}T${pad(8 + Math.floor(random() * 4))}:${pad(Math.floor(random() * 60))}:00+08:00`,
          measured_on: day,
          position: random() < 0.5 ? 'l' : 'h',
          lenhei_cm: 50 + random() * 60,
          weight_kg: lengthOnly ? null : Math.round(weightKg * 100) / 100,
          zlen,
          zwei: gaussian() - 0.8,
          zwfl: gaussian() - 0.4,
          flen: random() < 0.02 ? 1 : 0,
          fwei: 0,
          fwfl: 0,
          created_at: '2026-11-28T08:00:00.000Z',
        });
        measurements.push(m);
        if (random() < 0.03) {
          measurements.push({
            ...m,
            id: `m${String(serial++).padStart(8, '0')}`,
            weight_kg: m.weight_kg === null ? null : Math.round((m.weight_kg + 0.3) * 100) / 100,
            supersedes_id: m.id,
            source: 'manual',
          });
        }
      }
    }
  }
  return { children, measurements };
}
