// Measuring sessions on the mats: start (child, mat, position, calibration), the kader's actions (manual
// weight, measure again, cancel, "a screen shows it"), the idle rule, and the save, which hands the readings
// to the recorder and only then tells the mat and the screens. Inputs arrive parsed (gateway/model/inputs.ts).

import { type Clock, localDate } from '../clock/clock.ts';
import { ageInDays } from '../growth/index.ts';
import { newId } from '../log/ids.ts';
import type { Logger } from '../log/logger.ts';
import {
  type Emit,
  fail,
  type Position,
  type Result,
  type SavedMeasurement,
  type SessionState,
  type SessionWarning,
  type StartSessionInput,
  untrustedClock,
} from '../model/index.ts';
import { getChild } from '../store/children.ts';
import type { Db } from '../store/db.ts';
import { defaultPosition, MAX_AGE_DAYS, type MeasurementParts, TOO_OLD_MESSAGE } from './assemble.ts';
import type { MatSupervisor } from './mat-supervisor.ts';
import { type LockedReading, MeasuringSession } from './measuring-session.ts';

/** Defaults of the idle rules (docs/screens.md, "A session without a screen"). */
const SCREEN_TIMEOUT_MS = 15_000;
const SESSION_IDLE_END_MS = 120_000;

/** A measurement to commit with its readings and outbox message (the recorder, publish/recorder.ts). */
export interface NewMeasurement
  extends Omit<
    MeasurementParts,
    'measuredAt' | 'posyanduId' | 'villageId' | 'createdAt' | 'source' | 'headcCm'
  > {
  source: 'mat' | 'manual';
  readings: LockedReading[];
  disagree: boolean;
  /** Added to the saved result's warnings (e.g. an expired calibration). */
  warnings?: SessionWarning[];
}

/** Commits a measurement durably and tells the screens; resolves once it is on disk. */
export type RecordMeasurement = (measurement: NewMeasurement) => Promise<Result<SavedMeasurement>>;

/** Who is about to lie on a mat, for a simulated mat that lays a matching baby (never on the wire). */
export interface ChildOnMat {
  matId: string;
  sex: 1 | 2;
  ageDays: number;
  position: Position;
}

export interface SessionServiceOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  emit: Emit;
  mats: MatSupervisor;
  record: RecordMeasurement;
  /** A session no screen has shown for this long has no screen (anyone may take it over). Default 15 s. */
  screenTimeoutMs?: number;
  /** A session without a screen and without movement on the mat for this long ends by itself. Default 2 min. */
  sessionIdleEndMs?: number;
}

export class SessionService {
  readonly #o: SessionServiceOptions;
  readonly #sessions = new Map<string, MeasuringSession>();
  readonly #idleTimer: NodeJS.Timeout;
  #childOnMat: ((child: ChildOnMat) => void) | undefined;

  constructor(options: SessionServiceOptions) {
    this.#o = options;
    const screenTimeoutMs = options.screenTimeoutMs ?? SCREEN_TIMEOUT_MS;
    this.#idleTimer = setInterval(() => this.#checkIdle(), Math.min(1000, screenTimeoutMs / 4));
    this.#idleTimer.unref();
  }

  /** The composition root's hook for an in-process simulated mat: told the child of each new session. */
  onChildOnMat(listener: (child: ChildOnMat) => void): void {
    this.#childOnMat = listener;
  }

  close(): void {
    clearInterval(this.#idleTimer);
  }

  /** Sessions whose screen went away become takeable; left alone with a still mat, they end. */
  #checkIdle(): void {
    const nowMs = Date.now();
    const screenTimeoutMs = this.#o.screenTimeoutMs ?? SCREEN_TIMEOUT_MS;
    const idleEndMs = this.#o.sessionIdleEndMs ?? SESSION_IDLE_END_MS;
    for (const entry of this.#o.mats.entries()) {
      const session = entry.busy;
      if (!session) continue;
      const verdict = session.idleCheck(nowMs, screenTimeoutMs, idleEndMs);
      if (verdict === 'none') continue;
      if (verdict === 'end') {
        session.cancel('idle');
        this.#o.mats.release(session);
        this.#o.log.info({ session: session.id, mat: session.options.matId }, 'idle session ended');
      } else {
        this.#o.log.info({ session: session.id }, 'session has no screen');
      }
      this.#o.emit('session', this.#stateOf(session));
      this.#o.emit('mat', this.#o.mats.status(entry));
    }
  }

  async start(input: StartSessionInput): Promise<Result<SessionState>> {
    const { mats, clock } = this.#o;
    const refusal = untrustedClock(this.#o.clock);
    if (refusal) return refusal;
    const child = await getChild(this.#o.db, input.child_id);
    if (!child) return fail('not_found', 'no such child', 'child_id');
    const today = localDate(clock.now());
    if (child.birth_date > today) return fail('invalid_input', 'birth_date: is in the future', 'child_id');
    const ageDays = ageInDays(child.birth_date, today);
    if (ageDays > MAX_AGE_DAYS) return fail('invalid_input', TOO_OLD_MESSAGE, 'child_id');
    const picked = mats.pick(input.mat_id);
    if (!picked.ok) return picked;
    const entry = picked.value;
    const { mat } = entry;
    if (!mat.connected) return fail('mat_unavailable', 'the mat is not connected', 'mat_id');
    await mats.refreshCalibration(entry);
    const blocked = mats.blockedRefusal(entry);
    if (blocked) return blocked;
    const lengthProfile = mat.calibration('length').profile;
    if (!lengthProfile) {
      return fail('mat_unavailable', 'the mat is not calibrated (tikar calibrate)', 'mat_id');
    }
    if (entry.busy?.isOpen) return fail('mat_unavailable', 'the mat is busy with another session', 'mat_id');
    if (entry.checking) {
      return fail('mat_unavailable', 'the mat is busy with a reference-rod check', 'mat_id');
    }
    const position: Position = input.position ?? defaultPosition(ageDays);
    const session = new MeasuringSession({
      sessionId: newId(),
      childId: child.id,
      matId: mat.deviceId ?? '',
      position,
      hasScale: mat.sensors.includes('weight') && mat.calibration('weight').state !== 'uncalibrated',
      startedAt: clock.now().toISOString(),
      calibrationId: lengthProfile.id,
      warnings: mats.calibrationWarnings(mat),
    });
    this.#sessions.set(session.id, session);
    this.#pruneSessions();
    this.#childOnMat?.({ matId: session.options.matId, sex: child.sex, ageDays, position });
    mats.occupy(entry, session);
    const state = session.state(mat.connected);
    this.#o.emit('session', state);
    this.#o.emit('mat', mats.status(entry));
    return { ok: true, value: state };
  }

  /** Keep finished sessions a while for late readers, but not forever. */
  #pruneSessions(): void {
    if (this.#sessions.size <= 200) return;
    for (const [id, session] of this.#sessions) {
      if (!session.isOpen) this.#sessions.delete(id);
      if (this.#sessions.size <= 100) break;
    }
  }

  #session(sessionId: string): Result<MeasuringSession> {
    const session = this.#sessions.get(sessionId);
    return session ? { ok: true, value: session } : fail('not_found', 'no such session', 'session_id');
  }

  #stateOf(session: MeasuringSession): SessionState {
    return session.state(this.#o.mats.of(session)?.mat.connected ?? false);
  }

  /** The session's state, then the same to the screens. */
  #told(session: MeasuringSession): Result<SessionState> {
    const state = this.#stateOf(session);
    this.#o.emit('session', state);
    return { ok: true, value: state };
  }

  get(sessionId: string): Result<SessionState> {
    const found = this.#session(sessionId);
    return found.ok ? { ok: true, value: this.#stateOf(found.value) } : found;
  }

  setManualWeight(sessionId: string, weightKg: number): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    if (!found.value.isOpen) return fail('session_state', 'the session is closed', 'session_id');
    this.#kaderActed(found.value);
    found.value.setManualWeight(weightKg);
    return this.#told(found.value);
  }

  restart(sessionId: string): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    if (!session.isOpen) return fail('session_state', 'the session is closed', 'session_id');
    this.#kaderActed(session);
    session.restart();
    const entry = this.#o.mats.of(session);
    if (entry) this.#o.mats.sendStart(entry);
    return this.#told(session);
  }

  cancel(sessionId: string): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    if (!session.isOpen) return fail('session_state', 'the session is closed', 'session_id');
    session.cancel();
    this.#o.mats.release(session);
    return this.#told(session);
  }

  screen(sessionId: string): Result<SessionState> {
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    const regained = session.isOpen && session.screenSeen(this.#o.clock.now().toISOString(), Date.now());
    const state = this.#stateOf(session);
    if (regained) {
      this.#o.emit('session', state);
      const entry = this.#o.mats.of(session);
      if (entry) this.#o.emit('mat', this.#o.mats.status(entry));
    }
    return { ok: true, value: state };
  }

  /** An action from a screen: the session is in use and has a screen. */
  #kaderActed(session: MeasuringSession): void {
    const nowMs = Date.now();
    session.activity(nowMs);
    session.screenSeen(this.#o.clock.now().toISOString(), nowMs);
  }

  async save(sessionId: string): Promise<Result<SavedMeasurement>> {
    const { mats } = this.#o;
    const found = this.#session(sessionId);
    if (!found.ok) return found;
    const session = found.value;
    if (!session.isOpen) return fail('session_state', 'the session is already closed', 'session_id');
    const results = session.results();
    if (results.lengthMm === null) {
      return fail('session_state', 'the readings are not complete yet (WHO repeat rule)', 'session_id');
    }
    const refusal = untrustedClock(this.#o.clock);
    if (refusal) return refusal;
    const entry = mats.of(session);
    if (!entry?.mat.connected) {
      return fail('mat_unavailable', 'the mat is not connected: save once it is back', 'mat_id');
    }
    await mats.refreshCalibration(entry);
    const blocked = mats.blockedRefusal(entry);
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
    const saved = await this.#o
      .record({
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
      })
      .catch((error: Error) => {
        session.reopen();
        throw error;
      });
    if (!saved.ok) {
      session.reopen();
      return saved;
    }
    // Durable now: only now are the mat and the screens told.
    mats.release(session);
    entry.mat.command('beep', { duration_ms: 400, pattern: 'lock' });
    this.#o.emit('session', this.#stateOf(session));
    return saved;
  }
}
