import { describe, expect, it } from 'vitest';
import type { Child } from '../../../gateway/app/services.ts';
import { computeGrowth, computeGrowth2007, roundZ } from '../../../gateway/growth/index.ts';
import {
  assembleMeasurement,
  compare,
  defaultPosition,
  kbmGrams,
  measurementView,
  savedView,
} from '../../../gateway/measure/assemble.ts';
import type { MeasurementRow } from '../../../gateway/store/measurements.ts';

const child: Child = {
  id: 'c1',
  pseudo_id: 'p1',
  name: 'Ani',
  sex: 2,
  birth_date: '2025-11-28',
  nik: null,
  mother_name: 'Ibu',
  posyandu_id: 'melati',
  village_id: 'sukamaju',
  has_kia: true,
  created_at: '',
  updated_at: '',
};

function assemble(overrides: Partial<Parameters<typeof assembleMeasurement>[0]> = {}) {
  return assembleMeasurement({
    id: 'm1',
    child,
    position: undefined,
    lenheiCm: 74.26,
    weightKg: 9.034,
    oedema: false,
    measuredAt: new Date('2026-11-28T03:00:00Z'),
    posyanduId: 'melati',
    villageId: 'sukamaju',
    source: 'mat',
    deviceId: 'SIM-0001',
    calibrationId: 'cal',
    supersedes: null,
    createdAt: '2026-11-28T03:00:00.000Z',
    ...overrides,
  });
}

describe('assembling a measurement', () => {
  it('rounds to the instruments (0.1 cm, 10 g), defaults the position by age, and takes the growth core z-scores', () => {
    const result = assemble();
    if (!result.ok) throw new Error(result.error.message);
    const row = result.value;
    expect(row).toMatchObject({ lenhei_cm: 74.3, weight_kg: 9.03, position: 'l', source: 'mat' });
    const growth = computeGrowth({
      sex: 2,
      ageDays: row.age_days,
      lenheiCm: 74.3,
      measure: 'l',
      weightKg: 9.03,
    });
    expect(
      row.zlen === roundZ(growth.zlen) &&
        row.zwei === roundZ(growth.zwei) &&
        row.zwfl === roundZ(growth.zwfl),
    ).toBe(true);
    expect(row.status_tbu).not.toBeNull();
    expect(defaultPosition(730)).toBe('l');
    expect(defaultPosition(731)).toBe('h');
  });

  it('refuses a birth after the measurement, a child over 84 months, no values at all', () => {
    expect(assemble({ child: { ...child, birth_date: '2026-12-01' } })).toMatchObject({
      ok: false,
      error: { field: 'birth_date' },
    });
    expect(assemble({ child: { ...child, birth_date: '2019-11-27' } })).toMatchObject({
      ok: false,
      error: { field: 'birth_date', message: expect.stringContaining('84 months') },
    });
    expect(assemble({ lenheiCm: null, weightKg: null })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('scores a PAUD child of 60-84 months by the WHO Reference 2007, with the Permenkes 5-18 labels', () => {
    // Born 2020-05-10: 78 months on 2026-11-28, a PAUD child.
    const paud = { ...child, birth_date: '2020-05-10' };
    const result = assemble({ child: paud, lenheiCm: 112.04, weightKg: 21.5 });
    if (!result.ok) throw new Error(result.error.message);
    const row = result.value;
    expect(row).toMatchObject({
      reference: 'who2007',
      position: 'h',
      lenhei_cm: 112,
      zwfl: null,
      fwfl: null,
    });
    const growth = computeGrowth2007({ sex: 2, ageDays: row.age_days, lenheiCm: 112, weightKg: 21.5 });
    expect([row.zlen, row.zwei, row.zbmi]).toEqual([
      roundZ(growth.zlen),
      roundZ(growth.zwei),
      roundZ(growth.zbmi),
    ]);
    expect(row.status_bbu).toBeNull();
    const view = measurementView({ row, readings: [], supersededBy: null, delivery: 'local' });
    expect(view.reference).toBe('who2007');
    expect(view.status.imtu?.index).toBe('imtu_5_18');
    expect(view.status.tbu?.index).toBe('tbu');
    // Lighter than a month before: no "tidak naik" warning for a PAUD child (N/T is for balita).
    const before = { ...row, id: 'm0', measured_on: '2026-10-28', weight_kg: 22 };
    const saved = savedView({ row, readings: [], supersededBy: null, delivery: 'local' }, before, false);
    expect(saved.comparison?.weight_trend).toBe('T');
    expect(saved.warnings.map((w) => w.code)).not.toContain('tidak_naik');
    // 59.99 months the day before: still the 2006 standards.
    const under = assemble({ child: { ...child, birth_date: '2021-11-29' } });
    expect(under.ok && under.value.reference).toBe('who2006');
  });

  it('flags an implausible length (WHO flag) instead of hiding it', () => {
    const result = assemble({ lenheiCm: 45 });
    expect(result.ok && result.value.flen).toBe(1);
  });

  it('compares with the previous visit: growth, KBM and the N/T/O/B trend', () => {
    const current = {
      id: 'b',
      measured_on: '2026-11-28',
      age_days: 400,
      lenhei_cm: 74.3,
      weight_kg: 9.03,
    } as MeasurementRow;
    const lastMonth = {
      id: 'a',
      measured_on: '2026-10-27',
      lenhei_cm: 73.1,
      weight_kg: 8.9,
    } as MeasurementRow;
    expect(compare(current, undefined)).toBeNull();
    expect(compare(current, lastMonth)).toMatchObject({
      days_since: 32,
      length_gain_cm: 1.2,
      weight_gain_g: 130,
      kbm_g: 200,
      weight_trend: 'T',
    });
    expect(compare({ ...current, weight_kg: 9.2 }, lastMonth)?.weight_trend).toBe('N');
    expect(compare(current, { ...lastMonth, measured_on: '2026-08-20' })?.weight_trend).toBe('O');
    expect([kbmGrams(20), kbmGrams(45), kbmGrams(200), kbmGrams(300), kbmGrams(1000)]).toEqual([
      null,
      800,
      400,
      300,
      200,
    ]);
  });
});
