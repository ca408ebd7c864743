// The implementation of GatewayServices (services.ts): children, measuring sessions on mats, the durable
// commit (measurement + readings + outbox message in one transaction, before anyone hears "saved"), the clock.

import { randomUUID } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import {
  applyCalibration,
  type CalibrationProfile,
  calibrationValidity,
  checkReference,
  type ReferenceCheck,
} from '../../calibration/index.ts';
import { type Clock, localDate } from '../clock/clock.ts';
import { ageInDays } from '../growth/index.ts';
import type { CalibratedSample, MatConnection } from '../ingest/mat-connection.ts';
import { newId } from '../log/ids.ts';
import type { Logger } from '../log/logger.ts';
import {
  assembleMeasurement,
  defaultPosition,
  MAX_AGE_DAYS,
  measurementView,
  savedView,
  TOO_OLD_MESSAGE,
} from '../measure/assemble.ts';
import { type LockedReading, MeasuringSession } from '../measure/measuring-session.ts';
import type { ChildMessage, MeasurementMessage } from '../publish/payloads.ts';
import type { PosyanduTopics } from '../publish/topics.ts';
import { LockDetector } from '../stabilise/lock-detector.ts';
import { CalibrationStore } from '../store/calibration-files.ts';
import {
  findChildByNik,
  findSameChild,
  getChild,
  insertChild,
  listChildren,
  searchChildren,
} from '../store/children.ts';
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
  type CalibrationCheckResult,
  type Child,
  type ClockStatus,
  calibrationCheckInput,
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
  type SessionWarning,
  sameChildQuery,
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
  /**
   * Where `tikar calibrate` keeps profiles and reference checks. Default: `calibration/` next to the database
   * (`./data/calibration` with the default `--db`); null, or an in-memory database: none.
   */
  calibrationStore?: CalibrationStore | null;
  /** A `start` unacknowledged this long: the screen says the mat does not answer. Default 3000 ms. */
  startAckTimeoutMs?: number;
  /** A reference-rod check waits this long for a stable reading. Default 30,000 ms. */
  checkTimeoutMs?: number;
  /** A session no screen has shown for this long has no screen (anyone may take it over). Default 15 s. */
  screenTimeoutMs?: number;
  /** A session without a screen and without movement on the mat for this long ends by itself. Default 2 min. */
  sessionIdleEndMs?: number;
}

/** Defaults of the idle rules (docs/screens.md, "A session without a screen"). */
export const SCREEN_TIMEOUT_MS = 15_000;
export const SESSION_IDLE_END_MS = 120_000;

/** Who is about to lie on a mat, for a simulated mat that lays a matching baby (never on the wire). */
export interface ChildOnMat {
  matId: string;
  sex: 1 | 2;
  ageDays: number;
  position: Position;
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
  /** Fires when the last `start` goes unacknowledged too long. */
  startAckTimer: NodeJS.Timeout | undefined;
  /** A reference-rod check is reading the mat. */
  checking: boolean;
  /** The calibration id the mat last said (hello) or was told it runs with. */
  matCalibrationId: string | null;
}

export class GatewayServicesImpl implements GatewayServices {
  readonly posyanduId: string;
  readonly villageId: string;
  readonly #o: GatewayServicesOptions;
  readonly #bus: EventBus;
  readonly #mats = new Map<string, MatEntry>();
  readonly #sessions = new Map<string, MeasuringSession>();
  readonly #calibrationStore: CalibrationStore | null;
  #storeWatcher: FSWatcher | undefined;
  readonly #idleTimer: NodeJS.Timeout;
  #childOnMat: ((child: ChildOnMat) => void) | undefined;

  constructor(options: GatewayServicesOptions) {
    this.#o = options;
    this.#calibrationStore =
      options.calibrationStore !== undefined
        ? options.calibrationStore
        : options.db.path === ':memory:'
          ? null
          : new CalibrationStore(join(dirname(options.db.path), 'calibration'));
    this.posyanduId = options.posyanduId;
    this.villageId = options.villageId;
    this.#bus = new EventBus(options.log);
    options.clock.onChange((status) => this.#bus.emit('clock', status));
    const screenTimeoutMs = options.screenTimeoutMs ?? SCREEN_TIMEOUT_MS;
    this.#idleTimer = setInterval(() => this.#checkIdle(), Math.min(1000, screenTimeoutMs / 4));
    this.#idleTimer.unref();
  }

  /** The composition root's hook for an in-process simulated mat: told the child of each new session. */
  onChildOnMat(listener: (child: ChildOnMat) => void): void {
    this.#childOnMat = listener;
  }

  /** Sessions whose screen went away become takeable; left alone with a still mat, they end. */
  #checkIdle(): void {
    const nowMs = Date.now();
    const screenTimeoutMs = this.#o.screenTimeoutMs ?? SCREEN_TIMEOUT_MS;
    const idleEndMs = this.#o.sessionIdleEndMs ?? SESSION_IDLE_END_MS;
    for (const entry of this.#mats.values()) {
      const session = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
      if (!session) continue;
      const verdict = session.idleCheck(nowMs, screenTimeoutMs, idleEndMs);
      if (verdict === 'none') continue;
      if (verdict === 'end') {
        session.cancel('idle');
        this.#release(session);
        this.#o.log.info({ session: session.id, mat: session.options.matId }, 'idle session ended');
      } else {
        this.#o.log.info({ session: session.id }, 'session has no screen');
      }
      this.#bus.emit('session', this.#stateOf(session));
      this.#bus.emit('mat', this.#matStatus(entry));
    }
  }

  /** Reads what the clock check needs from the store. Call once before use. */
  async init(): Promise<void> {
    this.#o.clock.setNewestStored(await newestCreatedAt(this.#o.db));
    this.#watchCalibrationStore();
  }

  /** Stops watching the calibration store and the pending start timers. */
  close(): void {
    clearInterval(this.#idleTimer);
    this.#storeWatcher?.close();
    this.#storeWatcher = undefined;
    for (const entry of this.#mats.values()) clearTimeout(entry.startAckTimer);
  }

  /** `tikar calibrate` (or a check from here) writing the store updates the mats' status at once. */
  #watchCalibrationStore(): void {
    const store = this.#calibrationStore;
    if (!store || this.#storeWatcher) return;
    try {
      this.#storeWatcher = watch(store.dir, { persistent: false }, (_event, filename) => {
        for (const entry of new Set(this.#mats.values())) {
          if (filename === null || filename === `${entry.mat.deviceId}.json`) {
            void this.#refreshCalibration(entry);
          }
        }
      });
      this.#storeWatcher.on('error', () => this.#storeWatcher?.close());
    } catch {
      // No directory yet: the store is read again at every hello, session start and save.
    }
  }

  /** Reads the mat's record from the calibration store (profiles, failed checks); emits the status on change. */
  async #refreshCalibration(entry: MatEntry): Promise<void> {
    const store = this.#calibrationStore;
    const deviceId = entry.mat.deviceId;
    if (!store || deviceId === null) return;
    let record: Awaited<ReturnType<CalibrationStore['load']>>;
    try {
      record = await store.load(deviceId);
    } catch (error) {
      // A damaged file must not stop the posyandu; the last state read stays in force.
      this.#o.log.error({ mat: deviceId, err: (error as Error).message }, 'calibration store unreadable');
      return;
    }
    const before = calibrationKey(entry.mat);
    entry.mat.useCalibrationRecord(record);
    if (calibrationKey(entry.mat) === before) return;
    const blocking = entry.mat.blockingCheck;
    if (blocking)
      this.#o.log.warn({ mat: deviceId, error: blocking.error }, 'mat blocked: reference check failed');
    this.#tellMatCalibration(entry);
    this.#bus.emit('mat', this.#matStatus(entry));
  }

  /** The protocol's `calibration` command: the mat shows which calibration the gateway applies. */
  #tellMatCalibration(entry: MatEntry): void {
    const id = entry.mat.calibration('length').profile?.id;
    if (id === undefined || id === entry.matCalibrationId) return;
    if (entry.mat.command('calibration', { calibration_id: id }) !== null) entry.matCalibrationId = id;
  }

  /** A mat whose reference check failed: a refusal in plain Indonesian and English. */
  #blockedRefusal(entry: MatEntry): Fail | undefined {
    const check = entry.mat.blockingCheck;
    if (!check) return undefined;
    const message = blockedMessage(check);
    return fail('mat_unavailable', `${message.en} / ${message.id}`, 'mat_id');
  }

  /** Warnings every session on this mat carries (an expired calibration warns, it does not refuse). */
  #calibrationWarnings(mat: MatConnection): SessionWarning[] {
    const profile = mat.calibration('length').profile;
    if (!profile) return [];
    const validity = calibrationValidity(profile, this.#o.clock.now());
    return validity.state === 'expired' ? [expiredWarning(profile, validity.message)] : [];
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
        return fail('invalid_input', `birth_date: ${TOO_OLD_MESSAGE}`, 'birth_date');
      }
      if (value.nik !== undefined && (await findChildByNik(this.#o.db, value.nik))) {
        return fail('conflict', 'nik: a child with this NIK is already registered', 'nik');
      }
      if (!value.confirm_duplicate && (await findSameChild(this.#o.db, value)).length > 0) {
        return fail(
          'conflict',
          'confirm_duplicate: a child with this name, birth date and mother is already registered',
          'confirm_duplicate',
        );
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
      subject_id: child.id,
      topic: this.#o.topics.children,
      payload: JSON.stringify(message),
      child_id: child.id,
      created_at: now,
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

  findSameChild(input: unknown): Promise<Result<Child[]>> {
    return this.#guard(async () => {
      const parsed = parse(sameChildQuery, input);
      if (!parsed.ok) return parsed;
      return { ok: true, value: await findSameChild(this.#o.db, parsed.value) };
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

  listChildren(limit?: number): Promise<Result<Child[]>> {
    return this.#guard(async () => ({ ok: true, value: await listChildren(this.#o.db, limit) }));
  }

  // ------------------------------------------------------------------------------------------ mats

  /** Called by the composition root for every mat link. */
  addMat(mat: MatConnection): void {
    const entry: MatEntry = {
      mat,
      busySessionId: null,
      lastStartMs: 0,
      lastLiveMs: { length: 0, weight: 0 },
      startAckTimer: undefined,
      checking: false,
      matCalibrationId: null,
    };
    let key: string | null = null;
    const register = () => {
      const id = mat.deviceId;
      if (id === null || key === id) return;
      if (key !== null) this.#mats.delete(key);
      key = id;
      this.#mats.set(id, entry);
    };
    mat.on('hello', (hello) => {
      register();
      entry.matCalibrationId = hello.calibrationId;
      this.#bus.emit('mat', this.#matStatus(entry));
      void this.#refreshCalibration(entry).then(() => this.#tellMatCalibration(entry));
    });
    mat.on('ack', (ack) => {
      const session = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
      if (!session?.onAck(ack)) return;
      if (!session.awaitingStart()) {
        clearTimeout(entry.startAckTimer);
        entry.startAckTimer = undefined;
      }
      this.#bus.emit('session', session.state(mat.connected));
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
      if (session && update && update.kind !== 'none') {
        const moving = session.state(mat.connected)[sample.channel]?.moving ?? false;
        if (moving || update.kind === 'locked') session.activity(nowMs);
      }
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

  /** Asks the mat for a reading; the session ignores samples until the mat acknowledges this very command. */
  #sendStart(entry: MatEntry): void {
    entry.lastStartMs = Date.now();
    const session = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
    const seq = entry.mat.nextCommandSeq;
    // Awaited before it is written: a mat on a fast link may answer within the write.
    if (session?.isOpen) session.startSent(seq);
    entry.mat.command('start', {});
    clearTimeout(entry.startAckTimer);
    entry.startAckTimer = undefined;
    if (session?.isOpen) this.#awaitStartAck(entry, session, seq, Date.now(), 1);
  }

  /**
   * No ack in time: the same line again (the mat acknowledges a repeated seq without a second reading), until
   * the session ends. The screen says the mat does not answer when it has been silent since the command, or
   * after three unanswered tries (a lost ack among corrupted lines is normal; a mute one is not).
   */
  #awaitStartAck(entry: MatEntry, session: MeasuringSession, seq: number, sentAtMs: number, tries: number) {
    entry.startAckTimer = setTimeout(() => {
      entry.startAckTimer = undefined;
      if (!session.isOpen || !session.awaitingStart(seq)) return;
      const silent = (entry.mat.lastFrameAtMs ?? 0) < sentAtMs;
      if ((silent || tries >= 3) && session.startUnanswered()) {
        this.#o.log.warn({ mat: session.options.matId, seq, tries }, 'the mat does not acknowledge start');
        this.#bus.emit('session', this.#stateOf(session));
      }
      entry.mat.repeatCommand(seq);
      this.#awaitStartAck(entry, session, seq, Date.now(), tries + 1);
    }, this.#o.startAckTimeoutMs ?? 3000);
  }

  #matStatus(entry: MatEntry): MatStatus {
    const { mat } = entry;
    const length = mat.calibration('length');
    const lastFrame = mat.lastFrameAtMs;
    const blocking = mat.blockingCheck;
    const expired = length.profile ? calibrationValidity(length.profile, this.#o.clock.now()) : null;
    const downSince = mat.disconnectedSinceMs;
    return {
      mat_id: mat.deviceId ?? '',
      connected: mat.connected,
      port: mat.portName,
      calibration: blocking ? 'check_failed' : length.state,
      calibration_id: length.profile?.id ?? null,
      calibration_message: blocking
        ? blockedMessage(blocking)
        : length.profile && expired?.state === 'expired'
          ? pick(expiredWarning(length.profile, expired.message))
          : null,
      has_scale: mat.sensors.includes('weight'),
      last_frame_at: lastFrame === null ? null : new Date(lastFrame).toISOString(),
      frames_ok: mat.counters.framesOk,
      frames_corrupt: mat.counters.framesCorrupt,
      frames_missing: mat.counters.framesMissing,
      busy_session_id: entry.busySessionId,
      busy_has_screen: busyHasScreen(
        entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined,
      ),
      disconnected_since: mat.connected || downSince === null ? null : new Date(downSince).toISOString(),
      last_gap_ms: mat.lastGapMs,
      frames_foreign: mat.counters.framesForeign,
      foreign_device_id: mat.foreignDeviceId,
    };
  }

  listMats(): MatStatus[] {
    return [...this.#mats.values()].map((entry) => this.#matStatus(entry));
  }

  checkCalibration(matId: unknown, input: unknown): Promise<Result<CalibrationCheckResult>> {
    return this.#guard(async () => {
      const checkedId = idArgument(matId, 'mat_id');
      if (!checkedId.ok) return checkedId;
      const parsed = parse(calibrationCheckInput, input);
      if (!parsed.ok) return parsed;
      const entry = this.#mats.get(checkedId.value);
      if (!entry) return fail('not_found', 'no such mat', 'mat_id');
      const store = this.#calibrationStore;
      if (!store) return fail('internal', 'this gateway keeps no calibration store (in-memory database)');
      const { mat } = entry;
      if (!mat.connected) return fail('mat_unavailable', 'the mat is not connected', 'mat_id');
      const busy = entry.busySessionId ? this.#sessions.get(entry.busySessionId) : undefined;
      if (entry.checking || busy?.isOpen) {
        return fail('mat_unavailable', 'the mat is busy: finish or cancel its session first', 'mat_id');
      }
      await this.#refreshCalibration(entry);
      const profile = mat.calibration('length').profile;
      if (!profile) return fail('mat_unavailable', 'the mat is not calibrated (tikar calibrate)', 'mat_id');
      entry.checking = true;
      try {
        const counts = await this.#stableCounts(mat, profile);
        if (!counts) {
          const seconds = Math.round((this.#o.checkTimeoutMs ?? 30_000) / 1000);
          return fail(
            'mat_unavailable',
            `no stable reading within ${seconds} s: put the rod on the mat, push the foot board against it, hold it still and check again`,
            'mat_id',
          );
        }
        const check = checkReference(profile, parsed.value.reference_mm, counts, this.#o.clock.now());
        await store.recordCheck(check);
        this.#watchCalibrationStore(); // the directory may have just been created
        await this.#refreshCalibration(entry);
        this.#o.log.info(
          { mat: check.deviceId, error: check.error, passed: check.passed },
          'reference check',
        );
        return {
          ok: true,
          value: {
            mat_id: check.deviceId,
            channel: 'length',
            calibration_id: check.calibrationId,
            reference_mm: check.reference,
            measured_mm: Math.round(check.measured * 10) / 10,
            error_mm: Math.round(check.error * 10) / 10,
            tolerance_mm: check.tolerance,
            passed: check.passed,
            checked_at: check.checkedAt,
            message: check.passed ? passedMessage(check) : blockedMessage(check),
            mat: this.#matStatus(entry),
          },
        };
      } finally {
        entry.checking = false;
      }
    });
  }

  /**
   * Raw length counts of the rod once the reading is stable (the sessions' lock rule: 2 mm over 1.5 s,
   * outliers dropped), or null after the timeout. Counts are converted here, not by the ingest range check,
   * so a mat reading far off still gives its (failing) value.
   */
  #stableCounts(mat: MatConnection, profile: CalibrationProfile): Promise<number[] | null> {
    const bandMm = 2;
    const windowMs = 1500;
    const detector = new LockDetector({ bandWidth: bandMm, windowMs });
    const recent: { tMs: number; mm: number; counts: number }[] = [];
    return new Promise((resolve) => {
      const finish = (counts: number[] | null) => {
        clearTimeout(timer);
        mat.off('sample', onSample);
        resolve(counts);
      };
      const onSample = (sample: CalibratedSample) => {
        if (sample.channel !== 'length') return;
        const mm = applyCalibration(profile, sample.counts);
        recent.push({ tMs: sample.tMs, mm, counts: sample.counts });
        while ((recent[0]?.tMs ?? sample.tMs) < sample.tMs - windowMs) recent.shift();
        const update = detector.push(mm, sample.tMs);
        if (update.kind !== 'lock') return;
        finish(recent.filter((r) => Math.abs(r.mm - update.value) <= bandMm).map((r) => r.counts));
      };
      const timer = setTimeout(() => finish(null), this.#o.checkTimeoutMs ?? 30_000);
      mat.on('sample', onSample);
    });
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
      if (ageDays > MAX_AGE_DAYS) return fail('invalid_input', TOO_OLD_MESSAGE, 'child_id');
      const entry = this.#pickMat(parsed.value.mat_id);
      if (!entry.ok) return entry;
      const { mat } = entry.value;
      if (!mat.connected) return fail('mat_unavailable', 'the mat is not connected', 'mat_id');
      await this.#refreshCalibration(entry.value);
      const blocked = this.#blockedRefusal(entry.value);
      if (blocked) return blocked;
      const lengthProfile = mat.calibration('length').profile;
      if (!lengthProfile) {
        return fail('mat_unavailable', 'the mat is not calibrated (tikar calibrate)', 'mat_id');
      }
      const busy = entry.value.busySessionId ? this.#sessions.get(entry.value.busySessionId) : undefined;
      if (busy?.isOpen) return fail('mat_unavailable', 'the mat is busy with another session', 'mat_id');
      if (entry.value.checking) {
        return fail('mat_unavailable', 'the mat is busy with a reference-rod check', 'mat_id');
      }
      const position: Position = parsed.value.position ?? defaultPosition(ageDays);
      const session = new MeasuringSession({
        sessionId: newId(),
        childId: child.id,
        matId: mat.deviceId ?? '',
        position,
        hasScale: mat.sensors.includes('weight') && mat.calibration('weight').state !== 'uncalibrated',
        startedAt: this.#nowIso(),
        calibrationId: lengthProfile.id,
        warnings: this.#calibrationWarnings(mat),
      });
      this.#sessions.set(session.id, session);
      this.#pruneSessions();
      this.#childOnMat?.({ matId: session.options.matId, sex: child.sex, ageDays, position });
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
    this.#kaderActed(found.value);
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
    this.#kaderActed(session);
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

  sessionScreen(sessionId: unknown): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    const regained = session.isOpen && session.screenSeen(this.#nowIso(), Date.now());
    const state = this.#stateOf(session);
    if (regained) {
      this.#bus.emit('session', state);
      const entry = this.#entryOf(session);
      if (entry) this.#bus.emit('mat', this.#matStatus(entry));
    }
    return { ok: true, value: state };
  }

  /** An action from a screen: the session is in use and has a screen. */
  #kaderActed(session: MeasuringSession): void {
    const nowMs = Date.now();
    session.activity(nowMs);
    session.screenSeen(this.#nowIso(), nowMs);
  }

  #release(session: MeasuringSession): void {
    const entry = this.#entryOf(session);
    if (entry && entry.busySessionId === session.id) {
      entry.busySessionId = null;
      clearTimeout(entry.startAckTimer);
      entry.startAckTimer = undefined;
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
      const entry = this.#entryOf(session);
      if (!entry?.mat.connected) {
        return fail('mat_unavailable', 'the mat is not connected: save once it is back', 'mat_id');
      }
      await this.#refreshCalibration(entry);
      const blocked = this.#blockedRefusal(entry);
      if (blocked) return blocked;
      // The readings were converted with the session's calibration: a recalibration since makes them stale.
      const calibrationId = session.options.calibrationId ?? null;
      if (calibrationId === null || entry.mat.calibration('length').profile?.id !== calibrationId) {
        return fail(
          'session_state',
          'the mat was recalibrated during this session: measure again',
          'session_id',
        );
      }
      const child = await getChild(this.#o.db, session.options.childId);
      if (!child) return fail('not_found', 'the child of this session no longer exists', 'child_id');
      // Checked again after the awaits and marked taken before the next one: a double click saves once.
      if (!session.isOpen) return fail('session_state', 'the session is already closed', 'session_id');
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
        warnings: session.options.warnings ?? [],
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
      entry.mat.command('beep', { duration_ms: 400, pattern: 'lock' });
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
    /** Added to the saved result's warnings (e.g. an expired calibration). */
    warnings?: SessionWarning[];
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
        subject_id: row.id,
        topic: this.#o.topics.measurements,
        payload: JSON.stringify(message),
        child_id: row.child_id,
        created_at: createdAt,
      });
    });
    this.#o.clock.setNewestStored(createdAt);
    this.#o.onOutbox?.();
    const stored = await getMeasurement(this.#o.db, row.id);
    if (!stored) return fail('internal', 'the saved measurement could not be read back');
    const previous = await previousMeasurement(this.#o.db, row.child_id, row.measured_at, row.id);
    const saved = savedView(stored, previous, parts.disagree);
    saved.warnings.push(...(parts.warnings ?? []));
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

function busyHasScreen(session: MeasuringSession | undefined): boolean | null {
  return session?.isOpen ? session.hasScreen : null;
}

/** Changes when the mat's length profile or its blocking check changes. */
function calibrationKey(mat: MatConnection): string {
  return `${mat.calibration('length').profile?.id ?? ''}|${mat.blockingCheck?.checkedAt ?? ''}`;
}

function formatValue(value: number, decimalComma: boolean): string {
  const text = Number.isFinite(value) ? value.toFixed(1) : '—';
  return decimalComma ? text.replace('.', ',') : text;
}

/** Why a mat is blocked, for the kader and the technician. */
function blockedMessage(check: ReferenceCheck): { id: string; en: string } {
  const unit = check.channel === 'length' ? 'mm' : 'g';
  const [idThing, enThing] = check.channel === 'length' ? ['batang', 'rod'] : ['beban', 'mass'];
  return {
    id:
      `Tikar ini gagal cek ${idThing} acuan: ${idThing} ${check.reference} ${unit} terbaca ` +
      `${formatValue(check.measured, true)} ${unit} (batas ±${check.tolerance} ${unit}). Hasil ukur dari tikar ini ` +
      'tidak disimpan sampai tikar dikalibrasi ulang.',
    en:
      `This mat failed its reference-${enThing} check: the ${check.reference} ${unit} ${enThing} read as ` +
      `${formatValue(check.measured, false)} ${unit} (allowed ±${check.tolerance} ${unit}). Measurements from this ` +
      'mat are not saved until it is recalibrated.',
  };
}

function passedMessage(check: ReferenceCheck): { id: string; en: string } {
  return {
    id: `Cek batang acuan lulus: ${check.reference} mm terbaca ${formatValue(check.measured, true)} mm. Tikar boleh dipakai.`,
    en: `Reference-rod check passed: ${check.reference} mm read as ${formatValue(check.measured, false)} mm. The mat can be used.`,
  };
}

function expiredWarning(profile: CalibrationProfile, en: string): SessionWarning {
  return {
    code: 'calibration_expired',
    id: `Kalibrasi tikar (${profile.id}) sudah kedaluwarsa sejak ${profile.expiresAt.slice(0, 10)}: hasil tetap disimpan, tetapi tikar perlu segera dikalibrasi ulang.`,
    en: `${en} Results are still saved, with this warning.`,
  };
}

function pick(warning: SessionWarning): { id: string; en: string } {
  return { id: warning.id, en: warning.en };
}

/** True when YYYY-MM-DD names a real day (no 2025-02-30). */
function isRealDate(iso: string): boolean {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}
