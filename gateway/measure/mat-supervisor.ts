// The mats the gateway reads: each link's events routed to the session that occupies it, the calibration
// each runs with (the calibration store watched, so `tikar calibrate` takes effect at once), reference-rod
// checks, and the status the screens show. In measure/ rather than ingest/: it drives the measuring sessions.

import { type FSWatcher, watch } from 'node:fs';
import {
  applyCalibration,
  type CalibrationProfile,
  calibrationValidity,
  checkReference,
  type ReferenceCheck,
} from '../../calibration/index.ts';
import type { Clock } from '../clock/clock.ts';
import type { CalibratedSample, MatConnection } from '../ingest/mat-connection.ts';
import type { Logger } from '../log/logger.ts';
import {
  type CalibrationCheckResult,
  type Emit,
  fail,
  type MatStatus,
  type Refusal,
  type Result,
  type SessionWarning,
} from '../model/index.ts';
import { LockDetector } from '../stabilise/lock-detector.ts';
import type { CalibrationStore } from '../store/calibration-files.ts';
import type { LockedReading, MeasuringSession } from './measuring-session.ts';

export interface MatSupervisorOptions {
  clock: Clock;
  log: Logger;
  emit: Emit;
  /** Where `tikar calibrate` keeps profiles and reference checks; null: none (an in-memory database). */
  calibrationStore: CalibrationStore | null;
  /** Live values are sent at most this often per mat and channel. Default 100 ms (10 Hz). */
  liveIntervalMs?: number;
  /** A `start` unacknowledged this long: the screen says the mat does not answer. Default 3000 ms. */
  startAckTimeoutMs?: number;
  /** A reference-rod check waits this long for a stable reading. Default 30,000 ms. */
  checkTimeoutMs?: number;
}

export interface MatEntry {
  mat: MatConnection;
  /** The session on this mat (until it is released: saved, cancelled or ended idle). */
  busy: MeasuringSession | null;
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

export class MatSupervisor {
  readonly #o: MatSupervisorOptions;
  readonly #mats = new Map<string, MatEntry>();
  #storeWatcher: FSWatcher | undefined;

  constructor(options: MatSupervisorOptions) {
    this.#o = options;
  }

  /** Called by the composition root for every mat link. */
  add(mat: MatConnection): void {
    const entry: MatEntry = {
      mat,
      busy: null,
      lastStartMs: 0,
      lastLiveMs: { length: 0, weight: 0 },
      startAckTimer: undefined,
      checking: false,
      matCalibrationId: null,
    };
    const emit = this.#o.emit;
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
      emit('mat', this.status(entry));
      void this.refreshCalibration(entry).then(() => this.#tellMatCalibration(entry));
    });
    mat.on('ack', (ack) => {
      const session = entry.busy;
      if (!session?.onAck(ack)) return;
      if (!session.awaitingStart()) {
        clearTimeout(entry.startAckTimer);
        entry.startAckTimer = undefined;
      }
      emit('session', session.state(mat.connected));
    });
    mat.on('status', () => {
      register();
      if (key !== null) emit('mat', this.status(entry));
      if (entry.busy) emit('session', entry.busy.state(mat.connected));
    });
    // A mat that restarted, or missed our command, idles while a reading is wanted: ask again, but only
    // once it has had time to act on the last one (or we would take an extra reading).
    mat.on('heartbeat', (state) => {
      const session = entry.busy;
      if (state !== 'idle' || !session?.isOpen || session.complete) return;
      if (Date.now() - entry.lastStartMs < 2000) return;
      this.sendStart(entry);
    });
    mat.on('boardMoved', () => entry.busy?.onBoardMoved());
    mat.on('sample', (sample) => {
      register();
      const session = entry.busy ?? undefined;
      const nowMs = Date.now();
      const live = nowMs - entry.lastLiveMs[sample.channel] >= (this.#o.liveIntervalMs ?? 100);
      const atIso = this.#o.clock.now().toISOString();
      const update = session?.onSample(sample, atIso);
      if (session && update && update.kind !== 'none') {
        const moving = session.state(mat.connected)[sample.channel]?.moving ?? false;
        if (moving || update.kind === 'locked') session.activity(nowMs);
      }
      if (live && sample.value !== null) {
        entry.lastLiveMs[sample.channel] = nowMs;
        // Moving/stable comes from the session's lock detector; with no session nothing is being measured.
        const channelState = session?.state(mat.connected)[sample.channel];
        emit('reading', {
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
      else if (live && update.kind === 'changed') emit('session', session.state(mat.connected));
    });
  }

  get(matId: string): MatEntry | undefined {
    return this.#mats.get(matId);
  }

  entries(): IterableIterator<MatEntry> {
    return this.#mats.values();
  }

  /** The mat a session runs on. */
  of(session: MeasuringSession): MatEntry | undefined {
    return this.#mats.get(session.options.matId);
  }

  /** The named mat, or the only one (else the only idle connected one). */
  pick(matId: string | undefined): Result<MatEntry> {
    if (matId !== undefined) {
      const entry = this.#mats.get(matId);
      return entry ? { ok: true, value: entry } : fail('not_found', 'no such mat', 'mat_id');
    }
    const entries = [...this.#mats.values()];
    const only = entries.length === 1 ? entries[0] : entries.find((e) => e.mat.connected && !e.busy);
    return only
      ? { ok: true, value: only }
      : fail('mat_unavailable', 'no mat connected (or say which: mat_id)', 'mat_id');
  }

  /** A new session takes the mat: whatever was on it before is done, and the mat is asked for a reading. */
  occupy(entry: MatEntry, session: MeasuringSession): void {
    entry.busy = session;
    entry.mat.command('stop', {});
    this.sendStart(entry);
  }

  /** The session is over: the mat is free and stops reading. */
  release(session: MeasuringSession): void {
    const entry = this.of(session);
    if (entry && entry.busy === session) {
      entry.busy = null;
      clearTimeout(entry.startAckTimer);
      entry.startAckTimer = undefined;
      entry.mat.command('stop', {});
      this.#o.emit('mat', this.status(entry));
    }
  }

  /** Starts watching the calibration store. */
  init(): void {
    this.#watchCalibrationStore();
  }

  /** Stops watching the calibration store and the pending start timers. */
  close(): void {
    this.#storeWatcher?.close();
    this.#storeWatcher = undefined;
    for (const entry of this.#mats.values()) clearTimeout(entry.startAckTimer);
  }

  /** `tikar calibrate` (or a check from here) writing the store updates the mats' status at once. */
  #watchCalibrationStore(): void {
    const store = this.#o.calibrationStore;
    if (!store || this.#storeWatcher) return;
    try {
      this.#storeWatcher = watch(store.dir, { persistent: false }, (_event, filename) => {
        for (const entry of new Set(this.#mats.values())) {
          if (filename === null || filename === `${entry.mat.deviceId}.json`) {
            void this.refreshCalibration(entry);
          }
        }
      });
      this.#storeWatcher.on('error', () => this.#storeWatcher?.close());
    } catch {
      // No directory yet: the store is read again at every hello, session start and save.
    }
  }

  /** Reads the mat's record from the calibration store (profiles, failed checks); emits the status on change. */
  async refreshCalibration(entry: MatEntry): Promise<void> {
    const store = this.#o.calibrationStore;
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
    this.#o.emit('mat', this.status(entry));
  }

  /** The protocol's `calibration` command: the mat shows which calibration the gateway applies. */
  #tellMatCalibration(entry: MatEntry): void {
    const id = entry.mat.calibration('length').profile?.id;
    if (id === undefined || id === entry.matCalibrationId) return;
    if (entry.mat.command('calibration', { calibration_id: id }) !== null) entry.matCalibrationId = id;
  }

  /** A mat whose reference check failed: a refusal in plain Indonesian and English. */
  blockedRefusal(entry: MatEntry): Refusal | undefined {
    const check = entry.mat.blockingCheck;
    if (!check) return undefined;
    const message = blockedMessage(check);
    return fail('mat_unavailable', `${message.en} / ${message.id}`, 'mat_id');
  }

  /** Warnings every session on this mat carries (an expired calibration warns, it does not refuse). */
  calibrationWarnings(mat: MatConnection): SessionWarning[] {
    const profile = mat.calibration('length').profile;
    if (!profile) return [];
    const validity = calibrationValidity(profile, this.#o.clock.now());
    return validity.state === 'expired' ? [expiredWarning(profile, validity.message)] : [];
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
    this.#o.emit('lock', { mat_id: session.options.matId, session_id: session.id, reading: view });
    if (next === 'another_reading') {
      // The next independent reading: the foot board goes away and comes back (protocol "start" again).
      this.sendStart(entry);
      session.nextReadingRequested();
    }
    this.#o.emit('session', session.state(entry.mat.connected));
  }

  /** Asks the mat for a reading; the session ignores samples until the mat acknowledges this very command. */
  sendStart(entry: MatEntry): void {
    entry.lastStartMs = Date.now();
    const session = entry.busy;
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
        this.#o.emit('session', session.state(entry.mat.connected));
      }
      entry.mat.repeatCommand(seq);
      this.#awaitStartAck(entry, session, seq, Date.now(), tries + 1);
    }, this.#o.startAckTimeoutMs ?? 3000);
  }

  status(entry: MatEntry): MatStatus {
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
      busy_session_id: entry.busy?.id ?? null,
      busy_has_screen: entry.busy?.isOpen ? entry.busy.hasScreen : null,
      disconnected_since: mat.connected || downSince === null ? null : new Date(downSince).toISOString(),
      last_gap_ms: mat.lastGapMs,
      frames_foreign: mat.counters.framesForeign,
      foreign_device_id: mat.foreignDeviceId,
    };
  }

  list(): MatStatus[] {
    return [...this.#mats.values()].map((entry) => this.status(entry));
  }

  /**
   * Reference-rod check on a connected, idle mat: waits for a stable reading, compares it with the rod
   * (±2 mm), records the check in the calibration store. A failed check blocks the mat until it is
   * recalibrated or passes a later check.
   */
  async checkCalibration(matId: string, referenceMm: number): Promise<Result<CalibrationCheckResult>> {
    const entry = this.#mats.get(matId);
    if (!entry) return fail('not_found', 'no such mat', 'mat_id');
    const store = this.#o.calibrationStore;
    if (!store) return fail('internal', 'this gateway keeps no calibration store (in-memory database)');
    const { mat } = entry;
    if (!mat.connected) return fail('mat_unavailable', 'the mat is not connected', 'mat_id');
    if (entry.checking || entry.busy?.isOpen) {
      return fail('mat_unavailable', 'the mat is busy: finish or cancel its session first', 'mat_id');
    }
    await this.refreshCalibration(entry);
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
      const check = checkReference(profile, referenceMm, counts, this.#o.clock.now());
      await store.recordCheck(check);
      this.#watchCalibrationStore(); // the directory may have just been created
      await this.refreshCalibration(entry);
      this.#o.log.info({ mat: check.deviceId, error: check.error, passed: check.passed }, 'reference check');
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
          mat: this.status(entry),
        },
      };
    } finally {
      entry.checking = false;
    }
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
