// The firmware on a mock Firmata board, as johnny-five tests itself: pin reads are fed through the callbacks the
// board registered, and what the firmware drives (piezo, LED, LCD) is observed on the IO and component objects.
import { PassThrough } from 'node:stream';
import five from 'johnny-five';
import mockFirmata from 'mock-firmata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FirmwareConfig, parseFirmwareConfig } from '../../device/firmware/config.ts';
import { ANALOG_SCALE } from '../../device/firmware/drivers.ts';
import { type RunningFirmware, startFirmware } from '../../device/firmware/firmware.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../protocol/index.ts';

interface Rig {
  firmware: RunningFirmware;
  frames: Frame[];
  rejected: string[];
  analog(pin: number, value: number): void;
  press(pin: number): Promise<void>;
  digitalWrites: [number, number][];
  command(frame: Omit<Frame, 'v' | 'device'> & { device?: string }): void;
}

const running: RunningFirmware[] = [];
afterEach(() => {
  for (const firmware of running.splice(0)) firmware.stop();
  vi.restoreAllMocks();
});

function configOf(input: Record<string, unknown>): FirmwareConfig {
  const result = parseFirmwareConfig({ deviceId: 'MAT-J5', ...input });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.config;
}

async function rig(config: FirmwareConfig): Promise<Rig> {
  const io = new mockFirmata.Firmata();
  const analogCallbacks = new Map<number, (value: number) => void>();
  const digitalCallbacks = new Map<number, (value: number) => void>();
  const digitalWrites: [number, number][] = [];
  io.analogRead = (pin, callback) => analogCallbacks.set(pin, callback);
  io.digitalRead = (pin, callback) => digitalCallbacks.set(pin, callback);
  io.digitalWrite = (pin, value) => digitalWrites.push([pin, value]);
  const board = new five.Board({ io, debug: false, repl: false });
  const ready = new Promise<void>((resolve) => board.on('ready', () => resolve()));
  io.emit('connect');
  io.emit('ready');
  await ready;
  const output = new PassThrough();
  const frames: Frame[] = [];
  const rejected: string[] = [];
  output.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      const decoded = decodeFrame(line);
      if (decoded.ok) frames.push(decoded.frame);
      else rejected.push(line);
    }
  });
  const firmware = startFirmware({ config, board, output });
  running.push(firmware);
  return {
    firmware,
    frames,
    rejected,
    analog: (pin, value) => analogCallbacks.get(pin)?.(value),
    press: async (pin) => {
      // A pull-up button reads 0 when pressed, then 1 when released; johnny-five debounces for 7 ms.
      digitalCallbacks.get(pin)?.(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      digitalCallbacks.get(pin)?.(1);
    },
    digitalWrites,
    command(frame) {
      const line = encodeFrame({ v: 1, device: 'MAT-J5', ...frame } as Frame);
      firmware.receive(`${line}\n`);
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ofType = <T extends Frame['type']>(frames: Frame[], type: T) =>
  frames.filter((frame): frame is Extract<Frame, { type: T }> => frame.type === type);

describe('firmware on a mock Firmata board', () => {
  it('says hello, then turns analog pin reads into length and weight sample frames at the sample rate', async () => {
    const mat = await rig(
      configOf({ length: { driver: 'analog', pin: 'A0' }, weight: { driver: 'analog', pin: 'A1' } }),
    );
    expect(mat.frames[0]).toMatchObject({
      type: 'hello',
      device: 'MAT-J5',
      seq: 0,
      payload: {
        firmware: 'tikar-j5 1.0.0',
        protocol: 1,
        sensors: ['length', 'weight'],
        calibration_id: null,
      },
    });
    mat.analog(0, 512);
    mat.analog(1, 300);
    await until(() => ofType(mat.frames, 'sample').length >= 6, 'samples');
    const lengths = ofType(mat.frames, 'sample').filter((frame) => frame.payload.channel === 'length');
    expect(lengths[0]?.payload.counts).toBe(512 * ANALOG_SCALE);
    const weight = ofType(mat.frames, 'sample').find((frame) => frame.payload.channel === 'weight');
    expect(weight?.payload).toMatchObject({ counts: 300 * ANALOG_SCALE, tare: 300 * ANALOG_SCALE });
    mat.analog(0, 700);
    await until(
      () => ofType(mat.frames, 'sample').some((frame) => frame.payload.counts === 700 * ANALOG_SCALE),
      'new reading',
    );
    // Timestamps rise and sequence numbers count every frame.
    const times = lengths.map((frame) => frame.payload.t_ms);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(mat.frames.map((frame) => frame.seq)).toEqual(mat.frames.map((_, i) => i));
    expect(mat.rejected).toEqual([]);
  });

  it('reports the foot board moving during a reading, not while idle', async () => {
    const mat = await rig(configOf({ length: { driver: 'analog', pin: 'A0' } }));
    mat.analog(0, 400);
    await until(() => ofType(mat.frames, 'sample').length >= 1, 'a sample');
    mat.analog(0, 600); // idle: no event
    await until(
      () => ofType(mat.frames, 'sample').some((frame) => frame.payload.counts === 600 * ANALOG_SCALE),
      'a move',
    );
    expect(ofType(mat.frames, 'event')).toEqual([]);
    mat.command({ seq: 0, type: 'start', payload: {} });
    mat.analog(0, 450);
    await until(() => ofType(mat.frames, 'event').length === 1, 'the board_moved event');
    expect(ofType(mat.frames, 'event')[0]?.payload.kind).toBe('board_moved');
    expect(
      ofType(mat.frames, 'sample').filter((frame) => frame.payload.counts === 600 * ANALOG_SCALE).length,
    ).toBeGreaterThan(0);
  });

  it('reports a sensor fault when the analog pin sits at a rail (cable out)', async () => {
    const mat = await rig(configOf({ length: { driver: 'analog', pin: 'A2' } }));
    mat.analog(2, 0);
    await until(() => ofType(mat.frames, 'error').length > 0, 'an error frame');
    expect(ofType(mat.frames, 'error')[0]?.payload).toMatchObject({
      code: 'sensor_fault',
      channel: 'length',
    });
    expect(ofType(mat.frames, 'sample')).toEqual([]);
  });

  it('reads a distance sensor through johnny-five Proximity', async () => {
    const mat = await rig(
      configOf({ length: { driver: 'distance', controller: 'GP2Y0A02YK0F', pin: 'A3' } }),
    );
    mat.analog(3, 200);
    await until(() => ofType(mat.frames, 'sample').length > 0, 'a sample');
    // GP2Y0A02YK0F: cm = 10650.08 * raw^-0.935 - 10, counted in hundredths of a cm.
    const expectedCm = 10650.08 * 200 ** -0.935 - 10;
    expect(ofType(mat.frames, 'sample')[0]?.payload.counts).toBeCloseTo(expectedCm * 100, -1);
  });

  it('reports a distance outside the sensor range as out_of_range', async () => {
    const mat = await rig(
      configOf({ length: { driver: 'distance', controller: 'GP2Y0A02YK0F', pin: 'A3' } }),
    );
    mat.analog(3, 1000); // about 10 cm: closer than the sensor's 20 cm
    await until(() => ofType(mat.frames, 'error').length > 0, 'an error frame');
    expect(ofType(mat.frames, 'error')[0]?.payload).toMatchObject({
      code: 'out_of_range',
      channel: 'length',
    });
    expect(ofType(mat.frames, 'sample')).toEqual([]);
  });

  it('sends button events, tares the scale, and acknowledges commands by sequence number', async () => {
    const mat = await rig(
      configOf({
        length: { driver: 'analog', pin: 'A0' },
        weight: { driver: 'analog', pin: 'A1' },
        buttons: { measure: 2, tare: 3 },
      }),
    );
    mat.analog(0, 400);
    mat.analog(1, 100);
    await until(() => ofType(mat.frames, 'sample').length >= 2, 'samples');
    await mat.press(2);
    await until(() => ofType(mat.frames, 'event').length === 1, 'the measure event');
    expect(ofType(mat.frames, 'event')[0]?.payload.kind).toBe('measure_button');
    mat.analog(1, 250);
    await until(
      () => ofType(mat.frames, 'sample').some((frame) => frame.payload.counts === 250 * ANALOG_SCALE),
      'load',
    );
    mat.command({ seq: 0, type: 'tare', payload: {} });
    await until(
      () =>
        ofType(mat.frames, 'sample').some(
          (frame) => frame.payload.channel === 'weight' && frame.payload.tare === 250 * ANALOG_SCALE,
        ),
      'the new tare',
    );
    expect(ofType(mat.frames, 'ack')[0]?.payload).toEqual({ ack_seq: 0, ack_type: 'tare', ok: true });
    await mat.press(3);
    await until(() => ofType(mat.frames, 'event').length === 2, 'the tare event');
    expect(ofType(mat.frames, 'event')[1]?.payload.kind).toBe('tare_button');
    mat.command({ seq: 1, type: 'calibration', payload: { calibration_id: 'cal-77' } });
    mat.command({ seq: 2, type: 'start', payload: {}, device: 'OTHER' });
    expect(
      ofType(mat.frames, 'ack')
        .slice(1)
        .map((frame) => frame.payload),
    ).toEqual([
      { ack_seq: 1, ack_type: 'calibration', ok: true },
      { ack_seq: 2, ack_type: 'start', ok: false, reason: 'addressed to OTHER, this mat is MAT-J5' },
    ]);
    mat.firmware.receive('garbage\n');
    expect(ofType(mat.frames, 'error').at(-1)?.payload).toMatchObject({ code: 'bad_command' });
  });

  it('beeps and lights the LED on a locked reading, and writes the display text to the LCD', async () => {
    const frequency = vi.spyOn(five.Piezo.prototype, 'frequency').mockImplementation(function (
      this: five.Piezo,
    ) {
      return this;
    });
    const printed: string[] = [];
    vi.spyOn(five.LCD.prototype, 'print').mockImplementation(function (this: five.LCD, text: string) {
      printed.push(text);
      return this;
    });
    const mat = await rig(
      configOf({
        length: { driver: 'analog', pin: 'A0' },
        piezo: 5,
        led: 13,
        lcd: { controller: 'PCF8574', cols: 16, rows: 2 },
      }),
    );
    mat.command({ seq: 0, type: 'beep', payload: { duration_ms: 150, pattern: 'lock' } });
    expect(frequency).toHaveBeenCalledWith(2600, 150);
    expect(mat.digitalWrites).toContainEqual([13, 1]);
    mat.command({ seq: 1, type: 'display', payload: { text: 'PB 74,3 cm      Anak ke-3' } });
    expect(printed).toEqual(['PB 74,3 cm      ', 'Anak ke-3']);
    mat.command({ seq: 2, type: 'stop', payload: {} });
    expect(mat.digitalWrites.at(-1)).toEqual([13, 0]);
    expect(ofType(mat.frames, 'ack').map((frame) => [frame.payload.ack_seq, frame.payload.ok])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
  });
});

describe('firmware configuration', () => {
  it('applies defaults', () => {
    const config = configOf({ length: { driver: 'analog', pin: 'A0' } });
    expect(config).toMatchObject({
      board: 'uno',
      sampleRateHz: 25,
      output: 'stdout',
      calibrationId: null,
      buttons: {},
    });
  });

  it.each([
    [
      { length: { driver: 'laser', pin: 'A0' } },
      "length.driver: unknown driver 'laser'; expected one of analog, distance",
    ],
    [
      { length: { driver: 'analog', pin: 'A7' } },
      "length.pin: 'A7' is not an analog pin of an Arduino Uno (A0-A5)",
    ],
    [
      { length: { driver: 'analog', pin: 7 } },
      "length.pin: '7' is not an analog pin of an Arduino Uno (A0-A5)",
    ],
    [
      { length: { driver: 'distance', controller: 'XYZ', pin: 'A0' } },
      "length.controller: unknown distance sensor 'XYZ'",
    ],
    [
      { length: { driver: 'distance', controller: 'HCSR04', pin: 'A0' } },
      "length.pin: 'A0' is not a usable digital pin",
    ],
    [
      { length: { driver: 'analog', pin: 'A0' }, piezo: 1 },
      "piezo: '1' is not a usable digital pin of an Arduino Uno (2-13",
    ],
    [
      { length: { driver: 'analog', pin: 'A0' }, weight: { driver: 'analog', pin: 'A0' } },
      'weight.pin: pin A0 is already used by length.pin',
    ],
    [{ length: { driver: 'analog', pin: 'A0' }, sampleRateHz: 10 }, 'sampleRateHz: must be at least 20'],
    [{ length: { driver: 'analog', pin: 'A0' }, board: 'esp32' }, 'board:'],
    [{}, 'length:'],
  ])('explains a wrong configuration: %j', (input, message) => {
    const result = parseFirmwareConfig({ deviceId: 'MAT-J5', ...input });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join('\n')).toContain(message);
  });

  it('accepts a Mega analog pin the Uno does not have', () => {
    expect(
      parseFirmwareConfig({ deviceId: 'M', board: 'mega', length: { driver: 'analog', pin: 'A12' } }).ok,
    ).toBe(true);
  });
});
