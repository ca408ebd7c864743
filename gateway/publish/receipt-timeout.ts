// How long a gateway waits for a message's receipt before sending it again: learnt from the receipts it gets,
// as TCP learns its retransmission timeout (RFC 6298: smoothed round trip plus four times its variation).
// A fixed 30 s left a message that a restarted broker lost waiting 30 s although receipts come back in
// 0.1 s; a learnt wait resends it after a few seconds, and grows by itself when the record is slow, so a slow
// record is not flooded with resends. Only first sends are sampled (Karn's rule: a receipt after a resend
// cannot say which send it answers). A wait that ran out doubles until the next sample (RFC 6298, 5.5): when
// the pipeline is slow rather than lossy, every message in flight would otherwise be sent twice, and the
// resends would slow it further. And a wait that ran out resends a message only when it was likely lost
// (as TCP's RACK, RFC 8985): a message sent after it has been receipted, or no receipt came for a whole wait.
// A queue delays messages in order, so a slow record behind one is waited for, not flooded.

export interface ReceiptTimeoutOptions {
  /** The wait before any receipt was seen, and the longest. */
  maxMs: number;
  /** The shortest wait, however fast receipts come (spurious resends cost the link, not correctness). */
  minMs: number;
}

export class ReceiptTimeout {
  readonly #maxMs: number;
  readonly #minMs: number;
  #smoothedMs: number | undefined;
  #variationMs = 0;
  #backoff = 1;
  /** The latest send time among the messages receipted so far. */
  #newestReceiptedSentAtMs = Number.NEGATIVE_INFINITY;
  #lastReceiptAtMs: number | undefined;

  constructor(options: ReceiptTimeoutOptions) {
    this.#maxMs = options.maxMs;
    this.#minMs = Math.min(options.minMs, options.maxMs);
  }

  /**
   * A receipt at `nowMs` for a message sent at `sentAtMs` (its last send; undefined: not known). Only a message
   * sent once gives a round trip (`firstTry`).
   */
  receipted(sentAtMs: number | undefined, nowMs: number, firstTry: boolean): void {
    this.#lastReceiptAtMs = nowMs;
    if (sentAtMs === undefined) return;
    this.#newestReceiptedSentAtMs = Math.max(this.#newestReceiptedSentAtMs, sentAtMs);
    if (firstTry) this.observe(nowMs - sentAtMs);
  }

  /**
   * Whether a message last sent at `sentAtMs`, whose wait ran out, was likely lost rather than queued: a later
   * message was receipted, or nothing was receipted for a whole wait.
   */
  lossLikely(sentAtMs: number, nowMs: number): boolean {
    if (this.#newestReceiptedSentAtMs > sentAtMs) return true;
    return this.#lastReceiptAtMs === undefined || nowMs - this.#lastReceiptAtMs >= this.ms;
  }

  /** A first send's time to its receipt. */
  observe(roundTripMs: number): void {
    if (!Number.isFinite(roundTripMs) || roundTripMs < 0) return;
    this.#backoff = 1;
    if (this.#smoothedMs === undefined) {
      this.#smoothedMs = roundTripMs;
      this.#variationMs = roundTripMs / 2;
      return;
    }
    this.#variationMs = 0.75 * this.#variationMs + 0.25 * Math.abs(this.#smoothedMs - roundTripMs);
    this.#smoothedMs = 0.875 * this.#smoothedMs + 0.125 * roundTripMs;
  }

  /** A wait ran out without a receipt: wait twice as long until a first send is receipted again. */
  expired(): void {
    if (this.ms < this.#maxMs) this.#backoff *= 2;
  }

  /** The wait before the first resend; each later resend waits twice the one before (the callers' backoff). */
  get ms(): number {
    if (this.#smoothedMs === undefined) return this.#maxMs;
    const estimate = Math.max(this.#minMs, this.#smoothedMs + 4 * this.#variationMs) * this.#backoff;
    return Math.min(this.#maxMs, estimate);
  }
}
