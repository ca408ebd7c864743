// The reference-rod check, and whether a profile may still be used.
import { applyCalibration } from './model.ts';
import { type CalibrationProfile, channelUnit } from './profile.ts';

/** Length: the mat must read a reference rod within ±2 mm (issue 3). Weight: ±20 g, a setting to verify. */
export function checkTolerance(channel: CalibrationProfile['channel']): number {
  return channel === 'length' ? 2 : 20;
}

export interface ReferenceCheck {
  deviceId: string;
  channel: CalibrationProfile['channel'];
  calibrationId: string;
  reference: number;
  measured: number;
  /** measured − reference, mm or g. */
  error: number;
  tolerance: number;
  passed: boolean;
  checkedAt: string;
  /** Plain words for the kader or technician. */
  message: string;
}

/** Reads of one reference rod or mass (raw counts, averaged) against the active profile. */
export function checkReference(
  profile: CalibrationProfile,
  reference: number,
  counts: number[],
  now: Date = new Date(),
): ReferenceCheck {
  const unit = channelUnit(profile.channel);
  const tolerance = checkTolerance(profile.channel);
  const meanCounts = counts.reduce((sum, value) => sum + value, 0) / Math.max(1, counts.length);
  const measured = counts.length > 0 ? applyCalibration(profile, meanCounts) : Number.NaN;
  const error = measured - reference;
  const passed = Math.abs(error) <= tolerance;
  const what = profile.channel === 'length' ? 'reference rod' : 'reference mass';
  const direction =
    profile.channel === 'length'
      ? error > 0
        ? 'too long'
        : 'too short'
      : error > 0
        ? 'too heavy'
        : 'too light';
  const message = passed
    ? `The mat reads the ${reference} ${unit} ${what} as ${measured.toFixed(1)} ${unit}: within ±${tolerance} ${unit}. The mat can be used.`
    : Number.isNaN(measured)
      ? `The mat gave no reading for the ${what}. Measurements from this mat will not be saved until it is checked again or recalibrated.`
      : `The mat reads the ${reference} ${unit} ${what} as ${measured.toFixed(1)} ${unit}, ${Math.abs(error).toFixed(1)} ${unit} ${direction} (allowed ±${tolerance} ${unit}). Measurements from this mat will not be saved until it is recalibrated.`;
  return {
    deviceId: profile.deviceId,
    channel: profile.channel,
    calibrationId: profile.id,
    reference,
    measured,
    error,
    tolerance,
    passed,
    checkedAt: now.toISOString(),
    message,
  };
}

export type CalibrationValidity =
  | { state: 'valid'; daysLeft: number }
  | { state: 'expiring_soon'; daysLeft: number; message: string }
  | { state: 'expired'; daysLeft: number; message: string };

/** Expired profiles still convert (a posyandu cannot stop), but every measurement warns. */
export function calibrationValidity(
  profile: CalibrationProfile,
  now: Date = new Date(),
  warnDays = 14,
): CalibrationValidity {
  const daysLeft = Math.floor((Date.parse(profile.expiresAt) - now.getTime()) / 86_400_000);
  if (daysLeft < 0) {
    return {
      state: 'expired',
      daysLeft,
      message: `Calibration ${profile.id} of mat ${profile.deviceId} expired on ${profile.expiresAt.slice(0, 10)}: recalibrate the mat.`,
    };
  }
  if (daysLeft < warnDays) {
    return {
      state: 'expiring_soon',
      daysLeft,
      message: `Calibration ${profile.id} of mat ${profile.deviceId} expires in ${daysLeft} days: plan a recalibration.`,
    };
  }
  return { state: 'valid', daysLeft };
}
