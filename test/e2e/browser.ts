// Real headless Chromium (Debian package) for the end-to-end tests, and where their screenshots go.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const phone = { width: 360, height: 800 };
export const tablet = { width: 800, height: 1280 };
export const screenshotDir = join(process.cwd(), 'test-output', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors, CSP violations and any alert(): each one fails the test that checks it. */
  problems: string[];
}

/** The phones' time zone in these tests: a posyandu in western Indonesia (WIB). */
export const PHONE_TIME_ZONE = 'Asia/Jakarta';

/** Today on the phones' calendar, YYYY-MM-DD: from 17:00 UTC it is already tomorrow there. */
export function phoneToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: PHONE_TIME_ZONE }).format(new Date());
}

/** A new context of the given size whose page reports script errors, CSP violations and dialogs. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: 'id-ID', timezoneId: PHONE_TIME_ZONE });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) problems.push(`csp: ${message.text()}`);
  });
  return { context, page, problems };
}

export async function shot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

export async function login(
  page: Page,
  baseUrl: string,
  role: 'kader' | 'bidan' | 'admin',
  pin: string,
): Promise<void> {
  await page.goto(baseUrl);
  await page.click(`[data-role=${role}]`);
  await page.fill('#pin', pin);
  await page.click('#login-submit');
  await page.waitForSelector('#logout:not([hidden])');
}
