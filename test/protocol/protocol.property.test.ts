import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type Frame, SequenceTracker } from '../../protocol/index.ts';

const header = {
  v: fc.constant(1 as const),
  device: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
  seq: fc.integer({ min: 0, max: 65535 }),
};
const uint = fc.integer({ min: 0, max: 2 ** 40 });
const channel = fc.constantFrom('length' as const, 'weight' as const);

/** Every valid frame type with arbitrary valid payloads. */
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    ...header,
    type: fc.constant('hello' as const),
    payload: fc.record({
      firmware: fc.string({ minLength: 1, maxLength: 40 }),
      protocol: fc.nat(),
      sensors: fc.constantFrom<('length' | 'weight')[]>(['length'], ['length', 'weight'], ['weight']),
      calibration_id: fc.option(fc.string({ minLength: 1, maxLength: 64 }), { nil: null }),
    }),
  }),
  fc.record({
    ...header,
    type: fc.constant('sample' as const),
    payload: fc.record(
      {
        channel,
        counts: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        t_ms: uint,
        tare: fc.integer({ min: 0, max: 2 ** 24 }),
      },
      { requiredKeys: ['channel', 'counts', 't_ms'] },
    ),
  }),
  fc.record({
    ...header,
    type: fc.constant('event' as const),
    payload: fc.record({
      kind: fc.constantFrom('measure_button' as const, 'tare_button' as const, 'board_moved' as const),
      t_ms: uint,
    }),
  }),
  fc.record({
    ...header,
    type: fc.constant('display' as const),
    payload: fc.record({
      text: fc.string({ maxLength: 32, unit: 'grapheme-composite' }).filter((text) => text.length <= 32),
    }),
  }),
  fc.record({
    ...header,
    type: fc.constant('ack' as const),
    payload: fc.record(
      {
        ack_seq: fc.integer({ min: 0, max: 65535 }),
        ack_type: fc.constantFrom('start' as const, 'stop' as const, 'display' as const),
        ok: fc.boolean(),
        reason: fc.string({ maxLength: 120 }),
      },
      { requiredKeys: ['ack_seq', 'ack_type', 'ok'] },
    ),
  }),
  fc.record({
    ...header,
    type: fc.constantFrom('start' as const, 'stop' as const, 'tare' as const),
    payload: fc.constant({}),
  }),
);

describe('protocol properties', () => {
  it('decode(encode(frame)) is the frame, and the line is printable ASCII within the cap', () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        const line = encodeFrame(frame);
        expect(line).toMatch(/^[\x20-\x7e]{1,512}$/);
        expect(decodeFrame(line)).toEqual({ ok: true, frame });
      }),
      { seed: 20260601, numRuns: 2000 },
    );
  });

  it('never throws on arbitrary text, and returns a typed result', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 700, unit: 'binary' }), (line) => {
        const result = decodeFrame(line);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error.message).toBeTypeOf('string');
      }),
      { seed: 7, numRuns: 5000 },
    );
  });

  it('rejects any single-character change of a valid line', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), (frame, position, code) => {
        const line = encodeFrame(frame);
        const at = position % line.length;
        const changed = line.slice(0, at) + String.fromCharCode(code) + line.slice(at + 1);
        fc.pre(changed !== line);
        expect(decodeFrame(changed).ok).toBe(false);
      }),
      { seed: 11, numRuns: 5000 },
    );
  });
});

describe('SequenceTracker properties', () => {
  type Step = { op: 'next' } | { op: 'skip'; lost: number } | { op: 'repeat' } | { op: 'restart' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.constant({ op: 'next' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('skip' as const), lost: fc.integer({ min: 1, max: 30_000 }) }),
    },
    { weight: 2, arbitrary: fc.constant({ op: 'repeat' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
  );

  it('classifies lost, repeated and restarted lines as a sender produced them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(step, { maxLength: 200 }), (start, steps) => {
        const tracker = new SequenceTracker();
        expect(tracker.observe('m', start).kind).toBe('first');
        let last = start;
        for (const s of steps) {
          const next = (last + 1) % 65536;
          if (s.op === 'repeat') {
            expect(tracker.observe('m', last).kind).toBe('duplicate');
          } else if (s.op === 'next') {
            expect(tracker.observe('m', next).kind).toBe('ok');
            last = next;
          } else if (s.op === 'skip') {
            const seq = (last + 1 + s.lost) % 65536;
            const event = tracker.observe('m', seq);
            // Landing on 0 is indistinguishable from a restart; the tracker calls it a reset.
            expect(event).toEqual(
              seq === 0
                ? { kind: 'reset', expected: next }
                : { kind: 'gap', missing: s.lost, expected: next },
            );
            last = seq;
          } else {
            const kind = tracker.observe('m', 0).kind;
            expect(kind).toBe(last === 65535 ? 'ok' : last === 0 ? 'duplicate' : 'reset');
            last = 0;
          }
        }
      }),
      { seed: 3, numRuns: 1000 },
    );
  });
});
