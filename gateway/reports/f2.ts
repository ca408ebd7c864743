// SKDN in the layout of the F2 form "Rekapitulasi hasil penimbangan bayi balita" (DOMAIN.md): every letter
// by age group (0–5, 6–11, 12–23, 24–35, 36–59 months) and by sex, with D/K, 2T and BGM/D. Built from the
// SKDN's own per-child rows, so its totals are the SKDN's. Age = the report age (KMS month column by
// default) on the month's weighing, or on its first day; a child of 60 in the KMS column in its last
// month as a balita stays in 36–59.
import { percent } from './cohort.ts';
import { computeSkdn, type SkdnOptions, type SkdnReport } from './skdn.ts';
import type { ReportData } from './types.ts';

export const f2AgeGroups = [
  { label: '0–5', from: 0, to: 5 },
  { label: '6–11', from: 6, to: 11 },
  { label: '12–23', from: 12, to: 23 },
  { label: '24–35', from: 24, to: 35 },
  { label: '36–59', from: 36, to: 59 },
] as const;

export const f2Letters = ['s', 'k', 'd', 'n', 't', 'o', 'b', 'dPrime', 'twoT', 'bgm'] as const;
export type F2Letter = (typeof f2Letters)[number];

export const f2LetterLabels: Record<F2Letter, string> = {
  s: 'S (terdaftar)',
  k: 'K',
  d: 'D',
  n: 'N',
  t: 'T',
  o: 'O',
  b: 'B',
  dPrime: "D'",
  twoT: '2T',
  bgm: 'BGM',
};

/** counts[letter][group][sex − 1]. */
export type F2Counts = Record<F2Letter, number[][]>;

export interface F2Report {
  skdn: SkdnReport;
  counts: F2Counts;
  /** Per letter: [L, P, L+P] over all age groups. */
  totals: Record<F2Letter, [number, number, number]>;
  ratios: { dOverK: number | null; bgmOverD: number | null };
}

function groupOf(ageMonths: number): number {
  const age = Math.min(59, Math.max(0, ageMonths));
  return f2AgeGroups.findIndex((g) => age >= g.from && age <= g.to);
}

export function computeF2(data: ReportData, options: SkdnOptions): F2Report {
  const skdn = computeSkdn(data, options);
  const counts = Object.fromEntries(
    f2Letters.map((letter) => [letter, f2AgeGroups.map(() => [0, 0])]),
  ) as F2Counts;
  for (const row of skdn.rows) {
    const cell = (letter: F2Letter) => {
      const bySex = counts[letter][groupOf(row.ageMonths)] as number[];
      bySex[row.child.sex - 1] = (bySex[row.child.sex - 1] as number) + 1;
    };
    cell('s');
    if (row.child.has_kia) cell('k');
    if (row.twoT) cell('twoT');
    if (row.bgm) cell('bgm');
    const status = row.outcome?.status;
    if (!status) continue;
    cell('d');
    cell(status.toLowerCase() as 'n' | 't' | 'o' | 'b');
    if (status === 'N' || status === 'T') cell('dPrime');
  }
  const totals = Object.fromEntries(
    f2Letters.map((letter) => {
      const l = counts[letter].reduce((sum, bySex) => sum + (bySex[0] as number), 0);
      const p = counts[letter].reduce((sum, bySex) => sum + (bySex[1] as number), 0);
      return [letter, [l, p, l + p]];
    }),
  ) as F2Report['totals'];
  return {
    skdn,
    counts,
    totals,
    ratios: { dOverK: percent(skdn.d, skdn.k), bgmOverD: percent(skdn.bgm, skdn.d) },
  };
}
