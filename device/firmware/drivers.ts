// Length (and weight) drivers: each turns one johnny-five sensor into raw counts, averaged over a sample period.
import five from 'johnny-five';
import type { Channel } from '../../protocol/index.ts';
import { DISTANCE_CONTROLLERS, type DistanceController, type SensorConfig } from './config.ts';

export interface SensorDriver {
  readonly channel: Channel;
  readonly description: string;
  /**
   * The mean reading since the last call, in counts; `fault` when the sensor gave nothing usable
   * (cable out: an analog pin floats to a rail, a distance sensor reports nothing).
   */
  take(): { counts: number } | { fault: string; code: 'sensor_fault' | 'out_of_range' } | undefined;
  /** Stops polling the sensor (the board went away). */
  stop(): void;
}

/** Each driver reads its sensor this many times per sample period and averages (dithered oversampling). */
export const READS_PER_SAMPLE = 4;
/** Analog counts are the mean ADC reading times 16 (4 extra bits from averaging). */
export const ANALOG_SCALE = 16;
/** A 10-bit reading this close to 0 or 1023 means the wiper or cable is disconnected. */
const RAIL_MARGIN = 2;

class Averager {
  #sum = 0;
  #count = 0;
  add(value: number): void {
    this.#sum += value;
    this.#count++;
  }
  take(): number | undefined {
    if (this.#count === 0) return undefined;
    const mean = this.#sum / this.#count;
    this.#sum = 0;
    this.#count = 0;
    return mean;
  }
}

/** A draw-wire or linear potentiometer (or an amplified load cell) on an analog pin, via johnny-five Sensor. */
function analogDriver(
  channel: Channel,
  config: SensorConfig,
  board: five.Board,
  periodMs: number,
): SensorDriver {
  const sensor = new five.Sensor({ pin: config.pin as string, freq: periodMs / READS_PER_SAMPLE, board });
  const readings = new Averager();
  // No reading before the board's first analog report (raw is null until then).
  sensor.on('data', () => {
    if (sensor.raw !== null) readings.add(sensor.raw);
  });
  return {
    channel,
    description: `${channel}: analog sensor on ${config.pin}`,
    take() {
      const mean = readings.take();
      if (mean === undefined) return undefined;
      if (mean <= RAIL_MARGIN || mean >= 1023 - RAIL_MARGIN) {
        return {
          fault: `${channel} sensor on ${config.pin} reads ${Math.round(mean)}: cable out?`,
          code: 'sensor_fault',
        };
      }
      return { counts: Math.round(mean * ANALOG_SCALE) };
    },
    // @types/johnny-five lacks Sensor#disable, which stops the sensor's polling timer.
    stop: () => (sensor as five.Sensor & { disable(): void }).disable(),
  };
}

/**
 * A distance sensor (infrared or ultrasonic) aimed at the foot board, via johnny-five Proximity. Counts are
 * hundredths of a centimetre of distance; the calibration maps them to length (usually with a negative gain).
 */
function distanceDriver(config: SensorConfig, board: five.Board, periodMs: number): SensorDriver {
  const proximity = new five.Proximity({
    controller: config.controller as string,
    pin: config.pin ?? 0,
    freq: periodMs / READS_PER_SAMPLE,
    board,
  });
  const readings = new Averager();
  const range = DISTANCE_CONTROLLERS[config.controller as DistanceController];
  let faultyReads = 0;
  proximity.on('data', (data) => {
    if (Number.isFinite(data.cm) && data.cm > 0) readings.add(data.cm);
    else faultyReads++;
  });
  return {
    channel: 'length',
    description: `length: ${config.controller} distance sensor${config.pin === undefined ? ' (I2C)' : ` on ${config.pin}`}`,
    take() {
      const mean = readings.take();
      if (mean === undefined) {
        if (faultyReads === 0) return undefined;
        faultyReads = 0;
        return {
          fault: `${config.controller} distance sensor gives no distance: blocked or disconnected?`,
          code: 'sensor_fault',
        };
      }
      faultyReads = 0;
      if (mean < range.minCm || mean > range.maxCm) {
        const fault = `${config.controller} reads ${mean.toFixed(1)} cm, outside its range ${range.minCm}-${range.maxCm} cm`;
        return { fault, code: 'out_of_range' };
      }
      return { counts: Math.round(mean * 100) };
    },
    // johnny-five's Proximity has no way to stop its polling timer (device/README.md, known limit).
    stop: () => undefined,
  };
}

export function createDriver(
  channel: Channel,
  config: SensorConfig,
  board: five.Board,
  periodMs: number,
): SensorDriver {
  return config.driver === 'analog'
    ? analogDriver(channel, config, board, periodMs)
    : distanceDriver(config, board, periodMs);
}
