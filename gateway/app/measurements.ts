// Measurements without a mat (typed in, corrections) and the ones stored: a child's history, one by id, and
// today's list. Inputs arrive parsed (gateway/model/inputs.ts); new rows go through the recorder.

import { type Clock, localDate } from '../clock/clock.ts';
import { newId } from '../log/ids.ts';
import { measurementView } from '../measure/assemble.ts';
import {
  type CorrectionInput,
  fail,
  type ManualMeasurementInput,
  type Measurement,
  type Result,
  type SavedMeasurement,
  type TodayEntry,
  untrustedClock,
} from '../model/index.ts';
import type { Recorder } from '../publish/recorder.ts';
import { getChild } from '../store/children.ts';
import type { Db } from '../store/db.ts';
import { getMeasurement, listMeasurementsOfChild, measurementsOnDay } from '../store/measurements.ts';

export interface MeasurementsOptions {
  db: Db;
  clock: Clock;
  recorder: Recorder;
  posyanduId: string;
}

export class Measurements {
  readonly #o: MeasurementsOptions;

  constructor(options: MeasurementsOptions) {
    this.#o = options;
  }

  async manual(input: ManualMeasurementInput): Promise<Result<SavedMeasurement>> {
    const refusal = untrustedClock(this.#o.clock);
    if (refusal) return refusal;
    const child = await getChild(this.#o.db, input.child_id);
    if (!child) return fail('not_found', 'no such child', 'child_id');
    return this.#o.recorder.measurement({
      id: newId(),
      child,
      position: input.position,
      lenheiCm: input.lenhei_cm ?? null,
      weightKg: input.weight_kg ?? null,
      oedema: input.oedema ?? false,
      source: 'manual',
      deviceId: null,
      calibrationId: null,
      supersedes: null,
      readings: [],
      disagree: false,
    });
  }

  /** A new row superseding the original (kept, never overwritten); a row is corrected at most once. */
  async correct(id: string, input: CorrectionInput): Promise<Result<SavedMeasurement>> {
    const { db } = this.#o;
    const original = await getMeasurement(db, id);
    if (!original) return fail('not_found', 'no such measurement', 'measurement_id');
    if (original.supersededBy)
      return fail('conflict', 'this measurement was already corrected', 'measurement_id');
    const refusal = untrustedClock(this.#o.clock);
    if (refusal) return refusal;
    const { row } = original;
    const child = await getChild(db, row.child_id);
    if (!child) return fail('not_found', 'the child of this measurement no longer exists');
    return this.#o.recorder.measurement({
      id: newId(),
      child,
      position: input.position ?? row.position,
      lenheiCm: input.lenhei_cm ?? row.lenhei_cm,
      weightKg: input.weight_kg ?? row.weight_kg,
      oedema: input.oedema ?? row.oedema === 1,
      source: 'manual',
      deviceId: row.device_id,
      calibrationId: row.calibration_id,
      supersedes: { id: row.id, reason: input.reason },
      readings: [],
      disagree: false,
    });
  }

  /** Newest first, corrections included. */
  async ofChild(childId: string): Promise<Result<Measurement[]>> {
    const { db } = this.#o;
    if (!(await getChild(db, childId))) return fail('not_found', 'no such child', 'child_id');
    const stored = await listMeasurementsOfChild(db, childId);
    return { ok: true, value: stored.map(measurementView) };
  }

  async get(id: string): Promise<Result<Measurement>> {
    const stored = await getMeasurement(this.#o.db, id);
    return stored ? { ok: true, value: measurementView(stored) } : fail('not_found', 'no such measurement');
  }

  /** Children measured today at this posyandu (local date of the effective clock), newest first. */
  async today(): Promise<Result<TodayEntry[]>> {
    const { db } = this.#o;
    const today = localDate(this.#o.clock.now());
    const stored = await measurementsOnDay(db, this.#o.posyanduId, today);
    const entries: TodayEntry[] = [];
    for (const measurement of stored) {
      const child = await getChild(db, measurement.row.child_id);
      if (child) entries.push({ child, measurement: measurementView(measurement) });
    }
    return { ok: true, value: entries };
  }
}
