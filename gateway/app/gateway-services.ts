// The services the web layer calls (services.ts), as a thin facade: each request is parsed here, once, then
// handed to the part that owns it (children, measuring sessions and mats, measurements, the recorder). Work
// in flight is tracked so that close() waits for it before the database closes.

import { dirname, join } from 'node:path';
import type { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import type { MatConnection } from '../ingest/mat-connection.ts';
import type { Logger } from '../log/logger.ts';
import { MatSupervisor } from '../measure/mat-supervisor.ts';
import { type ChildOnMat, SessionService } from '../measure/session-service.ts';
import {
  type CalibrationCheckResult,
  type Child,
  type ChildIdentity,
  type ChildMatch,
  type ClockStatus,
  calibrationCheckInput,
  childCorrectionInput,
  correctionInput,
  fail,
  type GatewayEventName,
  type GatewayEvents,
  type MatStatus,
  type Measurement,
  type MqttStatus,
  manualMeasurementInput,
  manualWeightInput,
  parseId,
  parseInput,
  type Result,
  registerChildInput,
  type SavedMeasurement,
  type SessionState,
  sameChildQuery,
  startSessionInput,
  type TodayEntry,
  type Unsubscribe,
  untrustedClock,
} from '../model/index.ts';
import { Recorder } from '../publish/recorder.ts';
import type { PosyanduTopics } from '../publish/topics.ts';
import { CalibrationStore } from '../store/calibration-files.ts';
import type { Db } from '../store/db.ts';
import { newestCreatedAt } from '../store/measurements.ts';
import { outboxCounts } from '../store/outbox.ts';
import { childCorrections } from './child-corrections.ts';
import { Children } from './children.ts';
import { EventBus } from './event-bus.ts';
import { Measurements } from './measurements.ts';
import type { GatewayServices } from './services.ts';

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

export class GatewayServicesImpl implements GatewayServices {
  readonly posyanduId: string;
  readonly villageId: string;
  readonly #o: GatewayServicesOptions;
  readonly #bus: EventBus;
  readonly #mats: MatSupervisor;
  readonly #sessions: SessionService;
  readonly #children: Children;
  readonly #measurements: Measurements;
  /** Requests that may still touch the database. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: GatewayServicesOptions) {
    this.#o = options;
    this.posyanduId = options.posyanduId;
    this.villageId = options.villageId;
    const { db, clock, log } = options;
    const bus = new EventBus(log);
    this.#bus = bus;
    const emit = bus.emit.bind(bus);
    clock.onChange((status) => emit('clock', status));
    const calibrationStore =
      options.calibrationStore !== undefined
        ? options.calibrationStore
        : db.path === ':memory:'
          ? null
          : new CalibrationStore(join(dirname(db.path), 'calibration'));
    this.#mats = new MatSupervisor({
      clock,
      log,
      emit,
      calibrationStore,
      ...(options.liveIntervalMs === undefined ? {} : { liveIntervalMs: options.liveIntervalMs }),
      ...(options.startAckTimeoutMs === undefined ? {} : { startAckTimeoutMs: options.startAckTimeoutMs }),
      ...(options.checkTimeoutMs === undefined ? {} : { checkTimeoutMs: options.checkTimeoutMs }),
    });
    const recorder = new Recorder({
      db,
      clock,
      topics: options.topics,
      posyanduId: options.posyanduId,
      villageId: options.villageId,
      emit,
      ...(options.onOutbox === undefined ? {} : { onOutbox: options.onOutbox }),
    });
    this.#sessions = new SessionService({
      db,
      clock,
      log,
      emit,
      mats: this.#mats,
      record: recorder.measurement,
      ...(options.screenTimeoutMs === undefined ? {} : { screenTimeoutMs: options.screenTimeoutMs }),
      ...(options.sessionIdleEndMs === undefined ? {} : { sessionIdleEndMs: options.sessionIdleEndMs }),
    });
    const common = { db, clock, recorder, posyanduId: options.posyanduId };
    this.#children = new Children({ ...common, villageId: options.villageId });
    this.#measurements = new Measurements(common);
  }

  /** Reads what the clock check needs from the store. Call once before use. */
  async init(): Promise<void> {
    this.#o.clock.setNewestStored(await newestCreatedAt(this.#o.db));
    this.#mats.init();
  }

  /**
   * Stops the timers and the calibration watch and resolves once every request in flight has finished (a
   * save is committed whole or refused), so the database can close after it; later requests are refused.
   * Requests that in-flight work starts meanwhile (a screen's follow-up read) still run, and are waited for.
   */
  async close(): Promise<void> {
    this.#sessions.close();
    this.#mats.close();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    this.#closed = true;
  }

  /** Called by the composition root for every mat link. */
  addMat(mat: MatConnection): void {
    this.#mats.add(mat);
  }

  /** The composition root's hook for an in-process simulated mat: told the child of each new session. */
  onChildOnMat(listener: (child: ChildOnMat) => void): void {
    this.#sessions.onChildOnMat(listener);
  }

  on<K extends GatewayEventName>(event: K, listener: (payload: GatewayEvents[K]) => void): Unsubscribe {
    return this.#bus.on(event, listener);
  }

  emit<K extends GatewayEventName>(event: K, payload: GatewayEvents[K]): void {
    this.#bus.emit(event, payload);
  }

  /** Runs a request that may touch the database: refused once closed, tracked until done, never throws. */
  #run<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
    if (this.#closed)
      return Promise.resolve(fail('internal', 'the gateway is stopping: try again once it runs'));
    const running = work().catch((error: Error) => {
      this.#o.log.error({ err: error.message }, 'service failed');
      return fail('internal', 'internal error (see the gateway log)');
    });
    this.#inFlight.add(running);
    void running.then(() => this.#inFlight.delete(running));
    return running;
  }

  /** Parses the input once, then runs the part that owns the request. */
  #parsed<I, T>(schema: z.ZodType<I>, input: unknown, work: (value: I) => Promise<Result<T>>) {
    return this.#run(async () => {
      const parsed = parseInput(schema, input);
      return parsed.ok ? work(parsed.value) : parsed;
    });
  }

  /** Checks the id argument, then runs the part that owns the request. */
  #withId<T>(id: unknown, field: string, work: (id: string) => Promise<Result<T>>) {
    return this.#run(async () => {
      const checked = parseId(id, field);
      return checked.ok ? work(checked.value) : checked;
    });
  }

  // ------------------------------------------------------------------------------------------ children

  registerChild(input: unknown): Promise<Result<Child>> {
    return this.#parsed(registerChildInput, input, (value) => this.#children.register(value));
  }

  findChildren(query: unknown, limit = 20): Promise<Result<ChildMatch[]>> {
    return this.#run(async () => {
      if (typeof query !== 'string' || query.trim().length === 0 || query.length > 100) {
        return fail('invalid_input', 'query must be 1-100 characters', 'query');
      }
      const safeLimit = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 100) : 20;
      return this.#children.find(query, safeLimit);
    });
  }

  findSameChild(input: unknown): Promise<Result<Child[]>> {
    return this.#parsed(sameChildQuery, input, (value) => this.#children.same(value));
  }

  getChild(id: unknown): Promise<Result<Child>> {
    return this.#withId(id, 'child_id', (value) => this.#children.get(value));
  }

  listChildren(limit?: number): Promise<Result<Child[]>> {
    return this.#run(() => this.#children.list(limit));
  }

  childCorrections(childId: unknown, correction?: unknown): Promise<Result<ChildIdentity>> {
    return this.#withId(childId, 'child_id', async (id) => {
      if (correction === undefined)
        return childCorrections(this.#o.db, id, undefined, this.#correctionContext());
      const parsed = parseInput(childCorrectionInput, correction);
      if (!parsed.ok) return parsed;
      return (
        untrustedClock(this.#o.clock) ??
        childCorrections(this.#o.db, id, parsed.value, this.#correctionContext())
      );
    });
  }

  #correctionContext() {
    const { posyanduId, villageId } = this;
    const { topics, clock, onOutbox } = this.#o;
    return { posyanduId, villageId, topics, now: clock.now(), ...(onOutbox ? { onOutbox } : {}) };
  }

  // ------------------------------------------------------------------------------------------ mats, sessions

  listMats(): MatStatus[] {
    return this.#mats.list();
  }

  checkCalibration(matId: unknown, input: unknown): Promise<Result<CalibrationCheckResult>> {
    return this.#run(async () => {
      const id = parseId(matId, 'mat_id');
      if (!id.ok) return id;
      const parsed = parseInput(calibrationCheckInput, input);
      if (!parsed.ok) return parsed;
      return this.#mats.checkCalibration(id.value, parsed.value.reference_mm);
    });
  }

  startSession(input: unknown): Promise<Result<SessionState>> {
    return this.#parsed(startSessionInput, input, (value) => this.#sessions.start(value));
  }

  getSession(sessionId: unknown): Result<SessionState> {
    const id = parseId(sessionId, 'session_id');
    return id.ok ? this.#sessions.get(id.value) : id;
  }

  setManualWeight(sessionId: unknown, input: unknown): Result<SessionState> {
    const id = parseId(sessionId, 'session_id');
    if (!id.ok) return id;
    const parsed = parseInput(manualWeightInput, input);
    return parsed.ok ? this.#sessions.setManualWeight(id.value, parsed.value.weight_kg) : parsed;
  }

  restartReadings(sessionId: unknown): Result<SessionState> {
    const id = parseId(sessionId, 'session_id');
    return id.ok ? this.#sessions.restart(id.value) : id;
  }

  cancelSession(sessionId: unknown): Result<SessionState> {
    const id = parseId(sessionId, 'session_id');
    return id.ok ? this.#sessions.cancel(id.value) : id;
  }

  sessionScreen(sessionId: unknown): Result<SessionState> {
    const id = parseId(sessionId, 'session_id');
    return id.ok ? this.#sessions.screen(id.value) : id;
  }

  saveSession(sessionId: unknown): Promise<Result<SavedMeasurement>> {
    return this.#withId(sessionId, 'session_id', (id) => this.#sessions.save(id));
  }

  // ------------------------------------------------------------------------------------------ measurements

  saveManualMeasurement(input: unknown): Promise<Result<SavedMeasurement>> {
    return this.#parsed(manualMeasurementInput, input, (value) => this.#measurements.manual(value));
  }

  listMeasurements(childId: unknown): Promise<Result<Measurement[]>> {
    return this.#withId(childId, 'child_id', (id) => this.#measurements.ofChild(id));
  }

  getMeasurement(id: unknown): Promise<Result<Measurement>> {
    return this.#withId(id, 'measurement_id', (value) => this.#measurements.get(value));
  }

  correctMeasurement(id: unknown, input: unknown): Promise<Result<SavedMeasurement>> {
    return this.#run(async () => {
      const checked = parseId(id, 'measurement_id');
      if (!checked.ok) return checked;
      const parsed = parseInput(correctionInput, input);
      if (!parsed.ok) return parsed;
      return this.#measurements.correct(checked.value, parsed.value);
    });
  }

  todayList(): Promise<Result<TodayEntry[]>> {
    return this.#run(() => this.#measurements.today());
  }

  // ------------------------------------------------------------------------------------------ clock, link

  clockStatus(): ClockStatus {
    return this.#o.clock.status();
  }

  reportPhoneTime(iso: unknown): Result<ClockStatus> {
    const ms = phoneTimeMs(iso);
    return ms.ok ? { ok: true, value: this.#o.clock.observePhoneTime(ms.value) } : ms;
  }

  confirmPhoneTime(iso: unknown): Result<ClockStatus> {
    const ms = phoneTimeMs(iso);
    if (!ms.ok) return ms;
    const confirmed = this.#o.clock.confirmPhoneTime(ms.value);
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

/** The phone's time as ms since the epoch. */
function phoneTimeMs(iso: unknown): Result<number> {
  const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms)
    ? fail('invalid_input', 'time must be an ISO 8601 date-time', 'time')
    : { ok: true, value: ms };
}
