import { describe, expect, it } from 'vitest';
import { computeRecap } from '../../gateway/reports/recap.ts';
import { recapCsv, renderRecapHtml } from '../../gateway/reports/recap-output.ts';
import { defaultReportSettings, validateReportSettings } from '../../gateway/reports/settings.ts';
import { child, measurement } from './fixtures.ts';

const settings = defaultReportSettings;

// November 2026 -> quarter 2026-T4 (Oct–Dec). Colour (KPM scorecard default): Hijau z ≥ −1,
// Kuning −2 ≤ z < −1, Merah z < −2 (every stunted child, pendek and sangat pendek, is Merah).
//  R1 born 2025-06-01: length 2026-10-05, z −1.0 exactly -> quarter Hijau; nothing in Nov -> monthly Tidak diukur
//  R2 born 2025-01-15: 20 months on 2026-10-01; 2026-11-10 z −2.5, stunted (pendek) -> Merah (quarter and
//     month); age on the list = KMS column 2026-11 − 2025-01 = 22 (21 completed months)
//  R3 born 2026-02-01: 2026-10-03 z −1.5, then 2026-11-03 z −3.2 -> the last counts: Merah
//  R4 born 2024-10-15: 23 months on 2026-10-01 (in the quarter), 24 on 2026-11-01 (not in the Nov list);
//     2026-10-20 z −2.0 exactly (not stunted) -> Kuning
//  R5 born 2026-05-05: 2026-11-10 z −7 flagged implausible -> Tidak diukur (unusable)
//  R6 born 2026-08-01: not measured -> Tidak diukur
//  R7 born 2024-09-01: 25 months on 2026-10-01 -> not in the recap
//  R8 born 2026-03-03: weighed only (no length) in Nov -> Tidak diukur
// Quarter: Hijau 1 (R1), Kuning 1 (R4), Merah 2 (R2 R3), Tidak diukur 3 (R5 R6 R8); total 7.
// November list: R1 R2 R3 R5 R6 R8 (R4 is 24 months).
function fixture() {
  const children = [
    child({ id: 'R1', birth_date: '2025-06-01' }),
    child({ id: 'R2', birth_date: '2025-01-15', sex: 2 }),
    child({ id: 'R3', birth_date: '2026-02-01' }),
    child({ id: 'R4', birth_date: '2024-10-15' }),
    child({ id: 'R5', birth_date: '2026-05-05' }),
    child({ id: 'R6', birth_date: '2026-08-01' }),
    child({ id: 'R7', birth_date: '2024-09-01' }),
    child({ id: 'R8', birth_date: '2026-03-03' }),
  ];
  const length = (childId: string, measuredOn: string, zlen: number, flen: 0 | 1 = 0) =>
    measurement({ child_id: childId, measured_on: measuredOn, lenhei_cm: 70.3, zlen, flen });
  const measurements = [
    length('R1', '2026-10-05', -1.0),
    length('R2', '2026-11-10', -2.5),
    length('R3', '2026-10-03', -1.5),
    length('R3', '2026-11-03', -3.2),
    length('R4', '2026-10-20', -2.0),
    length('R5', '2026-11-10', -7, 1),
    length('R7', '2026-11-10', -2.9),
    measurement({ child_id: 'R8', measured_on: '2026-11-10', weight_kg: 7.1 }),
  ];
  return { children, measurements };
}

describe('KPM growth-mat recap, worked by hand (pos-1, 2026-11)', () => {
  const report = computeRecap(fixture(), { posyanduId: 'pos-1', month: '2026-11', settings });

  it('counts the quarter Hijau / Kuning / Merah / Tidak diukur', () => {
    expect(report.quarter.label).toBe('2026-T4');
    expect(report.quarter.months).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(report.quarter.counts).toEqual({ hijau: 1, kuning: 1, merah: 2, 'tidak-diukur': 3 });
    expect(report.quarter.total).toBe(7);
    const colour = Object.fromEntries(report.quarter.rows.map((r) => [r.child.id, r.colour]));
    expect(colour).toEqual({
      R1: 'hijau',
      R2: 'merah',
      R3: 'merah',
      R4: 'kuning',
      R5: 'tidak-diukur',
      R6: 'tidak-diukur',
      R8: 'tidak-diukur',
    });
    expect(report.quarter.rows.find((r) => r.child.id === 'R5')?.unusable).toBe(true);
  });

  it('lists the month’s children 0–23 months with their result', () => {
    const monthly = Object.fromEntries(report.monthly.map((r) => [r.child.id, r.colour]));
    expect(monthly).toEqual({
      R1: 'tidak-diukur',
      R2: 'merah',
      R3: 'merah',
      R5: 'tidak-diukur',
      R6: 'tidak-diukur',
      R8: 'tidak-diukur',
    });
    expect(report.monthly.find((r) => r.child.id === 'R2')?.ageMonths).toBe(22);
    const completed = computeRecap(fixture(), {
      posyanduId: 'pos-1',
      month: '2026-11',
      settings: { ...settings, ageRule: 'completed' },
    });
    expect(completed.monthly.find((r) => r.child.id === 'R2')?.ageMonths).toBe(21);
  });

  it('follows the colour mapping setting', () => {
    // A district whose paper mat marks −2 and −3 SD: Hijau z ≥ −2, Kuning −3 ≤ z < −2, Merah z < −3.
    const older = validateReportSettings({ ...settings, matColours: { greenMinZ: -2, yellowMinZ: -3 } });
    const other = computeRecap(fixture(), { posyanduId: 'pos-1', month: '2026-11', settings: older });
    // R1 −1.0 and R4 −2.0 Hijau, R2 −2.5 Kuning, R3 −3.2 Merah
    expect(other.quarter.counts).toEqual({ hijau: 2, kuning: 1, merah: 1, 'tidak-diukur': 3 });
    expect(() =>
      validateReportSettings({ ...settings, matColours: { greenMinZ: -3, yellowMinZ: -2 } }),
    ).toThrow(/matColours/);
  });

  it('writes the three CSV tables', () => {
    expect(recapCsv(report, 'quarter')).toBe(
      'posyandu_id,quarter,colour,count,total\r\n' +
        'pos-1,2026-T4,Hijau,1,7\r\npos-1,2026-T4,Kuning,1,7\r\npos-1,2026-T4,Merah,2,7\r\npos-1,2026-T4,Tidak diukur,3,7\r\n',
    );
    const monthly = recapCsv(report, 'monthly').split('\r\n');
    expect(monthly[0]).toBe(
      'pseudo_id,name,sex,birth_date,age_months,measured_on,position,lenhei_cm,zlen,colour,unusable',
    );
    expect(monthly).toContain('P-R2,Anak R2,P,2025-01-15,22,2026-11-10,terlentang,70.3,-2.5,Merah,0');
    expect(recapCsv(report, 'quarter-children').trim().split('\r\n')).toHaveLength(8);
  });

  it('renders the page with the mapping stated', () => {
    const html = renderRecapHtml(report, { posyanduId: 'pos-1' }, settings);
    expect(html).toContain('Rekap 3 bulanan 2026-T4');
    expect(html).toContain('Hijau z ≥ −1,0');
    for (const heading of ['Hijau (Normal)', 'Kuning (Resiko Stunting)', 'Merah (Terindikasi Stunting)'])
      expect(html).toContain(heading);
    expect(html).toContain('<span class="swatch merah"></span>Merah');
  });
});
