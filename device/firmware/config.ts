// The firmware's configuration file (JSON), validated with zod. Every error names the option and says what
// would be right, e.g. "length.pin: 'A7' is not an analog pin of an Arduino Uno (A0-A5)".
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Boards the firmware knows the pins of (StandardFirmata over USB). */
const boards = {
  uno: { name: 'Arduino Uno', analogPins: 6, digitalPins: [2, 13] },
  nano: { name: 'Arduino Nano', analogPins: 8, digitalPins: [2, 13] },
  mega: { name: 'Arduino Mega 2560', analogPins: 16, digitalPins: [2, 53] },
} as const;
type BoardModel = keyof typeof boards;

/** Distance sensors johnny-five's Proximity reads: the kind of pin they need and their rated range (datasheets). */
export const DISTANCE_CONTROLLERS = {
  GP2Y0A21YK: { pin: 'analog', minCm: 10, maxCm: 80 },
  GP2Y0A02YK0F: { pin: 'analog', minCm: 20, maxCm: 150 },
  GP2Y0A710K0F: { pin: 'analog', minCm: 100, maxCm: 550 },
  GP2D120XJ00F: { pin: 'analog', minCm: 4, maxCm: 30 },
  GP2Y0A41SK0F: { pin: 'analog', minCm: 4, maxCm: 30 },
  HCSR04: { pin: 'digital', minCm: 2, maxCm: 400 },
  LIDARLITE: { pin: 'i2c', minCm: 1, maxCm: 4000 },
} as const;
export type DistanceController = keyof typeof DISTANCE_CONTROLLERS;

const DRIVERS = ['analog', 'distance'] as const;
const pin = z.union([z.string(), z.number().int()]);

const sensorSchema = z.object({
  driver: z.string(),
  pin: pin.optional(),
  controller: z.string().optional(),
});

const schema = z.object({
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 of A-Z a-z 0-9 _ -'),
  board: z.enum(Object.keys(boards) as [BoardModel, ...BoardModel[]]).default('uno'),
  /** Serial port of the Arduino running StandardFirmata; johnny-five looks for one when absent. */
  boardPort: z.string().optional(),
  sampleRateHz: z
    .number()
    .min(20, 'must be at least 20 (the gateway needs 20 samples a second)')
    .max(100)
    .default(25),
  length: sensorSchema,
  weight: sensorSchema.optional(),
  buttons: z.object({ measure: pin.optional(), tare: pin.optional() }).default({}),
  piezo: pin.optional(),
  led: pin.optional(),
  lcd: z
    .object({
      controller: z.enum(['PCF8574', 'JHD1313M1', 'PARALLEL']).default('PCF8574'),
      pins: z.array(pin).length(6).optional(),
      rows: z.number().int().min(1).max(4).default(2),
      cols: z.number().int().min(8).max(40).default(16),
    })
    .optional(),
  calibrationId: z.string().min(1).max(64).nullable().default(null),
  /** A length change this large between two samples while measuring is reported as the foot board moving. */
  boardMovedCounts: z.number().int().positive().default(800),
  /** Where frames go: a serial port to the gateway, or standard output when piped. */
  output: z
    .union([
      z.literal('stdout'),
      z.object({ port: z.string().min(1), baud: z.number().int().positive().default(115_200) }),
    ])
    .default('stdout'),
});

type RawConfig = z.infer<typeof schema>;

export interface SensorConfig {
  driver: 'analog' | 'distance';
  /** johnny-five pin name: 'A0' for analog pins, a number for digital ones; undefined for I2C sensors. */
  pin: string | number | undefined;
  controller?: DistanceController;
}

export interface FirmwareConfig
  extends Omit<RawConfig, 'length' | 'weight' | 'buttons' | 'piezo' | 'led' | 'lcd'> {
  length: SensorConfig;
  weight?: SensorConfig;
  buttons: { measure?: number; tare?: number };
  piezo?: number;
  led?: number;
  lcd?: { controller: 'PCF8574' | 'JHD1313M1' | 'PARALLEL'; pins?: number[]; rows: number; cols: number };
}

export type ConfigResult = { ok: true; config: FirmwareConfig } | { ok: false; errors: string[] };

/** Checks pins against the board and against each other, collecting every problem. */
class PinChecker {
  readonly errors: string[] = [];
  readonly #used = new Map<string, string>();
  readonly #board: (typeof boards)[BoardModel];

  constructor(model: BoardModel) {
    this.#board = boards[model];
  }

  #claim(key: string, path: string): void {
    const other = this.#used.get(key);
    if (other) this.errors.push(`${path}: pin ${key} is already used by ${other}`);
    else this.#used.set(key, path);
  }

  analog(value: string | number | undefined, path: string): string | undefined {
    const last = this.#board.analogPins - 1;
    const match = typeof value === 'string' ? /^A([0-9]{1,2})$/.exec(value) : null;
    const index = match ? Number(match[1]) : Number.NaN;
    if (!(index >= 0 && index <= last)) {
      this.errors.push(
        `${path}: '${value ?? ''}' is not an analog pin of an ${this.#board.name} (A0-A${last})`,
      );
      return undefined;
    }
    this.#claim(`A${index}`, path);
    return `A${index}`;
  }

  digital(value: string | number | undefined, path: string): number | undefined {
    const [first, last] = this.#board.digitalPins;
    const text = String(value ?? '');
    const number = /^D?[0-9]{1,2}$/.test(text) ? Number(text.replace('D', '')) : Number.NaN;
    if (!(number >= first && number <= last)) {
      this.errors.push(
        `${path}: '${text}' is not a usable digital pin of an ${this.#board.name} (${first}-${last}; 0 and 1 carry the USB serial)`,
      );
      return undefined;
    }
    this.#claim(String(number), path);
    return number;
  }
}

function checkSensor(raw: RawConfig['length'], path: string, pins: PinChecker): SensorConfig | undefined {
  if (!(DRIVERS as readonly string[]).includes(raw.driver)) {
    pins.errors.push(`${path}.driver: unknown driver '${raw.driver}'; expected one of ${DRIVERS.join(', ')}`);
    return undefined;
  }
  if (raw.driver === 'analog') return { driver: 'analog', pin: pins.analog(raw.pin, `${path}.pin`) };
  const controller = raw.controller ?? '';
  if (!Object.hasOwn(DISTANCE_CONTROLLERS, controller)) {
    pins.errors.push(
      `${path}.controller: unknown distance sensor '${controller}'; expected one of ${Object.keys(DISTANCE_CONTROLLERS).join(', ')}`,
    );
    return undefined;
  }
  const known = controller as DistanceController;
  const kind = DISTANCE_CONTROLLERS[known].pin;
  const pin =
    kind === 'analog'
      ? pins.analog(raw.pin, `${path}.pin`)
      : kind === 'digital'
        ? pins.digital(raw.pin, `${path}.pin`)
        : undefined;
  return { driver: 'distance', controller: known, pin };
}

/** Validates a parsed configuration object. Never throws. */
export function parseFirmwareConfig(input: unknown): ConfigResult {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`),
    };
  }
  const raw = parsed.data;
  const pins = new PinChecker(raw.board);
  const length = checkSensor(raw.length, 'length', pins);
  const weight = raw.weight ? checkSensor(raw.weight, 'weight', pins) : undefined;
  const optionalDigital = (value: string | number | undefined, path: string) =>
    value === undefined ? undefined : pins.digital(value, path);
  const buttons = {
    measure: optionalDigital(raw.buttons.measure, 'buttons.measure'),
    tare: optionalDigital(raw.buttons.tare, 'buttons.tare'),
  };
  const piezo = optionalDigital(raw.piezo, 'piezo');
  const led = optionalDigital(raw.led, 'led');
  const lcdPins = raw.lcd?.pins?.map((value, i) => pins.digital(value, `lcd.pins.${i}`) ?? -1);
  if (raw.lcd?.controller === 'PARALLEL' && !lcdPins)
    pins.errors.push('lcd.pins: a PARALLEL LCD needs 6 pins [rs, en, d4, d5, d6, d7]');
  if (pins.errors.length > 0 || !length) return { ok: false, errors: pins.errors };
  const config: FirmwareConfig = {
    deviceId: raw.deviceId,
    board: raw.board,
    ...(raw.boardPort === undefined ? {} : { boardPort: raw.boardPort }),
    sampleRateHz: raw.sampleRateHz,
    calibrationId: raw.calibrationId,
    boardMovedCounts: raw.boardMovedCounts,
    output: raw.output,
    length,
    ...(weight ? { weight } : {}),
    buttons: Object.fromEntries(Object.entries(buttons).filter(([, value]) => value !== undefined)),
    ...(piezo === undefined ? {} : { piezo }),
    ...(led === undefined ? {} : { led }),
    ...(raw.lcd
      ? {
          lcd: {
            controller: raw.lcd.controller,
            rows: raw.lcd.rows,
            cols: raw.lcd.cols,
            ...(lcdPins ? { pins: lcdPins } : {}),
          },
        }
      : {}),
  };
  return { ok: true, config };
}

/** Reads and validates a configuration file; errors name the file and the option. Never throws. */
export async function readFirmwareConfig(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [`${path}: ${(error as Error).message}`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`${path}: not valid JSON (${(error as Error).message})`] };
  }
  const result = parseFirmwareConfig(json);
  return result.ok ? result : { ok: false, errors: result.errors.map((error) => `${path}: ${error}`) };
}
