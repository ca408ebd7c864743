// The simulated mat: same wire protocol as the firmware, no hardware (spec of its behaviour: protocol/README.md,
// "Readings"). The gateway runs it in-process over `stream`; `tikar sim` puts it on a PTY, a port or stdout.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { SIM_DEVICE_ID } from '../../calibration/index.ts';
import { LineSplitter } from '../../protocol/index.ts';
import { MatCore, type SimTruth, type WireStats } from './mat-core.ts';
import type { Random } from './random.ts';
import { type Scenario, type SimChild, scenarioNames, scenarios } from './scenarios.ts';

export { SIM_DEVICE_ID, simCalibrationProfiles } from '../../calibration/index.ts';
export { corruptLine, SIM_FIRMWARE, type SimTruth, type WireStats } from './mat-core.ts';
export { createRandom, type Random } from './random.ts';
export { type Scenario, type SimChild, scenarioNames, scenarios } from './scenarios.ts';

export interface SimulatedMatOptions {
  /** One of `scenarioNames`; default 'calm'. */
  scenario?: string;
  seed?: number;
  /** Samples per second per channel; default 25. */
  rateHz?: number;
  deviceId?: string;
  /** Overrides the scenario's length-sensor noise σ, mm. */
  noiseMm?: number;
  /** Device time runs this many times faster than wall time (tests, demos); default 1. */
  timeScale?: number;
  /** Stop (and end the stream) when the device clock reaches this, ms. */
  stopAtMs?: number;
  /** No timer: the caller advances time with `tick()` (deterministic unit tests). */
  manual?: boolean;
}

export interface SimulatedMat extends EventEmitter<{ truth: [SimTruth] }> {
  /** Readable: the wire bytes the mat sends. Writable: the gateway's command lines. */
  readonly stream: Duplex;
  readonly scenario: Scenario;
  /** Advance `count` sample periods now (any mode). */
  tick(count?: number): void;
  /**
   * The gateway lays the next baby (drawn to fit the child it measures, with `layingRandom` and the
   * scenario's shares): the next new reading is that baby. Not on the wire: only an in-process mat can be told.
   */
  layChild(baby: SimChild): void;
  /** Seeded randomness for the babies laid by `layChild`. */
  readonly layingRandom: Random;
  /** Calibration: a technician puts a reference rod (mm) and/or mass (g) on the mat. Not on the wire. */
  placeReference(reference: { lengthMm?: number; weightG?: number }): void;
  /** Device clock, ms since power-on. */
  deviceMs(): number;
  /** Lines sent, dropped, corrupted, duplicated so far. */
  stats(): WireStats;
  /** Stops the clock and ends the readable side. Idempotent. */
  stop(): void;
}

/** Throws on an unknown scenario or a bad rate: configuration errors fail fast, naming the option. */
export function createSimulatedMat(options: SimulatedMatOptions = {}): SimulatedMat {
  const scenarioName = options.scenario ?? 'calm';
  const scenario = scenarios[scenarioName];
  if (!scenario)
    throw new Error(`scenario: unknown '${scenarioName}', expected one of ${scenarioNames.join(', ')}`);
  const rateHz = options.rateHz ?? 25;
  if (!(rateHz >= 1 && rateHz <= 100)) throw new Error(`rateHz: ${rateHz} is outside 1-100`);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0 && timeScale <= 1000)) throw new Error(`timeScale: ${timeScale} is outside (0, 1000]`);

  const emitter = new EventEmitter<{ truth: [SimTruth] }>();
  let stopped = false;
  // A real mat's line buffer is small: an endless line is cut and answered with an error, not buffered forever.
  const commandLines = new LineSplitter((line) => core.command(line));
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer | string, _encoding, callback) {
      commandLines.push(chunk);
      callback();
    },
  });
  const core: MatCore = new MatCore({
    scenario,
    seed: options.seed ?? 1,
    rateHz,
    deviceId: options.deviceId ?? SIM_DEVICE_ID,
    ...(options.noiseMm === undefined ? {} : { noiseMm: options.noiseMm }),
    send: (line) => {
      if (!stopped) stream.push(`${line}\n`);
    },
    truth: (truth) => emitter.emit('truth', truth),
  });

  const tick = (count = 1) => {
    for (let i = 0; i < count && !stopped; i++) {
      core.tick();
      if (options.stopAtMs !== undefined && core.deviceMs >= options.stopAtMs) stop();
    }
  };
  core.powerOn();
  // Ticks are owed by elapsed wall time, so fast runs (timeScale) keep their rate despite the timer's granularity.
  const startedAtMs = performance.now();
  let ticksDone = 0;
  const catchUp = () => {
    const owed = Math.floor(((performance.now() - startedAtMs) * timeScale * rateHz) / 1000) - ticksDone;
    ticksDone += owed;
    tick(owed);
  };
  const timer = options.manual ? undefined : setInterval(catchUp, Math.max(5, 1000 / rateHz / timeScale));
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearInterval(timer);
    stream.push(null);
  };
  stream.once('close', stop);
  return Object.assign(emitter, {
    stream,
    scenario,
    tick,
    layChild: (baby: SimChild) => core.layChild(baby),
    layingRandom: core.layingRandom,
    placeReference: (reference: { lengthMm?: number; weightG?: number }) => core.placeReference(reference),
    deviceMs: () => core.deviceMs,
    stats: () => ({ ...core.stats }),
    stop,
  });
}
