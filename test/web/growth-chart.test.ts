import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sdCurve } from '../../gateway/growth/index.ts';
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
        fc.constantFrom<ChartIndicator>('lhfa', 'wfa', 'wfl', 'wfh'),
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
