// The lists the bidan and KPM act on, and SKDN in the F2 layout, on the hand-worked month of
// month-fixtures.ts (listsFixture: the working is in its comment).
import { describe, expect, it } from 'vitest';
import { computeF2 } from '../../gateway/reports/f2.ts';
import { computeHomeVisits } from '../../gateway/reports/home-visits.ts';
import { computeKpm2b } from '../../gateway/reports/kpm-2b.ts';
import { computeReferrals } from '../../gateway/reports/referrals.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { computeSkdn } from '../../gateway/reports/skdn.ts';
import { kmsAgeFixture, listsFixture } from './month-fixtures.ts';

const options = { posyanduId: 'pos-1', month: '2026-11', settings: defaultReportSettings };

describe('daftar rujukan (referral list)', () => {
  it('lists every child to refer with its reasons, most reasons first', () => {
    const list = computeReferrals(listsFixture(), options);
    expect(list.rows.map((r) => [r.child.name, r.signs.reasons])).toEqual([
      ['Budi', ['2t', 'bgm', 'gizi_kurang']],
      ['Gita', ['t', 'gizi_buruk']],
      ['Ani', ['t']],
      ['Citra', ['pendek']],
    ]);
    expect(list.rows.find((r) => r.child.name === 'Budi')?.ageMonths).toBe(15);
  });

  it('refers on a single T read at the KMS age (the KMS-age month: P and S2)', () => {
    const list = computeReferrals(kmsAgeFixture(), options);
    expect(list.rows.map((r) => r.child.id).sort()).toEqual(['P', 'S2']);
  });

  it('counts 2T and BGM in the SKDN', () => {
    const skdn = computeSkdn(listsFixture(), options);
    expect([skdn.s, skdn.k, skdn.d, skdn.n, skdn.t, skdn.o, skdn.b, skdn.dPrime]).toEqual([
      9, 8, 5, 1, 3, 0, 1, 4,
    ]);
    expect([skdn.twoT, skdn.bgm, skdn.ratios.bgmOverD, skdn.ratios.dOverK]).toEqual([1, 1, 20, 62.5]);
  });
});

describe('daftar kunjungan rumah (home visits)', () => {
  it('lists the children in S not weighed this month in walking order, marking two months or more', () => {
    const list = computeHomeVisits(listsFixture(), options);
    expect(
      list.rows.map((r) => [
        r.child.name,
        r.address?.dusun ?? null,
        r.monthsSince ?? null,
        r.twoMonthsOrMore,
      ]),
    ).toEqual([
      ['Eka', 'Krajan', 1, false],
      ['Dodi', 'Krajan', 2, true],
      ['Ika', 'Sukamaju', 2, true],
      ['Fajar', null, null, false],
    ]);
    expect(list.rows[1]?.child.motherName).toBe('Ibu D4');
    expect(list.rows[1]?.address?.phone).toBe('081234567890');
  });
});

describe('SKDN in the F2 layout', () => {
  const f2 = computeF2(listsFixture(), options);
  // Groups 0–5, 6–11, 12–23, 24–35, 36–59; [L, P] in each.
  it('breaks every letter down by age group and sex', () => {
    expect(f2.counts.s).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
      [0, 1],
      [1, 1],
    ]);
    expect(f2.counts.k).toEqual([
      [0, 1],
      [1, 1],
      [1, 1],
      [0, 1],
      [1, 1],
    ]);
    expect(f2.counts.d).toEqual([
      [0, 1],
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(f2.counts.n).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 1],
      [0, 0],
    ]);
    expect(f2.counts.t).toEqual([
      [0, 1],
      [0, 0],
      [1, 0],
      [0, 0],
      [0, 1],
    ]);
    expect(f2.counts.b).toEqual([
      [0, 0],
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(f2.counts.twoT).toEqual([
      [0, 0],
      [0, 0],
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(f2.counts.bgm).toEqual([
      [0, 0],
      [0, 0],
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('totals by sex equal the SKDN, with D/K and BGM/D', () => {
    expect(f2.totals.s).toEqual([4, 5, 9]);
    expect(f2.totals.d).toEqual([2, 3, 5]);
    expect(f2.totals.dPrime).toEqual([1, 3, 4]);
    expect(f2.ratios).toEqual({ dOverK: 62.5, bgmOverD: 20 });
  });
});

describe('KPM form 2.B (0–23 months)', () => {
  const report = computeKpm2b(listsFixture(), options);
  it('gives status gizi, weighed, length measured and mat colour per child', () => {
    expect(
      report.rows.map((r) => [
        r.child.name,
        r.ageMonths,
        r.statusGizi.join(','),
        r.weighed,
        r.lengthMeasured,
        r.mat.colour,
      ]),
    ).toEqual([
      ['Ani', 5, 'N', true, true, 'kuning'],
      ['Budi', 15, 'GK', true, false, 'tidak-diukur'],
      ['Citra', 24, 'S', true, true, 'merah'],
      ['Eka', 21, '', false, false, 'tidak-diukur'],
      ['Fajar', 1, '', false, false, 'tidak-diukur'],
      ['Hadi', 11, '', true, true, 'tidak-diukur'],
      ['Ika', 7, '', false, false, 'tidak-diukur'],
    ]);
    expect(report.rows.find((r) => r.child.name === 'Hadi')?.mat.unusable).toBe(true);
  });

  it("counts the scorecard's ditimbang rutin and PB/TB ≥ 2× setahun", () => {
    expect(report.indicators.children).toBe(7);
    expect(report.rows.filter((r) => r.weighedRoutinely).map((r) => r.child.name)).toEqual(['Ani', 'Budi']);
    expect(report.indicators.weighedRoutinelyPct).toBeCloseTo(28.5714, 3);
    expect(report.indicators.lengthTwiceAYear).toBe(1);
    expect(report.indicators.lengthTwiceAYearPct).toBeCloseTo(14.2857, 3);
  });
});
