// A PAUD child measured with the posyandu's: registered and measured up to 84 months, scored by the WHO
// Reference 2007 with the Permenkes 5-18 labels, stored and delivered to the village record as such
// (real gateway, real mosquitto, the record in-process), charted for 5-7 years.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { ageInDays, computeGrowth2007, roundZ } from '../../gateway/growth/index.ts';
import { openDb } from '../../gateway/store/db.ts';
import { chartPoints } from '../../gateway/web/api/routes.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { fastRelay } from './fixtures.ts';
import { birthDateForAge, waitFor } from './helpers.ts';

describe('a PAUD child at the posyandu', { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let broker: Mosquitto;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dir = await tmpDir('tikar-paud-');
    broker = await startMosquitto();
    gateway = await startGateway({
      dbPath: join(dir.path, 'gateway.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      sim: { scenario: 'calm', timeScale: 1 },
      mqtt: { url: broker.url },
      record: { enabled: true, dbPath: join(dir.path, 'record.db') },
      relay: fastRelay,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await broker?.stop();
    await dir?.cleanup();
  });

  it('is registered and measured to 84 months with the WHO 2007 reference, older children refused', async () => {
    const s = gateway.services;
    const tooOld = await s.registerChild({
      name: 'Budi',
      sex: 1,
      birth_date: birthDateForAge(86),
      mother_name: 'Ibu',
    });
    expect(tooOld).toMatchObject({ ok: false, error: { field: 'birth_date' } });
    if (!tooOld.ok) expect(tooOld.error.message).toContain('84 months');

    const registered = await s.registerChild({
      name: 'Sari',
      sex: 2,
      birth_date: birthDateForAge(70),
      mother_name: 'Ibu Sari',
    });
    if (!registered.ok) throw new Error(registered.error.message);
    const child = registered.value;
    const saved = await s.saveManualMeasurement({
      child_id: child.id,
      position: 'h',
      lenhei_cm: 113.2,
      weight_kg: 19.4,
    });
    if (!saved.ok) throw new Error(saved.error.message);
    const m = saved.value.measurement;
    const ageDays = ageInDays(child.birth_date, m.measured_on);
    const expected = computeGrowth2007({ sex: 2, ageDays, lenheiCm: 113.2, weightKg: 19.4 });
    expect(m.reference).toBe('who2007');
    expect(m.z).toEqual({
      zlen: roundZ(expected.zlen),
      zwei: roundZ(expected.zwei),
      zwfl: null,
      zbmi: roundZ(expected.zbmi),
    });
    expect(m.status.imtu?.index).toBe('imtu_5_18');
    expect(m.status.tbu?.code).toBe('normal');
    expect(m.status.bbu).toBeUndefined();
    expect(m.status.bbtb).toBeUndefined();

    // The 5-7-year chart takes it; the under-five charts do not.
    const listed = await s.listMeasurements(child.id);
    if (!listed.ok) throw new Error(listed.error.message);
    expect(chartPoints('hfa2007', listed.value)).toHaveLength(1);
    expect(chartPoints('bfa2007', listed.value)[0]?.y).toBeCloseTo(19.4 / 1.132 ** 2, 10);
    expect(chartPoints('wfh', listed.value)).toHaveLength(0);

    // Delivered to the village record with its reference.
    const record = await openDb(join(dir.path, 'record.db'), { readonly: true });
    try {
      const row = await waitFor('the record to store the PAUD measurement', () =>
        record.get<{ reference: string; age_days: number }>(
          'SELECT reference, age_days FROM measurements WHERE id = ?',
          [m.id],
        ),
      );
      expect(row).toEqual({ reference: 'who2007', age_days: ageDays });
    } finally {
      await record.close();
    }
  });
});
