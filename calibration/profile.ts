// A calibration profile: how one mat channel's raw counts become millimetres (length) or grams (weight).
import { z } from 'zod';

export const calibrationChannelSchema = z.enum(['length', 'weight']);
export type CalibrationChannel = z.infer<typeof calibrationChannelSchema>;

/** value = offset + gain·counts + quadratic·counts², in mm (length) or g (weight). */
export const calibrationModelSchema = z.object({
  offset: z.number().finite(),
  gain: z.number().finite(),
  quadratic: z.number().finite(),
});
export type CalibrationModel = z.infer<typeof calibrationModelSchema>;

/** One reference rod/block (length, mm) or mass (weight, g) and the counts the mat read for it. */
export const referencePointSchema = z.object({
  counts: z.number().finite(),
  reference: z.number().finite(),
});
export type ReferencePoint = z.infer<typeof referencePointSchema>;

const isoDateTime = z.string().datetime({ offset: true });

export const calibrationProfileSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'id must be 1-64 of A-Z a-z 0-9 _ . : -'),
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'deviceId must be 1-32 of A-Z a-z 0-9 _ -'),
  channel: calibrationChannelSchema,
  model: calibrationModelSchema,
  points: z.array(referencePointSchema),
  /** fitted − reference for each point, same order, mm or g. */
  residuals: z.array(z.number().finite()),
  createdAt: isoDateTime,
  createdBy: z.string().min(1).max(80),
  expiresAt: isoDateTime,
});
export type CalibrationProfile = z.infer<typeof calibrationProfileSchema>;

/** The unit a channel's calibrated values are in. */
export function channelUnit(channel: CalibrationChannel): 'mm' | 'g' {
  return channel === 'length' ? 'mm' : 'g';
}

/** Largest residual a fit may keep (issue 3: 1 mm for length, 10 g for weight). */
export function maxFitResidual(channel: CalibrationChannel): number {
  return channel === 'length' ? 1 : 10;
}
