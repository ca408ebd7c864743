// The durable commit: a new child, or a measurement with its readings, written in ONE transaction with the
// outbox message that will publish it, before anyone hears "saved". In publish/ rather than store/: it
// writes the MQTT messages (payloads.ts), and store/ sits below publish/.

import type { Clock } from '../clock/clock.ts';
import { newId } from '../log/ids.ts';
import { assembleMeasurement, savedView } from '../measure/assemble.ts';
import type { NewMeasurement } from '../measure/session-service.ts';
import { type Child, type Emit, fail, type Result, type SavedMeasurement } from '../model/index.ts';
import { insertChild } from '../store/children.ts';
import type { Db, Sql } from '../store/db.ts';
import {
  getMeasurement,
  insertMeasurement,
  previousMeasurement,
  type ReadingRow,
} from '../store/measurements.ts';
import { enqueue } from '../store/outbox.ts';
import type { ChildMessage, MeasurementMessage } from './payloads.ts';
import type { PosyanduTopics } from './topics.ts';

export interface RecorderOptions {
  db: Db;
  clock: Clock;
  topics: PosyanduTopics;
  posyanduId: string;
  villageId: string;
  emit: Emit;
  /** Called after every committed outbox message (wakes the relay). */
  onOutbox?: () => void;
}

export class Recorder {
  readonly #o: RecorderOptions;

  constructor(options: RecorderOptions) {
    this.#o = options;
  }

  /** A newly registered child and its outbox message. */
  async child(child: Child): Promise<void> {
    await this.#o.db.transaction(async (tx) => {
      await insertChild(tx, child);
      await this.#enqueueChild(tx, child);
    });
    this.#o.onOutbox?.();
  }

  async #enqueueChild(tx: Sql, child: Child): Promise<void> {
    const id = newId();
    const message: ChildMessage = { schema: 'tikar.child/1', id, backfilled: false, child };
    await enqueue(tx, {
      id,
      kind: 'child',
      subject_id: child.id,
      topic: this.#o.topics.children,
      payload: JSON.stringify(message),
      child_id: child.id,
      created_at: child.updated_at,
    });
  }

  /** A measurement (from a mat, typed in, or a correction), stamped with the trusted clock; emits `saved`. */
  readonly measurement = async (parts: NewMeasurement): Promise<Result<SavedMeasurement>> => {
    const { db, clock } = this.#o;
    const now = clock.now();
    const createdAt = now.toISOString();
    const assembled = assembleMeasurement({
      ...parts,
      measuredAt: now,
      posyanduId: this.#o.posyanduId,
      villageId: this.#o.villageId,
      createdAt,
    });
    if (!assembled.ok) return assembled;
    const row = assembled.value;
    const readingRows: ReadingRow[] = parts.readings.map((reading) => ({
      id: newId(),
      measurement_id: row.id,
      channel: reading.channel,
      ordinal: reading.ordinal,
      value_mm_or_g: reading.value,
      raw_counts_json: reading.rawCountsJson,
      locked_at: reading.locked_at,
    }));
    const messageId = newId();
    const message: MeasurementMessage = {
      schema: 'tikar.measurement/1',
      id: messageId,
      backfilled: false,
      child: parts.child,
      measurement: row,
      readings: readingRows,
    };
    await db.transaction(async (tx) => {
      await insertMeasurement(tx, row, readingRows);
      await enqueue(tx, {
        id: messageId,
        kind: 'measurement',
        subject_id: row.id,
        topic: this.#o.topics.measurements,
        payload: JSON.stringify(message),
        child_id: row.child_id,
        created_at: createdAt,
      });
    });
    clock.setNewestStored(createdAt);
    this.#o.onOutbox?.();
    const stored = await getMeasurement(db, row.id);
    if (!stored) return fail('internal', 'the saved measurement could not be read back');
    const previous = await previousMeasurement(db, row.child_id, row.measured_at, row.id);
    const saved = savedView(stored, previous, parts.disagree);
    saved.warnings.push(...(parts.warnings ?? []));
    this.#o.emit('saved', saved);
    return { ok: true, value: saved };
  };
}
