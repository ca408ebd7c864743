// The mat's firmware logic on a johnny-five board: samples to frames, commands to piezo, LED and LCD.
// Start it once the board is ready; `main.ts` does that for a real board, tests do it on a mock Firmata.
import five from 'johnny-five';
import {
  type CommandFrame,
  createCommandHandler,
  type FrameType,
  FrameWriter,
  LineSplitter,
  type Payload,
  PROTOCOL_VERSION,
} from '../../protocol/index.ts';
import type { FirmwareConfig } from './config.ts';
import { createDriver, type SensorDriver } from './drivers.ts';

export const FIRMWARE_VERSION = 'tikar-j5 1.0.0';
const STATUS_EVERY_MS = 1000;
const BEEP_HZ = { lock: 2600, attention: 1800, error: 700 } as const;

export interface FirmwareOptions {
  config: FirmwareConfig;
  board: five.Board;
  /** Frames go here, one line each (a serial port, stdout, or the mat program's stream). */
  output: { write(line: string): unknown };
  /** Milliseconds since power-on; default performance.now(). */
  clock?: () => number;
}

export interface RunningFirmware {
  /** Bytes from the gateway (command lines). */
  receive(chunk: Buffer | string): void;
  /** The drivers in use, for the start-up log. */
  readonly drivers: readonly SensorDriver[];
  stop(): void;
}

export function startFirmware(options: FirmwareOptions): RunningFirmware {
  const { config, board, output } = options;
  const clock = options.clock ?? (() => performance.now());
  const startedAtMs = clock();
  const deviceMs = () => Math.max(0, Math.round(clock() - startedAtMs));
  const periodMs = 1000 / config.sampleRateHz;
  let calibrationId = config.calibrationId;
  let measuring = false;
  let tareCounts: number | undefined;
  let lastWeightCounts: number | undefined;
  let lastLengthCounts: number | undefined;
  let boardMovedAtMs = -Infinity;
  const faultReportedAtMs = new Map<string, number>();

  const writer = new FrameWriter(config.deviceId, (line) => output.write(`${line}\n`));
  const emit = <T extends FrameType>(type: T, payload: Payload<T>) => writer.send(type, payload);

  const drivers = [createDriver('length', config.length, board, periodMs)];
  if (config.weight) drivers.push(createDriver('weight', config.weight, board, periodMs));
  const piezo = config.piezo === undefined ? undefined : new five.Piezo({ pin: config.piezo, board });
  const led = config.led === undefined ? undefined : new five.Led({ pin: config.led, board });
  const lcd = config.lcd
    ? new five.LCD(
        config.lcd.controller === 'PARALLEL'
          ? { pins: config.lcd.pins ?? [], rows: config.lcd.rows, cols: config.lcd.cols, board }
          : { controller: config.lcd.controller, rows: config.lcd.rows, cols: config.lcd.cols, board },
      )
    : undefined;

  const tare = () => {
    tareCounts = lastWeightCounts;
  };
  const button = (pin: number | undefined, kind: 'measure_button' | 'tare_button', action?: () => void) => {
    if (pin === undefined) return;
    new five.Button({ pin, isPullup: true, board }).on('press', () => {
      action?.();
      emit('event', { kind, t_ms: deviceMs() });
    });
  };
  button(config.buttons.measure, 'measure_button');
  button(config.buttons.tare, 'tare_button', tare);

  emit('hello', {
    firmware: FIRMWARE_VERSION,
    protocol: PROTOCOL_VERSION,
    sensors: drivers.map((driver) => driver.channel),
    calibration_id: calibrationId,
  });

  const sample = () => {
    const tMs = deviceMs();
    for (const driver of drivers) {
      const reading = driver.take();
      if (!reading) continue;
      if ('fault' in reading) {
        // Once a second, not at the sample rate: the technician needs to see it, not drown in it.
        const last = faultReportedAtMs.get(driver.channel) ?? -Infinity;
        if (tMs - last >= STATUS_EVERY_MS) {
          faultReportedAtMs.set(driver.channel, tMs);
          emit('error', {
            code: reading.code,
            channel: driver.channel,
            message: reading.fault.slice(0, 120),
          });
        }
        continue;
      }
      if (driver.channel === 'weight') {
        lastWeightCounts = reading.counts;
        tareCounts ??= reading.counts; // auto-zero at power-on, as scales do
        emit('sample', { channel: 'weight', counts: reading.counts, t_ms: tMs, tare: tareCounts });
      } else {
        emit('sample', { channel: 'length', counts: reading.counts, t_ms: tMs });
        // A jump during a reading: the kader pulled the foot board away (at most one event a second).
        const jump = lastLengthCounts === undefined ? 0 : Math.abs(reading.counts - lastLengthCounts);
        if (measuring && jump >= config.boardMovedCounts && tMs - boardMovedAtMs >= STATUS_EVERY_MS) {
          boardMovedAtMs = tMs;
          emit('event', { kind: 'board_moved', t_ms: tMs });
        }
        lastLengthCounts = reading.counts;
      }
    }
  };
  const status = () =>
    // supply_mv 0: StandardFirmata cannot measure its own supply; a divider on an analog pin would.
    emit('status', { uptime_ms: deviceMs(), supply_mv: 0, state: measuring ? 'measuring' : 'idle' });
  const timers = [setInterval(sample, periodMs), setInterval(status, STATUS_EVERY_MS)];

  const execute = (frame: CommandFrame): string | undefined => {
    switch (frame.type) {
      case 'start':
      case 'stop':
        measuring = frame.type === 'start';
        led?.off();
        break;
      case 'tare':
        tare();
        break;
      case 'beep':
        if (frame.payload.pattern === 'lock') led?.on();
        if (!piezo) return 'no piezo configured';
        piezo.frequency(BEEP_HZ[frame.payload.pattern], frame.payload.duration_ms);
        break;
      case 'display': {
        if (!lcd) return 'no LCD configured';
        const { cols, rows } = config.lcd ?? { cols: 16, rows: 2 };
        lcd.clear();
        for (let row = 0; row < rows; row++) {
          const text = frame.payload.text.slice(row * cols, (row + 1) * cols);
          if (text.length > 0) lcd.cursor(row, 0).print(text);
        }
        break;
      }
      case 'calibration':
        calibrationId = frame.payload.calibration_id;
        break;
    }
    return undefined;
  };
  const lines = new LineSplitter(createCommandHandler({ deviceId: config.deviceId, writer, execute }));

  return {
    receive: (chunk) => lines.push(chunk),
    drivers,
    stop() {
      for (const timer of timers) clearInterval(timer);
      for (const driver of drivers) driver.stop();
      led?.off();
      piezo?.off();
    },
  };
}
