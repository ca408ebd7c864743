import { describe, expect, it } from 'vitest';
import { applyCalibration, applyTaredWeight, simCalibrationProfiles } from '../../calibration/index.ts';
import { createSimulatedMat, scenarioNames } from '../../device/sim/index.ts';
import { decodeFrame, encodeFrame, type Frame, SequenceTracker } from '../../protocol/index.ts';
import { driveMat } from './sim-lines.ts';

const profiles = simCalibrationProfiles();

function decodeAll(lines: string[]): Frame[] {
  return lines.map((line) => {
    const decoded = decodeFrame(line);
    if (!decoded.ok) throw new Error(`${decoded.error.kind}: ${line}`);
    return decoded.frame;
  });
}

/** Calibrated length samples (mm) of some lines, in order. */
function lengthsMm(frames: Frame[]): number[] {
  return frames.flatMap((frame) =>
    frame.type === 'sample' && frame.payload.channel === 'length'
      ? [applyCalibration(profiles.length, frame.payload.counts)]
      : [],
  );
}

function weightsG(frames: Frame[]): number[] {
  return frames.flatMap((frame) =>
    frame.type === 'sample' && frame.payload.channel === 'weight'
      ? [applyTaredWeight(profiles.weight, frame.payload.counts, frame.payload.tare)]
      : [],
  );
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('simulated mat', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const run = (seed: number) => {
      const mat = driveMat({ scenario: 'session', seed });
      mat.command('start');
      const lines = mat.run(200);
      mat.stop();
      return { lines, truths: mat.truths };
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5).truths).not.toEqual(run(6).truths);
  });

  it('says hello, then streams length and weight samples at the rate and a status every second', () => {
    const mat = driveMat({ scenario: 'calm', rateHz: 20 });
    const frames = decodeAll(mat.run(100)); // 5 s
    expect(frames[0]).toMatchObject({
      type: 'hello',
      seq: 0,
      payload: { sensors: ['length', 'weight'], protocol: 1 },
    });
    expect(frames.filter((frame) => frame.type === 'status')).toHaveLength(5);
    expect(lengthsMm(frames)).toHaveLength(100);
    expect(weightsG(frames)).toHaveLength(100);
    const tracker = new SequenceTracker();
    expect(new Set(frames.map((frame) => tracker.observe(frame.device, frame.seq).kind))).toEqual(
      new Set(['first', 'ok']),
    );
  });

  it.each(['calm', 'overshoot', 'wiggle', 'standing', 'session'])(
    '%s: after start the board settles on the reading truth within 1 mm',
    (scenario) => {
      const mat = driveMat({ scenario, seed: 11 });
      mat.command('start');
      const frames = decodeAll(mat.run(8 * 25));
      const truth = mat.truths[0];
      expect(truth).toMatchObject({ child: 0, reading: 0 });
      if (!truth) return;
      expect(Math.abs(truth.board_mm - truth.length_mm)).toBeLessThan(10);
      const settled = lengthsMm(frames).slice(-25);
      expect(Math.abs(mean(settled) - truth.board_mm)).toBeLessThan(1);
      if (scenario === 'standing') expect(truth.position).toBe('h');
    },
  );

  it('overshoot: the board passes the child before springing back', () => {
    const mat = driveMat({ scenario: 'overshoot', seed: 2 });
    mat.command('start');
    const lengths = lengthsMm(decodeAll(mat.run(200)));
    const truth = mat.truths[0]?.board_mm ?? Number.NaN;
    expect(Math.min(...lengths)).toBeLessThan(truth - 5);
  });

  it('a second start is a new reading of the same child, after the board moved away; stop brings the next child', () => {
    const mat = driveMat({ scenario: 'calm', seed: 4 });
    mat.command('start');
    mat.run(150);
    mat.command('start');
    const second = decodeAll(mat.run(200));
    expect(second.find((frame) => frame.type === 'event')?.payload).toMatchObject({ kind: 'board_moved' });
    expect(Math.max(...lengthsMm(second))).toBeGreaterThan((mat.truths[0]?.length_mm ?? 0) + 100);
    mat.command('stop');
    mat.run(50);
    mat.command('start');
    mat.run(10);
    expect(mat.truths.map((truth) => [truth.child, truth.reading])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(mat.truths[1]?.length_mm).toBe(mat.truths[0]?.length_mm);
    expect(mat.truths[1]?.board_mm).not.toBe(mat.truths[0]?.board_mm);
  });

  it('weighs the child, and tare zeroes the scale', () => {
    const mat = driveMat({ scenario: 'calm', seed: 8 });
    mat.command('start');
    const before = weightsG(decodeAll(mat.run(100))).slice(-20);
    expect(Math.abs(mean(before) - (mat.truths[0]?.weight_g ?? 0))).toBeLessThan(10);
    mat.command('tare');
    const after = weightsG(decodeAll(mat.run(50))).slice(-20);
    expect(Math.abs(mean(after))).toBeLessThan(10);
  });

  it('acknowledges every command by seq, refuses other devices, reports garbage, and ignores a repeated line', () => {
    const mat = driveMat({ scenario: 'calm' });
    mat.run(1);
    mat.command('beep', { duration_ms: 100, pattern: 'lock' });
    mat.command('display', { text: 'PB 61,2 cm' });
    const start = mat.command('start');
    mat.write(start); // the same line twice on the wire
    mat.write(encodeFrame({ v: 1, device: 'SIM-0099', seq: 3, type: 'stop', payload: {} }));
    mat.write('garbage');
    mat.write(
      encodeFrame({
        v: 1,
        device: 'SIM-0001',
        seq: 4,
        type: 'status',
        payload: { uptime_ms: 1, supply_mv: 1, state: 'idle' },
      }),
    );
    const frames = decodeAll(mat.run(1));
    expect(frames.filter((frame) => frame.type === 'ack').map((frame) => frame.payload)).toEqual([
      { ack_seq: 0, ack_type: 'beep', ok: true },
      { ack_seq: 1, ack_type: 'display', ok: true },
      { ack_seq: 2, ack_type: 'start', ok: true },
      { ack_seq: 2, ack_type: 'start', ok: true },
      { ack_seq: 3, ack_type: 'stop', ok: false, reason: 'addressed to SIM-0099, this mat is SIM-0001' },
    ]);
    expect(mat.truths).toHaveLength(1);
    expect(frames.filter((frame) => frame.type === 'error').map((frame) => frame.payload.code)).toEqual([
      'bad_command',
      'bad_command',
    ]);
  });

  it('drift: the same board reads longer as minutes pass', () => {
    const mat = driveMat({ scenario: 'drift', seed: 3 });
    mat.command('start');
    const early = mean(lengthsMm(decodeAll(mat.run(200))).slice(-25));
    const late = mean(lengthsMm(decodeAll(mat.run(60 * 25))).slice(-25));
    expect(late - early).toBeGreaterThan(1.2);
    expect(late - early).toBeLessThan(1.8);
  });

  it('noise: --noise sets the σ of the length samples', () => {
    const mat = driveMat({ scenario: 'noise', seed: 3, noiseMm: 2 });
    mat.command('start');
    mat.run(200);
    const settled = lengthsMm(decodeAll(mat.run(500)));
    const average = mean(settled);
    const sigma = Math.sqrt(mean(settled.map((value) => (value - average) ** 2)));
    expect(sigma).toBeGreaterThan(1.7);
    expect(sigma).toBeLessThan(2.3);
  });

  it('wire faults: dropped lines make gaps, duplicated lines duplicates, corrupted lines never decode', () => {
    const count = (scenario: string) => {
      const mat = createSimulatedMat({ scenario, seed: 9, manual: true });
      mat.tick(1000);
      const text = mat.stream.read()?.toString() ?? '';
      const stats = mat.stats();
      mat.stop();
      const tracker = new SequenceTracker();
      const result = { rejected: 0, gaps: 0, missing: 0, duplicates: 0, stats };
      for (const line of text.split('\n').filter(Boolean)) {
        const decoded = decodeFrame(line);
        if (!decoded.ok) {
          result.rejected++;
          continue;
        }
        const event = tracker.observe(decoded.frame.device, decoded.frame.seq);
        if (event.kind === 'gap') {
          result.gaps++;
          result.missing += event.missing;
        }
        if (event.kind === 'duplicate') result.duplicates++;
      }
      return result;
    };
    const dropped = count('dropped');
    expect(dropped.stats.dropped).toBeGreaterThan(50);
    expect(dropped.missing).toBe(dropped.stats.dropped);
    const duplicate = count('duplicate');
    expect(duplicate.duplicates).toBe(duplicate.stats.duplicated);
    expect(duplicate.duplicates).toBeGreaterThan(50);
    const corrupt = count('corrupt');
    expect(corrupt.stats.corrupted).toBeGreaterThan(50);
    expect(corrupt.rejected).toBe(corrupt.stats.corrupted);
    expect(corrupt.missing).toBe(corrupt.stats.corrupted);
  });

  it('cable: while the sensor cable is out there are sensor_fault errors and no length samples', () => {
    const mat = driveMat({ scenario: 'cable', seed: 1 });
    const frames = decodeAll(mat.run(13 * 25));
    const errors = frames.filter((frame) => frame.type === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]?.payload).toMatchObject({ code: 'sensor_fault', channel: 'length' });
    const lengthTimes = frames.flatMap((frame) =>
      frame.type === 'sample' && frame.payload.channel === 'length' ? [frame.payload.t_ms] : [],
    );
    expect(lengthTimes.filter((tMs) => tMs > 10_040 && tMs < 12_000)).toEqual([]);
    expect(lengthTimes.some((tMs) => tMs > 12_000)).toBe(true);
  });

  it('knows every scenario of the issue, and names the option of a bad one', () => {
    expect(scenarioNames).toEqual(
      expect.arrayContaining([
        'calm',
        'wiggle',
        'overshoot',
        'standing',
        'drift',
        'noise',
        'dropped',
        'cable',
        'corrupt',
        'duplicate',
        'session',
      ]),
    );
    expect(() => createSimulatedMat({ scenario: 'nope' })).toThrow(/scenario: unknown 'nope'/);
    expect(() => createSimulatedMat({ rateHz: 0 })).toThrow(/rateHz/);
  });
});
