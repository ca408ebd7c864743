// The simulated mat's behaviour, free of timers and streams: `tick()` advances one sample period and hands
// wire lines to `send`; `command(line)` takes one line from the gateway. index.ts adds the clock and the Duplex.
import { invertModel, simCalibrationProfiles } from '../../calibration/index.ts';
import {
  type CommandFrame,
  createCommandHandler,
  type FrameType,
  FrameWriter,
  type Payload,
  PROTOCOL_VERSION,
} from '../../protocol/index.ts';
import { Board } from './board.ts';
import { createRandom, type Random } from './random.ts';
import { drawChild, type Scenario, type SimChild } from './scenarios.ts';

export const SIM_FIRMWARE = 'tikar-sim 1.0.0';
/** Where the foot board rests with nobody on the mat, mm. */
const PARKED_MM = 1250;
/** How far the board is pulled back between two readings of the same child, mm. */
const PULL_BACK_MM = 150;
const PULL_BACK_S = 0.8;
const STATUS_EVERY_MS = 1000;
/** Zero-load counts of the simulated load cell (before the factory tare). */
const SCALE_ZERO_COUNTS = 84_000;
const SCALE_NOISE_G = 4;

/** One reading's truth (side channel, never on the wire). snake_case: it is written to files as JSON lines. */
export interface SimTruth {
  child: number;
  reading: number;
  position: 'l' | 'h';
  age_months: number;
  length_mm: number;
  weight_g: number | null;
  /** Where the board settles for this reading: true length plus this reading's positioning error. */
  board_mm: number;
}

export interface WireStats {
  lines: number;
  dropped: number;
  corrupted: number;
  duplicated: number;
}

export interface MatCoreOptions {
  scenario: Scenario;
  seed: number;
  rateHz: number;
  deviceId: string;
  /** Overrides the scenario's length noise σ, mm. */
  noiseMm?: number;
  send: (line: string) => void;
  truth: (truth: SimTruth) => void;
}

type Phase = 'parked' | 'pull_back' | 'approach' | 'settle';

export class MatCore {
  readonly #o: MatCoreOptions;
  readonly #scenario: Scenario;
  readonly #periodMs: number;
  /** Separate streams, so e.g. more noise does not change which children come or where lines break. */
  readonly #childRandom: Random;
  readonly #physicsRandom: Random;
  readonly #wireRandom: Random;
  readonly #knownRandom: Random;
  /** The baby the gateway lays next (side channel), taken at the next new reading. */
  #nextKnown: SimChild | undefined;
  readonly #lengthModel;
  readonly #weightModel;
  readonly #writer: FrameWriter;
  readonly #commandHandler: (line: string) => void;
  readonly #board = new Board(PARKED_MM);
  readonly stats: WireStats = { lines: 0, dropped: 0, corrupted: 0, duplicated: 0 };

  #tMs = 0;
  #nextStatusMs = STATUS_EVERY_MS;
  #phase: Phase = 'parked';
  #phaseStartMs = 0;
  #children: SimChild[] = [];
  #child: SimChild | undefined;
  #childIndex = -1;
  #readingIndex = 0;
  #readingTargetMm = PARKED_MM;
  #burstMm = 0;
  #burstUntilMs = 0;
  #scaleLoadG = 0;
  #tareCounts = SCALE_ZERO_COUNTS;
  #calibrationId: string | null;
  #cableOut = false;
  /** A reference rod (mm) or mass (g) put on the mat by a technician calibrating it. */
  #reference: { lengthMm?: number; weightG?: number } | undefined;
  #lastFaultReportMs = -Infinity;

  constructor(options: MatCoreOptions) {
    this.#o = options;
    this.#scenario = options.scenario;
    this.#periodMs = 1000 / options.rateHz;
    this.#childRandom = createRandom(options.seed);
    this.#physicsRandom = createRandom(options.seed ^ 0x5bd1e995);
    this.#wireRandom = createRandom(options.seed ^ 0x27d4eb2f);
    this.#knownRandom = createRandom(options.seed ^ 0x165667b1);
    const profiles = simCalibrationProfiles(options.deviceId);
    this.#lengthModel = profiles.length.model;
    this.#weightModel = profiles.weight.model;
    this.#calibrationId = profiles.length.id;
    this.#writer = new FrameWriter(options.deviceId, (line) => this.#transmit(line));
    this.#commandHandler = createCommandHandler({
      deviceId: options.deviceId,
      writer: this.#writer,
      execute: (frame) => this.#execute(frame),
    });
    for (let i = 0; i < this.#scenario.childCount; i++)
      this.#children.push(drawChild(this.#scenario, this.#childRandom));
  }

  /** Power-on: the first line is `hello`. */
  powerOn(): void {
    this.#emit('hello', {
      firmware: SIM_FIRMWARE,
      protocol: PROTOCOL_VERSION,
      sensors: this.#scenario.hasScale ? ['length', 'weight'] : ['length'],
      calibration_id: this.#calibrationId,
    });
  }

  get deviceMs(): number {
    return Math.round(this.#tMs);
  }

  /** One sample period: move the board, send the samples, and a status when one is due. */
  tick(): void {
    this.#tMs += this.#periodMs;
    const tMs = this.deviceMs;
    this.#advancePhysics(tMs);
    this.#updateCable(tMs);
    if (this.#cableOut) {
      if (tMs - this.#lastFaultReportMs >= STATUS_EVERY_MS) {
        this.#lastFaultReportMs = tMs;
        this.#emit('error', {
          code: 'sensor_fault',
          channel: 'length',
          message: 'length sensor not responding',
        });
      }
    } else {
      this.#emit('sample', { channel: 'length', counts: this.#lengthCounts(tMs), t_ms: tMs });
    }
    if (this.#scenario.hasScale) {
      this.#emit('sample', {
        channel: 'weight',
        counts: Math.round(this.#scaleCounts()),
        t_ms: tMs,
        tare: this.#tareCounts,
      });
    }
    if (tMs >= this.#nextStatusMs) {
      this.#nextStatusMs += STATUS_EVERY_MS;
      this.#emit('status', {
        uptime_ms: tMs,
        supply_mv: Math.round(5010 + 15 * this.#physicsRandom.normal()),
        state: this.#child ? 'measuring' : 'idle',
      });
    }
  }

  /** One line from the gateway. Decodable commands are acknowledged; anything else is reported. */
  command(line: string): void {
    this.#commandHandler(line);
  }

  #execute(frame: CommandFrame): undefined {
    switch (frame.type) {
      case 'start':
        this.#startReading();
        break;
      case 'stop':
        this.#child = undefined;
        this.#reference = undefined;
        this.#setPhase('parked', PARKED_MM, 1);
        break;
      case 'tare':
        this.#tareCounts = Math.round(this.#scaleCounts());
        break;
      case 'calibration':
        this.#calibrationId = frame.payload.calibration_id;
        break;
      case 'beep':
      case 'display':
        // The simulator has no piezo or screen: acknowledging is all a real mat would report.
        break;
    }
  }

  /**
   * A technician puts a reference rod on the board and/or a reference mass on the scale (calibration). The
   * board settles exactly on the rod; any child leaves the mat first.
   */
  placeReference(reference: { lengthMm?: number; weightG?: number }): void {
    this.#child = undefined;
    this.#reference = reference;
    if (reference.lengthMm !== undefined) this.#setPhase('settle', reference.lengthMm, 1);
  }

  /** The next child to lie on the mat is this baby (drawn by the gateway to fit the child it measures). */
  layChild(baby: SimChild): void {
    this.#nextKnown = baby;
  }

  /** The seeded randomness for the babies laid from outside (the same seed, the same babies). */
  get layingRandom(): Random {
    return this.#knownRandom;
  }

  #startReading(): void {
    const tMs = this.deviceMs;
    if (this.#child) {
      this.#readingIndex++;
      this.#emit('event', { kind: 'board_moved', t_ms: tMs });
      this.#setPhase('pull_back', this.#board.positionMm + PULL_BACK_MM, 1);
    } else {
      this.#reference = undefined;
      this.#childIndex++;
      while (this.#children.length <= this.#childIndex)
        this.#children.push(drawChild(this.#scenario, this.#childRandom));
      if (this.#nextKnown) {
        this.#children[this.#childIndex] = this.#nextKnown;
        this.#nextKnown = undefined;
      }
      this.#child = this.#children[this.#childIndex];
      this.#readingIndex = 0;
    }
    const child = this.#child as SimChild;
    this.#readingTargetMm =
      Math.round((child.lengthMm + this.#scenario.positioningMm * this.#physicsRandom.normal()) * 10) / 10;
    if (this.#phase !== 'pull_back') this.#beginApproach();
    this.#o.truth({
      child: this.#childIndex,
      reading: this.#readingIndex,
      position: child.position,
      age_months: child.ageMonths,
      length_mm: child.lengthMm,
      weight_g: this.#scenario.hasScale ? child.weightG : null,
      board_mm: this.#readingTargetMm,
    });
  }

  #beginApproach(): void {
    this.#setPhase('approach', this.#readingTargetMm - this.#scenario.overshootMm, 1);
  }

  #setPhase(phase: Phase, targetMm: number, dampingRatio: number): void {
    this.#phase = phase;
    this.#phaseStartMs = this.deviceMs;
    this.#board.targetMm = targetMm;
    this.#board.dampingRatio = dampingRatio;
  }

  #advancePhysics(tMs: number): void {
    const board = this.#board;
    if (this.#phase === 'pull_back' && tMs - this.#phaseStartMs >= PULL_BACK_S * 1000) this.#beginApproach();
    if (this.#phase === 'approach' && board.arrived(1.5))
      this.#setPhase('settle', this.#readingTargetMm, this.#scenario.dampingRatio);
    // Kicking bursts during the first seconds of a reading.
    const kicking = this.#phase === 'settle' && tMs - this.#phaseStartMs < this.#scenario.wiggleS * 1000;
    if (tMs >= this.#burstUntilMs) {
      this.#burstMm = 0;
      if (kicking && this.#physicsRandom.chance(1.5 * (this.#periodMs / 1000))) {
        this.#burstMm = (this.#physicsRandom.chance(0.5) ? 1 : -1) * (5 + 20 * this.#physicsRandom.next());
        this.#burstUntilMs = tMs + 200 + 400 * this.#physicsRandom.next();
      }
    }
    board.advance(this.#periodMs / 1000, this.#burstMm);
    // The scale follows the child's weight with a short lag; kicking shakes it.
    const loadTargetG = !this.#scenario.hasScale
      ? 0
      : (this.#child?.weightG ?? this.#reference?.weightG ?? 0);
    this.#scaleLoadG += (loadTargetG - this.#scaleLoadG) * Math.min(1, this.#periodMs / 250);
    if (this.#burstMm !== 0) this.#scaleLoadG += 80 * this.#physicsRandom.normal();
  }

  #updateCable(tMs: number): void {
    const { cableOutS, cableEveryS } = this.#scenario;
    if (cableEveryS <= 0) return;
    const cycleS = (tMs / 1000) % cableEveryS;
    this.#cableOut = cycleS >= cableEveryS - cableOutS;
  }

  #lengthCounts(tMs: number): number {
    const driftMm = (this.#scenario.driftMmPerMin * tMs) / 60_000;
    const noiseMm = (this.#o.noiseMm ?? this.#scenario.noiseMm) * this.#physicsRandom.normal();
    return Math.round(invertModel(this.#lengthModel, this.#board.positionMm + driftMm + noiseMm));
  }

  /** Raw load-cell counts for the current load, unrounded. */
  #scaleCounts(): number {
    const loadG = this.#scaleLoadG + SCALE_NOISE_G * this.#physicsRandom.normal();
    return SCALE_ZERO_COUNTS + loadG / this.#weightModel.gain;
  }

  #emit<T extends FrameType>(type: T, payload: Payload<T>): void {
    this.#writer.send(type, payload);
  }

  /** The serial link: what the scenario makes go wrong between the mat and the gateway. */
  #transmit(line: string): void {
    const scenario = this.#scenario;
    const random = this.#wireRandom;
    this.stats.lines++;
    if (scenario.dropLineP > 0 && random.chance(scenario.dropLineP)) {
      this.stats.dropped++;
      return;
    }
    let wire = line;
    if (scenario.corruptLineP > 0 && random.chance(scenario.corruptLineP)) {
      this.stats.corrupted++;
      wire = corruptLine(line, random);
    }
    this.#o.send(wire);
    if (scenario.duplicateLineP > 0 && random.chance(scenario.duplicateLineP)) {
      this.stats.duplicated++;
      this.#o.send(wire);
    }
  }
}

/** One realistic corruption of a line; never produces a line break, so one line stays one line. */
export function corruptLine(line: string, random: Random): string {
  const at = random.int(0, line.length - 1);
  switch (random.int(0, 3)) {
    case 0: {
      // A flipped bit (noise on the wire); a flip that would make a line break flips another bit.
      let code = line.charCodeAt(at) ^ (1 << random.int(0, 6));
      if (code === 10 || code === 13) code ^= 0x40;
      return line.slice(0, at) + String.fromCharCode(code) + line.slice(at + 1);
    }
    case 1:
      return line.slice(0, at) + line.slice(at + 1); // a lost byte
    case 2:
      return line.slice(0, at) + String.fromCharCode(random.int(0x21, 0x7e)) + line.slice(at); // an extra byte
    default:
      return line.slice(0, Math.max(1, at)); // cut off (unplugged mid-line)
  }
}
