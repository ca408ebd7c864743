import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LockDetector, type LockUpdate } from '../../../gateway/stabilise/lock-detector.ts';
import { applyRepeatRule, LENGTH_TOLERANCE_MM } from '../../../gateway/stabilise/repeat-rule.ts';

const periodMs = 50; // 20 Hz

function feed(detector: LockDetector, values: readonly (number | null)[], startMs = 0): LockUpdate[] {
  return values.map((value, i) => detector.push(value, startMs + i * periodMs));
}

function locks(updates: LockUpdate[]): number[] {
  return updates.flatMap((u) => (u.kind === 'lock' ? [u.value] : []));
}

describe('lock detector', () => {
  it('locks a still child once, within the band of the truth, after the window', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 450, max: 1100, noNaN: true }),
        fc.array(fc.double({ min: -0.9, max: 0.9, noNaN: true }), { minLength: 60, maxLength: 120 }),
        (truthMm, noiseMm) => {
          const detector = new LockDetector({ bandWidth: 2 });
          const updates = feed(
            detector,
            noiseMm.map((n) => truthMm + n),
          );
          const locked = locks(updates);
          expect(locked).toHaveLength(1);
          expect(Math.abs((locked[0] ?? 0) - truthMm)).toBeLessThanOrEqual(1);
          const firstLock = updates.findIndex((u) => u.kind === 'lock');
          expect(firstLock * periodMs).toBeGreaterThanOrEqual(1500);
        },
      ),
      { seed: 42 },
    );
  });

  it('never locks a moving baby (spread wider than the band)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 40, noNaN: true }),
        fc.double({ min: 0.7, max: 3, noNaN: true }), // a wriggle: at least one cycle per window
        (amplitudeMm, hz) => {
          const detector = new LockDetector({ bandWidth: 2 });
          const values = Array.from(
            { length: 400 },
            (_, i) => 700 + amplitudeMm * Math.sin((2 * Math.PI * hz * i * periodMs) / 1000),
          );
          expect(locks(feed(detector, values))).toEqual([]);
        },
      ),
      { seed: 7 },
    );
  });

  it('drops an isolated spike but not a steady drift', () => {
    const spiky = Array.from({ length: 50 }, (_, i) => (i === 20 ? 900 : 700 + (i % 2) * 0.5));
    expect(locks(feed(new LockDetector({ bandWidth: 2 }), spiky))).toHaveLength(1);
    const drifting = Array.from({ length: 200 }, (_, i) => 700 + i * 0.1);
    expect(locks(feed(new LockDetector({ bandWidth: 2 }), drifting))).toEqual([]);
  });

  it('gives one reading per position: locks again only after moving clearly away', () => {
    const detector = new LockDetector({ bandWidth: 2 });
    const still = (mm: number, n: number) => Array.from({ length: n }, () => mm);
    const jiggle = [705, 695, 704, 696]; // within release width: stays locked on the same reading
    const updates = feed(detector, [
      ...still(700, 60),
      ...jiggle,
      ...still(700, 60),
      ...still(900, 10),
      ...still(703, 60),
    ]);
    expect(locks(updates)).toEqual([700, 703]);
    expect(updates.filter((u) => u.kind === 'released')).toHaveLength(1);
  });

  it('nothing on the mat releases a lock; an explicit release too', () => {
    const detector = new LockDetector({ bandWidth: 2 });
    expect(locks(feed(detector, [...Array(40).fill(700), null, ...Array(40).fill(700)]))).toEqual([700, 700]);
    detector.release();
    expect(detector.lockedValue).toBeNull();
  });

  it('rejects a nonsensical band', () => {
    expect(() => new LockDetector({ bandWidth: 0 })).toThrow(/bandWidth/);
  });
});

describe('WHO repeat rule', () => {
  it('two close readings: their mean; two far apart: asks for a third', () => {
    expect(applyRepeatRule([700], 7)).toMatchObject({ needed: 2, complete: false });
    expect(applyRepeatRule([700, 706], 7)).toMatchObject({ needed: 2, complete: true, result: 703 });
    expect(applyRepeatRule([700, 708], 7)).toMatchObject({ needed: 3, complete: false, result: null });
    expect(applyRepeatRule([700, 708, 707], 7)).toMatchObject({
      complete: true,
      result: 707.5,
      used: [1, 2],
    });
  });

  it('the result is always the mean of the two closest readings, and lies between them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 400, max: 1200, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (r) => {
          const outcome = applyRepeatRule(r, LENGTH_TOLERANCE_MM);
          expect(outcome.complete).toBe(true);
          const [i, j] = outcome.used ?? [0, 0];
          const a = r[i] ?? 0;
          const b = r[j] ?? 0;
          expect(outcome.result).toBeCloseTo((a + b) / 2, 9);
          const gaps = [
            Math.abs((r[0] ?? 0) - (r[1] ?? 0)),
            Math.abs((r[0] ?? 0) - (r[2] ?? 0)),
            Math.abs((r[1] ?? 0) - (r[2] ?? 0)),
          ];
          if (Math.abs((r[0] ?? 0) - (r[1] ?? 0)) > LENGTH_TOLERANCE_MM)
            expect(Math.abs(a - b)).toBe(Math.min(...gaps));
        },
      ),
      { seed: 3 },
    );
  });
});
