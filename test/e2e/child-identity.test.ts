// Issue 11 item 2 on the screens, in real headless Chromium against the real gateway: on a child's page a bidan
// opens "Koreksi identitas", corrects the birth date with a reason; the page then shows the corrected
// identity, the history (old → new, who, why) and the measurement re-scored. A kader sees the history but
// no form.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { birthDateForAge } from '../integration/helpers.ts';
import { login, openPage, phone, shot } from './browser.ts';
import { type ScreensGateway, startScreensGateway } from './screens-gateway.ts';

const pins = { kader: '246813', bidan: '135797', admin: '975319' };

let browser: Browser;
let gateway: RunningGateway;
let baseUrl: string;
let screens: ScreensGateway | undefined;

beforeAll(async () => {
  screens = await startScreensGateway({ name: 'identity', pins, sim: { scenario: 'calm', seed: 5 } });
  ({ gateway, browser, baseUrl } = screens);
});
afterAll(async () => {
  await screens?.stop();
});

describe('Koreksi identitas on the child page', () => {
  it('lets the bidan correct the birth date with a reason and shows the history and the re-scored row', async () => {
    const registered = await gateway.services.registerChild({
      name: 'Rina Lestari',
      sex: 2,
      birth_date: birthDateForAge(10),
      mother_name: 'Ibu Sri',
    });
    if (!registered.ok) throw new Error(registered.error.message);
    const child = registered.value;
    const saved = await gateway.services.saveManualMeasurement({
      child_id: child.id,
      lenhei_cm: 70,
      weight_kg: 8,
    });
    if (!saved.ok) throw new Error(saved.error.message);
    const newBirth = birthDateForAge(12);

    const bidan = await openPage(browser, phone);
    await login(bidan.page, baseUrl, 'bidan', pins.bidan);
    await bidan.page.goto(`${baseUrl}/#/child/${child.id}`);
    await bidan.page.waitForSelector('#child-identity');
    await bidan.page.click('#child-identity summary');
    await bidan.page.waitForSelector('#identity-history-slot p');
    expect(await bidan.page.textContent('#identity-history-slot')).toContain('Belum pernah dikoreksi');

    // Without a reason nothing is sent.
    await bidan.page.fill('#identity-birth', newBirth);
    await bidan.page.click('#identity-save');
    expect(await bidan.page.textContent('#identity-status')).toContain('Tulis alasan koreksi');
    expect((await gateway.services.getChild(child.id)).ok && child.birth_date).toBe(child.birth_date);

    await bidan.page.fill('#identity-reason', 'Sesuai akta kelahiran');
    await bidan.page.click('#identity-save');
    await bidan.page.waitForSelector('#identity-history li[data-correction-id]');
    const history = await bidan.page.textContent('#identity-history');
    expect(history).toContain('Sesuai akta kelahiran');
    expect(history).toContain('bidan');
    expect(history).toContain('Tanggal lahir');
    expect(history).toContain('1 pengukuran dihitung ulang');
    expect(await bidan.page.textContent('#identity-status')).toContain('Identitas dikoreksi');
    // The stored child and the history row; the measurement now counts 2 months more.
    const stored = await gateway.services.childCorrections(child.id);
    if (!stored.ok) throw new Error(stored.error.message);
    expect(stored.value.child.birth_date).toBe(newBirth);
    expect(stored.value.corrections[0]?.before).toEqual({ birth_date: child.birth_date });
    const list = await gateway.services.listMeasurements(child.id);
    const current = list.ok ? list.value.find((m) => m.superseded_by === null) : undefined;
    expect(current?.supersedes_id).toBe(saved.value.measurement.id);
    expect(current?.age_days).toBeGreaterThan(saved.value.measurement.age_days + 55);
    // The history table shows the replaced row as corrected, with the reason.
    expect(await bidan.page.locator('tr.superseded').count()).toBe(1);
    expect(await bidan.page.textContent('table.history')).toContain(
      'Koreksi identitas anak: Sesuai akta kelahiran',
    );
    await shot(bidan.page, 'phone-child-identity-id');
    expect(bidan.problems).toEqual([]);

    const kader = await openPage(browser, phone);
    await login(kader.page, baseUrl, 'kader', pins.kader);
    await kader.page.goto(`${baseUrl}/#/child/${child.id}`);
    await kader.page.click('#child-identity summary');
    await kader.page.waitForSelector('#identity-history li[data-correction-id]');
    expect(await kader.page.locator('#identity-form').count()).toBe(0);
    expect(await kader.page.textContent('#child-identity')).toContain('Hanya bidan atau admin');
    expect(kader.problems).toEqual([]);
  }, 60_000);
});
