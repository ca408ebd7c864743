import { describe, expect, it } from 'vitest';
import {
  ageInDays,
  ageInMonths,
  computeGrowth,
  GROWTH_ERRORS,
  type GrowthInput,
  GrowthInputError,
  lmsValue,
  lmsZ,
  restrictedLmsValue,
  restrictedLmsZ,
  roundUpDays,
  type Sex,
  tryComputeGrowth,
} from '../../gateway/growth/index.ts';
import { TABLES, type TableName } from '../../gateway/growth/who-2006/tables.ts';

function lms(table: TableName, sex: Sex, key: number): [number, number, number] {
  const t = TABLES[table];
  const at = ((sex - 1) * t.rows + key - t.firstKey) * 3;
  return [t.lms[at] as number, t.lms[at + 1] as number, t.lms[at + 2] as number];
}

/** Weight at a given z on the weight-for-age table (restricted scale beyond +-3). */
function weightAt(sex: Sex, day: number, z: number): number {
  const [l, m, s] = lms('wfa', sex, day);
  return restrictedLmsValue(z, l, m, s);
}

describe('LMS formulas', () => {
  it('restricted LMS: linear beyond +-3 with the 2-3 SD step, unchanged inside', () => {
    const [l, m, s] = lms('wfa', 1, 365);
    const sd2 = lmsValue(2, l, m, s);
    const sd3 = lmsValue(3, l, m, s);
    const sdm2 = lmsValue(-2, l, m, s);
    const sdm3 = lmsValue(-3, l, m, s);
    // One full 2-3 step above SD3 is exactly z = 4; half a step below SD-3 is z = -3.5.
    expect(restrictedLmsZ(sd3 + (sd3 - sd2), l, m, s)).toBeCloseTo(4, 12);
    expect(restrictedLmsZ(sdm3 - (sdm2 - sdm3) / 2, l, m, s)).toBeCloseTo(-3.5, 12);
    // Plain LMS would say something else out there (L != 1 bends the scale).
    expect(Math.abs(lmsZ(sd3 + (sd3 - sd2), l, m, s) - 4)).toBeGreaterThan(0.02);
    // Inside +-3 both formulas agree exactly.
    expect(restrictedLmsZ(m * 1.1, l, m, s)).toBe(lmsZ(m * 1.1, l, m, s));
  });

  it('weight-for-age uses the restricted formula; length-for-age the plain one', () => {
    const heavy = weightAt(2, 500, 4.5);
    expect(computeGrowth({ sex: 2, ageDays: 500, weightKg: heavy }).zwei).toBeCloseTo(4.5, 10);
    const [, m, s] = lms('lhfa', 2, 500);
    // Length 5 SD above the median on the plain (L = 1) scale: z exactly (y/M - 1)/S = 5.
    const tall = m * (1 + 5 * s);
    expect(computeGrowth({ sex: 2, ageDays: 500, lenheiCm: tall, measure: 'l' }).zlen).toBeCloseTo(5, 10);
  });
});

describe('age', () => {
  it('rounds fractional days half up like anthro round_up (24.0 months = 730.5 days -> 731)', () => {
    expect(roundUpDays(730.5)).toBe(731);
    expect(roundUpDays(730.49)).toBe(730);
    expect(roundUpDays(24 * 30.4375)).toBe(731);
    expect(ageInMonths(1826)).toBeCloseTo(59.99, 2);
  });

  it('computes whole days from ISO dates, across leap days', () => {
    expect(ageInDays('2024-02-28', '2024-03-01')).toBe(2);
    expect(ageInDays('2023-02-28', '2023-03-01')).toBe(1);
    expect(ageInDays('2020-01-01', '2025-01-01')).toBe(1827);
    expect(ageInDays('2025-06-10', '2025-06-10T09:30:00+07:00')).toBe(0);
  });

  it('accepts day 1826 (59.99 months) and rejects 1827 and a fractional 1826.4 (60.005 months)', () => {
    expect(computeGrowth({ sex: 1, ageDays: 1826, weightKg: 18 }).zwei).not.toBeNaN();
    for (const ageDays of [1827, 1826.4, 1856]) {
      expect(() => computeGrowth({ sex: 1, ageDays, weightKg: 18 })).toThrow(/60 months/);
    }
  });
});

describe('position and the 0.7 cm adjustment', () => {
  const at = (ageDays: number, measure: 'l' | 'h' | undefined) =>
    computeGrowth({ sex: 1, ageDays, lenheiCm: 80, measure, weightKg: 10 });

  it('adds 0.7 cm when measured standing before 731 days', () => {
    expect(at(730, 'h').clenheiCm).toBe(80 + 0.7);
    expect(at(730, 'l').clenheiCm).toBe(80);
  });

  it('subtracts 0.7 cm when measured lying from 731 days', () => {
    expect(at(731, 'l').clenheiCm).toBe(80 - 0.7);
    expect(at(731, 'h').clenheiCm).toBe(80);
  });

  it('changes nothing when the position or the age is unknown', () => {
    expect(at(400, undefined).clenheiCm).toBe(80);
    expect(computeGrowth({ sex: 1, lenheiCm: 80, measure: 'h' }).clenheiCm).toBe(80);
  });

  it('the adjusted value feeds length-for-age, BMI and weight-for-length', () => {
    const standing = at(600, 'h');
    const lying = computeGrowth({ sex: 1, ageDays: 600, lenheiCm: 80.7, measure: 'l', weightKg: 10 });
    expect(standing.zlen).toBe(lying.zlen);
    expect(standing.zbmi).toBe(lying.zbmi);
    expect(standing.zwfl).toBe(lying.zwfl);
  });

  it('ignores a standing position before 9 months and flags it (c9mo_flag)', () => {
    // 273 days = 8.97 months, 274 days = 9.002 months.
    const young = computeGrowth({ sex: 2, ageDays: 273, lenheiCm: 68, measure: 'h' });
    expect(young.c9moFlag).toBe(true);
    expect(young.clenheiCm).toBe(68);
    const older = computeGrowth({ sex: 2, ageDays: 274, lenheiCm: 68, measure: 'h' });
    expect(older.c9moFlag).toBe(false);
    expect(older.clenheiCm).toBe(68 + 0.7);
    expect(computeGrowth({ sex: 2, ageDays: 100, lenheiCm: 58, measure: 'l' }).c9moFlag).toBe(false);
  });
});

describe('weight-for-length / weight-for-height', () => {
  it('switches table at 731 days whatever the measured position', () => {
    expect(computeGrowth({ sex: 1, ageDays: 730, lenheiCm: 85, measure: 'h', weightKg: 11 }).wflTable).toBe(
      'wfl',
    );
    expect(computeGrowth({ sex: 1, ageDays: 731, lenheiCm: 85, measure: 'l', weightKg: 11 }).wflTable).toBe(
      'wfh',
    );
  });

  it('without age follows the position, and without both the 87 cm rule', () => {
    expect(computeGrowth({ sex: 1, lenheiCm: 95, measure: 'l', weightKg: 13 }).wflTable).toBe('wfl');
    expect(computeGrowth({ sex: 1, lenheiCm: 70, measure: 'h', weightKg: 8 }).wflTable).toBe('wfh');
    expect(computeGrowth({ sex: 1, lenheiCm: 86.9, weightKg: 12 }).wflTable).toBe('wfl');
    expect(computeGrowth({ sex: 1, lenheiCm: 87, weightKg: 12 }).wflTable).toBe('wfh');
  });

  it('gives no z (and no flag) outside the table, ends included', () => {
    const z = (lenheiCm: number, measure: 'l' | 'h') =>
      computeGrowth({ sex: 2, lenheiCm, measure, weightKg: 9 });
    expect(z(45, 'l').zwfl).not.toBeNaN();
    expect(z(110, 'l').zwfl).not.toBeNaN();
    expect(z(44.9, 'l').zwfl).toBeNaN();
    expect(z(44.9, 'l').fwfl).toBeNaN();
    expect(z(110.1, 'l').zwfl).toBeNaN();
    expect(z(65, 'h').zwfl).not.toBeNaN();
    expect(z(120, 'h').zwfl).not.toBeNaN();
    expect(z(64.9, 'h').zwfl).toBeNaN();
    expect(z(120.1, 'h').zwfl).toBeNaN();
  });

  it('interpolates L, M and S linearly between 0.1 cm rows', () => {
    const [l0, m0, s0] = lms('wfl', 1, 753);
    const [l1, m1, s1] = lms('wfl', 1, 754);
    const x = 75.34;
    const d = (x - 75.3) / 0.1;
    const expected = restrictedLmsZ(9.5, l0 + d * (l1 - l0), m0 + d * (m1 - m0), s0 + d * (s1 - s0));
    expect(computeGrowth({ sex: 1, lenheiCm: x, measure: 'l', weightKg: 9.5 }).zwfl).toBe(expected);
  });

  it("reproduces anthro's floating-point quirk at 103.1 cm lying from 731 days (row 102.5 used)", () => {
    const result = computeGrowth({ sex: 1, ageDays: 900, lenheiCm: 103.1, measure: 'l', weightKg: 16 });
    expect(result.clenheiCm).toBe(102.39999999999999);
    const x = 103.1 - 0.7;
    const d = (x - 102.3) / 0.1;
    const [l0, m0, s0] = lms('wfh', 1, 1023);
    const [l2, m2, s2] = lms('wfh', 1, 1025); // two rows up: what anthro does
    const quirk = restrictedLmsZ(16, l0 + d * (l2 - l0), m0 + d * (m2 - m0), s0 + d * (s2 - s0));
    expect(result.zwfl).toBe(quirk);
    // The mathematically intended row 102.4 gives about 0.02 more.
    const [l4, m4, s4] = lms('wfh', 1, 1024);
    expect(restrictedLmsZ(16, l4, m4, s4) - result.zwfl).toBeGreaterThan(0.01);
  });
});

describe('oedema', () => {
  it('leaves weight-for-age, weight-for-length and BMI missing, keeps length and head', () => {
    const result = computeGrowth({
      sex: 1,
      ageDays: 400,
      lenheiCm: 74,
      measure: 'l',
      weightKg: 8,
      headcCm: 45,
      oedema: true,
    });
    expect([result.zwei, result.zwfl, result.zbmi, result.fwei, result.fwfl, result.fbmi]).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    expect(result.zlen).not.toBeNaN();
    expect(result.zhc).not.toBeNaN();
  });
});

describe('implausible-value flags from the z rounded to 2 decimals', () => {
  const weightFlag = (z: number) =>
    computeGrowth({ sex: 1, ageDays: 300, weightKg: weightAt(1, 300, z) }).fwei;

  it('fwei: z > 5 or z < -6; the bounds themselves and values that round to them are not flagged', () => {
    expect(weightFlag(5)).toBe(0);
    expect(weightFlag(5.004)).toBe(0); // prints 5.00
    expect(weightFlag(5.006)).toBe(1); // prints 5.01
    expect(weightFlag(-6.004)).toBe(0);
    expect(weightFlag(-6.006)).toBe(1);
    expect(weightFlag(-5.9)).toBe(0);
  });

  it('flen at +-6, fwfl/fbmi/fhc at +-5', () => {
    const [, m, s] = lms('lhfa', 1, 300);
    const lengthAt = (z: number) => m * (1 + z * s);
    const flen = (z: number) =>
      computeGrowth({ sex: 1, ageDays: 300, lenheiCm: lengthAt(z), measure: 'l' }).flen;
    expect([flen(5.9), flen(6.004), flen(6.006), flen(-6.004), flen(-6.006)]).toEqual([0, 0, 1, 0, 1]);
    const [, hm, hs] = lms('hcfa', 2, 300);
    const fhc = (z: number) => computeGrowth({ sex: 2, ageDays: 300, headcCm: hm * (1 + z * hs) }).fhc;
    expect([fhc(4.99), fhc(5.006), fhc(-5.004), fhc(-5.006)]).toEqual([0, 1, 0, 1]);
    const [wl, wm, ws] = lms('wfl', 1, 700);
    const fwfl = (z: number) =>
      computeGrowth({ sex: 1, lenheiCm: 70, measure: 'l', weightKg: restrictedLmsValue(z, wl, wm, ws) }).fwfl;
    expect([fwfl(5.004), fwfl(5.006), fwfl(-5.004), fwfl(-5.006)]).toEqual([0, 1, 0, 1]);
  });

  it('has no flag where there is no z', () => {
    const result = computeGrowth({ sex: 1, ageDays: 300 });
    expect([result.flen, result.fwei, result.fwfl, result.fbmi, result.fhc].every(Number.isNaN)).toBe(true);
  });
});

describe('impossible input', () => {
  const cases: [string, GrowthInput, string, string][] = [
    ['unknown sex', { sex: 3 as Sex }, 'invalid_sex', 'sex'],
    ['unknown position', { sex: 1, measure: 'x' as 'l' }, 'invalid_measure', 'measure'],
    ['infinite age', { sex: 1, ageDays: Number.POSITIVE_INFINITY }, 'not_finite', 'ageDays'],
    ['NaN age', { sex: 1, ageDays: Number.NaN }, 'not_finite', 'ageDays'],
    ['negative age', { sex: 1, ageDays: -1 }, 'negative_age', 'ageDays'],
    ['age of 60 months', { sex: 1, ageDays: 1827 }, 'age_over_60_months', 'ageDays'],
    ['NaN weight', { sex: 1, weightKg: Number.NaN }, 'not_finite', 'weightKg'],
    ['zero weight', { sex: 1, weightKg: 0 }, 'not_positive', 'weightKg'],
    ['infinite length', { sex: 1, lenheiCm: Number.POSITIVE_INFINITY }, 'not_finite', 'lenheiCm'],
    ['negative length', { sex: 1, lenheiCm: -80 }, 'not_positive', 'lenheiCm'],
    ['NaN head circumference', { sex: 1, headcCm: Number.NaN }, 'not_finite', 'headcCm'],
    ['zero head circumference', { sex: 1, headcCm: 0 }, 'not_positive', 'headcCm'],
    // Untrusted JSON: strings are not numbers, even when they look like one.
    ['sex as a string', { sex: '1' as unknown as Sex }, 'invalid_sex', 'sex'],
    ['age as a string', { sex: 1, ageDays: '100' as unknown as number }, 'not_finite', 'ageDays'],
    ['weight as a string', { sex: 1, weightKg: '9' as unknown as number }, 'not_finite', 'weightKg'],
  ];
  for (const [what, input, code, field] of cases) {
    it(`${what}: GrowthInputError ${code} on ${field}`, () => {
      let caught: unknown;
      try {
        computeGrowth(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GrowthInputError);
      expect((caught as GrowthInputError).code).toBe(code);
      expect((caught as GrowthInputError).field).toBe(field);
      expect((caught as GrowthInputError).message).toContain(field);
      // The non-throwing form reports the same error by index.
      const index = tryComputeGrowth(input, computeGrowth({ sex: 1 }));
      expect(GROWTH_ERRORS[index]?.code).toBe(code);
    });
  }

  it('dates: invalid birth date, invalid measurement date, birth after measurement', () => {
    const codeOf = (birth: string, measured: string) => {
      try {
        ageInDays(birth, measured);
      } catch (error) {
        return [(error as GrowthInputError).code, (error as GrowthInputError).field];
      }
      return undefined;
    };
    expect(codeOf('2024-02-30', '2025-01-01')).toEqual(['invalid_date', 'birthDate']);
    expect(codeOf('2024-01-01', '01/02/2025')).toEqual(['invalid_date', 'measuredOn']);
    expect(codeOf('2025-01-02', '2025-01-01')).toEqual(['birth_after_measurement', 'birthDate']);
  });
});
