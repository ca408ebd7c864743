// A mat's calibration record (its profiles and reference checks, newest last), as the calibration file store
// (gateway/store/calibration-files.ts) keeps it: the schema that checks a file's contents, the active profile,
// and the failed check that blocks the mat. No I/O here.
import { z } from 'zod';
import type { ReferenceCheck } from './check.ts';
import { type CalibrationChannel, type CalibrationProfile, calibrationProfileSchema } from './profile.ts';

const checkSchema = z.object({
  deviceId: z.string(),
  channel: z.enum(['length', 'weight']),
  calibrationId: z.string(),
  reference: z.number(),
  measured: z
    .number()
    .nullable()
    .transform((value) => value ?? Number.NaN),
  error: z
    .number()
    .nullable()
    .transform((value) => value ?? Number.NaN),
  tolerance: z.number(),
  passed: z.boolean(),
  checkedAt: z.string(),
  message: z.string(),
});

/** A stored record as JSON; measurements a check could not take travel as null (NaN in memory). */
export const calibrationRecordSchema = z.object({
  deviceId: z.string(),
  profiles: z.array(calibrationProfileSchema),
  checks: z.array(checkSchema),
});

export interface DeviceCalibrationRecord {
  deviceId: string;
  profiles: CalibrationProfile[];
  checks: ReferenceCheck[];
}

export function activeProfile(
  record: DeviceCalibrationRecord,
  channel: CalibrationChannel,
): CalibrationProfile | undefined {
  let newest: CalibrationProfile | undefined;
  for (const profile of record.profiles) {
    if (profile.channel === channel && (!newest || profile.createdAt >= newest.createdAt)) newest = profile;
  }
  return newest;
}

/**
 * A mat is blocked when the latest reference check of a channel failed and no profile of that channel was made
 * after it: the gateway must then refuse to save that mat's measurements and show the check's message.
 */
export function blockingCheck(record: DeviceCalibrationRecord): ReferenceCheck | undefined {
  for (const channel of ['length', 'weight'] as const) {
    const checks = record.checks.filter((check) => check.channel === channel);
    const latest = checks[checks.length - 1];
    if (!latest || latest.passed) continue;
    const recalibrated = record.profiles.some(
      (profile) => profile.channel === channel && profile.createdAt > latest.checkedAt,
    );
    if (!recalibrated) return latest;
  }
  return undefined;
}
