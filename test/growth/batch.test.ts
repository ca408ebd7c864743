import { describe, expect, it } from 'vitest';
import {
  computeGrowthColumns,
  emptyGrowthResult,
  type GrowthInput,
  type GrowthResult,
  tryComputeGrowth,
} from '../../gateway/growth/index.ts';
import { generateObservations } from './observations.ts';

const Z_AND_FLAGS = ['zlen', 'zwei', 'zwfl', 'zbmi', 'zhc', 'flen', 'fwei', 'fwfl', 'fbmi', 'fhc'] as const;

describe('computeGrowthColumns', () => {
  it('gives exactly what computeGrowth gives, row by row, including error rows and missing values', () => {
    const observations: GrowthInput[] = generateObservations(3000, 99);
    // Mix in missing values, unknown ages and positions, oedema and impossible rows.
    observations.forEach((o, i) => {
      if (i % 7 === 0) o.ageDays = undefined;
      if (i % 11 === 0) o.measure = undefined;
      if (i % 13 === 0) o.weightKg = undefined;
      if (i % 17 === 0) o.lenheiCm = undefined;
      if (i % 19 === 0) o.headcCm = undefined;
      if (i % 23 === 0) o.oedema = true;
      if (i % 29 === 0) o.ageDays = 273.2;
      if (i % 31 === 0) o.ageDays = 1900;
      if (i % 37 === 0) o.weightKg = -1;
      if (i % 41 === 0) o.lenheiCm = 103.1;
    });
    const count = observations.length;
    const column = () => new Float64Array(count);
    const out = {
      error: new Uint8Array(count),
      clenheiCm: column(),
      c9moFlag: new Uint8Array(count),
      ...Object.fromEntries(Z_AND_FLAGS.map((name) => [name, column()])),
    } as Required<Parameters<typeof computeGrowthColumns>[1]>;
    const missing = (value: number | undefined) => value ?? Number.NaN;
    const errors = computeGrowthColumns(
      {
        sex: Uint8Array.from(observations, (o) => o.sex),
        ageDays: Float64Array.from(observations, (o) => missing(o.ageDays)),
        weightKg: Float64Array.from(observations, (o) => missing(o.weightKg)),
        lenheiCm: Float64Array.from(observations, (o) => missing(o.lenheiCm)),
        headcCm: Float64Array.from(observations, (o) => missing(o.headcCm)),
        measure: Uint8Array.from(observations, (o) => (o.measure === 'l' ? 1 : o.measure === 'h' ? 2 : 0)),
        oedema: Uint8Array.from(observations, (o) => (o.oedema ? 1 : 0)),
      },
      out,
    );
    let expectedErrors = 0;
    const one: GrowthResult = emptyGrowthResult();
    observations.forEach((o, i) => {
      const error = tryComputeGrowth(o, one);
      expect(out.error[i]).toBe(error);
      if (error !== 0) {
        expectedErrors++;
        return;
      }
      for (const name of Z_AND_FLAGS) expect(Object.is(out[name][i], one[name])).toBe(true);
      expect(Object.is(out.clenheiCm[i], one.clenheiCm)).toBe(true);
      expect(out.c9moFlag[i]).toBe(one.c9moFlag ? 1 : 0);
    });
    expect(errors).toBe(expectedErrors);
    expect(expectedErrors).toBeGreaterThan(100);
  });

  it('computes only the columns asked for, and refuses a flag without its z', () => {
    const out = { error: new Uint8Array(1), zlen: new Float64Array(1) };
    computeGrowthColumns(
      { sex: Uint8Array.of(2), ageDays: Float64Array.of(0), lenheiCm: Float64Array.of(49.1477) },
      out,
    );
    expect(out.zlen[0]).toBeCloseTo(0, 10);
    expect(() =>
      computeGrowthColumns(
        { sex: Uint8Array.of(1) },
        { error: new Uint8Array(1), flen: new Float64Array(1) },
      ),
    ).toThrow(/flag column needs its z/);
  });
});
