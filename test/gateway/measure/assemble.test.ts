import { describe, expect, it } from 'vitest';
import { computeGrowth, computeGrowth2007, roundZ } from '../../../gateway/growth/index.ts';
import {
  assembleMeasurement,
  compare,
  defaultPosition,
  kbmAtWeighing,
  measurementView,
  savedView,
} from '../../../gateway/measure/assemble.ts';
import type { Child } from '../../../gateway/model/index.ts';
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

  it('gives a flagged length no Permenkes label, nor the weight-for-length computed from it', () => {
    // Girl, 365 days, 45.0 cm lying and 1.80 kg (the board slipped): zlen −11.27 < −6 -> flen 1 (ukur ulang);
    // zwfl −3.62 is not flagged itself (fwfl 0, −5 ≤ z) and would read "Gizi buruk", but it comes from the
    // flagged length, so it gets no label either; zwei −8.82 < −6 -> fwei 1, no BB/U label.
    const result = assemble({ lenheiCm: 45, weightKg: 1.8 });
    if (!result.ok) throw new Error(result.error.message);
    const row = result.value;
    expect([row.flen, row.fwfl, row.fwei]).toEqual([1, 0, 1]);
    expect(row.zwfl).toBe(-3.62);
    expect([row.status_tbu, row.status_bbtb, row.status_bbu, row.status_imtu]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    const view = measurementView({ row, readings: [], supersededBy: null, delivery: 'local' });
    expect(view.status).toEqual({});
    expect(view.stunting).toBeNull();
    expect(view.implausible).toBe(true);
    // A row stored before this rule (status codes present) is shown without them too.
    const old = { ...row, status_tbu: 'sangat_pendek', status_bbtb: 'gizi_buruk' };
    expect(measurementView({ row: old, readings: [], supersededBy: null, delivery: 'local' }).status).toEqual(
      {},
    );
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
    // KMS month column: born 2026-07-20 (113 days before 2026-11-10) is in column 4 (3 completed months):
    // 600 g, not the 3-month 800 g; born 2026-10-31 (10 days) is column 1: 800 g; born 2026-09-30 (41 days
    // before 2026-11-10) column 2: 900 g.
    expect([
      kbmAtWeighing('2026-11-10', 113),
      kbmAtWeighing('2026-11-10', 10),
      kbmAtWeighing('2026-11-10', 41),
    ]).toEqual([600, 800, 900]);
  });
});
