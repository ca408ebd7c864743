import type { CalibrationModel, CalibrationProfile } from './profile.ts';

/** Raw counts → mm or g with a model. */
export function evaluateModel(model: CalibrationModel, counts: number): number {
  return model.offset + counts * (model.gain + counts * model.quadratic);
}

/** Raw counts → mm (length profile) or g (weight profile). */
export function applyCalibration(profile: CalibrationProfile, counts: number): number {
  return evaluateModel(profile.model, counts);
}

/**
 * Weight from a weight sample: the calibrated counts minus the calibrated tare counts (the sample's `tare`
 * field, see protocol/README.md). Without a tare the scale's own zero is used.
 */
export function applyTaredWeight(profile: CalibrationProfile, counts: number, tareCounts?: number): number {
  return tareCounts === undefined
    ? applyCalibration(profile, counts)
    : applyCalibration(profile, counts) - applyCalibration(profile, tareCounts);
}

/**
 * The counts a model maps to `value` (the inverse; used by the simulator's sensor and by tests).
 * Picks the root on the increasing branch near the linear solution; NaN if there is none.
 */
export function invertModel(model: CalibrationModel, value: number): number {
  const { offset, gain, quadratic } = model;
  if (quadratic === 0) return (value - offset) / gain;
  const discriminant = gain * gain - 4 * quadratic * (offset - value);
  if (discriminant < 0) return Number.NaN;
  // Written as 2c/(−b ∓ √d) to avoid cancellation when the quadratic term is tiny.
  const root = Math.sqrt(discriminant);
  return (2 * (value - offset)) / (gain >= 0 ? gain + root : gain - root);
}
