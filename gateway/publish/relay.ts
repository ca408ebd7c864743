// Drains the outbox to the broker. A message is *sent* on PUBACK and *delivered* only when the village record
// publishes a receipt for its id; without a receipt it is sent again after a timeout, forever, with backoff
// (brokers lose queued messages on restart), and at once whenever the link comes back. Backlog older than the
// live window is replayed in id order (so in order per child), rate-limited, and marked `backfilled: true`.

import { EventEmitter } from 'node:events';
import type { Logger } from '../log/logger.ts';
import type { OutboxRow } from '../model/records.ts';
import type { Db } from '../store/db.ts';
import {
  dueMessages,
  markDelivered,
  markFailed,
  markSent,
  nextAttemptAt,
  outboxCounts,
  postponeResends,
  resendUnreceipted,
} from '../store/outbox.ts';
import type { MqttLink } from './mqtt-link.ts';
import { type OutgoingPolicy, outgoingPayload } from './outgoing.ts';
import { parsePayload, receiptMessage } from './payloads.ts';
import { ReceiptTimeout } from './receipt-timeout.ts';

/** First sends awaiting their receipt, remembered for the timeout's samples; older ones are forgotten. */
const SAMPLED_SENDS_MAX = 4096;

export interface RelayOptions {
  db: Db;
  link: MqttLink;
  /** Receipts for this gateway arrive here. */
  receiptsTopic: string;
  log: Logger;
  /** What may leave the gateway (sharing level and the village secret for pseudonyms). */
  policy: OutgoingPolicy;
  /** Wall clock for outbox bookkeeping (ms). Default Date.now. */
  nowMs?: () => number;
  /**
   * The longest wait for a receipt before sending again, and the wait until receipts have been seen; then the
   * wait is learnt from them (receipt-timeout.ts). Doubles per attempt up to maxBackoffMs. Default 30 s.
   */
  receiptTimeoutMs?: number;
  /** The shortest learnt wait for a receipt. Default 2 s. */
  minReceiptTimeoutMs?: number;
  /** Default 10 minutes. */
  maxBackoffMs?: number;
  /** Messages older than this when sent are backlog: rate-limited and marked backfilled. Default 10 s. */
  liveWindowMs?: number;
  /** Backlog replay rate. Default 20 messages per second. */
  backlogPerSecond?: number;
  /** Messages published together before their PUBACKs are awaited. Default 32. */
  batchSize?: number;
}

interface RelayEvents {
  /** The broker's PUBACK arrived (emitted at once; the outbox row is updated right after). */
  sent: [{ id: string; subjectId: string; kind: string }];
  delivered: [{ ids: string[] }];
  counts: [{ pending: number; unreceipted: number }];
}

export class OutboxRelay extends EventEmitter<RelayEvents> {
  readonly #options: RelayOptions;
  readonly #nowMs: () => number;
  #running = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;
  /** A kick that came while the loop was busy: the next sleep returns at once (no lost wake-up). */
  #kicked = false;
  /** Token bucket for backlog: when the next backlog message may go. */
  #backlogNextMs = 0;
  readonly #receiptTimeout: ReceiptTimeout;
  /** The resends due now come from a reconnect, not from waits that ran out (until the outbox is idle). */
  #resendingAfterConnect = false;
  /** When each first send was published, by message id (its receipt may come before its PUBACK is booked). */
  readonly #firstSentAtMs = new Map<string, number>();

  constructor(options: RelayOptions) {
    super();
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#receiptTimeout = new ReceiptTimeout({
      maxMs: options.receiptTimeoutMs ?? 30_000,
      minMs: options.minReceiptTimeoutMs ?? 2000,
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const { link, receiptsTopic } = this.#options;
    void link.subscribe(receiptsTopic, (_topic, payload) => this.#onReceipt(payload));
    link.on('connect', this.#onConnect);
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#options.link.off('connect', this.#onConnect);
    this.kick();
    await this.#loop;
  }

  /** A new message was committed, or the link came back: look at the outbox now. */
  readonly kick = (): void => {
    if (this.#sleepTimer) clearTimeout(this.#sleepTimer);
    this.#sleepTimer = undefined;
    const wake = this.#wake;
    this.#wake = undefined;
    if (wake) wake();
    else this.#kicked = true;
  };

  /** Back online: resend at once what is still unreceipted (the broker may have lost it), then look. */
  readonly #onConnect = (): void => {
    this.#resendingAfterConnect = true;
    resendUnreceipted(this.#options.db, this.#iso(this.#nowMs()))
      .catch((error: Error) =>
        this.#options.log.error({ err: error.message }, 'could not reschedule unreceipted messages'),
      )
      .finally(this.kick);
  };

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.#running || this.#kicked) {
        this.#kicked = false;
        return resolve();
      }
      this.#wake = resolve;
      if (Number.isFinite(ms)) this.#sleepTimer = setTimeout(this.kick, Math.max(0, ms));
    });
  }

  #iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  #backoffMs(baseMs: number, attempts: number): number {
    return Math.min(this.#options.maxBackoffMs ?? 600_000, baseMs * 2 ** Math.min(attempts, 20));
  }

  async #run(): Promise<void> {
    const { db, link, log } = this.#options;
    while (this.#running) {
      try {
        if (!link.connected) {
          await this.#sleep(Number.POSITIVE_INFINITY); // woken by 'connect' or stop
          continue;
        }
        const now = this.#nowMs();
        const due = await dueMessages(db, this.#iso(now), this.#options.batchSize ?? 32);
        if (due.length === 0) {
          this.#resendingAfterConnect = false;
          const next = await nextAttemptAt(db);
          await this.#sleep(next === null ? Number.POSITIVE_INFINITY : Date.parse(next) - now);
          continue;
        }
        const toSend = this.#resendingAfterConnect ? due : await this.#likelyLost(due, now);
        if (toSend.length === 0) continue;
        await this.#sendBatch(toSend);
        this.emit('counts', await outboxCounts(db));
      } catch (error) {
        log.error({ err: (error as Error).message }, 'outbox relay step failed');
        await this.#sleep(1000);
      }
    }
  }

  /**
   * The due messages without the resends whose messages were likely only queued (those wait another round); a
   * resend that goes means a wait ran out.
   */
  async #likelyLost(due: OutboxRow[], now: number): Promise<OutboxRow[]> {
    const queued = due.filter(
      (message) =>
        message.sent_at !== null && !this.#receiptTimeout.lossLikely(Date.parse(message.sent_at), now),
    );
    if (due.some((message) => message.sent_at !== null && !queued.includes(message)))
      this.#receiptTimeout.expired();
    if (queued.length === 0) return due;
    const retryAt = this.#iso(now + this.#receiptTimeout.ms);
    await this.#options.db.transaction(
      (tx) =>
        postponeResends(
          tx,
          queued.map((message) => message.id),
          retryAt,
        ),
      { durable: false },
    );
    return due.filter((message) => !queued.includes(message));
  }

  async #sendBatch(due: OutboxRow[]): Promise<void> {
    const { db, link } = this.#options;
    const liveWindowMs = this.#options.liveWindowMs ?? 10_000;
    const intervalMs = 1000 / (this.#options.backlogPerSecond ?? 20);
    const publishes: Promise<Outcome>[] = [];
    for (const message of due) {
      const now = this.#nowMs();
      const backfilled = now - Date.parse(message.created_at) > liveWindowMs;
      const outgoing = outgoingPayload(message.payload, this.#options.policy, backfilled);
      if (!('send' in outgoing)) {
        this.#options.log.error({ id: message.id, err: outgoing.error }, 'outbox message not sent');
        publishes.push(Promise.resolve('failed'));
        continue;
      }
      if (!outgoing.send) {
        // Withheld by the sharing level: nothing to deliver, so the child's next message may go.
        publishes.push(Promise.resolve('withheld'));
        continue;
      }
      if (backfilled) {
        // Rate limit: a week of backlog must not flood the broker (nor the record behind it).
        const waitMs = this.#backlogNextMs - now;
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        this.#backlogNextMs = Math.max(this.#nowMs(), this.#backlogNextMs) + intervalMs;
        if (!this.#running || !link.connected) break;
      }
      if (message.attempts === 0) this.#rememberFirstSend(message.id, this.#nowMs());
      publishes.push(
        link.publish(message.topic, outgoing.payload).then(
          () => {
            this.emit('sent', { id: message.id, subjectId: message.subject_id, kind: message.kind });
            return 'sent' as const;
          },
          () => 'failed' as const,
        ),
      );
    }
    const outcomes = await Promise.all(publishes);
    const now = this.#nowMs();
    const receiptTimeoutMs = this.#receiptTimeout.ms;
    // Bookkeeping only: if a power cut loses it, the message is sent again and the record drops the duplicate.
    const withheld: string[] = [];
    await db.transaction(
      async (tx) => {
        for (const [i, outcome] of outcomes.entries()) {
          const message = due[i] as OutboxRow;
          if (outcome === 'sent') {
            const retryAt = now + this.#backoffMs(receiptTimeoutMs, message.attempts);
            await markSent(tx, message.id, this.#iso(now), this.#iso(retryAt));
          } else if (outcome === 'withheld') {
            withheld.push(message.id);
          } else if (link.connected) {
            // Connected but no PUBACK in time: back off. (Offline: leave it due; the reconnect resends it.)
            await markFailed(tx, message.id, this.#iso(now + this.#backoffMs(1000, message.attempts)));
          }
        }
        if (withheld.length > 0) await markDelivered(tx, withheld, this.#iso(now));
      },
      { durable: false },
    );
    if (withheld.length > 0) this.emit('delivered', { ids: withheld });
  }

  #rememberFirstSend(id: string, atMs: number): void {
    // A map iterates in insertion order: the first key is the oldest send.
    if (this.#firstSentAtMs.size >= SAMPLED_SENDS_MAX) {
      const oldest = this.#firstSentAtMs.keys().next().value;
      if (oldest !== undefined) this.#firstSentAtMs.delete(oldest);
    }
    this.#firstSentAtMs.set(id, atMs);
  }

  #onReceipt(payload: Buffer): void {
    const parsed = parsePayload(receiptMessage, payload);
    if (!parsed.ok) {
      this.#options.log.warn({ err: parsed.error }, 'ignored a malformed receipt');
      return;
    }
    const ids = parsed.value.ids;
    const now = this.#nowMs();
    for (const id of ids) {
      const sentAtMs = this.#firstSentAtMs.get(id);
      this.#firstSentAtMs.delete(id);
      this.#receiptTimeout.receipted(sentAtMs, now, sentAtMs !== undefined);
    }
    const { db } = this.#options;
    db.transaction((tx) => markDelivered(tx, ids, this.#iso(now)), { durable: false }).then(
      (changed) => {
        if (changed === 0) return;
        this.emit('delivered', { ids });
        this.kick(); // a child's next message may have waited for this receipt
      },
      (error: Error) => this.#options.log.error({ err: error.message }, 'could not record a receipt'),
    );
  }
}

type Outcome = 'sent' | 'withheld' | 'failed';
