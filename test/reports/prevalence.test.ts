import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePrevalence } from '../../gateway/reports/prevalence.ts';
import { prevalenceCsv, renderPrevalenceHtml } from '../../gateway/reports/prevalence-output.ts';
import { renderTrendSvg } from '../../gateway/reports/trend-chart.ts';
import { wilsonInterval, z95 } from '../../gateway/reports/wilson.ts';
import { child, measurement } from './fixtures.ts';
import { randomReportData } from './naive.ts';

// Wilson 95 % by hand, z = 1.959964, z² = 3.841459:
//   denominator = 1 + z²/n, centre = (p + z²/2n) / denominator,
//   half = z / denominator · sqrt(p(1−p)/n + z²/4n²)
// 4/9: p = .444444, z²/n = .426829, den = 1.426829, centre = (.444444 + .213414)/1.426829 = .461064,
//      half = 1.373650 · sqrt(.027435 + .011856) = 1.373650 · .198220 = .272285 -> [.188779, .733349]
// 1/9: p = .111111, centre = (.111111 + .213414)/1.426829 = .227445, half = .207554 -> [.019891, .435000]
// 0/9: centre = half = .213414/1.426829 = .149573 -> [0, .299145] (= z²/(n + z²) = 3.841459/12.841459)
// 1/5: p = .2, den = 1.768292, centre = (.2 + .384146)/1.768292 = .330345, half = .294121 -> [.036224, .624465]
describe('Wilson interval', () => {
  it('matches the hand-worked values', () => {
    const cases: [number, number, number, number][] = [
      [4, 9, 0.188779, 0.733349],
      [1, 9, 0.019891, 0.435],
      [0, 9, 0, 0.299145],
      [1, 5, 0.036224, 0.624465],
    ];
    for (const [k, n, lower, upper] of cases) {
      const interval = wilsonInterval(k, n);
      expect(interval?.proportion).toBeCloseTo(k / n, 9);
      expect(interval?.lower).toBeCloseTo(lower, 6);
      expect(interval?.upper).toBeCloseTo(upper, 6);
    }
    expect(z95 ** 2).toBeCloseTo(3.841459, 6);
  });

  it('is undefined with nobody measured and always brackets p inside [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, share) => {
          const k = Math.floor(share * n);
          const interval = wilsonInterval(k, n);
          if (!interval) return false;
          return (
            0 <= interval.lower &&
            interval.lower <= interval.proportion + 1e-12 &&
            interval.proportion <= interval.upper + 1e-12 &&
            interval.upper <= 1
          );
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('prevalence, worked by hand (pos-1, 2026-11)', () => {
  // Ten children 6–40 months measured in November 2026 at pos-1, with these TB/U z (zlen):
  //   −3.5 (severe), −2.5, −2.1, −3.0 (stunted; −3 exactly is not < −3), −2.004 (rounds to −2.00: not
  //   stunted, as its label "Normal"), −1.0, 0, 0.5, 1.2, and −6.5 flagged implausible (left out).
  // Stunting 4/9, severe stunting 1/9. BB/TB z (zwfl) on five of them: −2.5, −1, 0, 0.3, 1 -> wasting 1/5.
  // BB/U z (zwei) on the nine plausible: all ≥ −2 -> underweight 0/9.
  // Child S1 was also measured in October (zlen −2.5, earlier in Nov −1.0: the month's last counts).
  // S = the ten S children (all born by 2025-08, under five in every trend month; OLD is 65 months):
  // coverage of stunting in November 9/10 = 90 %, of wasting 5/10 = 50 %.
  const zlens = [-3.5, -2.5, -2.1, -3.0, -2.004, -1.0, 0, 0.5, 1.2, -6.5];
  const children = zlens.map((_, i) =>
    child({ id: `S${i}`, birth_date: `202${4 + (i % 2)}-0${1 + (i % 9)}-15` }),
  );
  children.push(child({ id: 'OLD', birth_date: '2021-06-01' })); // 65 months: outside 0–59, not counted
  children.push(child({ id: 'OTHER', birth_date: '2025-06-01', posyandu_id: 'pos-2' }));
  const measurements = [
    measurement({ child_id: 'S1', measured_on: '2026-10-05', zlen: -2.5, flen: 0 }),
    measurement({ child_id: 'S1', measured_on: '2026-11-02', zlen: -1.0, flen: 0 }),
    ...zlens.map((zlen, i) =>
      measurement({
        child_id: `S${i}`,
        measured_on: '2026-11-10',
        zlen,
        flen: i === 9 ? 1 : 0,
        zwei: i === 9 ? null : -1.5,
        fwei: i === 9 ? null : 0,
        ...(i < 5 ? { zwfl: [-2.5, -1, 0, 0.3, 1][i] as number, fwfl: 0 as const } : {}),
      }),
    ),
    measurement({ child_id: 'OLD', measured_on: '2026-11-10', zlen: -4, flen: 0 }),
    measurement({ child_id: 'OTHER', measured_on: '2026-11-10', zlen: -4, flen: 0 }),
  ];
  const report = computePrevalence({ children, measurements }, { posyanduId: 'pos-1', month: '2026-11' });

  it('counts cases and measured children per indicator with Wilson intervals', () => {
    const { cells } = report.current;
    expect([cells.stunting.cases, cells.stunting.measured]).toEqual([4, 9]);
    expect(cells.stunting.interval?.lower).toBeCloseTo(0.188779, 6);
    expect(cells.stunting.interval?.upper).toBeCloseTo(0.733349, 6);
    expect([cells.severeStunting.cases, cells.severeStunting.measured]).toEqual([1, 9]);
    expect(cells.severeStunting.interval?.upper).toBeCloseTo(0.435, 6);
    expect([cells.wasting.cases, cells.wasting.measured]).toEqual([1, 5]);
    expect(cells.wasting.interval?.lower).toBeCloseTo(0.036224, 6);
    expect([cells.underweight.cases, cells.underweight.measured]).toEqual([0, 9]);
    expect(cells.underweight.interval?.upper).toBeCloseTo(0.299145, 6);
  });

  it('shows coverage (measured / S) beside every rate', () => {
    const { s, registered, cells } = report.current;
    expect([s, registered]).toEqual([10, 10]);
    expect([cells.stunting.coveragePct, cells.wasting.coveragePct]).toEqual([90, 50]);
    const html = renderPrevalenceHtml(report, { posyanduId: 'pos-1' });
    expect(html).toContain('9/10 (90,0 %)');
    // With a sasaran of 12 balita in the area, S is 12 and the registered 10 are named beside it.
    const withTarget = computePrevalence(
      {
        children,
        measurements,
        sasaran: [
          { posyandu_id: 'pos-1', month: '2026-11', balita: 12, updated_at: '2026-11-01T00:00:00.000Z' },
        ],
      },
      { posyanduId: 'pos-1', month: '2026-11' },
    );
    expect(withTarget.current.s).toBe(12);
    expect(withTarget.current.cells.stunting.coveragePct).toBe(75);
    expect(renderPrevalenceHtml(withTarget, { posyanduId: 'pos-1' })).toContain(
      'S = 12 (sasaran; terdaftar 10)',
    );
  });

  it('builds a 12-month trend, oldest first, empty months without an interval', () => {
    expect(report.trend.map((m) => m.month)).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    // October: only S1 (−2.5) -> stunting 1/1
    expect(report.trend[10]?.cells.stunting).toMatchObject({ cases: 1, measured: 1 });
    expect(report.trend[9]?.cells.stunting).toEqual({ cases: 0, measured: 0, coveragePct: 0 });
  });

  it('writes CSV rows per month and indicator, with percent and interval in %', () => {
    const csv = prevalenceCsv(report);
    expect(csv.split('\r\n')[0]).toBe(
      'posyandu_id,month,indicator,cases,measured,percent,wilson95_lower_pct,wilson95_upper_pct,s,coverage_pct',
    );
    expect(csv).toContain('pos-1,2026-11,stunting,4,9,44.44,18.88,73.33,10,90\r\n');
    expect(csv).toContain('pos-1,2026-09,wasting,0,0,,,,10,0\r\n');
    expect(csv.trim().split('\r\n')).toHaveLength(1 + 12 * 4);
  });

  it('breaks a line where nobody was measured', () => {
    const none = { cases: 0, measured: 0, coveragePct: null };
    const month = (name: string, measured: number) => ({
      month: name,
      s: 0,
      registered: 0,
      cells: {
        stunting: measured
          ? { cases: 1, measured, interval: wilsonInterval(1, measured), coveragePct: null }
          : none,
        severeStunting: none,
        wasting: none,
        underweight: none,
      },
    });
    const svg = renderTrendSvg([month('2026-09', 4), month('2026-10', 0), month('2026-11', 5)]);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(2);
  });

  it('draws the trend as SVG and prints it in the page', () => {
    const svg = renderTrendSvg(report.trend);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)?.length).toBeGreaterThanOrEqual(4);
    expect(svg).toContain('>Nov 2026<');
    // The legend is Indonesian, like the report around it.
    expect(svg).toContain('>Sangat pendek (TB/U z &lt; −3)<');
    expect(svg).not.toContain('Severe stunting');
    // A phone's drawing: narrower, the text larger relative to it.
    expect(renderTrendSvg(report.trend, { narrow: true })).toContain('viewBox="0 0 360 380"');
    const html = renderPrevalenceHtml(report, { posyanduId: 'pos-1' });
    expect(html).toContain(svg);
    expect(html).toContain('44,4 %');
    expect(html).toContain('18,9 % – 73,3 %');
  });
});

describe('oedema in prevalence (WHO: below −3 SD for the weight-based indicators)', () => {
  // Four children 12–30 months at pos-1 measured 2026-11-10:
  //  W1 oedema: WHO gives no zwei, zwfl (null here) -> counted as a case of wasting and of underweight
  //  W2 zwfl −2.4, zwei −2.2 -> case of both;  W3 zwfl −0.5, zwei −1.0;  W4 zwfl 0.2, zwei 0.1
  //  W5 length flagged (flen 1, zlen −7) with zwfl −3.62 unflagged: the BB/TB comes from the flagged
  //     length, so it is left out of wasting (no "gizi buruk" from a length to measure again); zwei −0.8 counts
  // Wasting 2/4 (W1 W2 of W1–W4), underweight 2/5 (W1 W2 of all five); stunting: W1–W4 zlen −1 -> 0/4.
  // Without the oedema rule W1 would be dropped: wasting 1/3, underweight 1/4.
  const children = ['W1', 'W2', 'W3', 'W4', 'W5'].map((id) => child({ id, birth_date: '2025-01-10' }));
  const at = (childId: string, over: Partial<Parameters<typeof measurement>[0]>) =>
    measurement({ child_id: childId, measured_on: '2026-11-10', zlen: -1, flen: 0, ...over });
  const measurements = [
    at('W1', { oedema: 1, weight_kg: 9.1 }),
    at('W2', { zwfl: -2.4, fwfl: 0, zwei: -2.2, fwei: 0 }),
    at('W3', { zwfl: -0.5, fwfl: 0, zwei: -1.0, fwei: 0 }),
    at('W4', { zwfl: 0.2, fwfl: 0, zwei: 0.1, fwei: 0 }),
    at('W5', { zlen: -7, flen: 1, zwfl: -3.62, fwfl: 0, zwei: -0.8, fwei: 0 }),
  ];
  const { cells } = computePrevalence(
    { children, measurements },
    { posyanduId: 'pos-1', month: '2026-11' },
  ).current;

  it('counts a child with oedema as a case of wasting and underweight', () => {
    expect([cells.wasting.cases, cells.wasting.measured]).toEqual([2, 4]);
    expect([cells.underweight.cases, cells.underweight.measured]).toEqual([2, 5]);
    expect([cells.stunting.cases, cells.stunting.measured]).toEqual([0, 4]);
  });
});

describe('prevalence properties (seeded random data)', () => {
  it('never counts more cases than measured, nor more severe than all stunting', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const report = computePrevalence(randomReportData(seed, 40, 12), {
          posyanduId: 'pos-1',
          month: '2026-12',
        });
        for (const month of report.trend) {
          for (const cell of Object.values(month.cells)) {
            expect(cell.cases).toBeLessThanOrEqual(cell.measured);
            expect(cell.interval === undefined).toBe(cell.measured === 0);
          }
          expect(month.cells.severeStunting.cases).toBeLessThanOrEqual(month.cells.stunting.cases);
          expect(month.cells.severeStunting.measured).toBe(month.cells.stunting.measured);
        }
      }),
      { seed: 99, numRuns: 60 },
    );
  });
});
