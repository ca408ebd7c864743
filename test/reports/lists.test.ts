// The lists the bidan and KPM act on, and SKDN in the F2 layout, on the hand-worked month of
// month-fixtures.ts (listsFixture: the working is in its comment).
import { describe, expect, it } from 'vitest';
import { computeF2 } from '../../gateway/reports/f2.ts';
import { computeHomeVisits } from '../../gateway/reports/home-visits.ts';
import { computeKpm2b } from '../../gateway/reports/kpm-2b.ts';
import { renderList } from '../../gateway/reports/lists.ts';
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
    expect(list.rows[1]?.child.mother_name).toBe('Ibu D4');
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

describe('lists as CSV and printable pages', () => {
  const place = { posyanduId: 'pos-1', posyanduName: 'Mawar' };
  it('writes each list and the F2 table', () => {
    const rujukan = renderList('rujukan', listsFixture(), options);
    expect(rujukan.csv({}).split('\r\n')[1]).toBe(
      'P-B2,Budi,L,2025-08-10,15,Ibu B2,2026-11-10,9.1,T,-3.2,-2.5,,0,2t bgm gizi_kurang',
    );
    expect(rujukan.html(place)).toContain('Di bawah garis merah (BB/U &lt; −3 SD)');
    const kunjungan = renderList('kunjungan', listsFixture(), options).csv({});
    expect(kunjungan.split('\r\n')[2]).toBe(
      'P-D4,Dodi,L,2023-03-05,44,Ibu D4,Krajan,1,2,081234567890,2026-09-07,2,1',
    );
    const f2 = renderList('f2', listsFixture(), options);
    expect(f2.csv({}).split('\r\n')[0]).toBe(
      'letter,0–5_L,0–5_P,6–11_L,6–11_P,12–23_L,12–23_P,24–35_L,24–35_P,36–59_L,36–59_P,total_L,total_P,total',
    );
    expect(f2.csv({})).toContain('\r\n2t,0,0,0,0,1,0,0,0,0,0,1,0,1\r\n');
    expect(f2.html(place)).toContain('BGM/D');
    const kpm = renderList('kpm2b', listsFixture(), options);
    expect(kpm.csv({})).toContain('P-C3,Citra,P,2024-11-20,24,S,1,1,Merah,0,1');
    expect(kpm.html(place)).toContain('PB/TB diukur ≥ 2× setahun');
  });

  it('escapes names in the pages', () => {
    const data = listsFixture();
    const named = {
      ...data,
      children: data.children.map((c) => (c.id === 'B2' ? { ...c, name: '<b>x</b>' } : c)),
    };
    const html = renderList('rujukan', named, options).html(place);
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});
