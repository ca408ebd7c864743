// A real posyandu morning in headless Chromium, on a phone (360×800) and a tablet (800×1280), against the
// real gateway with its simulated mat in-process: a tab closed mid-session and the mat taken over, a child
// found by the mother's name, the registration form's checks, Hari ini's count, and no screen or report that
// scrolls sideways. One browser and one gateway for the whole file.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startHarness, testPins } from '../web/harness.ts';
import { login, openPage, phone, phoneToday, shot, tablet, type Watched } from './browser.ts';
import { type ScreensGateway, startScreensGateway } from './screens-gateway.ts';

const pins = { kader: '246810', bidan: '135790', admin: '975310' };

let browser: Browser;
let gateway: RunningGateway;
let baseUrl: string;
let screens: ScreensGateway | undefined;
const opened: Watched[] = [];

function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

async function register(name: string, mother: string, ageDays: number, sex: 1 | 2 = 2): Promise<string> {
  const result = await gateway.services.registerChild({
    name,
    sex,
    birth_date: isoDaysAgo(ageDays),
    mother_name: mother,
    has_kia: true,
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.id;
}

async function open(
  viewport: { width: number; height: number },
  role: 'kader' | 'bidan' | 'admin',
): Promise<Watched> {
  const watched = await openPage(browser, viewport);
  opened.push(watched);
  await login(watched.page, baseUrl, role, pins[role]);
  // The first screen after login has finished drawing (a later goto must not race it).
  await watched.page.waitForSelector('main .page');
  return watched;
}

/** The page never scrolls sideways: nothing is wider than the screen. */
async function sideways(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function inView(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const box = (document.querySelector(sel) as HTMLElement).getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }, selector);
}

beforeAll(async () => {
  screens = await startScreensGateway({
    name: 'morning',
    pins,
    sim: { scenario: 'calm', seed: 7, timeScale: 3 },
    // The screen beats every 5 s: 6 s without one is a closed tab (15 s in production).
    sessions: { screenTimeoutMs: 6000 },
  });
  ({ gateway, browser, baseUrl } = screens);
});

afterAll(async () => {
  for (const watched of opened) expect(watched.problems).toEqual([]);
  await screens?.stop();
});

describe('the measuring flow', () => {
  it('a tab closed with the readings done: another phone sees whose session it is and continues it', async () => {
    const ayu = await register('Ayu Lestari', 'Sri Wahyuni', 130);
    const budi = await register('Budi Santoso', 'Rina Marlina', 280, 1);

    const first = await open(phone, 'kader');
    await first.page.goto(`${baseUrl}/#/measure/${ayu}`);
    await first.page.click('#start');
    await first.page.waitForSelector('#save:not([disabled])', { timeout: 60_000 });
    // "Simpan hasil" is brought into view the moment the readings are complete.
    expect(await inView(first.page, '#save')).toBe(true);
    // The difference comes from the readings kept to 0.1 mm, not from the rounded centimetres.
    expect(await first.page.textContent('.reading-diff')).toMatch(/^Selisih \d+,\d mm$/);
    const weightShown = ((await first.page.textContent('#live-weight')) ?? '').replace(' ✔', '');
    expect(weightShown).toMatch(/^\d+,\d\d kg$/);
    await first.page.screenshot({ path: 'test-output/screenshots/phone-measure-ready-view-id.png' });
    // A reload of the same tab picks its session up at once, readings and all.
    await first.page.reload();
    await first.page.waitForSelector('#save:not([disabled])', { timeout: 5000 });
    expect(await first.page.locator('#readings .reading-done').count()).toBe(2);
    await first.context.close(); // the tab is closed; nothing saved

    const second = await open(phone, 'kader');
    await second.page.goto(`${baseUrl}/#/measure/${budi}`);
    const busy = second.page.locator('#mat-busy');
    await busy.waitFor();
    expect(await busy.textContent()).toContain('Ayu Lestari');
    expect(await second.page.isDisabled('#start')).toBe(true);
    // Without a screen for 6 s: continue or cancel.
    await second.page.waitForSelector('#busy-continue', { timeout: 20_000 });
    const text = (await busy.textContent()) ?? '';
    expect(text).toMatch(/dimulai pukul \d\d\.\d\d/);
    expect(text).toContain('2 pengukuran sudah terkunci');
    expect(text).toContain('Layarnya sudah tertutup');
    await shot(second.page, 'phone-mat-busy-id');
    expect(await sideways(second.page)).toBeLessThanOrEqual(0);
    await second.page.click('#busy-continue');
    await second.page.waitForFunction((id) => location.hash === `#/measure/${id}`, ayu);
    await second.page.waitForSelector('#save:not([disabled])');
    expect(await second.page.textContent('.child-head .child-name')).toBe('Ayu Lestari');
    await second.page.click('#save');
    await second.page.waitForSelector('#result-card');
    // The weight shown before saving is the weight saved: one rounding, in one place.
    expect(await second.page.textContent('#result-weight')).toBe(weightShown);
  }, 120_000);

  it('a session left by a closed tab can be cancelled to free the mat; Batal never leads to a blank page', async () => {
    const citra = await register('Citra Dewi', 'Nur Aini', 460);
    const first = await open(tablet, 'kader');
    // Opened by its address: there is no page to go "back" to.
    await first.page.goto(`${baseUrl}/#/measure/${citra}`);
    await first.page.click('#start');
    await first.page.waitForSelector('#live-panel:not([hidden])');
    await first.page.click('#cancel');
    await first.page.waitForSelector('#search');
    await first.page.goto(`${baseUrl}/#/measure/${citra}`);
    await first.page.click('#start');
    await first.page.waitForSelector('#live-panel:not([hidden])');
    await first.context.close();

    const second = await open(tablet, 'kader');
    await second.page.goto(`${baseUrl}/#/measure/${citra}`);
    await second.page.waitForSelector('#busy-cancel', { timeout: 20_000 });
    await shot(second.page, 'tablet-mat-busy-id');
    await second.page.click('#busy-cancel');
    await second.page.waitForSelector('#start:not([disabled])');
    expect(await second.page.isHidden('#mat-busy')).toBe(true);
  }, 60_000);
});

describe('an implausible result', () => {
  it('has an "Ukur ulang" button that starts measuring the child again', async () => {
    // The web server over hand-driven services: the mat "reads" 110 cm for a 7-month-old.
    const harness = await startHarness();
    try {
      const child = await harness.services.registerChild({
        name: 'Lala',
        sex: 2,
        birth_date: isoDaysAgo(213),
        mother_name: 'Sri',
      });
      if (!child.ok) throw new Error('register failed');
      for (const viewport of [phone, tablet]) {
        const watched = await openPage(browser, viewport);
        opened.push(watched);
        const { page } = watched;
        await login(page, harness.server.url, 'kader', testPins.kader);
        await page.goto(`${harness.server.url}/#/measure/${child.value.id}`);
        const [started] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/sessions') && r.request().method() === 'POST'),
          page.click('#start'),
        ]);
        const { session_id: sessionId } = (await started.json()) as { session_id: string };
        harness.services.lockReading(sessionId, 1100);
        harness.services.lockReading(sessionId, 1101);
        await page.fill('#manual-weight', '7,2');
        await page.click('#manual-weight-set');
        await page.waitForSelector('#save:not([disabled])');
        expect(await inView(page, '#save')).toBe(true);
        await page.click('#save');
        await page.waitForSelector('#remeasure-button');
        expect(await page.textContent('#result-card')).toContain('Ukur ulang');
        await shot(page, `${viewport === phone ? 'phone' : 'tablet'}-result-remeasure-id`);
        await page.click('#remeasure-button');
        await page.waitForSelector('#start:not([disabled])');
        expect(await page.isHidden('#result-card')).toBe(true);
      }
    } finally {
      await harness.close();
    }
  }, 60_000);
});

describe('finding and registering', () => {
  it("finds a child by the mother's name; the form opens at the top, keeps what was typed and checks it in Indonesian", async () => {
    const dimas = await register('Dimas Pratama', 'Yuliani Kusuma', 610, 1);
    const dimasBirth = isoDaysAgo(610);
    for (const viewport of [phone, tablet]) {
      const size = viewport === phone ? 'phone' : 'tablet';
      const { page } = await open(viewport, 'kader');
      await page.waitForSelector('#search');
      const row = page.locator(`.child-row[data-child-id="${dimas}"]`);
      for (const query of ['Yuliani Kusuma', 'Joeliani']) {
        // ...the second with the same spelling tolerance as the child's name (oe/u, j/y).
        await Promise.all([
          page.waitForResponse((r) => r.url().includes(`q=${encodeURIComponent(query)}`)),
          page.fill('#search', query),
        ]);
        await page.waitForTimeout(50);
        expect(await page.locator('.child-row').count()).toBe(1);
        expect(await row.locator('.matched-mother').textContent()).toContain('cocok dengan nama ibu');
      }
      await shot(page, `${size}-search-mother-id`);

      // "+ Daftarkan anak baru" sits above the list; the form opens in view with the cursor in it.
      const [buttonTop, listTop] = await page.evaluate(() => [
        (document.getElementById('register-open') as HTMLElement).getBoundingClientRect().top,
        (document.getElementById('search-results') as HTMLElement).getBoundingClientRect().top,
      ]);
      expect(buttonTop).toBeLessThan(listTop);
      await page.click('#register-open');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('reg-name');
      expect(await inView(page, '#reg-name')).toBe(true);

      // The app's own messages at each field, never the browser's bubbles.
      await page.fill('#reg-name', 'Eka Putri');
      await page.click('#register-submit');
      expect(await page.textContent('#reg-sex-error')).toBe('Pilih jenis kelamin.');
      expect(await page.textContent('#reg-birth-error')).toContain('Tanggal lahir belum benar');
      expect(await page.textContent('#reg-mother-error')).toBe('Isi nama ibu.');

      // Over the gateway's limit (84 months: PAUD children are measured too): said at the birth date as soon
      // as it is typed, before submitting.
      const old = new Date(Date.now() - 2700 * 86_400_000);
      await page.fill('#reg-birth-day', String(old.getUTCDate()));
      await page.selectOption('#reg-birth-month', String(old.getUTCMonth() + 1).padStart(2, '0'));
      await page.fill('#reg-birth-year', String(old.getUTCFullYear()));
      expect(await page.textContent('#reg-birth-error')).toBe(
        'Anak ini sudah lebih dari 84 bulan. Posyandu ini mencatat anak sampai umur 84 bulan: periksa tahun lahir.',
      );
      await page.fill('#reg-nik', '320101123456');
      await page.check('#reg-sex-2');
      await page.fill('#reg-mother', 'Siti Aminah');
      await page.click('#register-submit');
      expect(await page.textContent('#reg-nik-error')).toBe(
        'NIK harus 16 angka (terisi 12). Kosongkan bila belum ada.',
      );
      expect(await page.textContent('#reg-nik + .hint, #reg-nik ~ .hint')).toContain('16 angka');
      await shot(page, `${size}-register-errors-id`);
      expect(await sideways(page)).toBeLessThanOrEqual(0);

      // The language toggle keeps what was typed.
      await page.click('#lang-toggle');
      await page.waitForFunction(
        () => document.querySelector('#register-form h2')?.textContent === 'Register a new child',
      );
      expect(await page.inputValue('#reg-name')).toBe('Eka Putri');
      expect(await page.inputValue('#reg-mother')).toBe('Siti Aminah');
      expect(await page.inputValue('#reg-nik')).toBe('320101123456');
      expect(await page.isChecked('#reg-sex-2')).toBe(true);
      expect(await page.inputValue('#reg-birth-year')).toBe(String(old.getUTCFullYear()));
      await page.click('#lang-toggle');
      await page.waitForSelector('#reg-name');

      // The same child again: warned, and offered the one registered.
      const [y, m, d] = dimasBirth.split('-') as [string, string, string];
      await page.fill('#reg-name', 'Dimas  Pratama');
      await page.check('#reg-sex-1');
      await page.fill('#reg-birth-day', String(Number(d)));
      await page.selectOption('#reg-birth-month', m);
      await page.fill('#reg-birth-year', y);
      await page.fill('#reg-mother', 'yuliani kusuma');
      await page.fill('#reg-nik', '');
      await page.click('#register-submit');
      await page.waitForSelector('#duplicate-open');
      expect(await page.textContent('#register-duplicate')).toContain('sudah terdaftar');
      await shot(page, `${size}-register-duplicate-id`);
      await page.click('#duplicate-open');
      await page.waitForFunction((id) => location.hash === `#/measure/${id}`, dimas);
    }
    // Nothing was registered twice.
    const same = await gateway.services.findSameChild({
      name: 'Dimas Pratama',
      birth_date: dimasBirth,
      mother_name: 'Yuliani Kusuma',
    });
    expect(same.ok && same.value.length).toBe(1);
  }, 90_000);
});

/** A calendar date `months` and `days` before the phone's today (the child is then that old, in months and days). */
function bornAgo(months: number, days: number): string {
  // The child's page counts the age to the phone's today, not UTC's.
  const [year, month, day] = phoneToday().split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1 - months, 1));
  date.setUTCDate(Math.min(day, 28) - days);
  return date.toISOString().slice(0, 10);
}

async function measureByHand(childId: string, lenheiCm: number, weightKg: number): Promise<void> {
  const saved = await gateway.services.saveManualMeasurement({
    child_id: childId,
    lenhei_cm: lenheiCm,
    weight_kg: weightKg,
  });
  if (!saved.ok) throw new Error(saved.error.message);
}

describe('Hari ini and the child page', () => {
  it('counts the rows it marks, keeps the list in view after a save, and opens a child at the top with a chart that fits', async () => {
    // Pendek (moderate: flagged, not marked), sangat pendek (severe: marked), and a normal child.
    await measureByHand(await register('Gita Maharani', 'Ani', 275), 63.9, 7.3);
    await measureByHand(await register('Hana Safitri', 'Dewi', 366), 65.0, 7.0);
    // A length no child of 6 months has: measured, but no growth-mat colour until measured again.
    const kiki = await register('Kiki Amelia', 'Rosa', 180);
    await measureByHand(kiki, 110.0, 7.5);
    const jaka = await register('Jaka Wijaya', 'Tuti', 200, 1);
    for (const viewport of [phone, tablet]) {
      const size = viewport === phone ? 'phone' : 'tablet';
      const { page } = await open(viewport, 'bidan');
      await page.waitForSelector('.today-row');
      expect(await page.textContent(`.today-row[data-child-id="${kiki}"] .mat-chip`)).toContain(
        'Tikar: ukur ulang',
      );
      const marked = await page.locator('.today-row.today-refer').count();
      expect(marked).toBeGreaterThanOrEqual(1);
      expect(await page.locator('.today-row').count()).toBeGreaterThan(marked);
      expect(await page.textContent('#today-summary')).toMatch(
        new RegExp(`^\\d+ anak diukur · ${marked} perlu perhatian$`),
      );

      // A save while the bidan watches: a one-line card, the list still in the first screen.
      await measureByHand(jaka, 67.5, 8.1);
      await page.waitForSelector('#today-latest .latest-card');
      const card = await page.locator('#today-latest').boundingBox();
      expect(card?.height ?? 999).toBeLessThan(viewport === phone ? 190 : 140);
      const firstRowTop = await page.evaluate(
        () => (document.querySelector('.today-row') as HTMLElement).getBoundingClientRect().top,
      );
      expect(firstRowTop).toBeLessThan(viewport.height - 100);
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await shot(page, `${size}-today-latest-id`);
      // The folded card opens to the full result.
      await page.click('#today-latest summary');
      expect(await page.isVisible('#today-latest #result-card')).toBe(true);

      // Tapped from the bottom of the list, the child page opens at its top.
      const last = page.locator('.today-row').last();
      await last.scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await last.click();
      await page.waitForSelector('#chart svg');
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      // The chart fits the width: no sideways swipe, the whole axis in view.
      const chart = await page.evaluate(() => {
        const svg = (document.querySelector('#chart svg') as SVGSVGElement).getBoundingClientRect();
        return { right: svg.right, width: svg.width };
      });
      expect(chart.right).toBeLessThanOrEqual(viewport.width);
      expect(await sideways(page)).toBeLessThanOrEqual(0);
      await shot(page, `${size}-child-top-id`);
    }
  }, 90_000);

  it('speaks English in the singular, and the correction form uses the decimal comma and can be cancelled', async () => {
    const intanBirth = bornAgo(1, 1);
    const intan = await gateway.services.registerChild({
      name: 'Intan Permata',
      sex: 2,
      birth_date: intanBirth,
      mother_name: 'Wulan',
    });
    if (!intan.ok) throw new Error(intan.error.message);
    await measureByHand(intan.value.id, 54.2, 4.45);
    const { page } = await open(phone, 'bidan');
    await page.goto(`${baseUrl}/#/child/${intan.value.id}`);
    await page.waitForSelector('[data-correct]');
    expect((await page.textContent('[data-correct]'))?.trim()).toBe('Koreksi');
    await page.click('[data-correct]');
    expect(await page.inputValue('#corr-weight')).toBe('4,45');
    expect(await page.inputValue('#corr-length')).toBe('54,2');
    await page.fill('#corr-weight', '4,5');
    await shot(page, 'phone-correction-id');
    await page.click('#correction-cancel');
    expect(await page.isVisible('#correction-form')).toBe(false);

    await page.click('#lang-toggle');
    await page.waitForFunction(
      () => document.querySelector('.child-page h2')?.textContent === 'Measurements',
    );
    expect(await page.textContent('.child-head')).toContain('1 month 1 day');
    expect((await page.textContent('[data-correct]'))?.trim()).toBe('Correction');
    await page.click('[data-correct]');
    expect(await page.inputValue('#corr-weight')).toBe('4.45');
    await page.click('#lang-toggle');
  }, 60_000);
});

describe('Laporan and every screen on a phone and a tablet', () => {
  it('never scrolls sideways, lists lead with the name, months are written out, and the PDF downloads', async () => {
    const month = new Date().toISOString().slice(0, 7);
    // A long name in every list, with a measurement this month (the file's other tests add more).
    const kartika = await register('Kartika Sari Dewi Lestari Ningsih', 'Maria Goretti Widyaningrum', 500);
    await measureByHand(kartika, 76.0, 9.2);
    for (const viewport of [phone, tablet]) {
      const size = viewport === phone ? 'phone' : 'tablet';
      const admin = await open(viewport, 'admin');
      const { page } = admin;
      // The admin's menu (four items) fits at 360 px.
      const navRight = await page.evaluate(() =>
        Math.max(
          ...Array.from(document.querySelectorAll('.nav-link')).map((a) => a.getBoundingClientRect().right),
        ),
      );
      expect(navRight).toBeLessThanOrEqual(viewport.width);
      for (const hash of ['#/today', '#/search', '#/pins']) {
        await page.goto(`${baseUrl}/${hash}`);
        await page.waitForSelector('.page');
        expect(await sideways(page), hash).toBeLessThanOrEqual(0);
      }
      for (const kind of ['skdn', 'recap', 'prevalence']) {
        await page.goto(`${baseUrl}/#/reports/${kind}/${month}`);
        const frame = page.frameLocator('#report-frame');
        await frame.locator('main h1').waitFor();
        await page.waitForFunction(
          () => !(document.getElementById('report-print') as HTMLButtonElement).disabled,
        );
        expect(await sideways(page), kind).toBeLessThanOrEqual(0);
        const inside = await page.evaluate(() => {
          const doc = (document.getElementById('report-frame') as HTMLIFrameElement)
            .contentDocument as Document;
          return {
            over: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
            widest: Array.from(doc.querySelectorAll('main *'))
              .filter((el) => el.getBoundingClientRect().right > doc.documentElement.clientWidth)
              .map((el) => `${el.tagName}.${el.className}:${el.textContent?.slice(0, 30)}`)
              .slice(-3)
              .join(' | '),
            title: doc.querySelector('h1')?.textContent ?? '',
            firstHeads: Array.from(doc.querySelectorAll('table')).map(
              (t) => t.querySelector('th')?.textContent ?? '',
            ),
          };
        });
        expect(inside.over, `${kind} inside the frame: ${inside.widest}`).toBeLessThanOrEqual(0);
        expect(inside.title).toMatch(
          /(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4}$/,
        );
        // Every list of children leads with the name, never with the record id.
        expect(inside.firstHeads).not.toContain('ID');
        if (kind !== 'prevalence') expect(inside.firstHeads).toContain('Nama');
        await shot(page, `${size}-reports-${kind}-layout-id`);
      }
      if (viewport === phone) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-pdf')]);
        expect(download.suggestedFilename()).toBe(`tikar-mawar-1-prevalence-${month}.pdf`);
        const path = await download.path();
        const { readFile } = await import('node:fs/promises');
        expect((await readFile(path)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      }
    }
    // On A4 (186 mm of text width) no column runs off the page: the recap's "Hasil", the SKDN "Catatan".
    const a4 = await openPage(browser, { width: 703, height: 1000 });
    opened.push(a4);
    await login(a4.page, baseUrl, 'bidan', pins.bidan);
    await a4.page.emulateMedia({ media: 'print' });
    for (const kind of ['skdn', 'recap', 'prevalence']) {
      await a4.page.goto(`${baseUrl}/api/reports/${kind}?month=${month}&format=html`);
      const overflow = await a4.page.evaluate(() => {
        const main = (document.querySelector('main') as HTMLElement).getBoundingClientRect().right;
        return (
          Math.max(
            ...Array.from(document.querySelectorAll('table')).map((t) => t.getBoundingClientRect().right),
          ) - main
        );
      });
      expect(overflow, kind).toBeLessThanOrEqual(0.5);
    }
  }, 120_000);
});
