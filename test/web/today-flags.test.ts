import { describe, expect, it } from 'vitest';
import { todayView } from '../../gateway/web/api/today-flags.ts';
import { createFakeServices } from './fake-services.ts';

async function childWithWeights(weights: [string, number][], lengthCm = 75) {
  const services = createFakeServices();
  const registered = await services.registerChild({
    name: 'Anak',
    sex: 2,
    birth_date: '2025-09-01',
    mother_name: 'Ibu',
  });
  if (!registered.ok) throw new Error('register failed');
  const history = weights.map(([on, kg]) => services.addMeasurement(registered.value.id, on, lengthCm, kg));
  const newest = history.at(-1);
  if (!newest) throw new Error('no measurement');
  return todayView(registered.value, newest, history);
}

describe('today flags', () => {
  it('flags T when this month gains less than the KBM, and 2T when last month did too', async () => {
    const once = await childWithWeights([
      ['2026-09-15', 8.5],
      ['2026-10-15', 8.9],
      ['2026-11-15', 9.0],
    ]);
    expect(once.weight_trend).toBe('T');
    expect(once.flags.map((f) => f.code)).toContain('t');
    // The Buku KIA refers on a single T too.
    expect(once.refer).toBe(true);

    const twice = await childWithWeights([
      ['2026-09-15', 8.5],
      ['2026-10-15', 8.6],
      ['2026-11-15', 8.65],
    ]);
    expect(twice.flags.map((f) => f.code)).toContain('2t');
    expect(twice.flags.map((f) => f.code)).not.toContain('t');
    expect(twice.refer).toBe(true);
  });

  it('gives N and no weight flag when the gain reaches the KBM; B on the first visit', async () => {
    const gaining = await childWithWeights([
      ['2026-10-15', 8.5],
      ['2026-11-15', 8.8],
    ]);
    expect(gaining.weight_trend).toBe('N');
    expect(gaining.flags.map((f) => f.code)).not.toContain('t');
    expect(gaining.refer).toBe(false);
    const first = await childWithWeights([['2026-11-15', 8.8]]);
    expect(first.weight_trend).toBe('B');
  });

  it('shows only "ukur ulang" for a flagged length: no Sangat pendek, no Gizi buruk from it', async () => {
    // 45.0 cm at 14.5 months: zlen far below −6 (flagged); 1.80 kg at 45 cm: zwfl −3.62, unflagged itself.
    const slipped = await childWithWeights([['2026-11-15', 1.8]], 45);
    expect(slipped.measurement.flags.flen).toBe(true);
    expect(slipped.flags.map((f) => f.code)).toEqual(['ukur_ulang']);
    expect(slipped.mat_colour).toBe('tidak-diukur');
    expect(slipped.refer).toBe(true);
  });

  it('turns non-normal Permenkes labels into flags and maps TB/U to the growth-mat colour', async () => {
    // 14.5 months, 66 cm: below −3 SD for girls (sangat pendek, Merah).
    const short = await childWithWeights([['2026-11-15', 8.0]], 66);
    expect(short.flags.find((f) => f.code === 'tbu_sangat_pendek')?.severity).toBe('severe');
    expect(short.mat_colour).toBe('merah');
    expect(short.refer).toBe(true);
    const normal = await childWithWeights([['2026-11-15', 9.0]], 76);
    expect(normal.flags.filter((f) => f.code.startsWith('tbu_'))).toEqual([]);
    expect(normal.mat_colour).toBe('hijau');
  });
});
