// Villages reach the district through mosquitto bridges: a village broker runs the topic lines of the shipped
// deploy/mosquitto/bridge-district.conf (TLS and credentials left out: both test brokers are plain loopback),
// its posyandu gateways publish there, two `tikar record` workers on the district broker store into PostgreSQL
// and their receipts come back over the bridge. The district broker is restarted mid-run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightGateway } from '../../district/sim/light-gateway.ts';
import { openPostgres, type Pg } from '../../gateway/store/postgres.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { type Postgres, startPostgres } from '../helpers/postgres.ts';
import { waitFor } from '../integration/helpers.ts';
import {
  districtMessages,
  startLightGateways,
  startWorker,
  type TikarProcess,
  villageBridgeConfig,
} from './district-fixtures.ts';

let postgres: Postgres;
let district: Mosquitto;
const villages: Mosquitto[] = [];
let pg: Pg;
const workers: TikarProcess[] = [];
let gateways: LightGateway[] = [];

beforeAll(async () => {
  [postgres, district] = await Promise.all([startPostgres(), startMosquitto()]);
  for (const villageId of ['desa-1', 'desa-2']) {
    villages.push(
      await startMosquitto({
        // Room for the whole run while the district is away (mosquitto's default is 1,000 per client).
        extraConfig: `max_queued_messages 100000\n${await villageBridgeConfig(villageId, district.port)}`,
      }),
    );
  }
  for (let i = 0; i < 2; i++) workers.push(await startWorker(postgres.url, district.url));
  pg = await openPostgres(postgres.url);
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await Promise.all(workers.map((worker) => worker.stop()));
  await pg?.close();
  for (const village of villages) await village.stop();
  await district?.stop();
  await postgres?.stop();
});

describe('village brokers bridged to the district broker', { timeout: 180_000 }, () => {
  it('carry every measurement to PostgreSQL exactly once and every receipt back, across a district restart', async () => {
    const plans = districtMessages({
      villages: 2,
      posyanduPerVillage: 3,
      children: 20,
      lastMonth: '2026-11',
      months: 6,
    });
    const total = plans.reduce((sum, plan) => sum + plan.messages.length, 0);
    gateways = [];
    for (const [index, village] of villages.entries()) {
      const own = plans.filter((plan) => plan.villageId === `desa-${index + 1}`);
      gateways.push(...(await startLightGateways(village.url, own, { receiptTimeoutMs: 3000, window: 8 })));
    }
    const delivered = () => gateways.reduce((sum, gateway) => sum + gateway.delivered, 0);
    await waitFor('a quarter delivered', () => delivered() > total / 4, 120_000);
    await district.restart();
    const deliveredAtRestart = delivered();
    await Promise.all(gateways.map((gateway) => gateway.finished()));

    expect(deliveredAtRestart).toBeLessThan(total);
    const stored = await pg.query<{ id: string; village_id: string }>(
      'SELECT id, village_id FROM record_messages',
    );
    expect(stored.length).toBe(total);
    expect(new Set(stored.map((row) => row.id))).toEqual(
      new Set(plans.flatMap((p) => p.messages.map((m) => m.id))),
    );
    const byVillage = (v: string) => stored.filter((row) => row.village_id === v).length;
    expect(byVillage('desa-1') + byVillage('desa-2')).toBe(total);
    expect(byVillage('desa-1')).toBeGreaterThan(0);
  });
});

// The broker pair (docs/district.md): every village bridged to both district brokers, every worker taking its
// share from both. One broker down (killed) does not hold a single message back; PostgreSQL stores each once.
describe('a district broker pair', { timeout: 180_000 }, () => {
  let pairPostgres: Postgres;
  let pair: Mosquitto[] = [];
  let village: Mosquitto;
  const pairWorkers: TikarProcess[] = [];
  let pairGateways: LightGateway[] = [];
  let pairPg: Pg;
  beforeAll(async () => {
    pairPostgres = await startPostgres();
    pair = [await startMosquitto(), await startMosquitto()];
    const bridges = await Promise.all(
      pair.map((broker, i) => villageBridgeConfig('desa-1', broker.port, i === 1)),
    );
    village = await startMosquitto({ extraConfig: `max_queued_messages 100000\n${bridges.join('\n')}` });
    const [a, b] = pair as [Mosquitto, Mosquitto];
    for (let i = 0; i < 2; i++)
      pairWorkers.push(await startWorker(pairPostgres.url, a.url, ['--pair-mqtt', b.url]));
    pairPg = await openPostgres(pairPostgres.url);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(pairGateways.map((gateway) => gateway.stop()));
    await Promise.all(pairWorkers.map((worker) => worker.stop()));
    await pairPg?.close();
    await village?.stop();
    for (const broker of pair) await broker.stop();
    await pairPostgres?.stop();
  });

  it('receipts every message through the other broker while one is down, and stores each once', async () => {
    const plans = districtMessages({
      villages: 1,
      posyanduPerVillage: 3,
      children: 10,
      lastMonth: '2026-11',
      months: 3,
    });
    const total = plans.reduce((sum, plan) => sum + plan.messages.length, 0);
    const [a] = pair as [Mosquitto];
    await a.kill();
    pairGateways = await startLightGateways(village.url, plans, { receiptTimeoutMs: 3000, window: 8 });
    await Promise.all(pairGateways.map((gateway) => gateway.finished()));
    // Every message receipted with broker A away.
    expect(pairGateways.reduce((sum, gateway) => sum + gateway.delivered, 0)).toBe(total);

    // A back: the village's bridge to it delivers what it queued; each is a duplicate, receipted again.
    await a.restart();
    const late = () => pairGateways.reduce((sum, gateway) => sum + gateway.lateReceipts, 0);
    await waitFor('the copies through broker A receipted', () => late() >= total, 60_000);
    const stored = await pairPg.query<{ id: string }>('SELECT id FROM record_messages');
    expect(stored.length).toBe(total);
    expect(new Set(stored.map((row) => row.id))).toEqual(
      new Set(plans.flatMap((plan) => plan.messages.map((m) => m.id))),
    );
    const [counts] = await pairPg.query<{ measurements: number }>(
      'SELECT count(*) AS measurements FROM measurements',
    );
    expect(counts?.measurements).toBe(total);
  });
});
