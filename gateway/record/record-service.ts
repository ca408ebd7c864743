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
import { topicMatchesPayload } from '../security/topic-origin.ts';
import type { Db, Row, Sql } from '../store/db.ts';
import { insertMeasurementIfNew } from '../store/measurements.ts';
import { nameKey } from '../store/name-match.ts';
import { zScoreDisagreement } from './zscore-check.ts';

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
        const childChanged = await upsertRecordChild(tx, message.child);
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
      if (outcome.childChanged) await this.#publishRegister(message.child.id);
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

  /** Republishes the record's row of a child, if the record knows enough of it to be found by name. */
  async #publishRegister(childId: string): Promise<void> {
    const row = await this.#options.db.get<RecordChildRow>(`${registerSelect} AND id = ?`, [childId]);
    if (row) await this.#publishRegisterRow(row);
  }

  async #publishRegisterRow(row: RecordChildRow): Promise<void> {
    const message: RegisterMessage = { schema: 'tikar.register/1', child: registerChild(row) };
    await this.#options.link
      .publish(this.#topics.register, JSON.stringify(message))
      .catch((error: Error) => this.#options.log.warn({ err: error.message }, 'register not republished'));
  }

  async #answerSync(payload: Buffer): Promise<void> {
    const parsed = parsePayload(registerSyncMessage, payload);
    if (!parsed.ok) return this.#reject(this.#topics.registerSync, parsed.error);
    const since = parsed.value.since ?? '';
    const rows = await this.#options.db.all<RecordChildRow>(
      `${registerSelect} AND updated_at >= ? ORDER BY updated_at`,
      [since],
    );
    for (const row of rows) await this.#publishRegisterRow(row);
  }
}

interface RecordChildRow extends Row {
  id: string;
  pseudo_id: string;
  name: string;
  sex: 1 | 2;
  birth_date: string;
  nik: string | null;
  mother_name: string;
  posyandu_id: string;
  village_id: string;
  has_kia: number;
  created_at: string;
  updated_at: string;
}

/** The village register holds only children that can be found by name: those shared at `register` or more. */
const registerSelect = `SELECT id, pseudo_id, name, sex, birth_date, nik, mother_name, posyandu_id, village_id,
    has_kia, created_at, updated_at FROM children
  WHERE name IS NOT NULL AND birth_date IS NOT NULL AND mother_name IS NOT NULL`;

function registerChild(row: RecordChildRow): ChildWire {
  return {
    ...row,
    birth_month: row.birth_date.slice(0, 7),
    has_kia: row.has_kia === 1,
  };
}

/**
 * Stores a child as received. The record keeps what it is told: a field a message does not carry (a
 * measurement's pseudonymous snapshot, a register without NIK) leaves the stored value alone; a newer
 * `updated_at` replaces what it carries, and personal fields fill a row that had none whatever the time.
 * Returns true if the row changed.
 */
async function upsertRecordChild(tx: Sql, child: ChildWire): Promise<boolean> {
  const result = await tx.run(
    `INSERT INTO children (id, pseudo_id, name, name_key, sex, birth_date, nik, mother_name, posyandu_id,
       village_id, has_kia, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT (id) DO UPDATE SET
       name = coalesce(excluded.name, children.name),
       name_key = coalesce(excluded.name_key, children.name_key),
       birth_date = coalesce(excluded.birth_date, children.birth_date),
       mother_name = coalesce(excluded.mother_name, children.mother_name),
       nik = CASE WHEN ? THEN excluded.nik ELSE children.nik END,
       sex = excluded.sex, posyandu_id = excluded.posyandu_id, has_kia = excluded.has_kia,
       updated_at = max(excluded.updated_at, children.updated_at)
     WHERE excluded.updated_at > children.updated_at
        OR (children.name IS NULL AND excluded.name IS NOT NULL)`,
    [
      child.id,
      child.pseudo_id,
      child.name ?? null,
      child.name === undefined ? null : nameKey(child.name),
      child.sex,
      child.birth_date ?? null,
      child.nik ?? null,
      child.mother_name ?? null,
      child.posyandu_id,
      child.village_id,
      child.has_kia ? 1 : 0,
      child.created_at,
      child.updated_at,
      child.nik === undefined ? 0 : 1,
    ],
  );
  return result.changes > 0;
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
