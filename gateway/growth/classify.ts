// Permenkes RI No. 2 Tahun 2020 (Standar Antropometri Anak): status categories from z-scores.
// The category is decided on the z rounded to 2 decimals (WHO's printed value), so what a kader
// reads on screen and the label always agree. Boundaries follow the regulation's wording:
// "-3 SD sd < -2 SD" puts exactly -3 in the milder band; "-2 SD sd +3 SD" (TB/U) includes both ends,
// so exactly -2 and exactly +3 are normal; "> +1 SD" (BB/U) leaves exactly +1 normal;
// BB/PB and IMT/U: exactly +1 is gizi baik, exactly +2 berisiko gizi lebih, exactly +3 gizi lebih.
//
// Children 5-18 years (WHO Reference 2007): IMT/U in five bands (gizi buruk < -3, gizi kurang -3 to < -2,
// gizi baik -2 to +1, gizi lebih > +1 to +2, obesitas > +2), index 'imtu_5_18'; TB/U with the
// under-five bands ('tbu'); no BB/U, BB/PB or BB/TB category.
import { roundZ } from './round.ts';
import type { GrowthReference, GrowthResult } from './types.ts';

export type StatusIndex = 'tbu' | 'bbu' | 'bbtb' | 'imtu' | 'imtu_5_18';
export type StatusSeverity = 'severe' | 'moderate' | 'normal' | 'risk';

export interface StatusLabel {
  index: StatusIndex;
  /** Stable machine code, e.g. 'pendek'. */
  code: string;
  /** Indonesian label as in the regulation. */
  id: string;
  /** Official English label. */
  en: string;
  severity: StatusSeverity;
}

export interface StatusBand {
  /** Upper bound of the band on the rounded z; `inclusive` says whether z equal to it belongs here. */
  upper: number;
  inclusive: boolean;
  label: StatusLabel;
}

function band(
  index: StatusIndex,
  upper: number,
  inclusive: boolean,
  code: string,
  id: string,
  en: string,
  severity: StatusSeverity,
): StatusBand {
  return { upper, inclusive, label: Object.freeze({ index, code, id, en, severity }) };
}

// Overweight bands use 'risk' then 'moderate' and 'severe' as the distance from normal grows.
function weightForLengthBands(index: 'bbtb' | 'imtu'): readonly StatusBand[] {
  return [
    band(index, -3, false, 'gizi_buruk', 'Gizi buruk', 'Severely wasted', 'severe'),
    band(index, -2, false, 'gizi_kurang', 'Gizi kurang', 'Wasted', 'moderate'),
    band(index, 1, true, 'gizi_baik', 'Gizi baik', 'Normal', 'normal'),
    band(index, 2, true, 'berisiko_gizi_lebih', 'Berisiko gizi lebih', 'Possible risk of overweight', 'risk'),
    band(index, 3, true, 'gizi_lebih', 'Gizi lebih', 'Overweight', 'moderate'),
    band(index, Number.POSITIVE_INFINITY, true, 'obesitas', 'Obesitas', 'Obese', 'severe'),
  ];
}

export const STATUS_BANDS: Readonly<Record<StatusIndex, readonly StatusBand[]>> = {
  tbu: [
    band('tbu', -3, false, 'sangat_pendek', 'Sangat pendek', 'Severely stunted', 'severe'),
    band('tbu', -2, false, 'pendek', 'Pendek', 'Stunted', 'moderate'),
    band('tbu', 3, true, 'normal', 'Normal', 'Normal', 'normal'),
    // A very tall child may have an endocrine disorder: Permenkes advises referral.
    band('tbu', Number.POSITIVE_INFINITY, true, 'tinggi', 'Tinggi', 'Tall', 'risk'),
  ],
  bbu: [
    band('bbu', -3, false, 'bb_sangat_kurang', 'Berat badan sangat kurang', 'Severely underweight', 'severe'),
    band('bbu', -2, false, 'bb_kurang', 'Berat badan kurang', 'Underweight', 'moderate'),
    band('bbu', 1, true, 'bb_normal', 'Berat badan normal', 'Normal weight', 'normal'),
    band(
      'bbu',
      Number.POSITIVE_INFINITY,
      true,
      'risiko_bb_lebih',
      'Risiko berat badan lebih',
      'Risk of overweight',
      'risk',
    ),
  ],
  bbtb: weightForLengthBands('bbtb'),
  imtu: weightForLengthBands('imtu'),
  // The same codes as under five where the regulation uses the same words; the bands differ.
  imtu_5_18: [
    band('imtu_5_18', -3, false, 'gizi_buruk', 'Gizi buruk', 'Severely thin', 'severe'),
    band('imtu_5_18', -2, false, 'gizi_kurang', 'Gizi kurang', 'Thin', 'moderate'),
    band('imtu_5_18', 1, true, 'gizi_baik', 'Gizi baik', 'Normal', 'normal'),
    band('imtu_5_18', 2, true, 'gizi_lebih', 'Gizi lebih', 'Overweight', 'moderate'),
    band('imtu_5_18', Number.POSITIVE_INFINITY, true, 'obesitas', 'Obesitas', 'Obese', 'severe'),
  ],
};

/** The status index each result column is classified by, per reference (undefined: no category). */
export function statusIndexFor(
  column: 'tbu' | 'bbu' | 'bbtb' | 'imtu',
  reference: GrowthReference,
): StatusIndex | undefined {
  if (reference === 'who2006') return column;
  if (column === 'tbu') return 'tbu';
  return column === 'imtu' ? 'imtu_5_18' : undefined;
}

/** Every label of every index, for legends and look-ups by code. */
export const STATUS_LABELS: readonly StatusLabel[] = Object.values(STATUS_BANDS).flatMap((bands) =>
  bands.map((b) => b.label),
);

/** Position of a rounded z's band in STATUS_BANDS[index], or -1 for NaN. */
export function bandIndexOfRounded(index: StatusIndex, rounded: number): number {
  const bands = STATUS_BANDS[index];
  for (let i = 0; i < bands.length; i++) {
    const b = bands[i] as StatusBand;
    if (rounded < b.upper || (b.inclusive && rounded === b.upper)) return i;
  }
  return -1;
}

/** Position of z's band in STATUS_BANDS[index] (decided on the rounded z), or -1 when there is no z. */
export function statusBandIndex(index: StatusIndex, z: number): number {
  return Number.isNaN(z) ? -1 : bandIndexOfRounded(index, roundZ(z));
}

/** The Permenkes category of one z-score (unrounded or rounded), or undefined when there is no z. */
export function classifyZ(index: StatusIndex, z: number): StatusLabel | undefined {
  return STATUS_BANDS[index][statusBandIndex(index, z)]?.label;
}

export interface GrowthStatus {
  tbu?: StatusLabel;
  bbu?: StatusLabel;
  bbtb?: StatusLabel;
  imtu?: StatusLabel;
}

/** WHO implausible-value flags as the growth core and the store hold them: 1 flagged, 0 or NaN/null not. */
export interface ImplausibleFlags {
  flen?: number | null;
  fwei?: number | null;
  fwfl?: number | null;
  fbmi?: number | null;
}

/**
 * TB/U from zlen, BB/U from zwei, BB/PB-BB/TB from zwfl, IMT/U from zbmi; missing z, missing status.
 * A z flagged implausible gets no label, only the re-measure flag; so do weight-for-length and BMI
 * computed from a flagged length (a length the kader must measure again cannot say "gizi buruk").
 * A WHO 2007 result (5-18 years) gets TB/U and IMT/U (imtu_5_18) only.
 */
export function classifyGrowth(
  result: Pick<GrowthResult, 'zlen' | 'zwei' | 'zwfl' | 'zbmi'> &
    ImplausibleFlags & { reference?: GrowthReference },
): GrowthStatus {
  const status: GrowthStatus = {};
  const lengthFlagged = result.flen === 1;
  const tbu = lengthFlagged ? undefined : classifyZ('tbu', result.zlen);
  if (result.reference === 'who2007') {
    if (tbu) status.tbu = tbu;
    const imtu = lengthFlagged || result.fbmi === 1 ? undefined : classifyZ('imtu_5_18', result.zbmi);
    if (imtu) status.imtu = imtu;
    return status;
  }
  if (tbu) status.tbu = tbu;
  const bbu = result.fwei === 1 ? undefined : classifyZ('bbu', result.zwei);
  if (bbu) status.bbu = bbu;
  const bbtb = lengthFlagged || result.fwfl === 1 ? undefined : classifyZ('bbtb', result.zwfl);
  if (bbtb) status.bbtb = bbtb;
  const imtu = lengthFlagged || result.fbmi === 1 ? undefined : classifyZ('imtu', result.zbmi);
  if (imtu) status.imtu = imtu;
  return status;
}

/** Stunting: TB/U below -2 SD, severe below -3 SD (on the rounded z); undefined without a z. */
export function stuntingFlag(zlen: number): 'severe' | 'stunted' | 'none' | undefined {
  if (Number.isNaN(zlen)) return undefined;
  const rounded = roundZ(zlen);
  if (rounded < -3) return 'severe';
  return rounded < -2 ? 'stunted' : 'none';
}
