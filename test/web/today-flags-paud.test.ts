// The bidan's flags for a PAUD child (60–84 months, WHO Reference 2007): IMT/U 5–18 counts, the balita-only
// signs (N/T of the KMS, the growth-mat colour) do not.
import { describe, expect, it } from 'vitest';
import { todayView } from '../../gateway/web/api/today-flags.ts';
import { createFakeServices } from './fake-services.ts';

describe('today flags of a PAUD child', () => {
  it('flags gizi lebih / obesitas by IMT/U 5–18, no T, no mat colour', async () => {
    const services = createFakeServices();
    const registered = await services.registerChild({
      name: 'Dewi',
      sex: 2,
      birth_date: '2020-09-01',
      mother_name: 'Ibu',
    });
    if (!registered.ok) throw new Error('register failed');
    const history = [
      services.addMeasurement(registered.value.id, '2026-10-15', 113, 25),
      // Well above +2 SD of IMT/U for 5–18 years: obesitas.
      services.addMeasurement(registered.value.id, '2026-11-15', 113.5, 27.5),
    ];
    const newest = history.at(-1);
    if (!newest) throw new Error('no measurement');
    expect(newest.reference).toBe('who2007');
    const view = todayView(registered.value, newest, history);
    expect(view.flags.map((f) => f.code)).toEqual(['imtu_5_18_obesitas']);
    expect(view.weight_trend).toBeNull();
    expect(view.mat_colour).toBe('tidak-diukur');
    expect(view.refer).toBe(true);
  });
});
