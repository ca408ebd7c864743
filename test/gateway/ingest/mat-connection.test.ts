import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simCalibrationProfiles } from '../../../calibration/index.ts';
import { type CalibratedSample, MatConnection } from '../../../gateway/ingest/mat-connection.ts';
import { createLogger } from '../../../gateway/log/logger.ts';
import { encodeFrame, type Frame } from '../../../protocol/index.ts';
import { ScriptedMat } from '../../integration/scripted-mat.ts';

const log = createLogger('test.ingest');
const profiles = Object.values(simCalibrationProfiles());

function connect() {
  const link = new ScriptedMat();
  const mat = new MatConnection({ link, profiles, log, corruptLogEveryMs: 60_000 });
  const samples: CalibratedSample[] = [];
  mat.on('sample', (sample) => samples.push(sample));
  link.hello();
  return { link, mat, samples };
}

describe('mat connection', () => {
  it('turns a burst of sample lines into calibrated millimetres and grams', () => {
    const { link, mat, samples } = connect();
    link.emit('data', link.burst(742.3));
    expect(mat.deviceId).toBe('SIM-0001');
    const lengths = samples.filter((s) => s.channel === 'length').map((s) => s.value ?? Number.NaN);
    expect(lengths.length).toBe(link.samplesPerReading);
    for (const mm of lengths) expect(Math.abs(mm - 742.3)).toBeLessThan(0.05);
    const weights = samples.filter((s) => s.channel === 'weight').map((s) => s.value ?? Number.NaN);
    for (const g of weights) expect(Math.abs(g - link.weightG)).toBeLessThan(0.1);
    expect(mat.counters).toMatchObject({ framesCorrupt: 0, framesMissing: 0 });
  });

  it('lines split anywhere across chunks decode the same', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 50 }), (cuts) => {
        const { link, samples } = connect();
        const bytes = link.burst(700);
        let at = 0;
        for (const cut of cuts) {
          link.emit('data', bytes.subarray(at, at + cut));
          at += cut;
        }
        link.emit('data', bytes.subarray(at));
        expect(samples.length).toBe(2 * link.samplesPerReading);
      }),
      { seed: 4, numRuns: 50 },
    );
  });

  it('never throws on arbitrary bytes, and still reads good lines afterwards', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (garbage) => {
        const { link, mat, samples } = connect();
        link.emit('data', Buffer.from(garbage));
        link.emit('data', Buffer.from('\n'));
        const before = samples.length;
        link.emit('data', link.burst(800));
        expect(samples.length - before).toBeGreaterThanOrEqual(2 * link.samplesPerReading - 2);
        expect(mat.counters.framesOk).toBeGreaterThan(0);
      }),
      { seed: 9, numRuns: 100 },
    );
  });

  it('drops duplicated lines by sequence number, counts gaps, treats out-of-range length as nothing', () => {
    const { link, mat, samples } = connect();
    const line = (seq: number, counts: number) =>
      `${encodeFrame({ v: 1, device: 'SIM-0001', seq, type: 'sample', payload: { channel: 'length', counts, t_ms: seq * 40 } } as Frame)}\n`;
    link.emit('data', Buffer.from(line(1, 40_000) + line(1, 40_000) + line(5, 40_000) + line(6, 90_000)));
    expect(mat.counters.framesDuplicate).toBe(1);
    expect(mat.counters.framesMissing).toBe(3);
    expect(samples.map((s) => s.value === null)).toEqual([false, false, true]);
  });

  it('an uncalibrated mat gives no millimetres', () => {
    const link = new ScriptedMat();
    const mat = new MatConnection({ link, profiles: [], log });
    const samples: CalibratedSample[] = [];
    mat.on('sample', (s) => samples.push(s));
    link.hello();
    link.emit('data', link.burst(700));
    expect(samples).toEqual([]);
    expect(mat.calibration('length').state).toBe('uncalibrated');
  });

  it('commands carry their seq, a recent one can be written again unchanged, acks are passed on', async () => {
    const { link, mat } = connect();
    const written: string[] = [];
    const write = link.writeLine.bind(link);
    link.writeLine = (line) => {
      written.push(line);
      return write(line);
    };
    const acks: number[] = [];
    mat.on('ack', (ack) => acks.push(ack.ack_seq));
    expect(mat.nextCommandSeq).toBe(0);
    expect(mat.command('beep', { duration_ms: 100, pattern: 'lock' })).toBe(0);
    expect(mat.command('start', {})).toBe(1);
    expect(mat.repeatCommand(1)).toBe(true);
    expect(written[2]).toBe(written[1]);
    expect(mat.repeatCommand(7)).toBe(false); // never sent
    await new Promise((resolve) => setImmediate(resolve));
    expect(acks).toEqual([1, 1]); // the scripted mat answers each start line
  });

  it('a stored failed check blocks the mat; a newer stored profile replaces the configured one', () => {
    const { mat } = connect();
    const length = profiles.find((p) => p.channel === 'length');
    if (!length) throw new Error('no length profile');
    const check = {
      deviceId: 'SIM-0001',
      channel: 'length' as const,
      calibrationId: length.id,
      reference: 500,
      measured: 503,
      error: 3,
      tolerance: 2,
      passed: false,
      checkedAt: '2026-06-01T00:00:00.000Z',
      message: 'failed',
    };
    mat.useCalibrationRecord({ deviceId: 'OTHER', profiles: [], checks: [check] });
    expect(mat.blockingCheck).toBeNull(); // another mat's record
    mat.useCalibrationRecord({ deviceId: 'SIM-0001', profiles: [], checks: [check] });
    expect(mat.blockingCheck?.measured).toBe(503);
    const newer = { ...length, id: 'cal-new', createdAt: '2026-06-02T00:00:00.000Z' };
    mat.useCalibrationRecord({ deviceId: 'SIM-0001', profiles: [newer], checks: [check] });
    expect(mat.blockingCheck).toBeNull();
    expect(mat.calibration('length').profile?.id).toBe('cal-new');
  });
});
