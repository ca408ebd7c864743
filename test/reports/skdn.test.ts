import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultKbmTable } from '../../gateway/growth/kbm.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { computeSkdn, weighOutcome } from '../../gateway/reports/skdn.ts';
import { renderSkdnHtml, skdnCsv } from '../../gateway/reports/skdn-output.ts';
import { child, skdnFixture, weighing } from './fixtures.ts';
import { naiveSkdn, randomReportData } from './naive.ts';

const settings = defaultReportSettings;

describe('SKDN, worked by hand (posyandu pos-1, 2026-11)', () => {
  // Child by child; age = the KMS month column on the November weighing (2026-11-09):
  //  A born 2026-03-10: column 11 − 3 = 8 (7 completed months) -> KBM 300 g; 7.50 (Oct) -> 7.80 = +300 -> N
  //    (by completed months it would read the 6–7 month row, 400 g, and be T: see 'completed' below)
  //  B born 2025-11-20: column 12 (11 completed) -> KBM 200 g; 9.00 -> 9.30 = +300 g -> N
  //  C born 2024-05-01, no Buku KIA: weighed Sep and Nov, not Oct               -> O
  //  D born 2026-10-20: first weighing ever                                     -> B
  //  E born 2023-01-15: weighed Oct only -> in S, not in D
  //  F born 2021-11-15: 59 months on 2026-11-01 (fifth birthday on the 15th) -> in S;
  //    KBM 200 g; 12.0 -> 12.1 = +100 g -> T; October was 12.0 -> 12.0 = T too -> 2T
  //  G born 2021-10-31: 60 months on 2026-11-01 -> not a balita this month, not in S
  //  I born 2026-11-25, no Buku KIA: in S (born within the month), not weighed
  //  J registered at pos-2: not counted here
  //  K born 2025-05-01: column 18 -> KBM 200 g; 10.00 -> 10.05 was corrected to 10.40 (+400 g) -> N
  //    (the superseded 10.05 would have made it T)
  //  L born 2025-01-10: November visit measured length only -> in S, not in D
  // S = A B C D E F I K L = 9;  K = S minus C and I = 7;  D = A B C D F K = 6
  // N = A B K = 3;  T = F = 1;  O = C = 1;  B = D = 1 (N+T+O+B = 6 = D);  D' = N + T = 4
  // K/S = 7/9 = 77.78 %, D/S = 6/9 = 66.67 %, N/D = 3/6 = 50 %, N/D' = 3/4 = 75 %, N/S = 3/9 = 33.33 %
  const report = computeSkdn(skdnFixture(), { posyanduId: 'pos-1', month: '2026-11', settings });

  it('counts S, K, D, N, T, O, B and D′', () => {
    expect({ ...report, rows: undefined, ratios: undefined }).toEqual({
      posyanduId: 'pos-1',
      month: '2026-11',
      s: 9,
      registered: 9,
      sasaranUsed: false,
      k: 7,
      d: 6,
      n: 3,
      t: 1,
      o: 1,
      b: 1,
      dPrime: 4,
      twoT: 1,
      bgm: 0,
      rows: undefined,
      ratios: undefined,
    });
  });

  it("with ageRule 'completed' reads A's KBM in the 6–7 month row: T, as before the KMS rule", () => {
    // A: 7 completed months -> 400 g > +300 g -> T; B: 11 completed -> 300 g = +300 g -> N. N = B K = 2, T = A F = 2.
    const completed = computeSkdn(skdnFixture(), {
      posyanduId: 'pos-1',
      month: '2026-11',
      settings: { ...settings, ageRule: 'completed' },
    });
    expect([completed.n, completed.t, completed.o, completed.b]).toEqual([2, 2, 1, 1]);
  });

  it('uses the sasaran as S when the bidan set one, the registered count beside it', () => {
    // Sasaran 12 balita in the area for November: S = 12 (9 registered); K/S = 7/12 = 58.33 %,
    // D/S = 6/12 = 50 %, N/S = 3/12 = 25 %; D/K = 6/7 = 85.71 % does not depend on S.
    const withTarget = computeSkdn(
      {
        ...skdnFixture(),
        sasaran: [
          { posyandu_id: 'pos-1', month: '2026-11', balita: 12, updated_at: '2026-11-01T00:00:00.000Z' },
        ],
      },
      { posyanduId: 'pos-1', month: '2026-11', settings },
    );
    expect([withTarget.s, withTarget.registered, withTarget.sasaranUsed]).toEqual([12, 9, true]);
    expect(withTarget.ratios.kOverS).toBeCloseTo(58.3333, 3);
    expect(withTarget.ratios.dOverS).toBe(50);
    expect(withTarget.ratios.nOverS).toBe(25);
    expect(withTarget.ratios.dOverK).toBeCloseTo(85.7143, 3);
    // Another month's or posyandu's sasaran does not apply.
    const other = computeSkdn(
      {
        ...skdnFixture(),
        sasaran: [
          { posyandu_id: 'pos-2', month: '2026-11', balita: 30, updated_at: '2026-11-01T00:00:00.000Z' },
        ],
      },
      { posyanduId: 'pos-1', month: '2026-11', settings },
    );
    expect(other.s).toBe(9);
    expect(renderSkdnHtml(withTarget, { posyanduId: 'pos-1' })).toContain('sasaran 12 balita; terdaftar 9');
  });

  it('computes the ratios as percentages', () => {
    expect(report.ratios.kOverS).toBeCloseTo(77.7778, 3);
    expect(report.ratios.dOverS).toBeCloseTo(66.6667, 3);
    expect(report.ratios.nOverD).toBe(50);
    expect(report.ratios.nOverDPrime).toBe(75);
    expect(report.ratios.nOverS).toBeCloseTo(33.3333, 3);
  });

  it('gives each child its status, gain and KBM, and flags 2T', () => {
    const byId = new Map(report.rows.map((row) => [row.child.id, row]));
    expect([...byId.keys()].sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'I', 'K', 'L']);
    expect(byId.get('A')?.outcome).toMatchObject({ status: 'N', gainG: 300, kbmG: 300, ageMonths: 8 });
    expect(byId.get('B')?.outcome).toMatchObject({ status: 'N', gainG: 300, kbmG: 200, ageMonths: 12 });
    expect(byId.get('K')?.outcome).toMatchObject({ status: 'N', gainG: 400, kbmG: 200 });
    expect(byId.get('K')?.outcome?.weighed.id).toBe('k-fixed');
    expect(byId.get('E')?.outcome).toBeUndefined();
    expect(report.rows.filter((row) => row.twoT).map((row) => row.child.id)).toEqual(['F']);
  });

  it('writes one CSV summary row', () => {
    expect(skdnCsv(report)).toBe(
      'posyandu_id,month,s,k,d,n,t,o,b,d_prime,k_over_s_pct,d_over_s_pct,n_over_d_pct,n_over_d_prime_pct,n_over_s_pct,registered,d_over_k_pct,two_t,bgm,bgm_over_d_pct\r\n' +
        'pos-1,2026-11,9,7,6,3,1,1,1,4,77.8,66.7,50,75,33.3,9,85.7,1,0,0\r\n',
    );
    expect(skdnCsv(report, { decimalComma: true })).toContain(
      'pos-1;2026-11;9;7;6;3;1;1;1;4;77,8;66,7;50;75;33,3;9;85,7;1;0;0',
    );
  });

  it('renders a printable page with the numbers and escaped names', () => {
    const data = skdnFixture();
    const named = {
      ...data,
      children: data.children.map((c) => (c.id === 'A' ? { ...c, name: '<script>alert(1)</script>' } : c)),
    };
    const html = renderSkdnHtml(computeSkdn(named, { posyanduId: 'pos-1', month: '2026-11', settings }), {
      posyanduId: 'pos-1',
      posyanduName: 'Mawar',
    });
    expect(html).toContain('@page { size: A4 portrait');
    expect(html).toContain('@media print');
    expect(html).toContain('Posyandu Mawar (pos-1)');
    expect(html).toContain('77,8 %');
    expect(html).toContain('2T: rujuk');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('leaves out a child whose birth date is no real day', () => {
    const data = skdnFixture();
    const odd = { ...data, children: [...data.children, child({ id: 'Q', birth_date: '2025-02-31' })] };
    expect(computeSkdn(odd, { posyanduId: 'pos-1', month: '2026-11', settings }).s).toBe(9);
  });

  it('rejects a malformed month naming it', () => {
    expect(() => computeSkdn(skdnFixture(), { posyanduId: 'pos-1', month: '2026-13', settings })).toThrow(
      /month must be YYYY-MM, got '2026-13'/,
    );
  });
});

describe('N/T against the KBM table', () => {
  it('uses the 1-month row for a child of 0 completed months', () => {
    // Born 2026-10-25, weighed 2026-10-27 (3.2 kg) and 2026-11-20 (0 months 26 days): +800 g vs KBM 800 -> N
    const baby = child({ id: 'X', birth_date: '2026-10-25' });
    const ms = [weighing('X', '2026-10-27', 3.2), weighing('X', '2026-11-20', 4.0)];
    expect(
      weighOutcome(baby, ms, '2026-11', { kbmTable: defaultKbmTable, ageRule: 'completed' }),
    ).toMatchObject({
      status: 'N',
      gainG: 800,
      kbmG: 800,
    });
  });

  it('does not let float kilograms decide (0.1 + 0.2 kg style sums)', () => {
    // 12.3 - 12.1 is 0.20000000000000107 in binary floating point; in whole grams it is exactly 200 -> N
    const older = child({ id: 'Y', birth_date: '2024-01-01' });
    const ms = [weighing('Y', '2026-10-01', 12.1), weighing('Y', '2026-11-01', 12.3)];
    expect(
      weighOutcome(older, ms, '2026-11', { kbmTable: defaultKbmTable, ageRule: 'completed' })?.status,
    ).toBe('N');
  });
});

describe('SKDN properties (seeded random data against the naive reference)', () => {
  it('matches the naive implementation and keeps D = N + T + O + B, K ≤ S, D ≤ S', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 23 }), (seed, back) => {
        const data = randomReportData(seed, 30, 8);
        const month = `2026-${String(12 - (back % 12)).padStart(2, '0')}`;
        const fast = computeSkdn(data, { posyanduId: 'pos-1', month, settings });
        const slow = naiveSkdn(data, 'pos-1', month, settings.kbmTable, settings.ageRule);
        expect([fast.s, fast.k, fast.d, fast.n, fast.t, fast.o, fast.b]).toEqual(slow);
        expect(fast.d).toBe(fast.n + fast.t + fast.o + fast.b);
        expect(fast.k).toBeLessThanOrEqual(fast.s);
        expect(fast.d).toBeLessThanOrEqual(fast.s);
      }),
      { seed: 20261128, numRuns: 150 },
    );
  });
});
