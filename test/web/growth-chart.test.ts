import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeGrowth2007, sdCurve, sdCurve2007 } from '../../gateway/growth/index.ts';
import {
  type ChartIndicator,
  curveAt,
  escapeXml,
  renderGrowthChart,
} from '../../gateway/web/chart/growth-chart.ts';

/** The chart's own axis mapping, read back from the data attributes on its root element. */
function axes(svg: string) {
  const attr = (name: string) => Number(new RegExp(`data-${name}="([^"]+)"`).exec(svg)?.[1]);
  const [xMin, xMax, yMin, yMax] = [attr('x-min'), attr('x-max'), attr('y-min'), attr('y-max')];
  const [left, right, top, bottom] = [
    attr('plot-left'),
    attr('plot-right'),
    attr('plot-top'),
    attr('plot-bottom'),
  ];
  return {
    sx: (x: number) => left + ((x - xMin) / (xMax - xMin)) * (right - left),
    sy: (y: number) => bottom - ((y - yMin) / (yMax - yMin)) * (bottom - top),
  };
}

function points(svg: string): { cx: number; cy: number }[] {
  return [...svg.matchAll(/<circle class="child-point" cx="([^"]+)" cy="([^"]+)"/g)].map((m) => ({
    cx: Number(m[1]),
    cy: Number(m[2]),
  }));
}

describe('growth chart SVG', () => {
  it('puts each point where the SD curve of its own z-score passes at its age', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Exclude<ChartIndicator, 'hfa2007' | 'bfa2007'>>('lhfa', 'wfa', 'wfl', 'wfh'),
        fc.constantFrom<1 | 2>(1, 2),
        fc.double({ min: -3.5, max: 3.5, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (indicator, sex, z, where) => {
          const curve = sdCurve(indicator, sex, z);
          const first = curve.x[0] as number;
          const last = curve.x[curve.x.length - 1] as number;
          const x =
            indicator === 'lhfa' || indicator === 'wfa'
              ? Math.round(first + where * (last - first))
              : Math.round((first + where * (last - first)) * 10) / 10;
          const y = curveAt(curve, x);
          const svg = renderGrowthChart({
            indicator,
            sex,
            lang: 'id',
            points: [{ x, y, z, measuredOn: '2026-11-28', measurementId: 'm1' }],
          });
          const { sx, sy } = axes(svg);
          const [point] = points(svg);
          expect(point).toBeDefined();
          expect(Math.abs((point?.cx ?? 0) - sx(x))).toBeLessThan(0.01);
          expect(Math.abs((point?.cy ?? 0) - sy(y))).toBeLessThan(0.01);
          // Between the neighbouring SD lines drawn on the chart, in pixels.
          const below = [-3, -2, 0, 2, 3].filter((line) => line <= z).at(-1);
          const above = [-3, -2, 0, 2, 3].find((line) => line >= z);
          if (below !== undefined)
            expect(point?.cy ?? 0).toBeLessThanOrEqual(sy(curveAt(sdCurve(indicator, sex, below), x)) + 0.01);
          if (above !== undefined)
            expect(point?.cy ?? 0).toBeGreaterThanOrEqual(
              sy(curveAt(sdCurve(indicator, sex, above), x)) - 0.01,
            );
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('draws the five SD lines (six on BB/U), labelled, the 24-month switch for length, and escapes text', () => {
    const svg = renderGrowthChart({ indicator: 'lhfa', sex: 1, lang: 'en', points: [], maxAgeDays: 1826 });
    expect([...svg.matchAll(/class="sd-line" data-z="([^"]+)"/g)].map((m) => Number(m[1]))).toEqual([
      -3, -2, 0, 2, 3,
    ]);
    expect(svg).toContain('class="position-switch"');
    expect(svg).toContain('Length/height-for-age — Boys — WHO 2006 standard');
    // The length curve is broken at 731 days: the height table starts 0.7 cm lower.
    const median = /data-z="0" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(median.match(/M/g)?.length).toBe(2);
    expect(escapeXml('<script>"&\'')).toBe('&#60;script&#62;&#34;&#38;&#39;');
    // BB/U draws +1 SD too, labelled: above it Permenkes 2/2020 says "risiko berat badan lebih".
    const wfa = renderGrowthChart({ indicator: 'wfa', sex: 2, lang: 'id', points: [], maxAgeDays: 1826 });
    expect([...wfa.matchAll(/class="sd-line" data-z="([^"]+)"/g)].map((m) => Number(m[1]))).toEqual([
      -3, -2, 0, 1, 2, 3,
    ]);
    expect(wfa).toContain('>+1</text>');
    expect(wfa).toContain('class="band-risk"');
    const wfl = renderGrowthChart({ indicator: 'wfl', sex: 2, lang: 'id', points: [] });
    expect(wfl).not.toContain('data-z="1"');
    expect(wfl).not.toContain('position-switch');
    expect(wfl).toContain('Berat badan (kg)');
  });
});

describe('the 5–7-year chart of PAUD children (WHO Reference 2007)', () => {
  it('spans 60–84 months and puts each point between the SD lines of its own z', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'hfa2007' | 'bfa2007'>('hfa2007', 'bfa2007'),
        fc.constantFrom<1 | 2>(1, 2),
        fc.integer({ min: 1827, max: 2556 }),
        fc.double({ min: -3.5, max: 3.5, noNaN: true }),
        (indicator, sex, ageDays, z) => {
          const table = indicator === 'hfa2007' ? 'hfa' : 'bfa';
          const y = curveAt(sdCurve2007(table, sex, z), ageDays);
          const svg = renderGrowthChart({
            indicator,
            sex,
            lang: 'id',
            points: [{ x: ageDays, y, z, measuredOn: '2026-11-28', measurementId: 'm1' }],
          });
          expect(svg).toContain('WHO Reference 2007');
          expect(svg).toContain('data-x-min="1826.25"');
          expect(svg).toContain('data-x-max="2556.75"');
          const { sx, sy } = axes(svg);
          const [point] = points(svg);
          expect(Math.abs((point?.cx ?? 0) - sx(ageDays))).toBeLessThan(0.01);
          expect(Math.abs((point?.cy ?? 0) - sy(y))).toBeLessThan(0.01);
          // The point's z from the core is within 0.05 of where it sits (the chart joins whole months).
          const months = ageDays / 30.4375;
          const core =
            indicator === 'hfa2007'
              ? computeGrowth2007({ sex, ageMonths: months, lenheiCm: y }).zlen
              : computeGrowth2007({ sex, ageMonths: months, lenheiCm: 100, weightKg: y }).zbmi;
          expect(Math.abs(core - z)).toBeLessThan(0.05);
        },
      ),
      { numRuns: 40, seed: 16 },
    );
  });

  it('labels the axes and ticks in months from 60, without the 24-month switch', () => {
    const svg = renderGrowthChart({ indicator: 'bfa2007', sex: 2, lang: 'en', points: [] });
    expect(svg).toContain('BMI-for-age, 5–7 years');
    expect(svg).toContain('BMI (kg/m²)');
    expect(svg).not.toContain('position-switch');
    const ticks = [...svg.matchAll(/text-anchor="middle">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(ticks[0]).toBe(60);
    expect(ticks.at(-1)).toBe(84);
  });
});
