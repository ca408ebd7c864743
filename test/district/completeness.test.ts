// Completeness without trusting any queue: a village record (the `tikar record` CLI on SQLite, on the village
// broker) and the district (a `tikar record` worker on PostgreSQL, behind the shipped bridge). A batch is lost
// on purpose — sent while the district has no worker, so the district broker drops it, though the village
// record stores and receipts it — and `tikar district check` finds it by count and digest and gets it back.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightGateway } from '../../district/sim/light-gateway.ts';
import { openPostgres, type Pg } from '../../gateway/store/postgres.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { type Postgres, startPostgres } from '../helpers/postgres.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { waitFor } from '../integration/helpers.ts';
import {
  districtMessages,
  startLightGateways,
  startTikar,
  startWorker,
  type TikarProcess,
  villageBridgeConfig,
} from './district-fixtures.ts';

const tikar = join(import.meta.dirname, '..', '..', 'bin', 'tikar.mjs');

let postgres: Postgres;
let district: Mosquitto;
let village: Mosquitto;
let pg: Pg;
let dir: Awaited<ReturnType<typeof tmpDir>>;
let villageRecord: TikarProcess;
let worker: TikarProcess;
let gateways: LightGateway[] = [];

beforeAll(async () => {
  dir = await tmpDir('tikar-completeness-');
  [postgres, district] = await Promise.all([startPostgres(), startMosquitto()]);
  village = await startMosquitto({ extraConfig: await villageBridgeConfig('desa-1', district.port) });
  villageRecord = await startTikar(
    ['record', '--village', 'desa-1', '--db', join(dir.path, 'record.db'), '--mqtt', village.url],
    'village record for desa-1',
  );
  worker = await startWorker(postgres.url, district.url);
  pg = await openPostgres(postgres.url);
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await worker?.stop();
  await villageRecord?.stop();
  await pg?.close();
  await village?.stop();
  await district?.stop();
  await postgres?.stop();
  await dir?.cleanup();
});

const storedAtDistrict = async () =>
  (await pg.query<{ n: number }>('SELECT count(*) AS n FROM measurements'))[0]?.n ?? 0;

function runCheck(): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        tikar,
        'district',
        'check',
        '--store',
        postgres.url,
        '--mqtt',
        district.url,
        '--until',
        '2026-11',
        '--months',
        '3',
        '--wait',
        '60',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIKAR_LOG_LEVEL: 'warn' } },
    );
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

describe('completeness check', { timeout: 180_000 }, () => {
  it('finds a batch the district lost and gets it back from the village record', async () => {
    const plans = districtMessages({
      villages: 1,
      posyanduPerVillage: 3,
      children: 15,
      lastMonth: '2026-11',
      months: 3,
    });
    const all = plans.flatMap((plan) => plan.messages);
    const firstPart = plans.map((plan) => ({
      ...plan,
      messages: plan.messages.slice(0, Math.floor(plan.messages.length * 0.6)),
    }));
    const lostPart = plans.map((plan) => ({
      ...plan,
      messages: plan.messages.slice(Math.floor(plan.messages.length * 0.6)),
    }));
    const lostCount = lostPart.reduce((sum, plan) => sum + plan.messages.length, 0);

    gateways = await startLightGateways(village.url, firstPart, { receiptTimeoutMs: 3000 });
    await Promise.all(gateways.map((gateway) => gateway.finished()));
    await waitFor(
      'the first part at the district',
      async () => (await storedAtDistrict()) === all.length - lostCount,
      60_000,
    );
    await Promise.all(gateways.map((gateway) => gateway.stop()));

    // The district has no worker: its broker drops what the bridge brings. The village record still
    // stores and receipts every message, so the gateways never send them again.
    await worker.stop();
    gateways = await startLightGateways(village.url, lostPart, { receiptTimeoutMs: 3000 });
    await Promise.all(gateways.map((gateway) => gateway.finished()));
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    gateways = [];
    worker = await startWorker(postgres.url, district.url);
    expect(await storedAtDistrict()).toBe(all.length - lostCount);

    const check = await runCheck();
    expect(check.err).toContain(`asked again for ${lostCount} measurements, 0 not yet stored`);
    expect(check.code).toBe(0);
    const [line] = check.out
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(line).toMatchObject({ village_id: 'desa-1', answered: true, missing: lostCount, extra: 0 });
    const stored = await pg.query<{ id: string }>('SELECT id FROM measurements');
    expect(new Set(stored.map((row) => row.id))).toEqual(new Set(all.map((m) => m.measurement.id)));

    // A second check finds nothing to do.
    const again = await runCheck();
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out.trim())).toMatchObject({ answered: true, differing: 0, missing: 0 });
  });
});
