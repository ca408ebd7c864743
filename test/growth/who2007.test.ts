// The WHO Reference 2007 (5-19 years): generated data, the rules of anthroplus (month interpolation, the
// 120-month end of weight-for-age, plain and restricted LMS, oedema, flags), the switch from the 2006
// standards at 60 months, and the Permenkes 5-18 categories.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  classifyGrowth,
  classifyZ,
  computeGrowth,
  computeGrowth2007,
  computeGrowthForAge,
  emptyGrowthResult,
  type GrowthInputError,
  lmsValue,
  restrictedLmsValue,
  roundZ,
  type Sex,
  WHO_2007_FORMAT_VERSION,
} from '../../gateway/growth/index.ts';
import { TABLES_2007, type Table2007Name } from '../../gateway/growth/who-2007/tables.ts';
import {
  buildReference2007Module,
  GENERATED_2007_MODULE_PATH,
} from '../../scripts/build-who2007-reference.ts';
import { needs } from '../helpers/prerequisite.ts';
import { HAS_WHO_2007_DIR, REPO_ROOT, WHO_2007_DIR, WHO_2007_MISSING } from './who-shared.ts';

beforeAll(() => needs(HAS_WHO_2007_DIR, WHO_2007_MISSING));

const SEXES: Sex[] = [1, 2];
const SD_LEVELS = [-4, -3, -2, -1, 0, 1, 2, 3, 4];

/** L, M, S of a whole month, from the decoded table. */
function lmsAt(table: Table2007Name, sex: Sex, month: number): [number, number, number] {
  const t = TABLES_2007[table];
  const at = ((sex - 1) * t.rows + month - t.firstKey) * 3;
  return [t.lms[at] as number, t.lms[at + 1] as number, t.lms[at + 2] as number];
}

/** The SD line at a whole month, printed to 3 decimals as WHO prints its z-score tables. */
function sdValue(table: Table2007Name, sex: Sex, month: number, level: number): number {
  const [l, m, s] = lmsAt(table, sex, month);
  const value = table === 'hfa' ? lmsValue(level, l, m, s) : restrictedLmsValue(level, l, m, s);
  return Math.round(value * 1000) / 1000;
}

const LAST: Record<Table2007Name, number> = { hfa: 228, wfa: 120, bfa: 228 };

/** The z of the 2007 core for `table` at `ageMonths` for a measured value (BMI via a 150 cm child). */
function z2007(table: Table2007Name, sex: Sex, ageMonths: number, value: number): number {
  if (table === 'hfa') return computeGrowth2007({ sex, ageMonths, lenheiCm: value }).zlen;
  if (table === 'wfa') return computeGrowth2007({ sex, ageMonths, weightKg: value }).zwei;
  return computeGrowth2007({ sex, ageMonths, lenheiCm: 150, weightKg: value * 1.5 * 1.5 }).zbmi;
}

describe('generated WHO 2007 reference data', () => {
  it('decodes to the published values, with a versioned header naming WHO', () => {
    expect(lmsAt('hfa', 1, 60)).toEqual([1, 109.7265, 0.04156]);
    expect(lmsAt('bfa', 1, 60)).toEqual([-0.7151, 15.2679, 0.08366]);
    expect(lmsAt('wfa', 1, 60)).toEqual([-0.1922, 18.3328, 0.12947]);
    expect(lmsAt('hfa', 2, 229)[1]).toBe(163.1548);
    expect(TABLES_2007.hfa.rows).toBe(170);
    expect(TABLES_2007.wfa.rows).toBe(62);
    const text = readFileSync(join(REPO_ROOT, GENERATED_2007_MODULE_PATH), 'utf8');
    expect(text).toMatch(/^\/\/ GENERATED FILE/);
    expect(text).toContain('World Health Organization');
    expect(text).toContain('de Onis');
    expect(WHO_2007_FORMAT_VERSION).toBe(1);
  });

  it('rebuilds byte for byte from ../shared/who2007', () => {
    const committed = readFileSync(join(REPO_ROOT, GENERATED_2007_MODULE_PATH), 'utf8');
    expect(buildReference2007Module(WHO_2007_DIR) === committed).toBe(true);
  });

  it('holds every published L, M and S exactly', () => {
    let rows = 0;
    for (const [table, file] of [
      ['hfa', 'hfawho2007.txt'],
      ['wfa', 'wfawho2007.txt'],
      ['bfa', 'bfawho2007.txt'],
    ] as const) {
      const lines = readFileSync(join(WHO_2007_DIR, file), 'ascii').split(/\r?\n/).slice(1);
      for (const line of lines) {
        if (line === '') continue;
        const [sex, month, l, m, s] = line.split('\t').map(Number) as number[];
        expect(lmsAt(table, sex as Sex, month as number)).toEqual([l, m, s]);
        rows++;
      }
    }
    expect(rows).toBe(2 * (170 + 62 + 170));
  });
});

describe('every SD line of the 2007 tables evaluates to its own z', () => {
  for (const table of ['hfa', 'wfa', 'bfa'] as const) {
    it(`${table}: -4..+4 within 0.01 at every whole month and every mid-month`, () => {
      let worst = 0;
      let checked = 0;
      for (const sex of SEXES) {
        for (let month = 60; month <= LAST[table]; month++) {
          for (const level of SD_LEVELS) {
            worst = Math.max(
              worst,
              Math.abs(z2007(table, sex, month, sdValue(table, sex, month, level)) - level),
            );
            if (month === LAST[table]) continue;
            // Half-way between two months the SD line is (to well within 0.01) the mean of its ends.
            const mid = (sdValue(table, sex, month, level) + sdValue(table, sex, month + 1, level)) / 2;
            worst = Math.max(worst, Math.abs(z2007(table, sex, month + 0.5, mid) - level));
            checked += 2;
          }
        }
      }
      expect(checked).toBeGreaterThan(1000);
      expect(worst).toBeLessThan(0.01);
    });
  }

  it('without the month interpolation the mid-months would miss by more than 0.01', () => {
    // The guard for the test above: between two whole months height moves about 0.1 SD.
    const at60 = sdValue('hfa', 1, 60, 0);
    const at61 = sdValue('hfa', 1, 61, 0);
    expect(Math.abs(z2007('hfa', 1, 60, (at60 + at61) / 2))).toBeGreaterThan(0.05);
  });
});

describe('the rules of anthroplus', () => {
  it('interpolates L, M and S between whole months (d = age - trunc(age))', () => {
    const [l0, m0, s0] = lmsAt('bfa', 2, 100);
    const [l1, m1, s1] = lmsAt('bfa', 2, 101);
    for (const d of [0.25, 0.5, 0.9]) {
      const l = l0 + d * (l1 - l0);
      const m = m0 + d * (m1 - m0);
      const s = s0 + d * (s1 - s0);
      const bmi = 21.3;
      const expected = ((bmi / m) ** l - 1) / (s * l);
      expect(z2007('bfa', 2, 100 + d, bmi)).toBeCloseTo(expected, 10);
    }
    // At a whole month the row itself.
    const [, m, s] = lmsAt('hfa', 1, 150);
    expect(z2007('hfa', 1, 150, 140)).toBe((140 / m - 1) / s);
  });

  it('gives weight-for-age to 120 months exactly, not beyond; height and BMI still', () => {
    const at120 = computeGrowth2007({ sex: 1, ageMonths: 120, weightKg: 31, lenheiCm: 138 });
    expect(Number.isNaN(at120.zwei)).toBe(false);
    expect(at120.fwei).toBe(0);
    const past = computeGrowth2007({ sex: 1, ageMonths: 120.01, weightKg: 31, lenheiCm: 138 });
    expect(Number.isNaN(past.zwei)).toBe(true);
    expect(Number.isNaN(past.fwei)).toBe(true);
    expect(Number.isNaN(past.zlen)).toBe(false);
    expect(Number.isNaN(past.zbmi)).toBe(false);
    // Between 119 and 120 months it interpolates towards the 120-month row.
    const [l0, m0, s0] = lmsAt('wfa', 1, 119);
    const [l1, m1, s1] = lmsAt('wfa', 1, 120);
    const d = 0.5;
    const l = l0 + d * (l1 - l0);
    const expected = ((31 / (m0 + d * (m1 - m0))) ** l - 1) / ((s0 + d * (s1 - s0)) * l);
    expect(z2007('wfa', 1, 119.5, 31)).toBeCloseTo(expected, 10);
  });

  it('restricts weight-for-age and BMI-for-age beyond +-3 SD, not height-for-age', () => {
    const [l, m, s] = lmsAt('wfa', 2, 84);
    const sd2 = lmsValue(2, l, m, s);
    const sd3 = lmsValue(3, l, m, s);
    const heavy = sd3 + 1.5 * (sd3 - sd2);
    expect(z2007('wfa', 2, 84, heavy)).toBeCloseTo(4.5, 10);
    const sdm2 = lmsValue(-2, l, m, s);
    const sdm3 = lmsValue(-3, l, m, s);
    expect(z2007('wfa', 2, 84, sdm3 - 0.5 * (sdm2 - sdm3))).toBeCloseTo(-3.5, 10);
    const [bl, bm, bs] = lmsAt('bfa', 1, 200);
    const bmi = lmsValue(3, bl, bm, bs) + 2 * (lmsValue(3, bl, bm, bs) - lmsValue(2, bl, bm, bs));
    expect(z2007('bfa', 1, 200, bmi)).toBeCloseTo(5, 10);
    // Height: plain LMS (L = 1) all the way out.
    const [, hm, hs] = lmsAt('hfa', 1, 200);
    expect(z2007('hfa', 1, 200, hm * (1 - 7 * hs))).toBeCloseTo(-7, 10);
  });

  it('leaves weight-for-age and BMI-for-age out for oedema, keeps height-for-age', () => {
    const r = computeGrowth2007({ sex: 2, ageMonths: 70, weightKg: 15, lenheiCm: 108, oedema: true });
    expect(Number.isNaN(r.zwei) && Number.isNaN(r.zbmi)).toBe(true);
    expect(Number.isNaN(r.fwei) && Number.isNaN(r.fbmi)).toBe(true);
    expect(r.zlen).toBeCloseTo(computeGrowth2007({ sex: 2, ageMonths: 70, lenheiCm: 108 }).zlen, 15);
    expect(r.flen).toBe(0);
  });

  it('has no zwfl, zhc, c9mo_flag; standing height as given, lying converted by -0.7 cm', () => {
    const r = computeGrowth2007({ sex: 1, ageMonths: 66, lenheiCm: 112, weightKg: 19, headcCm: 51 });
    expect(r.reference).toBe('who2007');
    expect(Number.isNaN(r.zwfl) && Number.isNaN(r.zhc) && Number.isNaN(r.fwfl) && Number.isNaN(r.fhc)).toBe(
      true,
    );
    expect(r.c9moFlag).toBe(false);
    expect(r.clenheiCm).toBe(112);
    const lying = computeGrowth2007({ sex: 1, ageMonths: 66, lenheiCm: 112.7, measure: 'l', weightKg: 19 });
    expect(lying.clenheiCm).toBeCloseTo(112, 12);
    expect(lying.zlen).toBeCloseTo(r.zlen, 12);
  });

  it('matches anthroplus on the example its SOURCES.md quotes (zhfa 0.32)', () => {
    const r = computeGrowth2007({ sex: 1, ageMonths: 61.5, lenheiCm: 112, weightKg: 19 });
    expect(roundZ(r.zlen)).toBe(0.32);
  });
});

describe('implausible-value flags at their bounds (on the z rounded to 2 decimals)', () => {
  /** A measured value whose z is `z` at 96 months for a girl. */
  function valueAt(table: Table2007Name, z: number): number {
    const [l, m, s] = lmsAt(table, 2, 96);
    return table === 'hfa' ? lmsValue(z, l, m, s) : restrictedLmsValue(z, l, m, s);
  }
  const flagOf = (table: Table2007Name, z: number): number => {
    const y = valueAt(table, z);
    if (table === 'hfa') return computeGrowth2007({ sex: 2, ageMonths: 96, lenheiCm: y }).flen;
    if (table === 'wfa') return computeGrowth2007({ sex: 2, ageMonths: 96, weightKg: y }).fwei;
    return computeGrowth2007({ sex: 2, ageMonths: 96, lenheiCm: 100, weightKg: y }).fbmi;
  };

  it('flen: |z| > 6', () => {
    expect([
      flagOf('hfa', 6.004),
      flagOf('hfa', 6.006),
      flagOf('hfa', -6.004),
      flagOf('hfa', -6.006),
    ]).toEqual([0, 1, 0, 1]);
  });
  it('fwei: z > 5 or z < -6', () => {
    expect([flagOf('wfa', 5.004), flagOf('wfa', 5.006), flagOf('wfa', -5.5), flagOf('wfa', -6.006)]).toEqual([
      0, 1, 0, 1,
    ]);
  });
  it('fbmi: |z| > 5', () => {
    expect([
      flagOf('bfa', 5.004),
      flagOf('bfa', 5.006),
      flagOf('bfa', -5.004),
      flagOf('bfa', -5.006),
    ]).toEqual([0, 1, 0, 1]);
  });
});

describe('the switch between the references', () => {
  const observation = { sex: 2 as Sex, lenheiCm: 110, weightKg: 18 };

  it('up to 1,826 whole days (59.99 months) the 2006 standards, from 60 months the 2007 reference', () => {
    const by = (age: { ageDays?: number; ageMonths?: number }) =>
      computeGrowthForAge({ ...observation, ...age }).reference;
    expect(by({ ageDays: 1826 })).toBe('who2006');
    expect(by({ ageDays: 1826.2 })).toBe('who2006');
    expect(by({ ageDays: 1826.25 })).toBe('who2007');
    expect(by({ ageDays: 1827 })).toBe('who2007');
    expect(by({ ageMonths: 59.99 })).toBe('who2006');
    expect(by({ ageMonths: 60 })).toBe('who2007');
    expect(by({ ageMonths: 228 })).toBe('who2007');
    expect(by({})).toBe('who2006');
    // The 2006 result is the 2006 core's, bit for bit.
    const r2006 = computeGrowthForAge({ ...observation, ageDays: 1500, measure: 'h' });
    expect({ ...r2006 }).toEqual({ ...computeGrowth({ ...observation, ageDays: 1500, measure: 'h' }) });
    // Age 60 months from days equals age 60 months given.
    const fromDays = computeGrowthForAge({ ...observation, ageDays: 60 * 30.4375 });
    expect(fromDays.zlen).toBe(computeGrowthForAge({ ...observation, ageMonths: 60 }).zlen);
  });

  it('refuses ages past 228 months, under 60 for the 2007 core alone, and none', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (error) {
        return `${(error as GrowthInputError).code}:${(error as GrowthInputError).field}`;
      }
    };
    expect(code(() => computeGrowthForAge({ ...observation, ageMonths: 228.01 }))).toBe(
      'age_over_228_months:ageMonths',
    );
    expect(code(() => computeGrowthForAge({ ...observation, ageDays: 7000 }))).toBe(
      'age_over_228_months:ageMonths',
    );
    expect(code(() => computeGrowth2007({ ...observation, ageMonths: 59.9 }))).toBe(
      'age_under_60_months:ageMonths',
    );
    expect(code(() => computeGrowth2007(observation))).toBe('age_missing:ageMonths');
    expect(code(() => computeGrowth2007({ ...observation, ageMonths: Number.NaN }))).toBe(
      'not_finite:ageMonths',
    );
    expect(code(() => computeGrowthForAge({ ...observation, ageMonths: -1 }))).toBe('negative_age:ageDays');
    expect(code(() => computeGrowth2007({ ...observation, ageMonths: 80, weightKg: 0 }))).toBe(
      'not_positive:weightKg',
    );
    // The 2006 core alone still stops at 60 months.
    expect(code(() => computeGrowth({ ...observation, ageDays: 1827 }))).toBe('age_over_60_months:ageDays');
  });
});

describe('z is monotone in the measured value (2007)', () => {
  const age = fc.double({ min: 60, max: 228, noNaN: true });
  const sex = fc.constantFrom<Sex>(1, 2);
  const RUNS = { seed: 2007, numRuns: 500 };

  it('height-for-age in height, weight-for-age and BMI-for-age in weight', () => {
    const out = emptyGrowthResult();
    fc.assert(
      fc.property(
        sex,
        age,
        fc.double({ min: 80, max: 200, noNaN: true }),
        fc.double({ min: 80, max: 200, noNaN: true }),
        fc.double({ min: 8, max: 120, noNaN: true }),
        fc.double({ min: 8, max: 120, noNaN: true }),
        (s, months, h1, h2, w1, w2) => {
          const [hLow, hHigh] = [Math.min(h1, h2), Math.max(h1, h2)];
          const [wLow, wHigh] = [Math.min(w1, w2), Math.max(w1, w2)];
          const low = {
            ...computeGrowth2007({ sex: s, ageMonths: months, lenheiCm: hLow, weightKg: wLow }, out),
          };
          const high = computeGrowth2007(
            { sex: s, ageMonths: months, lenheiCm: hHigh, weightKg: wHigh },
            out,
          );
          expect(low.zlen).toBeLessThanOrEqual(high.zlen);
          if (months <= 120) expect(low.zwei).toBeLessThanOrEqual(high.zwei);
          const sameHeight = computeGrowth2007({
            sex: s,
            ageMonths: months,
            lenheiCm: hLow,
            weightKg: wHigh,
          });
          expect(low.zbmi).toBeLessThanOrEqual(sameHeight.zbmi);
        },
      ),
      RUNS,
    );
  });
});

describe('Permenkes 2/2020 categories for 5-18 years', () => {
  it('IMT/U: gizi buruk < -3, gizi kurang -3 to < -2, gizi baik -2 to +1, gizi lebih > +1 to +2, obesitas > +2', () => {
    const codes = [-3.01, -3, -2.01, -2, 1, 1.01, 2, 2.01].map((z) => classifyZ('imtu_5_18', z)?.code);
    expect(codes).toEqual([
      'gizi_buruk',
      'gizi_kurang',
      'gizi_kurang',
      'gizi_baik',
      'gizi_baik',
      'gizi_lebih',
      'gizi_lebih',
      'obesitas',
    ]);
    // On the rounded z, as the kader reads it.
    expect(classifyZ('imtu_5_18', 2.004)?.code).toBe('gizi_lebih');
  });

  it('a 2007 result gets TB/U (under-five cut-offs) and IMT/U only', () => {
    const status = classifyGrowth({
      zlen: -2.5,
      zwei: -2.5,
      zwfl: Number.NaN,
      zbmi: 1.5,
      reference: 'who2007',
    });
    expect(status.tbu?.code).toBe('pendek');
    expect(status.imtu?.index).toBe('imtu_5_18');
    expect(status.imtu?.code).toBe('gizi_lebih');
    expect(status.imtu?.en).toBe('Overweight');
    expect(status.bbu).toBeUndefined();
    expect(status.bbtb).toBeUndefined();
    expect(classifyGrowth({ zlen: 3.01, zwei: 0, zwfl: 0, zbmi: 0, reference: 'who2007' }).tbu?.code).toBe(
      'tinggi',
    );
  });
});
