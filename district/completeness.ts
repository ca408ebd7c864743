// The district's side of the completeness check (docs/district.md). It trusts no queue: per village it asks
// the village record for counts and id digests per posyandu and month, compares them with what PostgreSQL
// holds, asks for the ids where they differ, and asks the village to send again what the district lacks.
// The resent measurements arrive like any other, through the bridge and the record workers.

import { v7 as uuidv7 } from 'uuid';
import type { Logger } from '../gateway/log/logger.ts';
import type { MqttLink } from '../gateway/publish/mqtt-link.ts';
import {
  type InventoryAnswer,
  type InventoryAsk,
  inventoryAnswer,
  parsePayload,
} from '../gateway/publish/payloads.ts';
import { villageTopics } from '../gateway/publish/topics.ts';
import type { RecordStore } from '../gateway/record/record-store.ts';

export interface VillageCompleteness {
  villageId: string;
  /** False when the village record did not answer in time (its box or its bridge is down). */
  answered: boolean;
  /** Posyandu-months the village reported. */
  checked: number;
  /** Posyandu-months whose count or digest differed. */
  differing: number;
  /** Measurement ids the village holds and the district lacked; asked for again. */
  missing: string[];
  /** Ids the district holds that the village record does not (reported, never deleted). */
  extra: string[];
}

export interface CompletenessOptions {
  store: Pick<RecordStore, 'inventory' | 'measurementIds'>;
  link: MqttLink;
  villageIds: readonly string[];
  months: readonly string[];
  /** How long to wait for each answer. Default 10 s. */
  answerTimeoutMs?: number;
  log: Logger;
}

/** A question without its envelope (each variant of the union on its own). */
type Question = InventoryAsk extends infer A
  ? A extends unknown
    ? Omit<A, 'schema' | 'request_id'>
    : never
  : never;

/** Asks questions on `tikar/v1/{village}/inventory/ask` and matches answers by request id. */
class Asker {
  readonly #pending = new Map<string, (answer: InventoryAnswer) => void>();
  readonly #link: MqttLink;
  readonly #timeoutMs: number;

  constructor(link: MqttLink, timeoutMs: number) {
    this.#link = link;
    this.#timeoutMs = timeoutMs;
    void link.subscribe('tikar/v1/+/inventory/answer', (_topic, payload) => {
      const parsed = parsePayload(inventoryAnswer, payload);
      if (parsed.ok) this.#pending.get(parsed.value.request_id)?.(parsed.value);
    });
  }

  async ask(villageId: string, question: Question): Promise<InventoryAnswer | undefined> {
    const requestId = uuidv7();
    const answered = new Promise<InventoryAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        resolve(undefined);
      }, this.#timeoutMs);
      this.#pending.set(requestId, (answer) => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        resolve(answer);
      });
    });
    const message = { schema: 'tikar.inventory-ask/1', request_id: requestId, ...question };
    await this.#link
      .publish(villageTopics(villageId).inventoryAsk, JSON.stringify(message))
      .catch(() => undefined);
    return answered;
  }
}

/** Runs the check for each village in turn and returns what it found and asked for. */
export async function checkCompleteness(options: CompletenessOptions): Promise<VillageCompleteness[]> {
  const asker = new Asker(options.link, options.answerTimeoutMs ?? 10_000);
  const results: VillageCompleteness[] = [];
  for (const villageId of options.villageIds) {
    const result: VillageCompleteness = {
      villageId,
      answered: false,
      checked: 0,
      differing: 0,
      missing: [],
      extra: [],
    };
    results.push(result);
    const counts = await asker.ask(villageId, { ask: 'counts', months: [...options.months] });
    if (counts?.answer !== 'counts') continue;
    result.answered = true;
    result.checked = counts.entries.length;
    const ours = new Map(
      (await options.store.inventory(villageId, options.months)).map((e) => [
        `${e.posyanduId}/${e.month}`,
        e,
      ]),
    );
    for (const entry of counts.entries) {
      const held = ours.get(`${entry.posyandu_id}/${entry.month}`);
      if (held && held.count === entry.count && held.digest === entry.digest) continue;
      result.differing++;
      const ids = await asker.ask(villageId, {
        ask: 'ids',
        posyandu_id: entry.posyandu_id,
        month: entry.month,
      });
      if (ids?.answer !== 'ids') continue;
      const theirs = new Set(ids.ids);
      const mine = new Set(await options.store.measurementIds(villageId, entry.posyandu_id, entry.month));
      result.missing.push(...ids.ids.filter((id) => !mine.has(id)));
      result.extra.push(...[...mine].filter((id) => !theirs.has(id)));
    }
    for (let i = 0; i < result.missing.length; i += 500) {
      await asker.ask(villageId, { ask: 'resend', ids: result.missing.slice(i, i + 500) });
    }
    options.log.info(
      { villageId, checked: result.checked, differing: result.differing, missing: result.missing.length },
      'completeness checked',
    );
  }
  return results;
}
