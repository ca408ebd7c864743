import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyGrowth,
  classifyZ,
  roundTo,
  roundZ,
  roundZHundredths,
  STATUS_LABELS,
  type StatusIndex,
  stuntingFlag,
} from '../../gateway/growth/index.ts';

/**
 * Slow, obviously correct reference for R's round(x, 2): look at the exact decimal expansion of the
 * double (toFixed gives exact digits), then round half to even on it.
 */
function referenceRound2(x: number): number {
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf('.');
  const kept = BigInt(exact.slice(0, point) + exact.slice(point + 1, point + 3));
  const rest = exact.slice(point + 3);
  const half = `5${'0'.repeat(rest.length - 1)}`;
  const up = rest > half || (rest === half && kept % 2n === 1n);
  const value = Number(kept + (up ? 1n : 0n)) / 100;
  return x < 0 ? -value : value;
}

describe('roundZ: R round(z, 2) on the binary value', () => {
  it('ties go to the even digit; non-ties follow the binary value', () => {
    expect(roundZ(0.125)).toBe(0.12); // exact tie -> even
    expect(roundZ(0.375)).toBe(0.38); // exact tie -> even
    expect(roundZ(-0.125)).toBe(-0.12);
    expect(roundZ(2.675)).toBe(2.67); // 2.67499999... in binary
    expect(roundZ(1.005)).toBe(1); // 1.00499999...
    expect(roundZ(-2.5)).toBe(-2.5);
    expect(roundZ(Number.NaN)).toBeNaN();
    expect(roundTo(1.23456, 4)).toBe(1.2346);
  });

  it('agrees with an exact decimal reference except within 1e-12 of a tie, where R compares in doubles', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), (z) => {
        const rounded = roundZ(z);
        const scaled = Math.abs(z) * 100;
        const nearTie = Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-12 * Math.max(1, scaled);
        if (!nearTie) expect(rounded === referenceRound2(z)).toBe(true);
        // Always one of the two neighbours at 2 decimals.
        expect(Math.abs(rounded - z)).toBeLessThanOrEqual(0.005 + 1e-12);
      }),
      { seed: 42, numRuns: 5000 },
    );
  });

  it("follows R 4's algorithm at near-ties: candidates compared by their double distances", () => {
    // 0.15 is 0.1499999999999999944...: nearer 0.1. Whole ties go to even.
    expect(roundTo(0.15, 1)).toBe(0.1);
    expect(roundTo(2.5, 0)).toBe(2);
    expect(roundTo(3.5, 0)).toBe(4);
    // 9.795 is 9.79499999999999992... but both candidates sit 0.0050000000000007816 away in
    // doubles, so the even rule picks 9.80 (an exact decimal reference would say 9.79).
    expect(roundZ(9.795)).toBe(9.8);
    expect(referenceRound2(9.795)).toBe(9.79);
  });
});

describe('Permenkes 2/2020 categories', () => {
  const code = (index: StatusIndex, z: number) => classifyZ(index, z)?.code;

  it('TB/U: sangat pendek < -3 <= pendek < -2 <= normal <= +3 < tinggi', () => {
    expect([-3.01, -3, -2.01, -2, 0, 3, 3.01].map((z) => code('tbu', z))).toEqual([
      'sangat_pendek',
      'pendek',
      'pendek',
      'normal',
      'normal',
      'normal',
      'tinggi',
    ]);
  });

  it('BB/U: sangat kurang < -3 <= kurang < -2 <= normal <= +1 < risiko lebih', () => {
    expect([-3.01, -3, -2.01, -2, 1, 1.01].map((z) => code('bbu', z))).toEqual([
      'bb_sangat_kurang',
      'bb_kurang',
      'bb_kurang',
      'bb_normal',
      'bb_normal',
      'risiko_bb_lebih',
    ]);
  });

  it('BB/PB-BB/TB and IMT/U: six bands with +1, +2, +3 in the lower band', () => {
    for (const index of ['bbtb', 'imtu'] as const) {
      expect([-3.01, -3, -2, 1, 1.01, 2, 2.01, 3, 3.01].map((z) => code(index, z))).toEqual([
        'gizi_buruk',
        'gizi_kurang',
        'gizi_baik',
        'gizi_baik',
        'berisiko_gizi_lebih',
        'berisiko_gizi_lebih',
        'gizi_lebih',
        'gizi_lebih',
        'obesitas',
      ]);
    }
  });

  it('decides on the rounded z, as printed: -2.004 prints -2.00 and is normal', () => {
    expect(code('tbu', -2.004)).toBe('normal');
    expect(code('tbu', -2.006)).toBe('pendek');
    expect(code('tbu', Number.NaN)).toBeUndefined();
  });

  it('has Indonesian and English labels and a severity for every category', () => {
    expect(STATUS_LABELS).toHaveLength(4 + 4 + 6 + 6 + 5);
    for (const label of STATUS_LABELS) {
      expect(label.id.length).toBeGreaterThan(0);
      expect(label.en.length).toBeGreaterThan(0);
      expect(['severe', 'moderate', 'normal', 'risk']).toContain(label.severity);
    }
    expect(classifyZ('tbu', -3.5)).toMatchObject({
      id: 'Sangat pendek',
      en: 'Severely stunted',
      severity: 'severe',
    });
    expect(classifyZ('bbtb', -2.5)).toMatchObject({ id: 'Gizi kurang', en: 'Wasted', severity: 'moderate' });
  });

  it('classifyGrowth maps each z to its index and leaves missing ones out', () => {
    const status = classifyGrowth({ zlen: -2.5, zwei: Number.NaN, zwfl: 0.3, zbmi: 2.5 });
    expect(status.tbu?.code).toBe('pendek');
    expect(status.bbu).toBeUndefined();
    expect(status.bbtb?.code).toBe('gizi_baik');
    expect(status.imtu?.code).toBe('gizi_lebih');
  });

  it('stunting flag: below -2 stunted, below -3 severe, on the rounded z', () => {
    expect([-3.01, -3, -2.004, -2.01, 1, Number.NaN].map(stuntingFlag)).toEqual([
      'severe',
      'stunted',
      'none',
      'stunted',
      'none',
      undefined,
    ]);
  });
});

describe('roundZHundredths', () => {
  it('is roundZ times 100 as an integer, ties and near-ties included', () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), (z) => {
        expect(roundZHundredths(z) / 100 === roundZ(z)).toBe(true);
      }),
      { seed: 9, numRuns: 20000 },
    );
    for (let k = -99995; k <= 99995; k += 10) {
      const z = k / 10000;
      expect(roundZHundredths(z) / 100 === roundZ(z)).toBe(true);
    }
    for (const z of [9.795, 2.675, 0.125, -0.125, 1.005, -5.005, 5.004999999]) {
      expect(roundZHundredths(z) / 100).toBe(roundZ(z));
    }
  });
});
