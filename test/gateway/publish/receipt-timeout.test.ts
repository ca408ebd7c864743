import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReceiptTimeout } from '../../../gateway/publish/receipt-timeout.ts';

describe('the learnt wait for a receipt', () => {
  it('waits the longest until a receipt was seen', () => {
    expect(new ReceiptTimeout({ maxMs: 30_000, minMs: 2000 }).ms).toBe(30_000);
  });

  it('comes down to the shortest wait when receipts come fast, and grows again when they slow down', () => {
    const timeout = new ReceiptTimeout({ maxMs: 30_000, minMs: 2000 });
    for (let i = 0; i < 50; i++) timeout.observe(100);
    expect(timeout.ms).toBe(2000);
    for (let i = 0; i < 20; i++) timeout.observe(4000);
    expect(timeout.ms).toBeGreaterThan(4000);
    expect(timeout.ms).toBeLessThanOrEqual(30_000);
  });

  it('follows RFC 6298: first sample R gives R + 4 * R/2', () => {
    const timeout = new ReceiptTimeout({ maxMs: 60_000, minMs: 0 });
    timeout.observe(1000);
    expect(timeout.ms).toBe(3000);
    timeout.observe(1000); // variation 3/4 * 500, mean unchanged
    expect(timeout.ms).toBe(1000 + 4 * 375);
  });

  it('doubles after a wait ran out, until a first send is receipted again', () => {
    const timeout = new ReceiptTimeout({ maxMs: 30_000, minMs: 2000 });
    for (let i = 0; i < 50; i++) timeout.observe(100);
    timeout.expired();
    expect(timeout.ms).toBe(4000);
    timeout.expired();
    timeout.expired();
    timeout.expired();
    expect(timeout.ms).toBe(30_000);
    timeout.observe(100);
    expect(timeout.ms).toBe(2000);
  });

  it('takes a message for lost only when a later one was receipted, or nothing was for a whole wait', () => {
    const timeout = new ReceiptTimeout({ maxMs: 30_000, minMs: 2000 });
    expect(timeout.lossLikely(0, 100)).toBe(true); // nothing ever receipted
    timeout.receipted(1000, 1100, true);
    // Sent at 1,500 and not receipted: nothing sent after it came back, and receipts came within the wait.
    expect(timeout.lossLikely(1500, 3000)).toBe(false);
    // A message sent at 1,600 was receipted: the one of 1,500 was lost, not queued.
    timeout.receipted(1600, 3100, true);
    expect(timeout.lossLikely(1500, 4000)).toBe(true);
    // A resent message's receipt (its send time unknown) says receipts flow, not which send it answers.
    timeout.receipted(undefined, 9000, false);
    expect(timeout.lossLikely(5000, 9500)).toBe(false);
    expect(timeout.lossLikely(5000, 9000 + timeout.ms)).toBe(true);
  });

  it('never leaves [min, max] and ignores impossible samples', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: 0, max: 10_000_000 }))),
        (maxMs, minMs, samples) => {
          const timeout = new ReceiptTimeout({ maxMs, minMs });
          for (const sample of samples) {
            if (sample % 3 === 0) timeout.expired();
            timeout.observe(sample);
            if (sample % 5 === 0) timeout.expired();
          }
          const ms = timeout.ms;
          return Number.isFinite(ms) && ms <= maxMs && ms >= Math.min(minMs, maxMs);
        },
      ),
    );
  });
});
