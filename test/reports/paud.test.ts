// PAUD children (60-84 months, WHO Reference 2007): kept out of SKDN, the growth-mat recap and
// prevalence, listed for their measuring day (CSV, print), through a real SQLite file and the web route.

import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/report.ts';
import { computeGrowth2007, roundZ } from '../../gateway/growth/index.ts';
import type { MeasurementRow } from '../../gateway/model/records.ts';
import {
  computePrevalence,
  computeRecap,
  computeSkdn,
  defaultReportSettings,
  loadReportData,
} from '../../gateway/reports/index.ts';
import { computePaudList, paudCsv, renderPaudHtml } from '../../gateway/reports/paud.ts';
import type { ReportData } from '../../gateway/reports/types.ts';
import type { Db } from '../../gateway/store/index.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { type Harness, startHarness } from '../web/harness.ts';
import { writeFixtureDb } from './db-fixture.ts';
import { child, measurement, skdnFixture } from './fixtures.ts';

const DAY = '2026-11-20';

/** A PAUD measurement as the gateway stores it: WHO 2007 z rounded, Permenkes 5-18 codes. */
function paudMeasurement(
  childId: string,
  birthDays: number,
  heightCm: number,
  weightKg: number,
  over: Partial<MeasurementRow> = {},
): MeasurementRow {
  const r = computeGrowth2007({ sex: 2, ageDays: birthDays, lenheiCm: heightCm, weightKg });
  return {
    ...measurement({ child_id: childId, measured_on: DAY }),
    age_days: birthDays,
    position: 'h',
    lenhei_cm: heightCm,
    clenhei_cm: heightCm,
    weight_kg: weightKg,
    zlen: roundZ(r.zlen),
    zwei: roundZ(r.zwei),
    zbmi: roundZ(r.zbmi),
    flen: 0,
    fwei: 0,
    fbmi: 0,
    status_tbu: 'normal',
    status_imtu: roundZ(r.zbmi) > 1 ? 'gizi_lebih' : 'gizi_baik',
    source: 'manual',
    ...over,
  };
}

function withPaud(): ReportData {
  const base = skdnFixture();
  const children = [
    ...base.children,
    child({ id: 'P1', name: 'Putri', sex: 2, birth_date: '2020-08-01' }),
    child({ id: 'P0', name: 'Ayu', sex: 2, birth_date: '2021-02-01' }),
  ];
  // F turns 60 months on 2026-11-15: measured at PAUD on the 20th (day 1831), she is not weighed for SKDN.
  const wrong = paudMeasurement('P1', 2302, 118, 30, { id: 'p1-wrong' });
  const paud = [
    paudMeasurement('F', 1831, 108, 18.2),
    wrong,
    paudMeasurement('P1', 2302, 118, 26, { supersedes_id: 'p1-wrong' }),
    paudMeasurement('P0', 2118, 112, 19),
    paudMeasurement('P0', 2100, 111.5, 19, { measured_on: '2026-11-02' }),
  ];
  return { children, measurements: base.measurements, paud };
}

let db: Db;
let dbPath: string;
let outDir: string;
let cleanup: () => Promise<void>;
let harness: Harness;
let data: ReportData;

beforeAll(async () => {
  const dir = await tmpDir('tikar-paud-');
  cleanup = dir.cleanup;
  dbPath = `${dir.path}/gateway.db`;
  outDir = dir.path;
  db = await writeFixtureDb(dbPath, withPaud());
  data = await loadReportData(db, 'pos-1');
  harness = await startHarness({
    reports: {
      load: () => loadReportData(db, 'pos-1'),
      place: { posyanduId: 'pos-1', posyanduName: 'Mawar' },
    },
  });
});
afterAll(async () => {
  await harness?.close();
  await db?.close();
  await cleanup?.();
});

describe('PAUD measurements and the balita reports', () => {
  it('loads them apart: SKDN, recap and prevalence are exactly those without them', () => {
    expect(data.paud?.length).toBe(5);
    const paudIds = new Set(data.paud?.map((m) => m.id));
    expect(data.measurements.some((m) => paudIds.has(m.id))).toBe(false);
    const pos1 = new Set(skdnFixture().children.flatMap((c) => (c.posyandu_id === 'pos-1' ? [c.id] : [])));
    expect(data.measurements.length).toBe(
      skdnFixture().measurements.filter((m) => pos1.has(m.child_id)).length,
    );
    const without: ReportData = { children: data.children, measurements: data.measurements };
    const scope = { posyanduId: 'pos-1', month: '2026-11' };
    const settings = defaultReportSettings;
    expect(computeSkdn(data, { ...scope, settings })).toEqual(computeSkdn(without, { ...scope, settings }));
    expect(computeRecap(data, { ...scope, settings })).toEqual(computeRecap(without, { ...scope, settings }));
    expect(computePrevalence(data, scope)).toEqual(computePrevalence(without, scope));
    // The hand-worked SKDN of the fixture still holds: D 6 (F's PAUD measurement is not a weighing).
    expect(computeSkdn(data, { ...scope, settings }).d).toBe(6);
  });
});

describe('the PAUD list of a measuring day', () => {
  it('lists the current PAUD measurements of the day by name, with the Permenkes 5-18 labels', () => {
    const list = computePaudList(data, { posyanduId: 'pos-1', date: DAY });
    expect(list.rows.map((row) => row.child.name)).toEqual(['Anak F', 'Ayu', 'Putri']);
    const putri = list.rows[2];
    expect(putri?.measurement.weight_kg).toBe(26); // the correction, not the wrong row
    expect(putri?.ageMonths).toBe(75);
    expect(putri?.tbu).toBe('Normal');
    expect(['Gizi baik', 'Gizi lebih']).toContain(putri?.imtu);
    expect(putri?.bmi).toBeCloseTo(26 / 1.18 ** 2, 10);
  });

  it('as CSV and as a printable page', () => {
    const list = computePaudList(data, { posyanduId: 'pos-1', date: DAY });
    const csv = paudCsv(list).split('\r\n');
    expect(csv[0]).toBe(
      'pseudo_id,name,sex,birth_date,age,age_months,measured_on,height_cm,weight_kg,bmi_kg_m2,zlen_tbu,status_tbu,zbmi_imtu,status_imtu,zwei_bbu,implausible,reference',
    );
    expect(csv[3]).toMatch(/^P-P1,Putri,P,2020-08-01,6 th 3 bl,75,2026-11-20,118,26,18\.7,/);
    expect(csv[3]?.endsWith(',0,WHO 2007')).toBe(true);
    const html = renderPaudHtml(list, { posyanduId: 'pos-1', posyanduName: 'Mawar' });
    expect(html).toContain('Daftar pengukuran anak PAUD, 20-11-2026');
    expect(html).toContain('Putri');
    expect(html).toContain('WHO Reference 2007');
    expect(html).toContain('tidak masuk SKDN');
    const empty = renderPaudHtml(computePaudList(data, { date: '2026-11-21' }), { posyanduId: 'pos-1' });
    expect(empty).toContain('Tidak ada anak PAUD');
  });

  it('from the command line: tikar report paud --date, CSV and HTML files 0600', async () => {
    const out = `${outDir}/paud.csv`;
    const args = ['paud', '--db', dbPath, '--posyandu', 'pos-1', '--date', DAY];
    expect(await run([...args, '--out', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('Putri');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(await run([...args, '--format', 'html', '--out', `${outDir}/paud.html`])).toBe(0);
    expect(readFileSync(`${outDir}/paud.html`, 'utf8')).toContain('Daftar pengukuran anak PAUD');
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['paud', '--db', dbPath, '--date', '2026-02-30'])).toBe(2);
      expect(await run(['paud', '--db', dbPath, '--month', '2026-11'])).toBe(2);
    } finally {
      quiet.mockRestore();
    }
  });

  it('from the screens: GET /api/lists/paud for the bidan (HTML or CSV), not for the kader', async () => {
    const bidan = await harness.login('bidan');
    const page = await harness.call('GET', `/api/lists/paud?date=${DAY}`, { cookie: bidan });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Putri');
    const csv = await harness.call('GET', `/api/lists/paud?date=${DAY}&format=csv`, { cookie: bidan });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('tikar-pos-1-paud-2026-11-20.csv');
    const bad = await harness.call('GET', '/api/lists/paud?date=2026-13-01', { cookie: bidan });
    expect(bad.status).toBe(400);
    const kader = await harness.login('kader');
    expect((await harness.call('GET', `/api/lists/paud?date=${DAY}`, { cookie: kader })).status).toBe(403);
  });
});
