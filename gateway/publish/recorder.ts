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
  type MeasurementRow,
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

/**
 * A child's `tikar.child/1` message into the outbox, inside the caller's transaction. `backfilled`: a record
 * from before this gateway (an import), not one registered or measured here.
 */
export async function enqueueChildMessage(
  tx: Sql,
  topic: string,
  child: Child,
  createdAt: string,
  backfilled = false,
): Promise<void> {
  const id = newId();
  const message: ChildMessage = { schema: 'tikar.child/1', id, backfilled, child };
  await enqueue(tx, {
    id,
    kind: 'child',
    subject_id: child.id,
    topic,
    payload: JSON.stringify(message),
    child_id: child.id,
    created_at: createdAt,
  });
}

/** A measurement's `tikar.measurement/1` message into the outbox, inside the caller's transaction. */
export async function enqueueMeasurementMessage(
  tx: Sql,
  topic: string,
  child: Child,
  row: MeasurementRow,
  readings: ReadingRow[],
  createdAt: string,
  backfilled = false,
): Promise<void> {
  const id = newId();
  const message: MeasurementMessage = {
    schema: 'tikar.measurement/1',
    id,
    backfilled,
    child,
    measurement: row,
    readings,
  };
  await enqueue(tx, {
    id,
    kind: 'measurement',
    subject_id: row.id,
    topic,
    payload: JSON.stringify(message),
    child_id: row.child_id,
    created_at: createdAt,
  });
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
      await enqueueChildMessage(tx, this.#o.topics.children, child, child.updated_at);
    });
    this.#o.onOutbox?.();
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
    await db.transaction(async (tx) => {
      await insertMeasurement(tx, row, readingRows);
      await enqueueMeasurementMessage(
        tx,
        this.#o.topics.measurements,
        parts.child,
        row,
        readingRows,
        createdAt,
      );
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
