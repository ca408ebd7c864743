// The implementation of GatewayServices (services.ts): children, measuring sessions on mats, the durable
// commit (measurement + readings + outbox message in one transaction, before anyone hears "saved"), the clock.

import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type Clock, localDate } from '../clock/clock.ts';
import { ageInDays } from '../growth/index.ts';
import type { MatConnection } from '../ingest/mat-connection.ts';
import { newId } from '../log/ids.ts';
import type { Logger } from '../log/logger.ts';
import {
  assembleMeasurement,
  defaultPosition,
  MAX_AGE_DAYS,
  measurementView,
  savedView,
} from '../measure/assemble.ts';
import { type LockedReading, MeasuringSession } from '../measure/measuring-session.ts';
import type { ChildMessage, MeasurementMessage } from '../publish/payloads.ts';
import type { PosyanduTopics } from '../publish/topics.ts';
import { findChildByNik, getChild, insertChild, listChildren, searchChildren } from '../store/children.ts';
import type { Db, Sql } from '../store/db.ts';
import {
  getMeasurement,
  insertMeasurement,
  listMeasurementsOfChild,
  type MeasurementRow,
  measurementsOnDay,
  newestCreatedAt,
  previousMeasurement,
  type ReadingRow,
} from '../store/measurements.ts';
import { enqueue, outboxCounts } from '../store/outbox.ts';
import { EventBus } from './event-bus.ts';
import {
  type Child,
  type ClockStatus,
  correctionInput,
  type GatewayEventName,
  type GatewayEvents,
  type GatewayServices,
  type MatStatus,
  type Measurement,
  type MqttStatus,
  manualMeasurementInput,
  manualWeightInput,
  type Position,
  type Result,
  registerChildInput,
  type SavedMeasurement,
  type ServiceError,
  type SessionState,
  startSessionInput,
  type TodayEntry,
  type Unsubscribe,
} from './services.ts';

export interface GatewayServicesOptions {
  db: Db;
  clock: Clock;
  posyanduId: string;
  villageId: string;
  topics: PosyanduTopics;
  log: Logger;
  /** Called after every committed outbox message (wakes the relay). */
  onOutbox?: () => void;
  mqttStatus?: () => MqttStatus;
  /** Live values are sent at most this often per mat and channel. Default 100 ms (10 Hz). */
  liveIntervalMs?: number;
}

type Fail = { ok: false; error: ServiceError };

function fail(code: ServiceError['code'], message: string, field?: string): Fail {
  return { ok: false, error: { code, message, ...(field === undefined ? {} : { field }) } };
}

function parse<T>(schema: z.ZodType<T>, input: unknown): Result<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const first = issues[0] ?? { field: '(body)', message: 'invalid' };
  return {
    ok: false,
    error: { code: 'invalid_input', message: `${first.field}: ${first.message}`, field: first.field, issues },
  };
}

function idArgument(value: unknown, field: string): Result<string> {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    return fail('invalid_input', `${field} must be a non-empty string`, field);
  }
  return { ok: true, value };
}

interface MatEntry {
  mat: MatConnection;
  busySessionId: string | null;
  /** Wall time of the last `start` command (a repeat must not come too soon). */
  lastStartMs: number;
  lastLiveMs: Record<'length' | 'weight', number>;
}

export class GatewayServicesImpl implements GatewayServices {
  readonly posyanduId: string;
  readonly villageId: string;
  readonly #o: GatewayServicesOptions;
  readonly #bus: EventBus;
  readonly #mats = new Map<string, MatEntry>();
  readonly #sessions = new Map<string, MeasuringSession>();

  constructor(options: GatewayServicesOptions) {
    this.#o = options;
    this.posyanduId = options.posyanduId;
    this.villageId = options.villageId;
    this.#bus = new EventBus(options.log);
    options.clock.onChange((status) => this.#bus.emit('clock', status));
  }

  /** Reads what the clock check needs from the store. Call once before use. */
  async init(): Promise<void> {
    this.#o.clock.setNewestStored(await newestCreatedAt(this.#o.db));
  }

  on<K extends GatewayEventName>(event: K, listener: (payload: GatewayEvents[K]) => void): Unsubscribe {
    return this.#bus.on(event, listener);
  }

  emit<K extends GatewayEventName>(event: K, payload: GatewayEvents[K]): void {
    this.#bus.emit(event, payload);
  }

  #guard<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
    return work().catch((error: Error) => {
      this.#o.log.error({ err: error.message }, 'service failed');
      return fail('internal', 'internal error (see the gateway log)');
    });
  }

  #clockRefusal(): Fail | undefined {
    const status = this.#o.clock.status();
    return status.trusted ? undefined : fail('clock_untrusted', status.message.en);
  }

  #nowIso(): string {
    return this.#o.clock.now().toISOString();
  }

  // ------------------------------------------------------------------------------------------ children

  registerChild(input: unknown): Promise<Result<Child>> {
    return this.#guard(async () => {
      const parsed = parse(registerChildInput, input);
      if (!parsed.ok) return parsed;
      const value = parsed.value;
      const refusal = this.#clockRefusal();
      if (refusal) return refusal;
      const today = localDate(this.#o.clock.now());
      if (Number.isNaN(Date.parse(`${value.birth_date}T00:00:00Z`)) || !isRealDate(value.birth_date)) {
        return fail('invalid_input', 'birth_date: not a calendar date', 'birth_date');
      }
      if (value.birth_date > today)
        return fail('invalid_input', 'birth_date: is in the future', 'birth_date');
      if (ageInDays(value.birth_date, today) > MAX_AGE_DAYS) {
        return fail('invalid_input', 'birth_date: child is older than 60 months', 'birth_date');
      }
      if (value.nik !== undefined && (await findChildByNik(this.#o.db, value.nik))) {
        return fail('conflict', 'nik: a child with this NIK is already registered', 'nik');
      }
      const now = this.#nowIso();
      const child: Child = {
        id: newId(),
        pseudo_id: randomUUID(),
        name: value.name,
        sex: value.sex,
        birth_date: value.birth_date,
        nik: value.nik ?? null,
        mother_name: value.mother_name,
        posyandu_id: this.posyanduId,
        village_id: this.villageId,
        has_kia: value.has_kia ?? false,
        created_at: now,
        updated_at: now,
      };
      await this.#o.db.transaction(async (tx) => {
        await insertChild(tx, child);
        await this.#enqueueChild(tx, child, now);
      });
      this.#o.onOutbox?.();
      return { ok: true, value: child };
    });
  }

  async #enqueueChild(tx: Sql, child: Child, now: string): Promise<void> {
    const id = newId();
    const message: ChildMessage = { schema: 'tikar.child/1', id, backfilled: false, child };
    await enqueue(tx, {
      id,
      kind: 'child',
      subjectId: child.id,
      topic: this.#o.topics.children,
      payload: JSON.stringify(message),
      childId: child.id,
      createdAt: now,
    });
  }

  findChildren(query: unknown, limit = 20): Promise<Result<{ child: Child; score: number }[]>> {
    return this.#guard(async () => {
      if (typeof query !== 'string' || query.trim().length === 0 || query.length > 100) {
        return fail('invalid_input', 'query must be 1-100 characters', 'query');
      }
      const safeLimit = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 100) : 20;
      return { ok: true, value: await searchChildren(this.#o.db, query, safeLimit) };
    });
  }

  getChild(id: unknown): Promise<Result<Child>> {
    return this.#guard(async () => {
      const checked = idArgument(id, 'child_id');
      if (!checked.ok) return checked;
      const child = await getChild(this.#o.db, checked.value);
      return child ? { ok: true, value: child } : fail('not_found', 'no such child', 'child_id');
    });
  }

  listChildren(): Promise<Result<Child[]>> {
    return this.#guard(async () => ({ ok: true, value: await listChildren(this.#o.db) }));
  }

  // ------------------------------------------------------------------------------------------ mats

  /** Called by the composition root for every mat link. */
  addMat(mat: MatConnection): void {
    const entry: MatEntry = {
      mat,
      busySessionId: null,
      lastStartMs: 0,
      lastLiveMs: { length: 0, weight: 0 },
    };
    let key: string | null = null;
    const register = () => {
      const id = mat.deviceId;
      if (id === null || key === id) return;
      if (key !== null) this.#mats.delete(key);
      key = id;
      this.#mats.set(id, entry);
    };
    mat.on('hello', () => {
      register();
      this.#bus.emit('mat', this.#matStatus(entry));
    });
    mat.on('status', () => {
      register();
      if (key !== null) this.#bus.emit('mat', this.#matStatus(entry));
      const session = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
      if (session) this.#bus.emit('session', session.state(mat.connected));
    });
    // A mat that restarted, or missed our command, idles while a reading is wanted: ask again, but only
    // once it has had time to act on the last one (or we would take an extra reading).
    mat.on('heartbeat', (state) => {
      const session = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
      if (state !== 'idle' || !session?.isOpen || session.complete) return;
      if (Date.now() - entry.lastStartMs < 2000) return;
      this.#sendStart(entry);
    });
    mat.on('boardMoved', () => {
      const session = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
      session?.onBoardMoved();
    });
    mat.on('sample', (sample) => {
      register();
      const session = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
      const nowMs = Date.now();
      const live = nowMs - entry.lastLiveMs[sample.channel] >= (this.#o.liveIntervalMs ?? 100);
      const atIso = this.#nowIso();
      const update = session?.onSample(sample, atIso);
      if (live && sample.value !== null) {
        entry.lastLiveMs[sample.channel] = nowMs;
        // Moving/stable comes from the session's lock detector; with no session nothing is being measured.
        const channelState = session?.state(mat.connected)[sample.channel];
        this.#bus.emit('reading', {
          mat_id: mat.deviceId ?? '',
          session_id: session?.id ?? null,
          channel: sample.channel,
          value: Math.round(sample.value * 10) / 10,
          moving: channelState?.moving ?? false,
          at: atIso,
        });
      }
      if (!session || !update) return;
      if (update.kind === 'locked') this.#onLock(entry, session, update.reading, update.next);
      else if (live && update.kind === 'changed') this.#bus.emit('session', session.state(mat.connected));
    });
  }

  #onLock(
    entry: MatEntry,
    session: MeasuringSession,
    reading: LockedReading,
    next: 'another_reading' | 'complete',
  ) {
    const { rawCountsJson: _raw, ...view } = reading;
    entry.mat.command('beep', { duration_ms: 200, pattern: 'lock' });
    entry.mat.command('display', { text: `${(reading.value / 10).toFixed(1)} cm`.slice(0, 32) });
    this.#bus.emit('lock', { mat_id: session.options.matId, session_id: session.id, reading: view });
    if (next === 'another_reading') {
      // The next independent reading: the foot board goes away and comes back (protocol "start" again).
      this.#sendStart(entry);
      session.nextReadingRequested();
    }
    this.#bus.emit('session', session.state(entry.mat.connected));
  }

  #sendStart(entry: MatEntry): void {
    entry.lastStartMs = Date.now();
    entry.mat.command('start', {});
  }

  #matStatus(entry: MatEntry): MatStatus {
    const { mat } = entry;
    const length = mat.calibration('length');
    const lastFrame = mat.lastFrameAtMs;
    return {
      mat_id: mat.deviceId ?? '',
      connected: mat.connected,
      port: mat.portName,
      calibration: length.state,
      calibration_id: length.profile?.id ?? null,
      has_scale: mat.sensors.includes('weight'),
      last_frame_at: lastFrame === null ? null : new Date(lastFrame).toISOString(),
      frames_ok: mat.counters.framesOk,
      frames_corrupt: mat.counters.framesCorrupt,
      frames_missing: mat.counters.framesMissing,
      busy_session_id: entry.busySessionId,
    };
  }

  listMats(): MatStatus[] {
    return [...this.#mats.values()].map((entry) => this.#matStatus(entry));
  }

  // ------------------------------------------------------------------------------------------ sessions

  startSession(input: unknown): Promise<Result<SessionState>> {
    return this.#guard(async () => {
      const parsed = parse(startSessionInput, input);
      if (!parsed.ok) return parsed;
      const refusal = this.#clockRefusal();
      if (refusal) return refusal;
      const child = await getChild(this.#o.db, parsed.value.child_id);
      if (!child) return fail('not_found', 'no such child', 'child_id');
      const today = localDate(this.#o.clock.now());
      if (child.birth_date > today) return fail('invalid_input', 'birth_date: is in the future', 'child_id');
      const ageDays = ageInDays(child.birth_date, today);
      if (ageDays > MAX_AGE_DAYS) return fail('invalid_input', 'child is older than 60 months', 'child_id');
      const entry = this.#pickMat(parsed.value.mat_id);
      if (!entry.ok) return entry;
      const { mat } = entry.value;
      if (!mat.connected) return fail('mat_unavailable', 'the mat is not connected', 'mat_id');
      if (mat.calibration('length').state === 'uncalibrated') {
        return fail('mat_unavailable', 'the mat is not calibrated (tikar calibrate)', 'mat_id');
      }
      const busy = entry.value.busySessionId ? this.#sessions.get(entry.value.busySessionId) : undefined;
      if (busy?.isOpen) return fail('mat_unavailable', 'the mat is busy with another session', 'mat_id');
      const position: Position = parsed.value.position ?? defaultPosition(ageDays);
      const session = new MeasuringSession({
        sessionId: newId(),
        childId: child.id,
        matId: mat.deviceId ?? '',
        position,
        hasScale: mat.sensors.includes('weight') && mat.calibration('weight').state !== 'uncalibrated',
        startedAt: this.#nowIso(),
      });
      this.#sessions.set(session.id, session);
      this.#pruneSessions();
      entry.value.busySessionId = session.id;
      mat.command('stop', {}); // whatever was on the mat before is done
      this.#sendStart(entry.value);
      const state = session.state(mat.connected);
      this.#bus.emit('session', state);
      this.#bus.emit('mat', this.#matStatus(entry.value));
      return { ok: true, value: state };
    });
  }

  #pickMat(matId: string | undefined): Result<MatEntry> {
    if (matId !== undefined) {
      const entry = this.#mats.get(matId);
      return entry ? { ok: true, value: entry } : fail('not_found', 'no such mat', 'mat_id');
    }
    const entries = [...this.#mats.values()];
    const only = entries.length === 1 ? entries[0] : entries.find((e) => e.mat.connected && !e.busySessionId);
    return only
      ? { ok: true, value: only }
      : fail('mat_unavailable', 'no mat connected (or say which: mat_id)', 'mat_id');
  }

  /** Keep finished sessions a while for late readers, but not forever. */
  #pruneSessions(): void {
    if (this.#sessions.size <= 200) return;
    for (const [id, session] of this.#sessions) {
      if (!session.isOpen) this.#sessions.delete(id);
      if (this.#sessions.size <= 100) break;
    }
  }

  #session(sessionId: unknown): Result<MeasuringSession> {
    const checked = idArgument(sessionId, 'session_id');
    if (!checked.ok) return checked;
    const session = this.#sessions.get(checked.value);
    return session ? { ok: true, value: session } : fail('not_found', 'no such session', 'session_id');
  }

  #entryOf(session: MeasuringSession): MatEntry | undefined {
    return this.#mats.get(session.options.matId);
  }

  #stateOf(session: MeasuringSession): SessionState {
    return session.state(this.#entryOf(session)?.mat.connected ?? false);
  }

  getSession(sessionId: unknown): Result<SessionState> {
    const found = this.#session(sessionId);
    return found.ok ? { ok: true, value: this.#stateOf(found.value) } : found;
  }

  setManualWeight(sessionId: unknown, input: unknown): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const parsed = parse(manualWeightInput, input);
    if (!parsed.ok) return parsed;
    if (!found.value.isOpen) return fail('session_state', 'the session is closed', 'session_id');
    found.value.setManualWeight(parsed.value.weight_kg);
    const state = this.#stateOf(found.value);
    this.#bus.emit('session', state);
    return { ok: true, value: state };
  }

  restartReadings(sessionId: unknown): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    if (!session.isOpen) return fail('session_state', 'the session is closed', 'session_id');
    session.restart();
    const entry = this.#entryOf(session);
    if (entry) this.#sendStart(entry);
    const state = this.#stateOf(session);
    this.#bus.emit('session', state);
    return { ok: true, value: state };
  }

  cancelSession(sessionId: unknown): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    if (!session.isOpen) return fail('session_state', 'the session is closed', 'session_id');
    session.cancel();
    this.#release(session);
    const state = this.#stateOf(session);
    this.#bus.emit('session', state);
    return { ok: true, value: state };
  }

  #release(session: MeasuringSession): void {
    const entry = this.#entryOf(session);
    if (entry && entry.busySessionId === session.id) {
      entry.busySessionId = null;
      entry.mat.command('stop', {});
      this.#bus.emit('mat', this.#matStatus(entry));
    }
  }

  saveSession(sessionId: unknown): Promise<Result<SavedMeasurement>> {
    return this.#guard(async () => {
      const found = this.#session(sessionId);
      if (!found.ok) return found;
      const session = found.value;
      if (!session.isOpen) return fail('session_state', 'the session is already closed', 'session_id');
      const results = session.results();
      if (results.lengthMm === null) {
        return fail('session_state', 'the readings are not complete yet (WHO repeat rule)', 'session_id');
      }
      const refusal = this.#clockRefusal();
      if (refusal) return refusal;
      const child = await getChild(this.#o.db, session.options.childId);
      if (!child) return fail('not_found', 'the child of this session no longer exists', 'child_id');
      const entry = this.#entryOf(session);
      const calibrationId = entry?.mat.calibration('length').profile?.id ?? null;
      // Mark it taken before the await, so a double click cannot save the same session twice.
      const measurementId = newId();
      session.markSaved(measurementId);
      const saved = await this.#commit({
        id: measurementId,
        child,
        position: session.options.position,
        lenheiCm: results.lengthMm / 10,
        weightKg: results.weightKg,
        oedema: false,
        source: 'mat',
        deviceId: session.options.matId,
        calibrationId,
        supersedes: null,
        readings: results.readings,
        disagree: results.disagree,
      }).catch((error: Error) => {
        session.reopen();
        throw error;
      });
      if (!saved.ok) {
        session.reopen();
        return saved;
      }
      // Durable now: only now are the mat and the screens told.
      this.#release(session);
      entry?.mat.command('beep', { duration_ms: 400, pattern: 'lock' });
      this.#bus.emit('session', this.#stateOf(session));
      return saved;
    });
  }

  async #commit(parts: {
    id: string;
    child: Child;
    position: Position | undefined;
    lenheiCm: number | null;
    weightKg: number | null;
    oedema: boolean;
    source: 'mat' | 'manual';
    deviceId: string | null;
    calibrationId: string | null;
    supersedes: { id: string; reason: string } | null;
    readings: LockedReading[];
    disagree: boolean;
  }): Promise<Result<SavedMeasurement>> {
    const now = this.#o.clock.now();
    const createdAt = now.toISOString();
    const assembled = assembleMeasurement({
      ...parts,
      measuredAt: now,
      posyanduId: this.posyanduId,
      villageId: this.villageId,
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
    await this.#o.db.transaction(async (tx) => {
      await insertMeasurement(tx, row, readingRows);
      await enqueue(tx, {
        id: messageId,
        kind: 'measurement',
        subjectId: row.id,
        topic: this.#o.topics.measurements,
        payload: JSON.stringify(message),
        childId: row.child_id,
        createdAt,
      });
    });
    this.#o.clock.setNewestStored(createdAt);
    this.#o.onOutbox?.();
    const stored = await getMeasurement(this.#o.db, row.id);
    if (!stored) return fail('internal', 'the saved measurement could not be read back');
    const previous = await previousMeasurement(this.#o.db, row.child_id, row.measured_at, row.id);
    const saved = savedView(stored, previous, parts.disagree);
    this.#bus.emit('saved', saved);
    return { ok: true, value: saved };
  }

  saveManualMeasurement(input: unknown): Promise<Result<SavedMeasurement>> {
    return this.#guard(async () => {
      const parsed = parse(manualMeasurementInput, input);
      if (!parsed.ok) return parsed;
      const value = parsed.value;
      if (value.lenhei_cm === undefined && value.weight_kg === undefined) {
        return fail('invalid_input', 'lenhei_cm or weight_kg is required', 'lenhei_cm');
      }
      const refusal = this.#clockRefusal();
      if (refusal) return refusal;
      const child = await getChild(this.#o.db, value.child_id);
      if (!child) return fail('not_found', 'no such child', 'child_id');
      return this.#commit({
        id: newId(),
        child,
        position: value.position,
        lenheiCm: value.lenhei_cm ?? null,
        weightKg: value.weight_kg ?? null,
        oedema: value.oedema ?? false,
        source: 'manual',
        deviceId: null,
        calibrationId: null,
        supersedes: null,
        readings: [],
        disagree: false,
      });
    });
  }

  // ------------------------------------------------------------------------------------------ measurements

  listMeasurements(childId: unknown): Promise<Result<Measurement[]>> {
    return this.#guard(async () => {
      const checked = idArgument(childId, 'child_id');
      if (!checked.ok) return checked;
      if (!(await getChild(this.#o.db, checked.value))) return fail('not_found', 'no such child', 'child_id');
      const stored = await listMeasurementsOfChild(this.#o.db, checked.value);
      return { ok: true, value: stored.map(measurementView) };
    });
  }

  getMeasurement(id: unknown): Promise<Result<Measurement>> {
    return this.#guard(async () => {
      const checked = idArgument(id, 'measurement_id');
      if (!checked.ok) return checked;
      const stored = await getMeasurement(this.#o.db, checked.value);
      return stored ? { ok: true, value: measurementView(stored) } : fail('not_found', 'no such measurement');
    });
  }

  correctMeasurement(id: unknown, input: unknown): Promise<Result<SavedMeasurement>> {
    return this.#guard(async () => {
      const checked = idArgument(id, 'measurement_id');
      if (!checked.ok) return checked;
      const parsed = parse(correctionInput, input);
      if (!parsed.ok) return parsed;
      const original = await getMeasurement(this.#o.db, checked.value);
      if (!original) return fail('not_found', 'no such measurement', 'measurement_id');
      if (original.supersededBy)
        return fail('conflict', 'this measurement was already corrected', 'measurement_id');
      const refusal = this.#clockRefusal();
      if (refusal) return refusal;
      const child = await getChild(this.#o.db, original.row.child_id);
      if (!child) return fail('not_found', 'the child of this measurement no longer exists');
      const row: MeasurementRow = original.row;
      const value = parsed.value;
      return this.#commit({
        id: newId(),
        child,
        position: value.position ?? row.position,
        lenheiCm: value.lenhei_cm ?? row.lenhei_cm,
        weightKg: value.weight_kg ?? row.weight_kg,
        oedema: value.oedema ?? row.oedema === 1,
        source: 'manual',
        deviceId: row.device_id,
        calibrationId: row.calibration_id,
        supersedes: { id: row.id, reason: value.reason },
        readings: [],
        disagree: false,
      });
    });
  }

  todayList(): Promise<Result<TodayEntry[]>> {
    return this.#guard(async () => {
      const today = localDate(this.#o.clock.now());
      const stored = await measurementsOnDay(this.#o.db, this.posyanduId, today);
      const entries: TodayEntry[] = [];
      for (const measurement of stored) {
        const child = await getChild(this.#o.db, measurement.row.child_id);
        if (child) entries.push({ child, measurement: measurementView(measurement) });
      }
      return { ok: true, value: entries };
    });
  }

  // ------------------------------------------------------------------------------------------ clock, link

  clockStatus(): ClockStatus {
    return this.#o.clock.status();
  }

  reportPhoneTime(iso: unknown): Result<ClockStatus> {
    const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
    if (Number.isNaN(ms)) return fail('invalid_input', 'time must be an ISO 8601 date-time', 'time');
    return { ok: true, value: this.#o.clock.observePhoneTime(ms) };
  }

  confirmPhoneTime(iso: unknown): Result<ClockStatus> {
    const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
    if (Number.isNaN(ms)) return fail('invalid_input', 'time must be an ISO 8601 date-time', 'time');
    const confirmed = this.#o.clock.confirmPhoneTime(ms);
    return confirmed.ok
      ? { ok: true, value: confirmed.status }
      : fail('invalid_input', confirmed.message, 'time');
  }

  mqttStatus(): MqttStatus {
    return this.#o.mqttStatus?.() ?? { connected: false, url: '', outbox_pending: 0, outbox_unreceipted: 0 };
  }

  /** Outbox figures for the status screen and the mqtt event. */
  async outboxCounts(): Promise<{ pending: number; unreceipted: number }> {
    return outboxCounts(this.#o.db);
  }
}

/** True when YYYY-MM-DD names a real day (no 2025-02-30). */
function isRealDate(iso: string): boolean {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}
