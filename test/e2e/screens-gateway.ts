// One real gateway (SQLite in a temp dir, the built-in broker, the simulated mat in-process) and one headless
// Chromium for an e2e file: the screens' PINs set, the address to open, and one stop for all of it.
import type { Browser } from 'playwright-core';
import { type GatewayConfig, type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { launchChromium } from './browser.ts';

export interface ScreensGateway {
  gateway: RunningGateway;
  browser: Browser;
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startScreensGateway(options: {
  name: string;
  pins: { kader: string; bidan: string; admin: string };
  sim: NonNullable<GatewayConfig['sim']>;
  sessions?: GatewayConfig['sessions'];
}): Promise<ScreensGateway> {
  const dir = await tmpDir(`tikar-e2e-${options.name}-`);
  process.env.TIKAR_PIN_KADER = options.pins.kader;
  process.env.TIKAR_PIN_BIDAN = options.pins.bidan;
  process.env.TIKAR_PIN_ADMIN = options.pins.admin;
  const gateway = await startGateway({
    dbPath: `${dir.path}/tikar.db`,
    posyanduId: 'mawar-1',
    villageId: 'sukamaju',
    sim: options.sim,
    ...(options.sessions ? { sessions: options.sessions } : {}),
    http: { host: '127.0.0.1', port: 0 },
  });
  const browser = await launchChromium();
  return {
    gateway,
    browser,
    baseUrl: gateway.webUrl as string,
    async stop() {
      await browser.close();
      await gateway.stop();
      await dir.cleanup();
    },
  };
}
