// The Laporan page in real headless Chromium: the web server over a real SQLite file holding the SKDN
// fixture worked by hand (pos-1, November 2026: S 9 K 7 D 6 N 3 T 1 O 1 B 1 D' 4).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportData } from '../../gateway/reports/index.ts';
import { createDetailStore, type Db } from '../../gateway/store/index.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../reports/db-fixture.ts';
import { skdnFixture } from '../reports/fixtures.ts';
import { type Harness, startHarness, testPins } from '../web/harness.ts';
import { launchChromium, login, openPage, phone, screenshotDir, shot, tablet } from './browser.ts';

let browser: Browser;
let harness: Harness;
let db: Db;
let cleanupDb: () => Promise<void>;

beforeAll(async () => {
  const dir = await tmpDir('tikar-e2e-reports-');
  cleanupDb = dir.cleanup;
  db = await writeFixtureDb(`${dir.path}/gateway.db`, skdnFixture());
  harness = await startHarness({
    reports: {
      load: () => loadReportData(db, 'pos-1'),
      place: { posyanduId: 'pos-1', posyanduName: 'Mawar', villageName: 'Sukamaju' },
      details: createDetailStore(db, 'pos-1'),
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await db?.close();
  await cleanupDb?.();
});

/** Waits until the framed report has loaded (the print button is enabled then) and returns its frame. */
async function reportFrame(page: Page) {
  await page.waitForSelector('#report-print:not([disabled])');
  // Loaded and shown: no error line, the frame visible (a late stray answer must not hide it).
  expect(await page.isHidden('#report-error')).toBe(true);
  expect(await page.isVisible('#report-frame')).toBe(true);
  return page.frameLocator('#report-frame');
}

describe('Laporan', () => {
  it('bidan opens Laporan, sees the SKDN numbers, prints the frame, opens the page alone, downloads the CSV, switches to the recap', async () => {
    const { page, problems } = await openPage(browser, tablet);
    await login(page, harness.server.url, 'bidan', testPins.bidan);
    await page.click('#nav a[href="#/reports"]');
    await page.waitForSelector('#report-frame');
    // The current month is chosen first; the fixture's month is picked by its hash (stable in any year).
    expect(page.url()).toMatch(/#\/reports\/skdn\/\d{4}-\d{2}$/);
    await page.evaluate(() => {
      location.hash = '#/reports/skdn/2026-11';
    });
    await page.waitForFunction(
      () => (document.getElementById('report-month') as HTMLSelectElement).value === '11',
    );
    expect(await page.inputValue('#report-year')).toBe('2026');
    const frame = await reportFrame(page);
    await expect(frame.locator('h1').textContent()).resolves.toBe('Laporan SKDN November 2026');
    const summary = await frame.locator('table').first().locator('tbody td').allTextContents();
    expect(summary).toEqual(['9', '7', '6', '3', '1', '1', '1', '4']);
    expect(await frame.locator('body').textContent()).toContain('2T: rujuk');
    await shot(page, 'tablet-reports-skdn-id');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-csv-summary')]);
    expect(download.suggestedFilename()).toBe('tikar-pos-1-skdn-2026-11.csv');
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[1]).toBe('pos-1,2026-11,9,7,6,3,1,1,1,4,77.8,66.7,50,75,33.3,9,85.7,1,0,0');
    // Still shown after the round trips above: no stray load event turned it into an error.
    expect(await page.isHidden('#report-error')).toBe(true);

    // Cetak prints the framed report (its own A4 stylesheet), not the app around it.
    const printedFrames = await page.evaluate(() => {
      const frameWindow = (document.getElementById('report-frame') as HTMLIFrameElement)
        .contentWindow as Window & { printCalls?: number };
      frameWindow.print = () => {
        frameWindow.printCalls = (frameWindow.printCalls ?? 0) + 1;
      };
      window.print = () => {
        throw new Error('the app page itself was printed');
      };
      (document.getElementById('report-print') as HTMLButtonElement).click();
      return frameWindow.printCalls;
    });
    expect(printedFrames).toBe(1);
    // "Buka di tab baru" opens the page by itself with the session; printed to PDF as the browser would.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), page.click('#report-open')]);
    await tab.waitForLoadState();
    expect(await tab.textContent('h1')).toBe('Laporan SKDN November 2026');
    await tab.pdf({ path: join(screenshotDir, 'report-skdn-a4.pdf'), format: 'A4', printBackground: true });
    await tab.close();

    await page.click('[data-kind=recap]');
    await page.waitForFunction(() => location.hash === '#/reports/recap/2026-11');
    expect(await page.textContent('#report-quarter')).toContain('triwulan IV (Oktober – Desember 2026)');
    const recap = await reportFrame(page);
    await expect(recap.locator('h2').first().textContent()).resolves.toContain('Rekap 3 bulanan 2026-T4');
    expect(await page.locator('#report-csv a').count()).toBe(3);
    await shot(page, 'tablet-reports-recap-id');
    // The framed report obeyed its script-free policy and the app its strict one.
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("offers the month's lists and takes the sasaran the SKDN then uses as S", async () => {
    const { page, problems } = await openPage(browser, phone);
    await login(page, harness.server.url, 'bidan', testPins.bidan);
    await page.goto(`${harness.server.url}/#/reports/skdn/2026-11`);
    await reportFrame(page);
    await page.click('.report-lists-card summary');
    expect(await page.locator('#report-lists li').count()).toBe(5);
    expect(await page.getAttribute('[data-list=rujukan] a[download]', 'href')).toBe(
      '/api/lists/rujukan?month=2026-11&format=csv',
    );
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.click('[data-list=rujukan] a[target=_blank]'),
    ]);
    await tab.waitForLoadState();
    expect(await tab.textContent('h1')).toBe('Daftar rujukan 2026-11');
    expect(await tab.textContent('body')).toContain('2T: dua bulan berturut-turut tidak naik');
    await tab.close();
    await page.waitForSelector('#sasaran-status:has-text("Belum ada sasaran")');
    await page.fill('#sasaran-input', '12');
    await page.click('#sasaran-save');
    await page.waitForSelector('#sasaran-status:has-text("Sasaran tersimpan.")');
    await shot(page, 'phone-reports-lists-id');
    // The SKDN page now counts S = 12 with the 9 registered beside it.
    await page.click('[data-kind=recap]');
    await reportFrame(page);
    await page.click('[data-kind=skdn]');
    const frame = await reportFrame(page);
    expect((await frame.locator('table').first().locator('tbody td').allTextContents())[0]).toBe('12');
    expect(await frame.locator('body').textContent()).toContain('S = sasaran 12 balita; terdaftar 9');
    await page.click('.report-lists-card button[type=button]');
    await page.waitForSelector('#sasaran-status:has-text("Sasaran dihapus")');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fits a 360 px phone, speaks English on the toggle, and keeps the kader out', async () => {
    const { page, problems } = await openPage(browser, phone);
    await login(page, harness.server.url, 'bidan', testPins.bidan);
    await page.goto(`${harness.server.url}/#/reports/prevalence/2026-11`);
    const frame = await reportFrame(page);
    await expect(frame.locator('svg').count()).resolves.toBeGreaterThan(0);
    // The page itself does not scroll sideways; only the framed A4 report may.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'phone-reports-prevalence-id');
    await page.click('#lang-toggle');
    await page.waitForSelector('text=Posyandu reports');
    expect(await page.textContent('#report-print')).toContain('Print (A4)');
    await reportFrame(page);
    await page.click('[data-kind=skdn]');
    await reportFrame(page);
    await shot(page, 'phone-reports-skdn-en');
    expect(problems).toEqual([]);
    await page.context().close();

    const kader = await openPage(browser, phone);
    await login(kader.page, harness.server.url, 'kader', testPins.kader);
    expect(await kader.page.locator('#nav a[href="#/reports"]').count()).toBe(0);
    await kader.page.goto(`${harness.server.url}/#/reports/skdn/2026-11`);
    await kader.page.waitForFunction(() => location.hash === '#/search');
    await kader.context.close();
  });

  it('keeps the report on screen when the screen opened before it gets its data late', async () => {
    const { page, problems } = await openPage(browser, tablet);
    await login(page, harness.server.url, 'bidan', testPins.bidan);
    await page.evaluate(() => {
      location.hash = '#/search';
    });
    await page.waitForSelector('#search');
    // Today's data is held back: its screen is still loading when the bidan taps on to Laporan.
    let holdToday: (route: Route) => void = () => {};
    const todayAsked = new Promise<Route>((resolve) => {
      holdToday = resolve;
    });
    await page.route('**/api/today', (route) => holdToday(route));
    await page.evaluate(() => {
      location.hash = '#/today';
    });
    const today = await todayAsked;
    await page.evaluate(() => {
      location.hash = '#/reports/prevalence/2026-11';
    });
    await reportFrame(page);
    const [late] = await Promise.all([page.waitForResponse('**/api/today'), today.continue()]);
    await late.finished();
    // The late answer has been read and handed to its (now closed) screen.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(await page.textContent('#app h1')).toBe('Laporan posyandu');
    expect(await page.locator('#report-frame').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('says so in plain words when the gateway has no reports set up', async () => {
    const bare = await startHarness();
    try {
      const { page } = await openPage(browser, phone);
      await login(page, bare.server.url, 'bidan', testPins.bidan);
      await page.goto(`${bare.server.url}/#/reports/skdn/2026-11`);
      await page.waitForSelector('#report-error:not([hidden])');
      expect(await page.textContent('#report-error')).toBe('Laporan belum disiapkan di gateway ini.');
      expect(await page.isHidden('#report-frame')).toBe(true);
      await page.context().close();
    } finally {
      await bare.close();
    }
  });
});
