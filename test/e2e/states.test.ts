// Screens in the states a posyandu morning goes wrong in: the mat unplugged or uncalibrated (plain words,
// nothing can be saved) and a gateway clock a year behind (the screen asks to confirm the phone's time).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../gateway/app/start-gateway.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { type Harness, startHarness, testPins } from '../web/harness.ts';
import { launchChromium, login, openPage, phone, shot, tablet } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('mat problems on the measuring screen', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('says in plain words when the mat is unplugged or uncalibrated, and does not let a reading be saved', async () => {
    const child = await harness.services.registerChild({
      name: 'Ayu Lestari',
      sex: 2,
      birth_date: '2026-03-01',
      mother_name: 'Sri',
    });
    if (!child.ok) throw new Error('register failed');
    for (const viewport of [phone, tablet]) {
      const size = viewport === phone ? 'phone' : 'tablet';
      const kader = await openPage(browser, viewport);
      await kader.page.goto(harness.server.url);
      await kader.page.waitForSelector('#pin');
      await shot(kader.page, `${size}-login-id`);
      await login(kader.page, harness.server.url, 'kader', testPins.kader);
      await kader.page.goto(`${harness.server.url}/#/measure/${child.value.id}`);
      await kader.page.waitForSelector('#start:not([disabled])');
      const [started] = await Promise.all([
        kader.page.waitForResponse(
          (r) => r.url().endsWith('/api/sessions') && r.request().method() === 'POST',
        ),
        kader.page.click('#start'),
      ]);
      const { session_id: sessionId } = (await started.json()) as { session_id: string };
      await kader.page.waitForSelector('#live-panel:not([hidden])');
      harness.services.pushReading(sessionId, 655, true);
      await kader.page.waitForSelector('#stability.stability-moving');
      expect(await kader.page.textContent('#stability')).toContain('Tunggu, bayi bergerak');
      harness.services.lockReading(sessionId, 652);
      harness.services.lockReading(sessionId, 654);
      if (viewport === tablet) {
        // Switching the language mid-measurement redraws the screen in English and keeps the readings.
        await kader.page.click('#lang-toggle');
        await kader.page.waitForFunction(() =>
          document.getElementById('readings')?.textContent?.includes('Reading 1'),
        );
        expect(await kader.page.locator('#readings .reading-done').count()).toBe(2);
        expect(await kader.page.textContent('#live-panel .live-label')).toBe('Length (lying)');
        await shot(kader.page, 'tablet-measure-en');
        await kader.page.click('#lang-toggle');
        await kader.page.waitForFunction(() =>
          document.getElementById('readings')?.textContent?.includes('Pengukuran 1'),
        );
      }
      await kader.page.fill('#manual-weight', '7.2');
      await kader.page.click('#manual-weight-set');
      await kader.page.waitForSelector('#save:not([disabled])');

      harness.services.setMat({ connected: false });
      await kader.page.waitForSelector('#save[disabled]');
      expect(await kader.page.textContent('#mat-status')).toContain('tidak tersambung');
      expect(await kader.page.textContent('#save-blocked')).toContain('Hasil tidak bisa disimpan');
      await shot(kader.page, `${size}-mat-unplugged-id`);

      harness.services.setMat({ connected: true, calibration: 'uncalibrated' });
      await kader.page.waitForFunction(() =>
        document.getElementById('mat-status')?.textContent?.includes('belum dikalibrasi'),
      );
      expect(await kader.page.isDisabled('#save')).toBe(true);

      harness.services.setMat({ calibration: 'calibrated' });
      await kader.page.waitForSelector('#save:not([disabled])');
      expect(await kader.page.isHidden('#mat-status')).toBe(true);
      await kader.page.click('#save');
      await kader.page.waitForSelector('#result-card');
      await shot(kader.page, `${size}-result-fake-id`);
      expect(kader.problems).toEqual([]);
      await kader.context.close();
    }
  }, 120_000);
});

describe('a gateway clock a year behind', () => {
  it('asks the kader to confirm the phone time, then trusts it', async () => {
    const dir = await tmpDir('tikar-e2e-clock-');
    const yearMs = 365 * 86_400_000;
    process.env.TIKAR_PIN_KADER = '112233';
    process.env.TIKAR_PIN_BIDAN = '445566';
    process.env.TIKAR_PIN_ADMIN = '778899';
    const gateway = await startGateway({
      dbPath: `${dir.path}/tikar.db`,
      posyanduId: 'melati-2',
      villageId: 'sukamaju',
      sim: { scenario: 'calm', seed: 5 },
      http: { host: '127.0.0.1', port: 0 },
      clock: { systemNowMs: () => Date.now() - yearMs },
    });
    try {
      const kader = await openPage(browser, phone);
      await login(kader.page, gateway.webUrl as string, 'kader', '112233');
      await kader.page.waitForSelector('#clock-confirm');
      const banner = (await kader.page.textContent('.clock-banner')) ?? '';
      expect(banner).toContain('Jam gateway tampak salah');
      expect(banner).toContain('Apakah tanggal dan jam di HP ini benar?');
      await shot(kader.page, 'phone-clock-id');
      await kader.page.click('#clock-confirm');
      await kader.page.waitForSelector('#clock-confirm', { state: 'detached' });
      expect(gateway.services.clockStatus().trusted).toBe(true);
      expect(kader.problems).toEqual([]);
      await kader.context.close();
    } finally {
      await gateway.stop();
      await dir.cleanup();
    }
  }, 60_000);
});
