import { stat } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCalibration,
  applyTaredWeight,
  type CalibrationModel,
  calibrationValidity,
  checkReference,
  evaluateModel,
  fitCalibration,
  invertModel,
  type ReferencePoint,
  simLengthProfile,
  simWeightProfile,
} from '../../calibration/index.ts';
import { createRandom } from '../../device/sim/index.ts';
import { CalibrationStore } from '../../gateway/store/calibration-files.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const NOW = new Date('2026-06-01T08:00:00+07:00');

/** Reference rods read by a synthetic sensor (true model mm → counts) with a little ADC noise. */
function readRods(
  sensor: CalibrationModel,
  rodsMm: number[],
  noiseCounts: number,
  seed: number,
): ReferencePoint[] {
  const random = createRandom(seed);
  return rodsMm.map((reference) => ({
    counts: Math.round(invertModel(sensor, reference) + noiseCounts * random.normal()),
    reference,
  }));
}

/** Worst difference in mm between a fitted profile and the true sensor over the whole board. */
function worstErrorMm(fitted: CalibrationModel, sensor: CalibrationModel): number {
  let worst = 0;
  for (let mm = 300; mm <= 1200; mm += 5) {
    worst = Math.max(worst, Math.abs(evaluateModel(fitted, invertModel(sensor, mm)) - mm));
  }
  return worst;
}

const rods = [300, 450, 600, 750, 900, 1050, 1200];

describe('fitCalibration', () => {
  it('recovers a linear sensor within 0.1 mm and stays linear', () => {
    const sensor = { offset: 12.5, gain: 0.0231, quadratic: 0 };
    const result = fitCalibration({
      deviceId: 'MAT-7',
      channel: 'length',
      points: readRods(sensor, rods, 1, 1),
      createdBy: 'tech',
      now: NOW,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile.model.quadratic).toBe(0);
    expect(worstErrorMm(result.profile.model, sensor)).toBeLessThan(0.1);
    expect(result.profile.residuals).toHaveLength(rods.length);
    expect(result.profile.createdAt).toBe('2026-06-01T01:00:00.000Z');
    expect(result.profile.expiresAt).toBe('2026-11-28T01:00:00.000Z');
  });

  it('recovers a quadratic sensor within 0.1 mm, adding the quadratic term by itself', () => {
    const sensor = simLengthProfile.model;
    const linearOnly = fitCalibration({
      deviceId: 'MAT-7',
      channel: 'length',
      points: readRods(sensor, rods, 1, 2),
      createdBy: 't',
      degree: 'linear',
    });
    expect(linearOnly.ok).toBe(false); // the sensor is bent: a straight line misses the rods by over 1 mm
    const result = fitCalibration({
      deviceId: 'MAT-7',
      channel: 'length',
      points: readRods(sensor, rods, 1, 2),
      createdBy: 't',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile.model.quadratic).not.toBe(0);
    expect(worstErrorMm(result.profile.model, sensor)).toBeLessThan(0.1);
    expect(result.worstResidual).toBeLessThan(0.1);
  });

  it('recovers random linear and quadratic sensors (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0.01, max: 0.05, noNaN: true }),
        fc.double({ min: -5e-9, max: 5e-9, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (offset, gain, quadratic, seed) => {
          const sensor = { offset, gain, quadratic };
          const result = fitCalibration({
            deviceId: 'M',
            channel: 'length',
            points: readRods(sensor, rods, 0.5, seed),
            createdBy: 't',
            degree: 'quadratic',
          });
          expect(result.ok).toBe(true);
          expect(result.ok && worstErrorMm(result.profile.model, sensor)).toBeLessThan(0.1);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('refuses a fit whose worst residual is above 1 mm, and says which limit', () => {
    const points = readRods({ offset: 0, gain: 0.02, quadratic: 0 }, [300, 600, 900], 0, 3);
    (points[1] as ReferencePoint).reference += 4; // a rod typed in wrong
    const result = fitCalibration({ deviceId: 'M', channel: 'length', points, createdBy: 't' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'residual_too_large' } });
    expect(!result.ok && result.error.message).toContain('1 mm limit');
  });

  it('refuses a weight fit above 10 g and accepts a good one', () => {
    const masses = [0, 2000, 5000, 10000];
    const good = readRods(simWeightProfile.model, masses, 20, 4);
    expect(fitCalibration({ deviceId: 'M', channel: 'weight', points: good, createdBy: 't' }).ok).toBe(true);
    const bad = good.map((point, i) => ({ ...point, reference: point.reference + (i === 2 ? 50 : 0) }));
    expect(fitCalibration({ deviceId: 'M', channel: 'weight', points: bad, createdBy: 't' })).toMatchObject({
      ok: false,
      error: { kind: 'residual_too_large' },
    });
  });

  it('needs two references that read differently', () => {
    expect(
      fitCalibration({
        deviceId: 'M',
        channel: 'length',
        points: [{ counts: 5, reference: 300 }],
        createdBy: 't',
      }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'too_few_points' },
    });
    const same = [
      { counts: 5, reference: 300 },
      { counts: 5, reference: 600 },
    ];
    expect(fitCalibration({ deviceId: 'M', channel: 'length', points: same, createdBy: 't' })).toMatchObject({
      ok: false,
      error: { kind: 'too_few_points' },
    });
  });
});

describe('applying a profile', () => {
  it('inverts exactly: counts of a value map back to the value', () => {
    for (const mm of [300, 742.3, 1200]) {
      expect(applyCalibration(simLengthProfile, invertModel(simLengthProfile.model, mm))).toBeCloseTo(mm, 6);
    }
  });
  it('subtracts the tare for weight', () => {
    const tare = invertModel(simWeightProfile.model, 150);
    expect(applyTaredWeight(simWeightProfile, invertModel(simWeightProfile.model, 8550), tare)).toBeCloseTo(
      8400,
      6,
    );
  });
});

describe('checkReference and validity', () => {
  it('passes within ±2 mm and fails outside, in plain words', () => {
    const counts = (mm: number) => [invertModel(simLengthProfile.model, mm)];
    const pass = checkReference(simLengthProfile, 1000, counts(1001.9), NOW);
    expect(pass).toMatchObject({ passed: true, reference: 1000 });
    expect(pass.message).toContain('can be used');
    const fail = checkReference(simLengthProfile, 1000, counts(997.5), NOW);
    expect(fail.passed).toBe(false);
    expect(fail.error).toBeCloseTo(-2.5, 6);
    expect(fail.message).toContain('2.5 mm too short');
    expect(fail.message).toContain('will not be saved until it is recalibrated');
    expect(checkReference(simLengthProfile, 1000, [], NOW).passed).toBe(false);
    const heavy = checkReference(simWeightProfile, 5000, [invertModel(simWeightProfile.model, 5030)], NOW);
    expect(heavy.message).toContain('30.0 g too heavy (allowed ±20 g)');
  });

  it('warns before and after expiry', () => {
    const profile = { ...simLengthProfile, expiresAt: '2026-06-10T00:00:00Z' };
    expect(calibrationValidity(profile, new Date('2026-01-01T00:00:00Z')).state).toBe('valid');
    expect(calibrationValidity(profile, NOW).state).toBe('expiring_soon');
    const expired = calibrationValidity(profile, new Date('2026-07-01T00:00:00Z'));
    expect(expired.state).toBe('expired');
    expect(expired.state === 'expired' && expired.message).toContain('recalibrate');
  });
});

describe('CalibrationStore', () => {
  it('keeps profiles and checks in a 0600 file, and blocks a mat after a failed check until recalibrated', async () => {
    const dir = await tmpDir();
    try {
      const store = new CalibrationStore(`${dir.path}/cal`);
      expect(await store.active('MAT-1', 'length')).toBeUndefined();
      const points = readRods(simLengthProfile.model, rods, 0, 9);
      const first = fitCalibration({
        deviceId: 'MAT-1',
        channel: 'length',
        points,
        createdBy: 'tech',
        now: NOW,
      });
      if (!first.ok) throw new Error(first.error.message);
      await store.saveProfile(first.profile);
      expect((await stat(`${dir.path}/cal/MAT-1.json`)).mode & 0o777).toBe(0o600);
      expect((await store.active('MAT-1', 'length'))?.id).toBe(first.profile.id);

      const later = new Date(NOW.getTime() + 3_600_000);
      const failed = checkReference(first.profile, 1000, [invertModel(simLengthProfile.model, 1004)], later);
      await store.recordCheck(failed);
      expect((await store.blocked('MAT-1'))?.message).toContain('will not be saved');

      const again = fitCalibration({
        deviceId: 'MAT-1',
        channel: 'length',
        points,
        createdBy: 'tech',
        now: new Date(later.getTime() + 60_000),
      });
      if (!again.ok) throw new Error(again.error.message);
      await store.saveProfile(again.profile);
      expect(await store.blocked('MAT-1')).toBeUndefined();
      expect((await store.active('MAT-1', 'length'))?.id).toBe(again.profile.id);
      expect((await store.load('MAT-1')).checks[0]?.passed).toBe(false);
    } finally {
      await dir.cleanup();
    }
  });
});
