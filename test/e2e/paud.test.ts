// A PAUD child on the screens, in real headless Chromium against the real gateway: the bidan's live result
// card names IMT/U 5–18 and the WHO Reference 2007, and the child's page opens on the 5–7-year chart.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { birthDateForAge } from '../integration/helpers.ts';
import { login, openPage, shot, tablet } from './browser.ts';
import { type ScreensGateway, startScreensGateway } from './screens-gateway.ts';

const pins = { kader: '246811', bidan: '135791', admin: '975311' };

let browser: Browser;
let gateway: RunningGateway;
let baseUrl: string;
let screens: ScreensGateway | undefined;

beforeAll(async () => {
  screens = await startScreensGateway({ name: 'paud', pins, sim: { scenario: 'calm', seed: 11 } });
  ({ gateway, browser, baseUrl } = screens);
});

afterAll(async () => {
  await screens?.stop();
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
