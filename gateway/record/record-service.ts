// The village record: subscribes to every posyandu of the village, stores each message once (dedupe by
// message id), answers with receipts (the gateways resend until they get one), and republishes the village
// register so a child registered at one posyandu is known at all of them. At the district the same service
// serves every village, on PostgreSQL, as one of several workers sharing a subscription (docs/district.md).

import { EventEmitter } from 'node:events';
import type { Logger } from '../log/logger.ts';
import type { MqttLink } from '../publish/mqtt-link.ts';
import {
  type ChildWire,
  childMessage,
  measurementMessage,
  parsePayload,
  type ReceiptMessage,
  type RegisterMessage,
  registerSyncMessage,
} from '../publish/payloads.ts';
import {
  posyanduOfTopic,
  posyanduTopics,
  recordSubscriptions,
  villageOfTopic,
  villageTopics,
} from '../publish/topics.ts';
import { topicMatchesPayload } from '../security/topic-origin.ts';
import type { Incoming, RecordChildRow, RecordStore } from './record-store.ts';
import { zScoreDisagreement } from './zscore-check.ts';

export interface RecordServiceOptions {
  store: RecordStore;
  link: MqttLink;
  /**
   * The district's second broker (a broker pair, docs/district.md): subscribed the same way; each message is
   * answered on the link it came in on. Both copies of a message share the one store queue, so a copy that
   * arrives with the other in the same batch costs no store work.
   */
  pairLink?: MqttLink;
  /** The village served; undefined: every village (the district record). */
  villageId: string | undefined;
  /** Subscribe as one worker of this MQTT shared-subscription group (`$share/{group}/…`). */
  shareGroup?: string;
  log: Logger;
  /** Receipts are batched per posyandu for this long. Default 20 ms. */
  receiptDelayMs?: number;
  /**
   * A message arriving while the store is idle waits this long for others to share its transaction. Default 0:
   * only what arrives during a write joins the next batch.
   */
  batchDelayMs?: number;
}

interface RecordEvents {
  stored: [{ id: string; kind: 'measurement' | 'child'; posyanduId: string; duplicate: boolean }];
  rejected: [{ topic: string; error: string }];
}

/** A message waiting for the store, and the link to answer it on. */
interface Arrived extends Incoming {
  link: MqttLink;
}

export class RecordService extends EventEmitter<RecordEvents> {
  readonly #options: RecordServiceOptions;
  readonly #links: readonly MqttLink[];
  readonly #topics: ReturnType<typeof recordSubscriptions>;
  /** Receipt ids waiting to be published, per link and receipts topic. */
  readonly #pendingReceipts = new Map<MqttLink, Map<string, string[]>>();
  #receiptTimer: NodeJS.Timeout | undefined;
  /** Batches are stored one after the other, in arrival order. */
  #queue: Promise<void> = Promise.resolve();
  readonly #waiting: Arrived[] = [];

  constructor(options: RecordServiceOptions) {
    super();
    this.#options = options;
    this.#links = options.pairLink ? [options.link, options.pairLink] : [options.link];
    this.#topics = recordSubscriptions(options.villageId, options.shareGroup);
  }

  /** Subscribes; resolves once the broker acknowledged the subscriptions (the record is then listening). */
  async start(): Promise<void> {
    await Promise.all(
      this.#links.map((link) => {
        // Receipts that could not be published while the broker was away go out as soon as it is back.
        link.on('connect', () => void this.#flushReceipts());
        return Promise.all([
          link.subscribe(this.#topics.measurements, (topic, payload) =>
            this.#enqueue(link, topic, payload, 'measurement'),
          ),
          link.subscribe(this.#topics.children, (topic, payload) =>
            this.#enqueue(link, topic, payload, 'child'),
          ),
          link.subscribe(this.#topics.registerSync, (topic, payload) => {
            this.#queue = this.#queue.then(() => this.#answerSync(link, topic, payload));
          }),
        ]);
      }),
    );
  }

  async stop(): Promise<void> {
    await this.#queue;
    await this.#flushReceipts();
  }

  #enqueue(link: MqttLink, topic: string, payload: Buffer, kind: 'measurement' | 'child'): void {
    const posyanduId = posyanduOfTopic(topic);
    const villageId = villageOfTopic(topic);
    if (posyanduId === undefined || villageId === undefined) {
      this.#reject(topic, 'unexpected topic');
      return;
    }
    const parsed =
      kind === 'measurement'
        ? parsePayload(measurementMessage, payload)
        : parsePayload(childMessage, payload);
    if (!parsed.ok) {
      this.#reject(topic, parsed.error);
      return;
    }
    const message = parsed.value;
    // The broker's ACL vouches for the topic only: a payload naming another posyandu or village is refused
    // (no receipt, nothing stored), or posyandu A could write records as posyandu B.
    const origin = topicMatchesPayload(topic, message);
    if (!origin.ok) {
      this.#reject(topic, `origin: ${origin.reason}`);
      return;
    }
    if (message.schema === 'tikar.measurement/1') {
      const disagreement = zScoreDisagreement(message.measurement, message.child.sex);
      if (disagreement) {
        this.#reject(topic, `z-scores: ${disagreement}`);
        return;
      }
    }
    this.#waiting.push({ message, kind, villageId, posyanduId, link });
    // Messages that arrive while a batch is being written go together into the next one (group commit:
    // one fsync for many), so the record keeps up with many gateways.
    if (this.#waiting.length === 1) {
      const delayMs = this.#options.batchDelayMs ?? 0;
      this.#queue = this.#queue
        .then(() => (delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : undefined))
        .then(() => this.#storeWaiting());
    }
  }

  #reject(topic: string, error: string): void {
    this.#options.log.warn({ topic, err: error }, 'record rejected a message');
    this.emit('rejected', { topic, error });
  }

  async #storeWaiting(): Promise<void> {
    const batch = this.#waiting.splice(0, this.#waiting.length);
    try {
      await this.#storeBatch(batch);
    } catch {
      // One message the store refuses (e.g. a correction of a row not here yet) must not hold back the rest.
      for (const item of batch) {
        await this.#storeBatch([item]).catch((error: Error) => {
          // Not stored, so no receipt: the gateway will send it again.
          this.#options.log.error(
            { id: item.message.id, err: error.message },
            'record could not store a message',
          );
        });
      }
    }
  }

  async #storeBatch(batch: Arrived[]): Promise<void> {
    // The same message twice in one batch (both brokers of a pair, or a resend): stored once, answered on each
    // link it came in on.
    const firstOf = new Map<string, number>();
    const unique: Arrived[] = [];
    for (const item of batch) {
      if (firstOf.has(item.message.id)) continue;
      firstOf.set(item.message.id, unique.length);
      unique.push(item);
    }
    const outcomes = await this.#options.store.storeBatch(unique);
    for (const [i, { message, kind, villageId, posyanduId, link }] of batch.entries()) {
      const first = firstOf.get(message.id) as number;
      const stored = outcomes[first] ?? { duplicate: false, childChanged: false };
      const duplicate = stored.duplicate || unique[first] !== batch[i];
      this.#queueReceipt(link, posyanduTopics(villageId, posyanduId).receipts, message.id);
      if (stored.childChanged && !duplicate) await this.#publishRegister(link, message.child.id);
      this.emit('stored', { id: message.id, kind, posyanduId, duplicate });
    }
  }

  /** The ids waiting for a receipt on `link` and `receiptsTopic`: the list itself, to add to. */
  #pendingIds(link: MqttLink, receiptsTopic: string): string[] {
    let byTopic = this.#pendingReceipts.get(link);
    if (byTopic === undefined) {
      byTopic = new Map();
      this.#pendingReceipts.set(link, byTopic);
    }
    let ids = byTopic.get(receiptsTopic);
    if (ids === undefined) {
      ids = [];
      byTopic.set(receiptsTopic, ids);
    }
    return ids;
  }

  #queueReceipt(link: MqttLink, receiptsTopic: string, id: string): void {
    const ids = this.#pendingIds(link, receiptsTopic);
    ids.push(id);
    if (ids.length >= 500) {
      void this.#flushReceipts();
      return;
    }
    this.#receiptTimer ??= setTimeout(() => void this.#flushReceipts(), this.#options.receiptDelayMs ?? 20);
  }

  async #flushReceipts(): Promise<void> {
    if (this.#receiptTimer) clearTimeout(this.#receiptTimer);
    this.#receiptTimer = undefined;
    // At most 500 ids a receipt (the schema allows 1,000): receipts kept for a retry may have piled up.
    const batches = [...this.#pendingReceipts.entries()].flatMap(([link, byTopic]) =>
      [...byTopic.entries()].flatMap(([receiptsTopic, ids]) =>
        Array.from({ length: Math.ceil(ids.length / 500) }, (_, k) => ({
          link,
          receiptsTopic,
          ids: ids.slice(500 * k, 500 * (k + 1)),
        })),
      ),
    );
    this.#pendingReceipts.clear();
    await Promise.all(
      batches.map(async ({ link, receiptsTopic, ids }) => {
        const receipt: ReceiptMessage = {
          schema: 'tikar.receipt/1',
          ids,
          record_at: new Date().toISOString(),
        };
        // Not published (the broker is away): kept for the next flush, at the latest on reconnect, so the
        // gateway does not wait out its receipt timeout for a message already stored. A receipt lost further on
        // is harmless: the gateway resends, the record answers the duplicate with a receipt.
        await link.publish(receiptsTopic, JSON.stringify(receipt)).catch((error: Error) => {
          this.#options.log.warn({ err: error.message }, 'receipt not published: kept for a retry');
          this.#pendingIds(link, receiptsTopic).unshift(...ids);
        });
      }),
    );
  }

  /** Republishes the record's row of a child, if the record knows enough of it to be found by name. */
  async #publishRegister(link: MqttLink, childId: string): Promise<void> {
    const row = await this.#options.store.registerRow(childId);
    if (row) await this.#publishRegisterRow(link, row);
  }

  async #publishRegisterRow(link: MqttLink, row: RecordChildRow): Promise<void> {
    const message: RegisterMessage = { schema: 'tikar.register/1', child: registerChild(row) };
    await link
      .publish(villageTopics(row.village_id).register, JSON.stringify(message))
      .catch((error: Error) => this.#options.log.warn({ err: error.message }, 'register not republished'));
  }

  async #answerSync(link: MqttLink, topic: string, payload: Buffer): Promise<void> {
    const parsed = parsePayload(registerSyncMessage, payload);
    const villageId = villageOfTopic(topic);
    if (!parsed.ok || villageId === undefined)
      return this.#reject(topic, parsed.ok ? 'unexpected topic' : parsed.error);
    const rows = await this.#options.store.registerSince(villageId, parsed.value.since ?? '');
    for (const row of rows) await this.#publishRegisterRow(link, row);
  }
}

function registerChild(row: RecordChildRow): ChildWire {
  return {
    ...row,
    birth_month: row.birth_date.slice(0, 7),
    has_kia: row.has_kia === 1,
  };
}
