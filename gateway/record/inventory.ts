// The village record's side of the completeness check (docs/district.md): it answers the district's questions
// on `tikar/v1/{village}/inventory/ask` — counts and id digests per posyandu and month, the ids of one posyandu
// and month, and a resend of named measurements on their posyandu's measurement topic, where the district's
// workers store them like any other. The district trusts no queue: it compares what it holds with this.

import type { Logger } from '../log/logger.ts';
import type { MqttLink } from '../publish/mqtt-link.ts';
import { type InventoryAnswer, inventoryAsk, parsePayload } from '../publish/payloads.ts';
import { posyanduTopics, villageTopics } from '../publish/topics.ts';
import type { RecordStore } from './record-store.ts';
import type { SqliteRecordStore } from './sqlite-record-store.ts';

export interface InventoryResponderOptions {
  store: Pick<RecordStore, 'inventory' | 'measurementIds'> & Pick<SqliteRecordStore, 'measurementMessages'>;
  link: MqttLink;
  villageId: string;
  log: Logger;
}

export class InventoryResponder {
  readonly #options: InventoryResponderOptions;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: InventoryResponderOptions) {
    this.#options = options;
  }

  start(): void {
    const topics = villageTopics(this.#options.villageId);
    void this.#options.link.subscribe(topics.inventoryAsk, (_topic, payload) => {
      this.#queue = this.#queue.then(() =>
        this.#answer(payload).catch((error: Error) =>
          this.#options.log.warn({ err: error.message }, 'inventory question not answered'),
        ),
      );
    });
  }

  stop(): Promise<void> {
    return this.#queue;
  }

  async #answer(payload: Buffer): Promise<void> {
    const { store, link, villageId, log } = this.#options;
    const parsed = parsePayload(inventoryAsk, payload);
    if (!parsed.ok) {
      log.warn({ err: parsed.error }, 'inventory question rejected');
      return;
    }
    const ask = parsed.value;
    let answer: InventoryAnswer;
    if (ask.ask === 'counts') {
      const entries = await store.inventory(villageId, ask.months);
      answer = {
        schema: 'tikar.inventory/1',
        request_id: ask.request_id,
        answer: 'counts',
        entries: entries.map((e) => ({
          posyandu_id: e.posyanduId,
          month: e.month,
          count: e.count,
          digest: e.digest,
        })),
      };
    } else if (ask.ask === 'ids') {
      const ids = await store.measurementIds(villageId, ask.posyandu_id, ask.month);
      answer = {
        schema: 'tikar.inventory/1',
        request_id: ask.request_id,
        answer: 'ids',
        posyandu_id: ask.posyandu_id,
        month: ask.month,
        ids,
      };
    } else {
      const messages = await store.measurementMessages(ask.ids);
      for (const message of messages) {
        const topic = posyanduTopics(villageId, message.measurement.posyandu_id).measurements;
        await link.publish(topic, JSON.stringify(message));
      }
      answer = {
        schema: 'tikar.inventory/1',
        request_id: ask.request_id,
        answer: 'resent',
        ids: messages.map((m) => m.id),
      };
    }
    await link.publish(villageTopics(villageId).inventoryAnswer, JSON.stringify(answer));
  }
}
