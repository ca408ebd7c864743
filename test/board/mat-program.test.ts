// The mat program (johnny-five, firmata-io) on StandardFirmata running on an emulated Uno, over an in-memory
// transport: the wire it gives the gateway (rate, button events), and what the gateway's commands do to the
// board's pins (beep → piezo, lock → LED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MatProgram, startMatProgram } from '../../device/firmware/mat-program.ts';
import { decodeFrame, encodeFrame, type Frame, LineSplitter } from '../../protocol/index.ts';
import { waitFor } from '../integration/helpers.ts';
import { EmulatedUno } from './avr/emulated-uno.ts';
import { EMULATED_MAT_ID, emulatedMatConfig, lengthVolts, PINS, weightVolts } from './emulated-mat.ts';

describe('the mat program on the emulated board', { timeout: 60_000 }, () => {
  let uno: EmulatedUno;
  let mat: MatProgram;
  const frames: Frame[] = [];
  let seq = 0;
  const command = (frame: Omit<Frame, 'v' | 'device' | 'seq'>) =>
    mat.stream.write(`${encodeFrame({ v: 1, device: EMULATED_MAT_ID, seq: seq++, ...frame } as Frame)}\n`);
  const ofType = <T extends Frame['type']>(type: T) =>
    frames.filter((frame): frame is Extract<Frame, { type: T }> => frame.type === type);

  beforeAll(async () => {
    uno = new EmulatedUno();
    uno.setAnalog(PINS.length, lengthVolts(650));
    uno.setAnalog(PINS.weight, weightVolts(0));
    mat = startMatProgram({
      config: emulatedMatConfig(),
      portName: 'emulated-uno',
      openTransport: async () => {
        const cable = uno.plug();
        return { stream: cable, close: async () => void cable.destroy() };
      },
    });
    const lines = new LineSplitter((line) => {
      const decoded = decodeFrame(line);
      if (decoded.ok) frames.push(decoded.frame);
    });
    mat.stream.on('data', (chunk: Buffer) => lines.push(chunk));
    await waitFor('samples', () => ofType('sample').length > 0, 30_000);
  });

  afterAll(async () => {
    await mat?.stop();
    await uno?.stop();
  });

  it('says hello as the mat, then sends at least 20 length samples a second of what the ADC reads', async () => {
    expect(mat.state).toMatchObject({ up: true, firmware: 'StandardFirmata.ino 2.5' });
    expect(frames[0]).toMatchObject({ type: 'hello', device: EMULATED_MAT_ID });
    const firstMs = ofType('sample')[0]?.payload.t_ms ?? 0;
    await waitFor('3 s of samples', () =>
      ofType('status').some((f) => f.payload.uptime_ms >= firstMs + 3500),
    );
    const lengths = ofType('sample').filter((f) => f.payload.channel === 'length');
    const window = lengths.filter((f) => f.payload.t_ms > firstMs && f.payload.t_ms <= firstMs + 3000);
    expect(window.length / 3).toBeGreaterThanOrEqual(20);
    // 650 mm on the draw wire: code floor(550/1200 × 1024) = 469, × 16 counts.
    expect(lengths.at(-1)?.payload.counts).toBe(469 * 16);
  });

  it('sends a button press on the board as an event', async () => {
    uno.setButton(PINS.measureButton, true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    uno.setButton(PINS.measureButton, false);
    await waitFor('the event', () => ofType('event').find((f) => f.payload.kind === 'measure_button'));
  });

  it("toggles the piezo pin on the gateway's beep and lights the LED on a lock beep until the next start", async () => {
    const before = uno.toggles(PINS.piezo);
    command({ type: 'beep', payload: { duration_ms: 200, pattern: 'attention' } });
    await waitFor('the piezo to sound', () => uno.toggles(PINS.piezo) - before > 10);
    expect(uno.outputLevel(PINS.led)).not.toBe(1);
    command({ type: 'beep', payload: { duration_ms: 200, pattern: 'lock' } });
    await waitFor('the LED', () => uno.outputLevel(PINS.led) === 1);
    command({ type: 'start', payload: {} });
    await waitFor('the LED off again', () => uno.outputLevel(PINS.led) === 0);
    expect(ofType('ack').every((f) => f.payload.ok)).toBe(true);
  });
});
