// Property tests (fast-check, fixed seeds): monotonicity of every z in its measured value, and the
// non-throwing core never throwing whatever it is given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeGrowth,
  emptyGrowthResult,
  type GrowthInput,
  type GrowthResult,
  restrictedLmsZ,
  sdCurve,
  tryComputeGrowth,
} from '../../gateway/growth/index.ts';
import { generateObservations } from './observations.ts';

const sex = fc.constantFrom<1 | 2>(1, 2);
const day = fc.integer({ min: 0, max: 1826 });
const RUNS = { seed: 7, numRuns: 400 };

/** For two measured values a < b (rest equal), z(a) <= z(b). */
function monotone(
  value: fc.Arbitrary<number>,
  build: (y: number) => GrowthInput,
  z: (r: GrowthResult) => number,
): void {
  fc.assert(
    fc.property(value, value, (a, b) => {
      fc.pre(a !== b);
      const low = z(computeGrowth(build(Math.min(a, b))));
      const high = z(computeGrowth(build(Math.max(a, b))));
      if (!Number.isNaN(low) && !Number.isNaN(high)) expect(low).toBeLessThanOrEqual(high);
    }),
    RUNS,
  );
}

describe('z is monotone in the measured value', () => {
  it('length/height-for-age in length', () => {
    fc.assert(
      fc.property(sex, day, (s, d) => {
        monotone(
          fc.double({ min: 30, max: 140, noNaN: true }),
          (y) => ({ sex: s, ageDays: d, lenheiCm: y }),
          (r) => r.zlen,
        );
      }),
      { seed: 1, numRuns: 10 },
    );
  });

  it('weight-for-age, BMI-for-age and weight-for-length/height in weight', () => {
    fc.assert(
      fc.property(sex, day, fc.double({ min: 45, max: 120, noNaN: true }), (s, d, lenheiCm) => {
        const build = (y: number): GrowthInput => ({ sex: s, ageDays: d, weightKg: y, lenheiCm });
        const weight = fc.double({ min: 0.5, max: 40, noNaN: true });
        monotone(weight, build, (r) => r.zwei);
        monotone(weight, build, (r) => r.zbmi);
        monotone(weight, build, (r) => r.zwfl);
      }),
      { seed: 2, numRuns: 10 },
    );
  });

  it('head circumference-for-age in head circumference', () => {
    monotone(
      fc.double({ min: 20, max: 60, noNaN: true }),
      (y) => ({ sex: 2, ageDays: 500, headcCm: y }),
      (r) => r.zhc,
    );
  });

  it('restricted LMS stays monotone across the +-3 SD joins', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        (a, b) => {
          const { y: ya } = sdCurve('wfa', 1, Math.min(a, b));
          const { y: yb } = sdCurve('wfa', 1, Math.max(a, b));
          expect(ya[400] as number).toBeLessThanOrEqual(yb[400] as number);
        },
      ),
      { seed: 3, numRuns: 100 },
    );
  });
});

describe('robustness', () => {
  it('tryComputeGrowth never throws on arbitrary input and reports errors by index', () => {
    const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constant(undefined));
    fc.assert(
      fc.property(
        fc.record({
          sex: fc.oneof(fc.constantFrom(1, 2), fc.anything()),
          ageDays: anyNumber,
          weightKg: anyNumber,
          lenheiCm: anyNumber,
          headcCm: anyNumber,
          measure: fc.oneof(fc.constantFrom('l', 'h', undefined), fc.string()),
          oedema: fc.oneof(fc.boolean(), fc.anything()),
        }),
        (input) => {
          const code = tryComputeGrowth(input as unknown as GrowthInput, emptyGrowthResult());
          expect(Number.isInteger(code) && code >= 0).toBe(true);
        },
      ),
      { seed: 4, numRuns: 2000 },
    );
  });

  it('computes every generated realistic observation, with sane z-scores', () => {
    const out = emptyGrowthResult();
    for (const observation of generateObservations(5000, 11)) {
      computeGrowth(observation, out);
      expect(Math.abs(out.zlen)).toBeLessThan(8);
      if (!observation.oedema) expect(Math.abs(out.zwei)).toBeLessThan(8);
    }
  });
});

describe('sdCurve', () => {
  it('gives WHO medians and SD lines that evaluate back to their z', () => {
    const median = sdCurve('lhfa', 1, 0);
    expect(median.x.length).toBe(1827);
    expect(median.y[0]).toBe(49.8842);
    const heavy = sdCurve('wfa', 2, 3.5);
    const out = emptyGrowthResult();
    for (const at of [0, 365, 1000, 1826]) {
      computeGrowth({ sex: 2, ageDays: at, weightKg: heavy.y[at] }, out);
      expect(out.zwei).toBeCloseTo(3.5, 9);
    }
    const wfh = sdCurve('wfh', 1, -2);
    expect(wfh.x[0]).toBe(65);
    expect(wfh.x[wfh.x.length - 1]).toBe(120);
    expect(restrictedLmsZ(wfh.y[0] as number, -0.3521, 7.4327, 0.08217)).toBeCloseTo(-2, 9);
  });

  it('rejects an unknown sex or a non-finite z', () => {
    expect(() => sdCurve('wfa', 3 as 1, 0)).toThrow(/sex/);
    expect(() => sdCurve('wfa', 1, Number.NaN)).toThrow(/z/);
  });
});
