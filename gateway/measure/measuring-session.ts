// One child on one mat: calibrated samples → locked readings → WHO repeat rule → ready to save.
// Pure logic (no I/O): the app feeds samples and sends the mat the commands this asks for.

import type { CalibratedSample } from '../ingest/mat-connection.ts';
import type {
  ChannelState,
  Position,
  Prompt,
  ReadingView,
  SessionPhase,
  SessionState,
  SessionWarning,
} from '../model/index.ts';
import { LockDetector } from '../stabilise/lock-detector.ts';
import { applyRepeatRule, LENGTH_TOLERANCE_MM, WEIGHT_TOLERANCE_G } from '../stabilise/repeat-rule.ts';
import { storedLengthCm, storedWeightKg } from './assemble.ts';

export interface MeasuringSessionOptions {
  sessionId: string;
  childId: string;
  matId: string;
  position: Position;
  hasScale: boolean;
  startedAt: string;
  /** The length calibration the readings are computed with (stored with the measurement). Default null. */
  calibrationId?: string | null;
  /** Shown with the session and the saved result, e.g. an expired calibration. */
  warnings?: SessionWarning[];
  /** Lock band for length, mm. Default 2. */
  lengthBandMm?: number;
  /** Lock band for weight, g. Default 20. */
  weightBandG?: number;
  /** Lock window, device ms. Default 1500. */
  windowMs?: number;
  /** Wall time the session started (ms, the idle timers' clock). Default now. */
  startedAtMs?: number;
}

export interface LockedReading extends ReadingView {
  rawCountsJson: string;
}

const prompts: Record<Prompt['code'], Omit<Prompt, 'code'>> = {
  place_child: {
    id: 'Baringkan/berdirikan anak, geser papan kaki.',
    en: 'Place the child and move the foot board.',
  },
  hold_still: { id: 'Tahan anak tetap diam…', en: 'Hold the child still…' },
  move_board_away: { id: 'Geser papan kaki menjauh lalu kembali.', en: 'Move the foot board away and back.' },
  measure_again: { id: 'Ukur sekali lagi (pengukuran ke-2).', en: 'Measure again (second reading).' },
  third_reading: {
    id: 'Selisih lebih dari 7 mm: ukur ketiga kalinya.',
    en: 'Readings differ by more than 7 mm: take a third reading.',
  },
  enter_weight: { id: 'Masukkan berat badan dari timbangan.', en: 'Enter the weight from the scale.' },
  ready_to_save: { id: 'Siap disimpan.', en: 'Ready to save.' },
  saved: { id: 'Tersimpan.', en: 'Saved.' },
  cancelled: { id: 'Dibatalkan.', en: 'Cancelled.' },
  ended_idle: {
    id: 'Sesi ini berakhir sendiri: tidak ada layar yang membukanya dan tikar diam. Mulai ukur lagi.',
    en: 'This session ended by itself: no screen showed it and the mat was still. Start measuring again.',
  },
  mat_disconnected: { id: 'Tikar tidak terhubung.', en: 'The mat is not connected.' },
  mat_not_answering: {
    id: 'Tikar tidak menjawab perintah mulai. Periksa kabel tikar; pengukuran dilanjutkan saat tikar menjawab.',
    en: 'The mat did not answer the start command. Check its cable; measuring resumes when the mat answers.',
  },
};

export function prompt(code: Prompt['code']): Prompt {
  return { code, ...prompts[code] };
}

class ChannelSeries {
  readonly channel: 'length' | 'weight';
  readonly tolerance: number;
  readonly detector: LockDetector;
  readonly readings: LockedReading[] = [];
  current: number | null = null;
  moving = false;

  constructor(channel: 'length' | 'weight', bandWidth: number, windowMs: number, tolerance: number) {
    this.channel = channel;
    this.tolerance = tolerance;
    this.detector = new LockDetector({ bandWidth, windowMs });
  }

  outcome() {
    return applyRepeatRule(
      this.readings.map((r) => r.value),
      this.tolerance,
    );
  }

  /** `settled`: the result when the repeat rule is not complete but another rule gives one (see weightResult). */
  state(settled: number | null = null): ChannelState {
    const computed = this.outcome();
    const outcome =
      computed.result === null && settled !== null ? { ...computed, result: settled } : computed;
    return {
      channel: this.channel,
      current: this.current === null ? null : Math.round(this.current * 10) / 10,
      moving: this.moving,
      readings: this.readings.map(({ rawCountsJson: _raw, ...view }) => view),
      needed: outcome.needed,
      tolerance: this.tolerance,
      result: outcome.result,
      stored:
        outcome.result === null
          ? null
          : this.channel === 'length'
            ? storedLengthCm(outcome.result / 10)
            : storedWeightKg(outcome.result / 1000),
    };
  }
}

export type SessionUpdate =
  | { kind: 'none' }
  | { kind: 'changed' } // live value or phase changed
  | { kind: 'locked'; reading: LockedReading; next: 'another_reading' | 'complete' };

export class MeasuringSession {
  readonly options: MeasuringSessionOptions;
  readonly #length: ChannelSeries;
  readonly #weight: ChannelSeries | null;
  #phase: SessionPhase = 'waiting';
  #manualWeightKg: number | null = null;
  #measurementId: string | null = null;
  #awaitingRelease = false;
  #lastCounts = 0;
  /** A `start` was sent and not acknowledged yet: samples until its ack still show the board as it was. */
  #awaitingStart = false;
  /** Its seq. */
  #awaitedStartSeq: number | null = null;
  #startUnanswered = false;
  /** Wall ms a screen last showed the session, and whether one still does. */
  #screenSeenMs: number;
  #screenSeenAt: string;
  #hasScreen = true;
  /** Wall ms of the last movement on the mat, lock or kader's action. */
  #activityMs: number;
  #endedBy: 'kader' | 'idle' | null = null;

  constructor(options: MeasuringSessionOptions) {
    this.options = options;
    this.#screenSeenMs = options.startedAtMs ?? Date.now();
    this.#activityMs = this.#screenSeenMs;
    this.#screenSeenAt = options.startedAt;
    const windowMs = options.windowMs ?? 1500;
    this.#length = new ChannelSeries('length', options.lengthBandMm ?? 2, windowMs, LENGTH_TOLERANCE_MM);
    this.#weight = options.hasScale
      ? new ChannelSeries('weight', options.weightBandG ?? 20, windowMs, WEIGHT_TOLERANCE_G)
      : null;
  }

  get phase(): SessionPhase {
    return this.#phase;
  }
  get id(): string {
    return this.options.sessionId;
  }
  get hasScreen(): boolean {
    return this.#hasScreen;
  }
  get isOpen(): boolean {
    return this.#phase !== 'saved' && this.#phase !== 'cancelled';
  }

  /** The results to save: length (mm) and weight (g or manual kg), and every locked reading. */
  results(): {
    lengthMm: number | null;
    weightKg: number | null;
    readings: LockedReading[];
    disagree: boolean;
  } {
    const length = this.#length.outcome();
    const weight = this.#weight?.outcome();
    const weightG = this.#weightResult();
    const weightKg = this.#manualWeightKg ?? (weightG === null ? null : weightG / 1000);
    return {
      lengthMm: length.complete ? length.result : null,
      weightKg,
      readings: [...this.#length.readings, ...(this.#weight?.readings ?? [])],
      disagree: length.disagree || Boolean(weight?.disagree),
    };
  }

  get complete(): boolean {
    return this.#length.outcome().complete;
  }

  /**
   * The scale's result (g): the repeat rule's, or, once the length is complete, the one value the scale locked
   * on when it settled only after the board (a still baby on a scale locked within 20 g over 1.5 s).
   */
  #weightResult(): number | null {
    const weight = this.#weight;
    if (!weight) return null;
    const outcome = weight.outcome();
    if (outcome.complete) return outcome.result;
    const [only] = weight.readings;
    return this.complete && weight.readings.length === 1 && only ? only.value : null;
  }

  /** The gateway sends the mat a `start` with this seq: discard samples until its ack. */
  startSent(seq: number): void {
    this.#awaitingStart = true;
    this.#awaitedStartSeq = seq;
    this.#startUnanswered = false;
  }

  /** An `ack` from the mat; true when it acknowledged the awaited `start` (then samples count again). */
  onAck(ack: { ack_seq: number; ack_type: string; ok: boolean }): boolean {
    if (!this.#awaitingStart || ack.ack_type !== 'start' || ack.ack_seq !== this.#awaitedStartSeq)
      return false;
    if (!ack.ok) {
      this.#startUnanswered = true; // refused: keep discarding until a later start is acknowledged
      return true;
    }
    this.#awaitingStart = false;
    this.#startUnanswered = false;
    return true;
  }

  /** No ack came in time (mat unplugged or hung): the screen says so; a later acknowledged start resumes. */
  startUnanswered(): boolean {
    if (!this.#awaitingStart || this.#startUnanswered) return false;
    this.#startUnanswered = true;
    return true;
  }

  /** Waiting for the mat to acknowledge a `start` (for the given seq, when one is given). */
  awaitingStart(seq?: number): boolean {
    return this.#awaitingStart && (seq === undefined || seq === this.#awaitedStartSeq);
  }

  onSample(sample: CalibratedSample, atIso: string): SessionUpdate {
    if (!this.isOpen || this.#awaitingStart) return { kind: 'none' };
    const series = sample.channel === 'length' ? this.#length : this.#weight;
    if (!series) return { kind: 'none' };
    series.current = sample.value;
    if (sample.channel === 'length') this.#lastCounts = sample.counts;
    const update = series.detector.push(sample.value, sample.tMs);
    series.moving = update.kind === 'moving' && sample.value !== null;
    if (series === this.#weight) return this.#onWeight(update.kind === 'lock' ? update.value : null, atIso);
    if (update.kind === 'released') this.#awaitingRelease = false;
    if (update.kind !== 'lock' || this.#phase === 'complete' || this.#awaitingRelease) {
      if (this.#phase === 'waiting' && sample.value !== null) this.#phase = 'measuring';
      return { kind: 'changed' };
    }
    const reading: LockedReading = {
      channel: 'length',
      ordinal: this.#length.readings.length + 1,
      value: Math.round(update.value * 10) / 10,
      locked_at: atIso,
      rawCountsJson: JSON.stringify({
        last_counts: this.#lastCounts,
        samples: update.samples,
        outliers: update.outliers,
      }),
    };
    this.#length.readings.push(reading);
    this.#takeWeightReading(atIso);
    this.#awaitingRelease = true;
    if (this.#length.outcome().complete) {
      this.#phase = 'complete';
      return { kind: 'locked', reading, next: 'complete' };
    }
    this.#phase = 'locked';
    return { kind: 'locked', reading, next: 'another_reading' };
  }

  /** The weight accompanying each length reading: the scale's locked value at that moment. */
  #takeWeightReading(atIso: string): void {
    const weight = this.#weight;
    if (!weight) return;
    const lockedG = weight.detector.lockedValue;
    if (lockedG === null || weight.readings.length >= this.#length.readings.length) return;
    this.#pushWeight(weight, lockedG, atIso);
  }

  #pushWeight(weight: ChannelSeries, lockedG: number, atIso: string): void {
    weight.readings.push({
      channel: 'weight',
      ordinal: weight.readings.length + 1,
      value: Math.round(lockedG),
      locked_at: atIso,
      rawCountsJson: JSON.stringify({ samples_locked: true }),
    });
  }

  #onWeight(lockedG: number | null, atIso: string): SessionUpdate {
    const weight = this.#weight;
    if (lockedG === null || !weight) return { kind: 'changed' };
    // A scale that settles after the length locked still gives that reading its weight.
    if (weight.readings.length < this.#length.readings.length) this.#takeWeightReading(atIso);
    else if (this.complete && this.#weightResult() === null && weight.readings.length < 3) {
      // Two weights more than 100 g apart: the scale settling again gives the third.
      this.#pushWeight(weight, lockedG, atIso);
    }
    return { kind: 'changed' };
  }

  /** The mat says the foot board moved away: the next stable position is an independent reading. */
  onBoardMoved(): void {
    this.#length.detector.release();
    this.#awaitingRelease = false;
    if (this.#phase === 'locked') this.#phase = 'measuring';
  }

  /** The gateway asked the mat for another reading. */
  nextReadingRequested(): void {
    if (this.#phase === 'locked') this.#phase = 'measuring';
  }

  setManualWeight(weightKg: number): void {
    this.#manualWeightKg = weightKg;
  }

  /** Throw away the readings so far (e.g. the child was not stretched) and measure again. */
  restart(): void {
    this.#length.readings.length = 0;
    this.#length.detector.reset();
    if (this.#weight) {
      this.#weight.readings.length = 0;
      this.#weight.detector.reset();
    }
    this.#awaitingRelease = false;
    this.#phase = 'waiting';
  }

  markSaved(measurementId: string): void {
    this.#phase = 'saved';
    this.#endedBy = 'kader';
    this.#measurementId = measurementId;
  }

  /** The save failed (nothing was written): the readings are still there to save again. */
  reopen(): void {
    this.#phase = 'complete';
    this.#endedBy = null;
    this.#measurementId = null;
  }

  cancel(endedBy: 'kader' | 'idle' = 'kader'): void {
    this.#phase = 'cancelled';
    this.#endedBy = endedBy;
  }

  /** A screen shows the session now; true when it had none before. */
  screenSeen(atIso: string, wallMs: number): boolean {
    const regained = !this.#hasScreen;
    this.#screenSeenMs = wallMs;
    this.#screenSeenAt = atIso;
    this.#hasScreen = true;
    return regained;
  }

  /** Something happened on the mat or a kader acted: the session is in use. */
  activity(wallMs: number): void {
    this.#activityMs = Math.max(this.#activityMs, wallMs);
  }

  /**
   * What the idle rules say at `wallMs`: `screenless` when no screen has shown the session for
   * `screenTimeoutMs` (once), `end` when it has had no screen and no activity for `idleEndMs`.
   */
  idleCheck(wallMs: number, screenTimeoutMs: number, idleEndMs: number): 'none' | 'screenless' | 'end' {
    if (!this.isOpen) return 'none';
    if (this.#hasScreen) {
      if (wallMs - this.#screenSeenMs < screenTimeoutMs) return 'none';
      this.#hasScreen = false;
      return 'screenless';
    }
    return wallMs - Math.max(this.#screenSeenMs, this.#activityMs) >= idleEndMs ? 'end' : 'none';
  }

  #prompt(matConnected: boolean): Prompt {
    if (this.#phase === 'saved') return prompt('saved');
    if (this.#phase === 'cancelled') return prompt(this.#endedBy === 'idle' ? 'ended_idle' : 'cancelled');
    if (!matConnected) return prompt('mat_disconnected');
    if (this.#startUnanswered) return prompt('mat_not_answering');
    const count = this.#length.readings.length;
    if (this.#phase === 'complete') {
      // The scale gives each length reading its weight once it is still too.
      if (this.#weight && this.#manualWeightKg === null && this.#weightResult() === null)
        return prompt('hold_still');
      return !this.#weight && this.#manualWeightKg === null
        ? prompt('enter_weight')
        : prompt('ready_to_save');
    }
    if (this.#phase === 'locked') return prompt('move_board_away');
    if (count === 1) return prompt('measure_again');
    if (count === 2) return prompt('third_reading');
    return this.#phase === 'measuring' ? prompt('hold_still') : prompt('place_child');
  }

  state(matConnected: boolean): SessionState {
    return {
      session_id: this.options.sessionId,
      child_id: this.options.childId,
      mat_id: this.options.matId,
      position: this.options.position,
      phase: this.#phase,
      length: this.#length.state(),
      weight: this.#weight?.state(this.#weightResult()) ?? null,
      manual_weight_kg: this.#manualWeightKg,
      prompt: this.#prompt(matConnected),
      started_at: this.options.startedAt,
      measurement_id: this.#measurementId,
      calibration_id: this.options.calibrationId ?? null,
      warnings: this.options.warnings ?? [],
      has_screen: this.#hasScreen,
      screen_seen_at: this.#screenSeenAt,
      ended_by: this.#endedBy,
    };
  }
}
