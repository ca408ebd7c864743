// A PAUD child on the screens, in real headless Chromium against the real gateway: the bidan's live result
// card names IMT/U 5–18 and the WHO Reference 2007, and the child's page opens on the 5–7-year chart.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { birthDateForAge } from '../integration/helpers.ts';
import { launchChromium, login, openPage, shot, tablet } from './browser.ts';

const pins = { kader: '246811', bidan: '135791', admin: '975311' };

let browser: Browser;
let gateway: RunningGateway;
let baseUrl: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const dir = await tmpDir('tikar-e2e-paud-');
  cleanup = dir.cleanup;
  process.env.TIKAR_PIN_KADER = pins.kader;
  process.env.TIKAR_PIN_BIDAN = pins.bidan;
  process.env.TIKAR_PIN_ADMIN = pins.admin;
  gateway = await startGateway({
    dbPath: `${dir.path}/tikar.db`,
    posyanduId: 'mawar-1',
    villageId: 'sukamaju',
    sim: { scenario: 'calm', seed: 11 },
    http: { host: '127.0.0.1', port: 0 },
  });
  baseUrl = gateway.webUrl as string;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await cleanup?.();
});

describe('a PAUD child on the screens', () => {
  it('result card with the 5–18 labels and the WHO 2007 reference; the 5–7-year chart first', async () => {
    const bidan = await openPage(browser, tablet);
    await login(bidan.page, baseUrl, 'bidan', pins.bidan);
    await bidan.page.waitForSelector('#today-summary');

    const registered = await gateway.services.registerChild({
      name: 'Dewi PAUD',
      sex: 2,
      birth_date: birthDateForAge(72),
      mother_name: 'Ibu Dewi',
    });
    if (!registered.ok) throw new Error(registered.error.message);
    // Heavy for her height: IMT/U above +1 SD, "Gizi lebih" in the 5–18 bands.
    const saved = await gateway.services.saveManualMeasurement({
      child_id: registered.value.id,
      position: 'h',
      lenhei_cm: 114,
      weight_kg: 24.5,
    });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(saved.value.measurement.reference).toBe('who2007');

    // Hari ini shows the latest save as a one-line card; opened, it is the full result card.
    await bidan.page.waitForSelector('#today-latest .latest-card');
    await bidan.page.click('#today-latest summary');
    await bidan.page.waitForSelector('#result-card [data-reference="who2007"]');
    const card = await bidan.page.textContent('#result-card');
    expect(card).toContain('IMT/U (5–18 th)');
    expect(card).toContain('WHO Reference 2007');
    expect(card).toContain(saved.value.measurement.status.imtu?.id ?? 'no label');
    expect(card).not.toContain('BB/TB');
    expect(await bidan.page.locator('#result-card #weight-trend').count()).toBe(0);
    await shot(bidan.page, 'tablet-paud-result-id');

    await bidan.page.goto(`${baseUrl}/#/child/${registered.value.id}`);
    await bidan.page.waitForSelector('#chart svg');
    expect(await bidan.page.getAttribute('[data-indicator="hfa2007"]', 'aria-pressed')).toBe('true');
    expect(await bidan.page.getAttribute('#chart svg', 'data-indicator')).toBe('hfa2007');
    expect(await bidan.page.textContent('#chart svg title')).toContain('WHO Reference 2007');
    expect(await bidan.page.locator('#chart .child-point').count()).toBe(1);
    expect(await bidan.page.textContent('.reference[data-reference="who2007"]')).toContain(
      'WHO Reference 2007',
    );
    await bidan.page.click('[data-indicator="bfa2007"]');
    await bidan.page.waitForSelector('#chart svg[data-indicator="bfa2007"]');
    expect(await bidan.page.locator('#chart .child-point').count()).toBe(1);
    await shot(bidan.page, 'tablet-paud-chart-id');
    expect(bidan.problems).toEqual([]);
  });
});
