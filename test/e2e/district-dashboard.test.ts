// The district dashboard in real headless Chromium, against PostgreSQL filled through the real path: light
// gateways on two village brokers, bridged (shipped bridge-district.conf) to the district broker, two
// `tikar record` workers storing and summarising, `tikar dashboard` as its own process. The figures shown are
// checked against the gateway's report functions run on the messages the gateways sent.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightGateway } from '../../district/sim/light-gateway.ts';
import { addMonths } from '../../gateway/clock/calendar.ts';
import { localDate } from '../../gateway/clock/clock.ts';
import type { MeasurementMessage } from '../../gateway/publish/payloads.ts';
import {
  computePrevalence,
  computeSkdn,
  defaultReportSettings,
  type ReportData,
} from '../../gateway/reports/index.ts';
import { openPostgres, type Pg } from '../../gateway/store/postgres.ts';
import {
  districtMessages,
  startLightGateways,
  startTikar,
  startWorker,
  type TikarProcess,
  villageBridgeConfig,
} from '../district/district-fixtures.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { type Postgres, startPostgres } from '../helpers/postgres.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { waitFor } from '../integration/helpers.ts';
import { launchChromium, openPage, shot } from './browser.ts';

const password = 'rahasia-kabupaten';
const lastMonth = addMonths(localDate(new Date()).slice(0, 7), -1);
const silentFrom = addMonths(lastMonth, -4);

let postgres: Postgres;
let district: Mosquitto;
const villages: Mosquitto[] = [];
const workers: TikarProcess[] = [];
let dashboard: TikarProcess;
let dashboardUrl = '';
let pg: Pg;
let browser: Browser;
let dir: Awaited<ReturnType<typeof tmpDir>>;
const gateways: LightGateway[] = [];
let plans: ReturnType<typeof districtMessages> = [];

/** The report rows a posyandu's messages describe, as the gateway's reports read them. */
function reportDataOf(messages: readonly MeasurementMessage[]): ReportData {
  const children = new Map<string, ReportData['children'][number]>();
  for (const { child, measurement } of messages) {
    const birth = new Date(
      Date.parse(`${measurement.measured_on}T00:00:00Z`) - measurement.age_days * 86_400_000,
    );
    children.set(child.id, {
      id: child.id,
      pseudo_id: child.pseudo_id,
      name: '',
      sex: child.sex,
      birth_date: birth.toISOString().slice(0, 10),
      nik: null,
      mother_name: null,
      posyandu_id: child.posyandu_id,
      village_id: child.village_id,
      name_key: null,
      has_kia: child.has_kia ? 1 : 0,
      created_at: child.created_at,
      updated_at: child.updated_at,
    });
  }
  const measurements = messages.map((m) => m.measurement);
  return { children: [...children.values()], measurements };
}

beforeAll(async () => {
  dir = await tmpDir('tikar-dashboard-e2e-');
  [postgres, district] = await Promise.all([startPostgres(), startMosquitto()]);
  for (const villageId of ['desa-1', 'desa-2']) {
    villages.push(await startMosquitto({ extraConfig: await villageBridgeConfig(villageId, district.port) }));
  }
  for (let i = 0; i < 2; i++)
    workers.push(await startWorker(postgres.url, district.url, ['--summarise-every', '1']));
  pg = await openPostgres(postgres.url);

  plans = districtMessages({ villages: 2, posyanduPerVillage: 3, children: 12, lastMonth, months: 12 });
  // posyandu-2-3 stopped holding sessions four months ago.
  const silent = plans.find((plan) => plan.posyanduId === 'posyandu-2-3');
  if (silent)
    silent.messages = silent.messages.filter((m) => m.measurement.measured_on.slice(0, 7) <= silentFrom);
  for (const [index, village] of villages.entries()) {
    const own = plans.filter((plan) => plan.villageId === `desa-${index + 1}`);
    gateways.push(...(await startLightGateways(village.url, own, { receiptTimeoutMs: 3000 })));
  }
  await Promise.all(gateways.map((gateway) => gateway.finished()));
  await waitFor(
    'the summaries',
    async () => {
      const [row] = await pg.query<{ dirty: number; posyandu: number }>(
        'SELECT (SELECT count(*) FROM district_dirty) AS dirty, (SELECT count(*) FROM district_posyandu) AS posyandu',
      );
      return row?.dirty === 0 && row.posyandu === 6;
    },
    60_000,
  );
  dashboard = await startTikar(
    ['dashboard', '--store', postgres.url, '--http', '0', '--data', join(dir.path, 'dashboard')],
    /Tikar dashboard: http:\/\/\S+/,
    { TIKAR_DASHBOARD_PASSWORD: password },
  );
  dashboardUrl = /Tikar dashboard: (http:\/\/\S+)/.exec(dashboard.output())?.[1] ?? '';
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await Promise.all(workers.map((worker) => worker.stop()));
  await pg?.close();
  for (const village of villages) await village.stop();
  await district?.stop();
  await postgres?.stop();
  await dir?.cleanup();
});

describe('district dashboard', { timeout: 120_000 }, () => {
  it('logs in, shows each village and posyandu with the report functions’ figures, sorts, flags the silent posyandu, downloads CSV', async () => {
    const { page, problems } = await openPage(browser, { width: 1400, height: 1000 });
    await page.goto(dashboardUrl);
    await page.fill('#password', 'salah-sekali');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[role="alert"]');
    expect(await page.textContent('[role="alert"]')).toBe('Kata sandi salah.');
    await page.fill('#password', password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#village-table');

    // The month before this one; posyandu silent for 75 days or more.
    await page.fill('#month', lastMonth);
    await page.dispatchEvent('#month', 'change');
    await page.waitForFunction((m) => document.querySelector('h1')?.textContent?.endsWith(m), lastMonth);
    await page.fill('#days', '75');
    await page.dispatchEvent('#days', 'change');
    await page.waitForFunction(() => document.querySelector('h2')?.textContent?.includes(' 75 '));

    const cells = (selector: string) =>
      page.$$eval(selector, (rows) =>
        rows.map((row) => Array.from(row.querySelectorAll('th, td'), (cell) => cell.textContent ?? '')),
      );
    expect(await cells('#village-table tbody tr')).toHaveLength(2);
    expect((await cells('#village-table tfoot tr'))[0]?.[0]).toBe('Kabupaten');
    const posyanduRows = await cells('#posyandu-table tbody tr');
    expect(posyanduRows).toHaveLength(6);
    expect((await cells('#stale-table tbody tr')).map((row) => row[1])).toEqual(['posyandu-2-3']);

    // Every posyandu's S, D and stunting cases as the gateway's reports compute them from what was sent.
    for (const plan of plans) {
      const data = reportDataOf(plan.messages);
      const skdn = computeSkdn(data, {
        posyanduId: undefined,
        month: lastMonth,
        settings: defaultReportSettings,
      });
      const stunting = computePrevalence(data, { month: lastMonth }).current.cells.stunting;
      const row = posyanduRows.find((r) => r[1] === plan.posyanduId) as string[];
      expect(row.slice(2, 4)).toEqual([String(skdn.s), String(skdn.d)]);
      const shown = row[6] as string;
      if (stunting.measured === 0) expect(shown).toBe('–');
      else
        expect(Number.parseFloat(shown.replace(',', '.'))).toBeCloseTo(
          (100 * stunting.cases) / stunting.measured,
          1,
        );
    }

    // Sortable: S ascending, then descending.
    await page.click('#posyandu-table th:nth-child(3) button');
    const ascending = (await cells('#posyandu-table tbody tr')).map((row) => Number(row[2]));
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.click('#posyandu-table th:nth-child(3) button');
    const descending = (await cells('#posyandu-table tbody tr')).map((row) => Number(row[2]));
    expect(descending).toEqual([...ascending].sort((a, b) => b - a));

    // CSV of the posyandu table, with the same S.
    const csv = await (
      await page.request.get(`${dashboardUrl}/api/csv?table=posyandu&month=${lastMonth}&days=75`)
    ).text();
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^month,village_id,posyandu_id,posyandu_count,S,K,D,/);
    expect(lines).toHaveLength(7);
    const melati = lines.find((line) => line.includes(',posyandu-1-1,'))?.split(',');
    expect(melati?.[4]).toBe(posyanduRows.find((r) => r[1] === 'posyandu-1-1')?.[2]);

    // The trend chart is drawn; English on the toggle.
    await page.waitForFunction(() => {
      const image = document.getElementById('trend') as HTMLImageElement | null;
      return image?.complete === true && image.naturalWidth > 0;
    });
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('h2:nth-of-type(2)')?.textContent === 'Villages');
    await shot(page, 'district-dashboard');
    expect(problems).toEqual([]);

    await page.click('#logout');
    await page.waitForSelector('#password');
    expect((await page.request.get(`${dashboardUrl}/api/overview`)).status()).toBe(401);
  });

  it('is read-only: its database sessions refuse writes', async () => {
    const response = await fetch(`${dashboardUrl}/api/overview`, { method: 'DELETE' });
    expect(response.status).toBe(401);
    const readOnly = await openPostgres(postgres.url, { readOnly: true });
    await expect(readOnly.query('DELETE FROM district_posyandu')).rejects.toThrow(/read-only transaction/);
    await readOnly.close();
  });
});
