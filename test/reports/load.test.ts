import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeasurementRow, measurementColumns } from '../../gateway/model/records.ts';
import { loadReportData } from '../../gateway/reports/load.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { computeSkdn } from '../../gateway/reports/skdn.ts';
import type { Db } from '../../gateway/store/index.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from './db-fixture.ts';
import { skdnFixture } from './fixtures.ts';

describe('loading report rows from the gateway SQLite file', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let db: Db;
  beforeAll(async () => {
    dir = await tmpDir('tikar-reports-');
    db = await writeFixtureDb(join(dir.path, 'gateway.db'), skdnFixture());
  });
  afterAll(async () => {
    await db.close();
    await dir.cleanup();
  });

  it('reads the children of one posyandu with their measurements, corrections included', async () => {
    const data = await loadReportData(db, 'pos-1');
    expect(data.children.map((c) => c.id).sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I', 'K', 'L']);
    expect(data.measurements.some((m) => m.child_id === 'J')).toBe(false);
    const fixed = data.measurements.find((m) => m.id === 'k-fixed');
    expect(fixed).toMatchObject({ supersedes_id: 'k-wrong', weight_kg: 10.4, source: 'mat' });
    const l = data.measurements.find((m) => m.child_id === 'L' && m.lenhei_cm !== null);
    expect(l).toMatchObject({ position: 'h', lenhei_cm: 80.1, weight_kg: null, oedema: 0, flen: null });
    expect(data.children.find((c) => c.id === 'C')?.has_kia).toBe(0);
  });

  it('gives the same SKDN as the in-memory fixture (S 9, K 7, D 6, N 3, T 1, O 1, B 1)', async () => {
    const report = computeSkdn(await loadReportData(db, 'pos-1'), {
      posyanduId: 'pos-1',
      month: '2026-11',
      settings: defaultReportSettings,
    });
    expect([report.s, report.k, report.d, report.n, report.t, report.o, report.b]).toEqual([
      9, 7, 6, 3, 1, 1, 1,
    ]);
  });

  it('reads every posyandu when none is named', async () => {
    const data = await loadReportData(db);
    expect(data.children).toHaveLength(11);
    expect(data.measurements).toHaveLength(20);
  });

  it('gives each measurement as stored: every column of the schema, in its order, with its value', async () => {
    const data = await loadReportData(db);
    const stored = await db.all<MeasurementRow>(
      `SELECT ${measurementColumns.join(', ')} FROM measurements WHERE reference = 'who2006' ORDER BY id`,
    );
    const loaded = [...data.measurements].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(loaded).toEqual(stored);
    for (const row of loaded) expect(Object.keys(row)).toEqual(measurementColumns);
    expect(stored.some((row) => row.supersedes_id !== null && row.correction_reason !== null)).toBe(true);
  });
});
