// The Laporan routes over a real SQLite file written through the store's migrations (the SKDN fixture
// worked by hand in test/reports/skdn.test.ts: pos-1, November 2026, S 9 K 7 D 6 N 2 T 2 O 1 B 1 D' 4).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportData } from '../../gateway/reports/index.ts';
import type { Db } from '../../gateway/store/index.ts';
import { contentSecurityPolicy, reportDocumentPolicy } from '../../gateway/web/security-headers.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../reports/db-fixture.ts';
import { skdnFixture } from '../reports/fixtures.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness;
let bare: Harness;
let db: Db;
let cleanupDb: () => Promise<void>;
let bidan: string;

beforeAll(async () => {
  const dir = await tmpDir('tikar-web-reports-');
  cleanupDb = dir.cleanup;
  db = await writeFixtureDb(`${dir.path}/gateway.db`, skdnFixture());
  harness = await startHarness({
    reports: {
      load: () => loadReportData(db, 'pos-1'),
      place: { posyanduId: 'pos-1', posyanduName: 'Mawar', villageName: 'Sukamaju', puskesmas: 'Kuta' },
    },
  });
  bare = await startHarness();
  bidan = await harness.login('bidan');
});
afterAll(async () => {
  await harness?.close();
  await bare?.close();
  await db?.close();
  await cleanupDb?.();
});

const errorOf = (json: unknown) => (json as { error: { code: string; message: string } }).error;

describe('report routes: access', () => {
  it('refuses without a session, and refuses the kader', async () => {
    const kader = await harness.login('kader');
    for (const path of [
      '/api/reports/skdn?month=2026-11',
      '/api/exports/eppgbm?from=2026-11',
      '/api/exports/fhir?from=2026-11',
    ]) {
      expect((await harness.call('GET', path)).status, path).toBe(401);
      const refused = await harness.call('GET', path, { cookie: kader });
      expect(refused.status, path).toBe(403);
      expect(errorOf(refused.json).code).toBe('forbidden');
    }
  });

  it('lets the admin read reports too', async () => {
    const admin = await harness.login('admin');
    expect((await harness.call('GET', '/api/reports/recap?month=2026-11', { cookie: admin })).status).toBe(
      200,
    );
  });

  it('answers 503 with a clear message when the gateway has no report source', async () => {
    const cookie = await bare.login('bidan');
    const response = await bare.call('GET', '/api/reports/skdn?month=2026-11', { cookie });
    expect(response.status).toBe(503);
    expect(errorOf(response.json)).toEqual({
      code: 'reports_unavailable',
      message: 'reports are not set up on this gateway',
    });
  });
});

describe('report routes: input', () => {
  it.each([
    ['/api/reports/skdn?month=2026-13', 'month: must be a month as YYYY-MM'],
    ['/api/reports/skdn?month=2026-1', 'month: must be a month as YYYY-MM'],
    ['/api/reports/skdn', 'month'],
    ['/api/reports/skdn?month=2026-11&format=ods', 'format: must be html, csv or pdf'],
    ['/api/reports/skdn?month=2026-11&extra=1', 'extra'],
    [
      '/api/reports/recap?month=2026-11&table=yearly',
      'table: must be one of monthly, quarter, quarter-children',
    ],
    ['/api/reports/weekly?month=2026-11', 'kind: must be one of skdn, recap, prevalence'],
    ['/api/exports/eppgbm?from=2026-11&to=2026-10', 'to (2026-10) is before from (2026-11)'],
    ['/api/exports/eppgbm?from=2026-11&format=ods', 'format: must be csv or xlsx'],
    ['/api/exports/fhir?from=november', 'from: must be a month as YYYY-MM'],
  ])('400 for %s', async (path, message) => {
    const response = await harness.call('GET', path, { cookie: bidan });
    expect(response.status).toBe(400);
    expect(errorOf(response.json).code).toBe('invalid_input');
    expect(errorOf(response.json).message).toContain(message);
  });

  it('never fails on arbitrary month and format text: 200 or a 400 naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 12 }), fc.string({ maxLength: 6 }), async (month, format) => {
        const query = new URLSearchParams({ month, format });
        const response = await harness.call('GET', `/api/reports/skdn?${query}`, { cookie: bidan });
        expect([200, 400]).toContain(response.status);
        if (response.status === 400) expect(errorOf(response.json).message).toMatch(/month|format/);
      }),
      { seed: 6, numRuns: 40 },
    );
  });
});

describe('report routes: documents and files', () => {
  it('serves the SKDN page with the hand-worked numbers under its own script-free policy', async () => {
    const response = await harness.call('GET', '/api/reports/skdn?month=2026-11&format=html', {
      cookie: bidan,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(reportDocumentPolicy);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cells = [9, 7, 6, 3, 1, 1, 1, 4].map((n) => `<td class="num">${n}</td>`).join('');
    expect(response.text).toContain(`<tr>${cells}</tr>`);
    expect(response.text).toContain('Posyandu Mawar (pos-1), Desa/Kel. Sukamaju');
    expect(response.text).toContain('77,8 %');
    expect(response.text).not.toMatch(/<script/i);
    expect(reportDocumentPolicy).toContain("default-src 'none'");
    expect(reportDocumentPolicy).not.toContain('script-src');
    // The app's own pages keep the strict policy and may frame only the gateway itself.
    expect(contentSecurityPolicy).toContain("frame-src 'self'");
  });

  it('sends the SKDN CSV as a download with its header line and the numbers', async () => {
    const response = await harness.call('GET', '/api/reports/skdn?month=2026-11&format=csv', {
      cookie: bidan,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="tikar-pos-1-skdn-2026-11.csv"',
    );
    const [header, row] = response.text.split('\r\n');
    expect(header).toBe(
      'posyandu_id,month,s,k,d,n,t,o,b,d_prime,k_over_s_pct,d_over_s_pct,n_over_d_pct,n_over_d_prime_pct,n_over_s_pct,registered,d_over_k_pct,two_t,bgm,bgm_over_d_pct',
    );
    expect(row).toBe('pos-1,2026-11,9,7,6,3,1,1,1,4,77.8,66.7,50,75,33.3,9,85.7,1,0,0');
    const comma = await harness.call('GET', '/api/reports/skdn?month=2026-11&format=csv&decimal_comma=1', {
      cookie: bidan,
    });
    expect(comma.text.split('\r\n')[1]).toBe(
      'pos-1;2026-11;9;7;6;3;1;1;1;4;77,8;66,7;50;75;33,3;9;85,7;1;0;0',
    );
  });

  it('serves the recap (quarter table) and prevalence (trend chart) pages and CSVs', async () => {
    const recap = await harness.call('GET', '/api/reports/recap?month=2026-11', { cookie: bidan });
    expect(recap.text).toContain('Rekap 3 bulanan 2026-T4');
    const quarter = await harness.call('GET', '/api/reports/recap?month=2026-11&format=csv&table=quarter', {
      cookie: bidan,
    });
    expect(quarter.headers.get('content-disposition')).toContain('tikar-pos-1-recap-quarter-2026-11.csv');
    expect(quarter.text.split('\r\n')[0]).toBe('posyandu_id,quarter,colour,count,total');
    const prevalence = await harness.call('GET', '/api/reports/prevalence?month=2026-11', { cookie: bidan });
    expect(prevalence.status).toBe(200);
    expect(prevalence.text).toContain('<svg');
    const csv = await harness.call('GET', '/api/reports/prevalence?month=2026-11&format=csv', {
      cookie: bidan,
    });
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'posyandu_id,month,indicator,cases,measured,percent,wilson95_lower_pct,wilson95_upper_pct,s,coverage_pct',
    );
    expect(lines).toHaveLength(1 + 12 * 4); // 12 months × 4 indicators
  });

  it('exports e-PPGBM as CSV (BOM, one row per effective measurement) and XLSX', async () => {
    const csv = await harness.call('GET', '/api/exports/eppgbm?from=2026-11', { cookie: bidan });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('tikar-pos-1-eppgbm-2026-11_2026-11.csv');
    // fetch's text() drops a byte-order mark, so the raw bytes are checked for it.
    expect(csv.text.startsWith('NIK,Nama,JK')).toBe(true);
    const raw = await fetch(`${harness.server.url}/api/exports/eppgbm?from=2026-11`, {
      headers: { cookie: bidan },
    });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // November at pos-1: A B C D F G K (corrected row only) L = 8 rows after the header.
    expect(csv.text.trimEnd().split('\r\n')).toHaveLength(9);
    expect(csv.text).toContain('Kuta');
    const xlsx = await fetch(`${harness.server.url}/api/exports/eppgbm?from=2026-10&to=2026-11&format=xlsx`, {
      headers: { cookie: bidan },
    });
    expect(xlsx.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect(String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0)).toBe('PK'); // a zip container
  });

  it('exports a pseudonymous FHIR Bundle', async () => {
    const response = await harness.call('GET', '/api/exports/fhir?from=2026-10&to=2026-11', {
      cookie: bidan,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    const bundle = response.json as { resourceType: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.some((e) => e.resource.resourceType === 'Observation')).toBe(true);
    expect(response.text).not.toContain('Anak A');
  });
});
