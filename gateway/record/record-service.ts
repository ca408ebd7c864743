// The village record: subscribes to every posyandu of the village, stores each message once (dedupe by
// message id), answers with receipts (the gateways resend until they get one), and republishes the village
// register so a child registered at one posyandu is known at all of them.

import { EventEmitter } from 'node:events';
import type { Logger } from '../log/logger.ts';
import type { MqttLink } from '../publish/mqtt-link.ts';
import {
  type ChildWire,
  childMessage,
  type GatewayMessage,
  measurementMessage,
  parsePayload,
  type ReceiptMessage,
  type RegisterMessage,
  registerSyncMessage,
} from '../publish/payloads.ts';
import { posyanduOfTopic, villageTopics } from '../publish/topics.ts';
import { upsertChild } from '../store/children.ts';
import type { Db, Sql } from '../store/db.ts';
import { insertMeasurementIfNew } from '../store/measurements.ts';

export interface RecordServiceOptions {
  db: Db;
  link: MqttLink;
  villageId: string;
  log: Logger;
  /** Receipts are batched per posyandu for this long. Default 20 ms. */
  receiptDelayMs?: number;
}

interface Incoming {
  message: GatewayMessage;
  kind: 'measurement' | 'child';
  posyanduId: string;
}

interface RecordEvents {
  stored: [{ id: string; kind: 'measurement' | 'child'; posyanduId: string; duplicate: boolean }];
  rejected: [{ topic: string; error: string }];
}

export class RecordService extends EventEmitter<RecordEvents> {
  readonly #options: RecordServiceOptions;
  readonly #topics: ReturnType<typeof villageTopics>;
  readonly #pendingReceipts = new Map<string, string[]>();
  #receiptTimer: NodeJS.Timeout | undefined;
  /** Batches are stored one after the other, in arrival order. */
  #queue: Promise<void> = Promise.resolve();
  readonly #waiting: Incoming[] = [];

  constructor(options: RecordServiceOptions) {
    super();
    this.#options = options;
    this.#topics = villageTopics(options.villageId);
  }

  start(): void {
    const { link } = this.#options;
    link.subscribe(this.#topics.allMeasurements, (topic, payload) =>
      this.#enqueue(topic, payload, 'measurement'),
    );
    link.subscribe(this.#topics.allChildren, (topic, payload) => this.#enqueue(topic, payload, 'child'));
    link.subscribe(this.#topics.registerSync, (_topic, payload) => {
      this.#queue = this.#queue.then(() => this.#answerSync(payload));
    });
  }

  async stop(): Promise<void> {
    await this.#queue;
    await this.#flushReceipts();
  }

  #enqueue(topic: string, payload: Buffer, kind: 'measurement' | 'child'): void {
    const posyanduId = posyanduOfTopic(topic);
    if (posyanduId === undefined) {
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
    const origin = message.schema === 'tikar.measurement/1' ? message.measurement.posyandu_id : posyanduId;
    if (origin !== posyanduId) {
      this.#reject(topic, 'posyandu of the payload differs from the topic');
      return;
    }
    this.#waiting.push({ message, kind, posyanduId });
    // Messages that arrive while a batch is being written go together into the next one (group commit:
    // one fsync for many), so the record keeps up with many gateways.
    if (this.#waiting.length === 1) this.#queue = this.#queue.then(() => this.#storeWaiting());
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

  async #storeBatch(batch: Incoming[]): Promise<void> {
    const outcomes = await this.#options.db.transaction(async (tx) => {
      const results: { duplicate: boolean; childChanged: boolean }[] = [];
      for (const { message, kind, posyanduId } of batch) {
        const seen = await tx.get('SELECT 1 AS present FROM record_messages WHERE id = ?', [message.id]);
        if (seen) {
          results.push({ duplicate: true, childChanged: false });
          continue;
        }
        const childChanged = await upsertChild(tx, message.child);
        if (message.schema === 'tikar.measurement/1') {
          await insertMeasurementIfNew(tx, message.measurement, message.readings);
        }
        await recordMessage(tx, message.id, kind, posyanduId, message.backfilled);
        results.push({ duplicate: false, childChanged });
      }
      return results;
    });
    for (const [i, { message, kind, posyanduId }] of batch.entries()) {
      const outcome = outcomes[i] ?? { duplicate: false, childChanged: false };
      this.#queueReceipt(posyanduId, message.id);
      if (outcome.childChanged) await this.#publishRegister(message.child);
      this.emit('stored', { id: message.id, kind, posyanduId, duplicate: outcome.duplicate });
    }
  }

  #queueReceipt(posyanduId: string, id: string): void {
    const ids = this.#pendingReceipts.get(posyanduId) ?? [];
    ids.push(id);
    this.#pendingReceipts.set(posyanduId, ids);
    if (ids.length >= 500) {
      void this.#flushReceipts();
      return;
    }
    this.#receiptTimer ??= setTimeout(() => void this.#flushReceipts(), this.#options.receiptDelayMs ?? 20);
  }

  async #flushReceipts(): Promise<void> {
    if (this.#receiptTimer) clearTimeout(this.#receiptTimer);
    this.#receiptTimer = undefined;
    const batches = [...this.#pendingReceipts.entries()];
    this.#pendingReceipts.clear();
    await Promise.all(
      batches.map(async ([posyanduId, ids]) => {
        const receipt: ReceiptMessage = {
          schema: 'tikar.receipt/1',
          ids,
          record_at: new Date().toISOString(),
        };
        // A lost receipt is harmless: the gateway resends, the record answers the duplicate with a receipt.
        await this.#options.link
          .publish(this.#topics.receiptsOf(posyanduId), JSON.stringify(receipt))
          .catch((error: Error) => this.#options.log.warn({ err: error.message }, 'receipt not published'));
      }),
    );
  }

  async #publishRegister(child: ChildWire): Promise<void> {
    const message: RegisterMessage = { schema: 'tikar.register/1', child };
    await this.#options.link
      .publish(this.#topics.register, JSON.stringify(message))
      .catch((error: Error) => this.#options.log.warn({ err: error.message }, 'register not republished'));
  }

  async #answerSync(payload: Buffer): Promise<void> {
    const parsed = parsePayload(registerSyncMessage, payload);
    if (!parsed.ok) return this.#reject(this.#topics.registerSync, parsed.error);
    const since = parsed.value.since ?? '';
    const rows = await this.#options.db.all<ChildWire & Record<string, string | number | null>>(
      `SELECT id, pseudo_id, name, sex, birth_date, nik, mother_name, posyandu_id, village_id, has_kia,
              created_at, updated_at FROM children WHERE updated_at >= ? ORDER BY updated_at`,
      [since],
    );
    for (const row of rows) await this.#publishRegister({ ...row, has_kia: Boolean(row.has_kia) });
  }
}

async function recordMessage(
  tx: Sql,
  id: string,
  kind: 'measurement' | 'child',
  posyanduId: string,
  backfilled: boolean,
): Promise<void> {
  await tx.run(
    'INSERT INTO record_messages (id, kind, posyandu_id, received_at, backfilled) VALUES (?,?,?,?,?)',
    [id, kind, posyanduId, new Date().toISOString(), backfilled ? 1 : 0],
  );
}
