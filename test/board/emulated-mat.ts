// The mat's hardware around an emulated Uno: the simulated mat's physics (device/sim: a damped foot board, a
// wiggling baby, a scale) drive the analog pins through a draw-wire potentiometer and a load-cell amplifier,
// and the kader's hands (place the child, push the board, take the child off) are methods the test calls.
import {
  applyCalibration,
  applyTaredWeight,
  type CalibrationProfile,
  simLengthProfile,
  simWeightProfile,
} from '../../calibration/index.ts';
import { type FirmwareConfig, parseFirmwareConfig } from '../../device/firmware/config.ts';
import {
  createSimulatedMat,
  SIM_DEVICE_ID,
  type SimTruth,
  type SimulatedMat,
} from '../../device/sim/index.ts';
import { decodeFrame, encodeFrame, LineSplitter } from '../../protocol/index.ts';
import type { EmulatedUno } from './avr/emulated-uno.ts';

export const EMULATED_MAT_ID = 'MAT-EMU1';

/** The wiring of the emulated mat (the pin table of deploy/README.md). */
export const PINS = { length: 0, weight: 1, measureButton: 2, tareButton: 3, piezo: 5, led: 13 } as const;

export function emulatedMatConfig(extra: Record<string, unknown> = {}): FirmwareConfig {
  const result = parseFirmwareConfig({
    deviceId: EMULATED_MAT_ID,
    board: 'uno',
    sampleRateHz: 25,
    length: { driver: 'analog', pin: `A${PINS.length}` },
    weight: { driver: 'analog', pin: `A${PINS.weight}` },
    buttons: { measure: PINS.measureButton, tare: PINS.tareButton },
    piezo: PINS.piezo,
    led: PINS.led,
    ...extra,
  });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.config;
}

/** Draw-wire potentiometer: its wire runs from 100 mm (0 V) to 1300 mm (5 V) of foot-board position. */
const WIRE_ZERO_MM = 100;
const WIRE_RANGE_MM = 1200;
/** Load-cell amplifier: 0.5 V with the scale empty, 0.25 V per kg (16 kg full scale). */
const SCALE_ZERO_V = 0.5;
const SCALE_V_PER_G = 0.25 / 1000;
const AVCC_V = 5;
/** johnny-five counts are the 10-bit ADC code × 16; a code covers [code, code + 1) of the input. */
const COUNTS_PER_CODE = 16;

const profile = (channel: 'length' | 'weight', offset: number, gain: number): CalibrationProfile => ({
  id: `cal-${EMULATED_MAT_ID}-${channel}-wiring`,
  deviceId: EMULATED_MAT_ID,
  channel,
  model: { offset, gain, quadratic: 0 },
  points: [],
  residuals: [],
  createdAt: '2026-01-01T00:00:00+07:00',
  createdBy: 'emulated mat wiring (test)',
  expiresAt: '2100-01-01T00:00:00+07:00',
});

/** The calibration the wiring above implies (a real mat gets its own from `tikar calibrate`). */
export function emulatedMatProfiles(): CalibrationProfile[] {
  const mmPerCode = WIRE_RANGE_MM / 1024;
  const gPerCode = AVCC_V / 1024 / SCALE_V_PER_G;
  return [
    profile('length', WIRE_ZERO_MM + mmPerCode / 2, mmPerCode / COUNTS_PER_CODE),
    profile('weight', gPerCode / 2 - SCALE_ZERO_V / SCALE_V_PER_G, gPerCode / COUNTS_PER_CODE),
  ];
}

export const lengthVolts = (mm: number) => (AVCC_V * (mm - WIRE_ZERO_MM)) / WIRE_RANGE_MM;
export const weightVolts = (g: number) => SCALE_ZERO_V + g * SCALE_V_PER_G;

/**
 * The simulator's physics (scenario, seed) put on the Uno's analog pins 100 times a second. The physics run
 * the simulated mat itself (manual clock) and read its sensors back from its own frames, so the foot board,
 * the kicks and the scale behave exactly as in `tikar sim`.
 */
export class MatPhysics {
  readonly truths: SimTruth[] = [];
  readonly #uno: EmulatedUno;
  readonly #sim: SimulatedMat;
  readonly #timer: NodeJS.Timeout;
  #seq = 0;
  #lengthMm = 1250;
  #weightG = 0;

  constructor(uno: EmulatedUno, options: { scenario?: string; seed?: number } = {}) {
    this.#uno = uno;
    const rateHz = 100;
    this.#sim = createSimulatedMat({
      scenario: options.scenario ?? 'calm',
      seed: options.seed ?? 1,
      rateHz,
      manual: true,
    });
    this.#sim.on('truth', (truth) => this.truths.push(truth));
    const lines = new LineSplitter((line) => {
      const decoded = decodeFrame(line);
      if (!decoded.ok || decoded.frame.type !== 'sample') return;
      const { channel, counts, tare } = decoded.frame.payload;
      if (channel === 'length') this.#lengthMm = applyCalibration(simLengthProfile, counts);
      else this.#weightG = applyTaredWeight(simWeightProfile, counts, tare);
    });
    this.#sim.stream.on('data', (chunk: Buffer) => lines.push(chunk));
    const startedMs = performance.now();
    let ticks = 0;
    this.#timer = setInterval(() => {
      const owed = Math.floor(((performance.now() - startedMs) * rateHz) / 1000) - ticks;
      if (owed <= 0) return;
      ticks += owed;
      this.#sim.tick(owed);
      this.#apply();
    }, 10);
    this.#apply();
  }

  #apply(): void {
    this.#uno.setAnalog(PINS.length, lengthVolts(this.#lengthMm));
    this.#uno.setAnalog(PINS.weight, weightVolts(this.#weightG));
  }

  #command(type: 'start' | 'stop'): void {
    this.#sim.stream.write(
      `${encodeFrame({ v: 1, device: SIM_DEVICE_ID, seq: this.#seq++, type, payload: {} })}\n`,
    );
  }

  /** The kader lays the next child down and pushes the foot board to its feet (or, same child: again). */
  measure(): void {
    this.#command('start');
  }

  /** The kader takes the child off the mat; the board goes back to its rest. */
  clear(): void {
    this.#command('stop');
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#sim.stop();
  }
}
