// Hardware in the loop: the committed StandardFirmata runs on an emulated ATmega328P (avr8js), the simulated
// mat's physics drive its analog pins, and the gateway (`board` layout: the johnny-five mat program in its
// process, firmata-io over an in-memory transport) measures a child that a kader handles through the HTTP API.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { applyRepeatRule } from '../../gateway/stabilise/repeat-rule.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { waitFor } from '../integration/helpers.ts';
import { EmulatedUno } from './avr/emulated-uno.ts';
import { EMULATED_MAT_ID, emulatedMatConfig, emulatedMatProfiles, MatPhysics, PINS } from './emulated-mat.ts';
import { apiClient, measureAsKader, registerChild } from './kader.ts';

const kaderPin = '482916';

describe('a measuring session through the emulated board', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let uno: EmulatedUno;
  let physics: MatPhysics;
  let gateway: RunningGateway;

  const api = apiClient(() => gateway.webUrl ?? '');

  beforeAll(async () => {
    dir = await tmpDir('tikar-board-');
    uno = new EmulatedUno();
    physics = new MatPhysics(uno, { scenario: 'wiggle', seed: 5 });
    process.env.TIKAR_PIN_KADER = kaderPin;
    gateway = await startGateway({
      dbPath: join(dir.path, 'gateway.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      board: {
        port: 'emulated-uno',
        config: emulatedMatConfig(),
        openTransport: async () => {
          const cable = uno.plug();
          return { stream: cable, close: async () => void cable.destroy() };
        },
      },
      profiles: emulatedMatProfiles(),
      record: { enabled: true, dbPath: join(dir.path, 'record.db') },
      http: { host: '127.0.0.1', port: 0 },
    });
    await waitFor(
      'the board',
      () => gateway.services.listMats().find((mat) => mat.connected && mat.frames_ok > 0),
      30_000,
    );
  });

  afterAll(async () => {
    delete process.env.TIKAR_PIN_KADER;
    await gateway?.stop();
    physics?.stop();
    await uno?.stop();
    await dir?.cleanup();
  });

  it('locks, applies the WHO repeat rule and saves within 2 mm of the truth; the lock beeps and lights the LED', async () => {
    expect(gateway.services.listMats()[0]).toMatchObject({ mat_id: EMULATED_MAT_ID, port: 'emulated-uno' });
    expect((await api('POST', '/api/login', { role: 'kader', pin: kaderPin })).status).toBe(200);
    const childId = await registerChild(api, 'Sari Wulandari', 9);
    let ledLit = false;
    const onPin = (pin: number, level: 0 | 1) => {
      if (pin === PINS.led && level === 1) ledLit = true;
    };
    uno.on('pin', onPin);
    const piezoBefore = uno.toggles(PINS.piezo);
    const saved = await measureAsKader(api, physics, childId);
    uno.off('pin', onPin);

    const lengths = saved.measurement.readings.filter((r) => r.channel === 'length').map((r) => r.value);
    expect(lengths.length).toBeGreaterThanOrEqual(2);
    const truths = physics.truths.filter((truth) => truth.child === 0);
    expect(truths.length).toBeGreaterThanOrEqual(lengths.length);
    // Each locked reading is where the foot board settled, through pot, 10-bit ADC and Firmata (1.17 mm a code).
    for (const [k, value] of lengths.entries()) {
      expect(Math.abs(value - (truths[k]?.board_mm ?? Number.NaN))).toBeLessThanOrEqual(2);
    }
    const used = applyRepeatRule(lengths, 7).used ?? [0, 1];
    const truthMm = used.reduce((sum, k) => sum + (truths[k]?.board_mm ?? Number.NaN), 0) / used.length;
    expect(Math.abs(saved.measurement.lenhei_cm * 10 - truthMm)).toBeLessThanOrEqual(2);

    // Every lock beeped (the gateway's `beep`: the piezo pin toggled) and lit the LED.
    expect(uno.toggles(PINS.piezo) - piezoBefore).toBeGreaterThan(10);
    expect(ledLit).toBe(true);
    const stored = await gateway.db.get<{ n: number }>('SELECT count(*) AS n FROM measurements');
    expect(stored?.n).toBe(1);
  });
});
