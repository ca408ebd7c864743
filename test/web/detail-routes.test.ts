// The issue-14 routes over a real SQLite file: the lists on the hand-worked SKDN month (pos-1, November 2026,
// F is 2T; E, I and L are in S but not weighed), the sasaran becoming S, a child's address reaching the home
// visit list, and vitamin A / ASI notes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportData } from '../../gateway/reports/index.ts';
import { createDetailStore, type Db } from '../../gateway/store/index.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../reports/db-fixture.ts';
import { skdnFixture } from '../reports/fixtures.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness;
let db: Db;
let cleanup: () => Promise<void>;
let bidan: string;
let kader: string;

beforeAll(async () => {
  const dir = await tmpDir('tikar-web-details-');
  cleanup = dir.cleanup;
  db = await writeFixtureDb(`${dir.path}/gateway.db`, skdnFixture());
  harness = await startHarness({
    reports: {
      load: () => loadReportData(db, 'pos-1'),
      place: { posyanduId: 'pos-1' },
      details: createDetailStore(db, 'pos-1'),
    },
  });
  bidan = await harness.login('bidan');
  kader = await harness.login('kader');
});
afterAll(async () => {
  await harness?.close();
  await db?.close();
  await cleanup?.();
});

describe('lists on the Laporan page', () => {
  it('serves the referral list as a page and CSV to the bidan, not to the kader', async () => {
    const page = await harness.call('GET', '/api/lists/rujukan?month=2026-11', { cookie: bidan });
    expect(page.status).toBe(200);
    expect(page.text).toContain('2T: dua bulan berturut-turut tidak naik');
    const csv = await harness.call('GET', '/api/lists/rujukan?month=2026-11&format=csv', { cookie: bidan });
    expect(csv.headers.get('content-disposition')).toContain('tikar-pos-1-rujukan-2026-11.csv');
    expect(csv.text.split('\r\n')[1]).toContain('P-F,Anak F');
    expect((await harness.call('GET', '/api/lists/rujukan?month=2026-11', { cookie: kader })).status).toBe(
      403,
    );
    expect((await harness.call('GET', '/api/lists/weekly?month=2026-11', { cookie: bidan })).status).toBe(
      400,
    );
  });

  it('puts the address the kader records into the home-visit list', async () => {
    const put = await harness.call('PUT', '/api/children/E/address', {
      cookie: kader,
      body: { dusun: 'Krajan', rt: '3', rw: '1', phone: '081234567890' },
    });
    expect(put.status).toBe(200);
    const bad = await harness.call('PUT', '/api/children/E/address', { cookie: kader, body: { rt: 'tiga' } });
    expect(bad.status).toBe(400);
    expect(
      (await harness.call('PUT', '/api/children/nobody/address', { cookie: kader, body: {} })).status,
    ).toBe(404);
    const csv = await harness.call('GET', '/api/lists/kunjungan?month=2026-11&format=csv', { cookie: bidan });
    const rows = csv.text.trim().split('\r\n');
    // E (weighed October: 1 month), I (born in November, never weighed), L (length only in November).
    expect(rows.map((r) => r.split(',')[0])).toEqual(['pseudo_id', 'P-E', 'P-I', 'P-L']);
    expect(rows[1]).toContain('Krajan,1,3,081234567890,2026-10-06,1,0');
  });

  it('uses the sasaran as S in the SKDN once the bidan sets it, and clears it', async () => {
    expect(
      (await harness.call('PUT', '/api/sasaran', { cookie: kader, body: { month: '2026-11', balita: 12 } }))
        .status,
    ).toBe(403);
    const set = await harness.call('PUT', '/api/sasaran', {
      cookie: bidan,
      body: { month: '2026-11', balita: 12 },
    });
    expect(set.status).toBe(200);
    const read = await harness.call('GET', '/api/sasaran?month=2026-11', { cookie: bidan });
    expect(read.json).toEqual({ posyandu_id: 'pos-1', month: '2026-11', balita: 12 });
    const skdn = await harness.call('GET', '/api/reports/skdn?month=2026-11&format=csv', { cookie: bidan });
    expect(skdn.text.split('\r\n')[1]).toMatch(/^pos-1,2026-11,12,7,6,/);
    await harness.call('PUT', '/api/sasaran', { cookie: bidan, body: { month: '2026-11', balita: null } });
    const after = await harness.call('GET', '/api/reports/skdn?month=2026-11&format=csv', { cookie: bidan });
    expect(after.text.split('\r\n')[1]).toMatch(/^pos-1,2026-11,9,7,6,/);
  });

  it('exports e-PPGBM in the by-name column order on request', async () => {
    const csv = await harness.call('GET', '/api/exports/eppgbm?from=2026-11&layout=eppgbm', {
      cookie: bidan,
    });
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[0]).toContain('Usia Saat Ukur,Tanggal Pengukuran,Bulan Pengukuran');
    const bad = await harness.call('GET', '/api/exports/eppgbm?from=2026-11&layout=x', { cookie: bidan });
    expect(bad.status).toBe(400);
  });

  it('records vitamin A and ASI eksklusif for a visit', async () => {
    const put = await harness.call('PUT', '/api/children/A/visit-notes', {
      cookie: kader,
      body: { visit_on: '2026-11-09', vitamin_a: true },
    });
    expect(put.status).toBe(200);
    await harness.call('PUT', '/api/children/A/visit-notes', {
      cookie: kader,
      body: { visit_on: '2026-11-09', asi_eksklusif: false },
    });
    const notes = await harness.call('GET', '/api/children/A/visit-notes', { cookie: bidan });
    expect(notes.json).toMatchObject({
      notes: [{ child_id: 'A', visit_on: '2026-11-09', vitamin_a: true, asi_eksklusif: false }],
    });
  });
});
