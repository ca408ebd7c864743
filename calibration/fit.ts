// Least-squares fit of reference points (counts → known mm or g), linear or with a quadratic term.

import { evaluateModel } from './model.ts';
import {
  type CalibrationChannel,
  type CalibrationModel,
  type CalibrationProfile,
  channelUnit,
  maxFitResidual,
  type ReferencePoint,
} from './profile.ts';

export interface FitRequest {
  deviceId: string;
  channel: CalibrationChannel;
  points: ReferencePoint[];
  /** Who calibrated (a technician's or kader's name or role). */
  createdBy: string;
  /** 'auto' adds the quadratic term only when it is needed and there are 4 or more points. */
  degree?: 'linear' | 'quadratic' | 'auto';
  now?: Date;
  /** Days until the profile expires; default 180. */
  validDays?: number;
}

export type FitErrorKind = 'too_few_points' | 'degenerate' | 'residual_too_large';

export type FitResult =
  | { ok: true; profile: CalibrationProfile; worstResidual: number }
  | {
      ok: false;
      error: { kind: FitErrorKind; message: string };
      profile?: CalibrationProfile;
      worstResidual?: number;
    };

export const DEFAULT_VALID_DAYS = 180;

/**
 * Solves the normal equations of a polynomial fit of `degree` (1 or 2). Counts are centred and scaled first:
 * raw counts reach 10^5 and their squares 10^10, which would make the normal matrix ill-conditioned.
 * Returns undefined if the points cannot determine the coefficients.
 */
export function leastSquares(points: ReferencePoint[], degree: 1 | 2): CalibrationModel | undefined {
  const n = points.length;
  const mean = points.reduce((sum, point) => sum + point.counts, 0) / n;
  const spread = Math.sqrt(points.reduce((sum, point) => sum + (point.counts - mean) ** 2, 0) / n);
  if (!(spread > 0)) return undefined;
  const size = degree + 1;
  // Normal matrix A·p = b with A[i][j] = Σ x^(i+j), b[i] = Σ y·x^i, x the scaled counts.
  const a = Array.from({ length: size }, () => new Array<number>(size + 1).fill(0));
  for (const point of points) {
    const x = (point.counts - mean) / spread;
    const powers = [1, x, x * x];
    for (let i = 0; i < size; i++) {
      const row = a[i] as number[];
      for (let j = 0; j < size; j++)
        row[j] = (row[j] as number) + (powers[i] as number) * (powers[j] as number);
      row[size] = (row[size] as number) + point.reference * (powers[i] as number);
    }
  }
  const p = solve(a);
  if (!p) return undefined;
  const [p0, p1, p2 = 0] = p as [number, number, number?];
  // Back from scaled x = (c − m)/s to raw counts c.
  return {
    offset: p0 - (p1 * mean) / spread + (p2 * mean * mean) / (spread * spread),
    gain: p1 / spread - (2 * p2 * mean) / (spread * spread),
    quadratic: p2 / (spread * spread),
  };
}

/** Gaussian elimination with partial pivoting on an augmented matrix; undefined if singular. */
function solve(matrix: number[][]): number[] | undefined {
  const size = matrix.length;
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let row = col + 1; row < size; row++) {
      if (Math.abs(matrix[row]?.[col] ?? 0) > Math.abs(matrix[pivot]?.[col] ?? 0)) pivot = row;
    }
    const pivotRow = matrix[pivot] as number[];
    if (Math.abs(pivotRow[col] as number) < 1e-12) return undefined;
    [matrix[col], matrix[pivot]] = [pivotRow, matrix[col] as number[]];
    for (let row = col + 1; row < size; row++) {
      const target = matrix[row] as number[];
      const factor = (target[col] as number) / (pivotRow[col] as number);
      for (let k = col; k <= size; k++) target[k] = (target[k] as number) - factor * (pivotRow[k] as number);
    }
  }
  const result = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row--) {
    const current = matrix[row] as number[];
    let sum = current[size] as number;
    for (let k = row + 1; k < size; k++) sum -= (current[k] as number) * (result[k] as number);
    result[row] = sum / (current[row] as number);
  }
  return result;
}

function residualsOf(model: CalibrationModel, points: ReferencePoint[]): number[] {
  return points.map((point) => evaluateModel(model, point.counts) - point.reference);
}

function worst(residuals: number[]): number {
  return residuals.reduce((max, residual) => Math.max(max, Math.abs(residual)), 0);
}

/**
 * Fits a profile to reference points and refuses it when the worst residual is above 1 mm (length) or
 * 10 g (weight). Never throws on bad points: they come from a person at a posyandu.
 */
export function fitCalibration(request: FitRequest): FitResult {
  const { channel, points } = request;
  const unit = channelUnit(channel);
  const degreeWanted = request.degree ?? 'auto';
  const distinct = new Set(points.map((point) => point.counts)).size;
  const needed = degreeWanted === 'quadratic' ? 3 : 2;
  if (points.length < needed || distinct < needed) {
    return {
      ok: false,
      error: {
        kind: 'too_few_points',
        message: `need at least ${needed} references that read differently, got ${distinct} of ${points.length}`,
      },
    };
  }
  const linear = leastSquares(points, 1);
  let model = degreeWanted === 'quadratic' ? leastSquares(points, 2) : linear;
  if (degreeWanted === 'auto' && linear && points.length >= 4 && distinct >= 4) {
    // The quadratic term is kept only if it clearly helps: a sensor that is measurably bent.
    const quadratic = leastSquares(points, 2);
    const linearWorst = worst(residualsOf(linear, points));
    if (
      quadratic &&
      linearWorst > 0.1 * maxFitResidual(channel) &&
      worst(residualsOf(quadratic, points)) < 0.5 * linearWorst
    ) {
      model = quadratic;
    }
  }
  if (!model || !Object.values(model).every(Number.isFinite)) {
    return {
      ok: false,
      error: { kind: 'degenerate', message: 'the references do not determine a calibration' },
    };
  }
  const residuals = residualsOf(model, points);
  const now = request.now ?? new Date();
  const validDays = request.validDays ?? DEFAULT_VALID_DAYS;
  const profile: CalibrationProfile = {
    id: `cal-${request.deviceId}-${channel}-${now.toISOString().replace(/[-:.]/g, '').slice(0, 18)}`,
    deviceId: request.deviceId,
    channel,
    model,
    points: points.map((point) => ({ ...point })),
    residuals,
    createdAt: now.toISOString(),
    createdBy: request.createdBy,
    expiresAt: new Date(now.getTime() + validDays * 86_400_000).toISOString(),
  };
  const worstResidual = worst(residuals);
  const limit = maxFitResidual(channel);
  if (worstResidual > limit) {
    return {
      ok: false,
      error: {
        kind: 'residual_too_large',
        message: `worst residual ${worstResidual.toFixed(2)} ${unit} is above the ${limit} ${unit} limit: check the references and the mat, then calibrate again`,
      },
      profile,
      worstResidual,
    };
  }
  return { ok: true, profile, worstResidual };
}
