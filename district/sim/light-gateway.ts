// A light posyandu gateway for the district's demo, tests and bench: one MQTT client that speaks our topics with
// the outbox's semantics (docs/mqtt.md) but keeps its outbox in memory: QoS 1 publishes, a window of messages
// awaiting their receipt, a resend of any message not receipted within the timeout, forever, and of every
// unreceipted one at once when the link comes back (as gateway/publish/relay.ts). It measures each message's
// time from first publish to receipt.

import type { Logger } from '../../gateway/log/logger.ts';
import { type MqttLink, openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { type MeasurementMessage, parsePayload, receiptMessage } from '../../gateway/publish/payloads.ts';
import { ReceiptTimeout } from '../../gateway/publish/receipt-timeout.ts';
import { posyanduTopics } from '../../gateway/publish/topics.ts';

export interface LightGatewayOptions {
  url: string;
  villageId: string;
  posyanduId: string;
  messages: readonly MeasurementMessage[];
  /** Messages awaiting a receipt at once. Default 32. */
  window?: number;
  /**
   * Send at most this many new messages a second (the real relay replays a backlog at 20/s), however many
   * await their receipt; without it the window alone paces the gateway.
   */
  ratePerSecond?: number;
  /**
   * Resend a message not receipted after at most this long, less once receipts have shown how long they take,
   * doubling per resend up to 10 minutes (as the relay, with the same learnt wait). Default 5 s (a real
   * gateway's longest wait is 30 s).
   */
  receiptTimeoutMs?: number;
  /** The shortest learnt wait for a receipt. Default 2 s, as the relay. */
  minReceiptTimeoutMs?: number;
  log: Logger;
}

interface InFlight {
  payload: string;
  resent: boolean;
  /** Sends so far: the wait before the next one doubles with each (no resend storm when the record lags). */
  sends: number;
  firstSentAtMs: number;
  lastSentAtMs: number;
}

export class LightGateway {
  readonly #options: Omit<LightGatewayOptions, 'messages'>;
  readonly #topics: ReturnType<typeof posyanduTopics>;
  readonly #inFlight = new Map<string, InFlight>();
  /**
   * The messages as sent, serialised up front: a load generator holding 100,000 message objects spent its major
   * garbage collections marking millions of small objects, and its pauses showed up as latency.
   */
  readonly #outbox: readonly { id: string; payload: string }[];
  readonly #receiptTimeout: ReceiptTimeout;
  #link: MqttLink | undefined;
  #next = 0;
  #timer: NodeJS.Timeout | undefined;
  #pacer: NodeJS.Timeout | undefined;
  #startedAtMs = 0;
  #settle: (() => void) | undefined;
  /** Publish → receipt of each message, in ms, in receipt order. */
  readonly latenciesMs: number[] = [];
  /** When each of those was first published (performance.now(), ms), in the same order. */
  readonly publishedAtMs: number[] = [];
  /** The same for the messages receipted without a resend (not hit by a fault). */
  readonly firstTryLatenciesMs: number[] = [];
  resends = 0;
  /** Receipts naming a message no longer awaited (a duplicate stored twice would show up here). */
  lateReceipts = 0;

  constructor(options: LightGatewayOptions) {
    // Not the message objects: only their serialised copies stay (#outbox).
    const { messages, ...rest } = options;
    this.#options = rest;
    this.#topics = posyanduTopics(options.villageId, options.posyanduId);
    this.#outbox = messages.map((message) => ({ id: message.id, payload: JSON.stringify(message) }));
    this.#receiptTimeout = new ReceiptTimeout({
      maxMs: options.receiptTimeoutMs ?? 5000,
      minMs: options.minReceiptTimeoutMs ?? 2000,
    });
  }

  get delivered(): number {
    return this.latenciesMs.length;
  }

  get total(): number {
    return this.#outbox.length;
  }

  async start(): Promise<void> {
    const { villageId, posyanduId } = this.#options;
    this.#link = await openMqttLink({
      url: this.#options.url,
      clientOptions: { clientId: `tikar-gw-${villageId}-${posyanduId}`, clean: true },
      minReconnectMs: 200,
      maxReconnectMs: 2000,
      firstConnectWaitMs: 10_000,
      log: this.#options.log,
    });
    await this.#link.subscribe(this.#topics.receipts, (_topic, payload) => this.#onReceipt(payload));
    // Back online: the broker may have lost whatever awaits its receipt.
    this.#link.on('connect', () => this.#resendOverdue(0));
    const checkEveryMs = Math.min(250, this.#receiptTimeout.ms / 4);
    this.#timer = setInterval(() => this.#resendOverdue(this.#receiptTimeout.ms), checkEveryMs);
    this.#startedAtMs = performance.now();
    const { ratePerSecond } = this.#options;
    // One tick per message due: a tick every 50 ms, whatever the rate, mostly found nothing to send.
    if (ratePerSecond !== undefined)
      this.#pacer = setInterval(() => this.#pump(), Math.max(20, Math.min(1000, 1000 / ratePerSecond)));
    this.#pump();
  }

  /** Resolves when every message has its receipt. */
  finished(): Promise<void> {
    if (this.delivered === this.total) return Promise.resolve();
    return new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#pacer) clearInterval(this.#pacer);
    await this.#link?.close();
  }

  #send(entry: InFlight): void {
    entry.lastSentAtMs = performance.now();
    // A refused or unacknowledged publish is simply resent after the receipt timeout.
    this.#link?.publish(this.#topics.measurements, entry.payload).catch(() => undefined);
  }

  #pump(): void {
    const { ratePerSecond } = this.#options;
    const messages = this.#outbox;
    const window = this.#options.window ?? (ratePerSecond === undefined ? 32 : Number.POSITIVE_INFINITY);
    // Paced: the messages due by now since start, at the given rate (the timer calls again).
    const due =
      ratePerSecond === undefined
        ? messages.length
        : Math.min(
            messages.length,
            Math.floor(((performance.now() - this.#startedAtMs) / 1000) * ratePerSecond) + 1,
          );
    while (this.#inFlight.size < window && this.#next < due) {
      const message = messages[this.#next++] as { id: string; payload: string };
      const now = performance.now();
      const entry = {
        payload: message.payload,
        resent: false,
        sends: 1,
        firstSentAtMs: now,
        lastSentAtMs: now,
      };
      this.#inFlight.set(message.id, entry);
      this.#send(entry);
    }
  }

  #resendOverdue(timeoutMs: number): void {
    const now = performance.now();
    let expired = false;
    for (const entry of this.#inFlight.values()) {
      const waitMs = Math.min(600_000, timeoutMs * 2 ** Math.min(entry.sends - 1, 20));
      if (now - entry.lastSentAtMs < waitMs) continue;
      // Back online (timeout 0) is not a wait that ran out; a message likely only queued is waited for.
      if (timeoutMs > 0) {
        if (!this.#receiptTimeout.lossLikely(entry.lastSentAtMs, now)) continue;
        expired = true;
      }
      entry.sends++;
      this.resends++;
      entry.resent = true;
      this.#send(entry);
    }
    if (expired) this.#receiptTimeout.expired();
  }

  #onReceipt(payload: Buffer): void {
    const parsed = parsePayload(receiptMessage, payload);
    if (!parsed.ok) return;
    const now = performance.now();
    for (const id of parsed.value.ids) {
      const entry = this.#inFlight.get(id);
      if (!entry) {
        this.lateReceipts++;
        continue;
      }
      this.#inFlight.delete(id);
      this.#receiptTimeout.receipted(entry.lastSentAtMs, now, !entry.resent);
      this.latenciesMs.push(now - entry.firstSentAtMs);
      this.publishedAtMs.push(entry.firstSentAtMs);
      if (!entry.resent) this.firstTryLatenciesMs.push(now - entry.firstSentAtMs);
    }
    this.#pump();
    if (this.delivered === this.total) this.#settle?.();
  }
}
