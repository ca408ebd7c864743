// Printable HTML -> A4 PDF through headless Chromium (playwright-core drives the system's browser; it
// downloads none). Only `tikar report --pdf` loads this module, so the gateway never starts a browser.
import { chromium } from 'playwright-core';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface PdfOptions {
  executablePath?: string; // default /usr/bin/chromium, or TIKAR_CHROMIUM
}

export async function htmlToPdf(html: string, options: PdfOptions = {}): Promise<Uint8Array> {
  const executablePath = options.executablePath ?? process.env.TIKAR_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    // The page is self-contained; refuse any network request so a report can never leak data.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
