import { SEQ_MODULO } from './frames.ts';

export type SequenceEvent =
  | { kind: 'first' }
  | { kind: 'ok' }
  | { kind: 'gap'; missing: number; expected: number }
  | { kind: 'duplicate'; expected: number }
  | { kind: 'reset'; expected: number };

const HALF = SEQ_MODULO / 2;

/**
 * Detects lost and repeated frames per sender. A serial line never reorders, so a seq at or behind the last
 * one is a repeat; one ahead is normal; further ahead (up to half the number space) means frames were lost.
 */
export class SequenceTracker {
  readonly #last = new Map<string, number>();

  observe(deviceId: string, seq: number): SequenceEvent {
    const last = this.#last.get(deviceId);
    if (last === undefined) {
      this.#last.set(deviceId, seq);
      return { kind: 'first' };
    }
    const expected = (last + 1) % SEQ_MODULO;
    const ahead = (seq - last + SEQ_MODULO) % SEQ_MODULO;
    if (ahead === 1) {
      this.#last.set(deviceId, seq);
      return { kind: 'ok' };
    }
    if (ahead === 0) return { kind: 'duplicate', expected };
    if (seq === 0) {
      this.#last.set(deviceId, seq);
      return { kind: 'reset', expected };
    }
    if (ahead >= HALF) return { kind: 'duplicate', expected };
    this.#last.set(deviceId, seq);
    return { kind: 'gap', missing: ahead - 1, expected };
  }

  /** Forget a sender, e.g. when its link was closed. */
  forget(deviceId: string): void {
    this.#last.delete(deviceId);
  }
}
