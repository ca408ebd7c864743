// Three `tikar record` workers share the district's load through an MQTT v5 shared subscription on a real
// mosquitto, storing into a real PostgreSQL. One is killed with SIGKILL mid-run: the others carry on, the
// gateways resend what it took with it, and every message is stored exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightGateway } from '../../district/sim/light-gateway.ts';
import { openPostgres, type Pg } from '../../gateway/store/postgres.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { type Postgres, startPostgres } from '../helpers/postgres.ts';
import { waitFor } from '../integration/helpers.ts';
import { districtMessages, startLightGateways, startWorker, type TikarProcess } from './district-fixtures.ts';

let postgres: Postgres;
let broker: Mosquitto;
let pg: Pg;
const workers: TikarProcess[] = [];
let gateways: LightGateway[] = [];

beforeAll(async () => {
  [postgres, broker] = await Promise.all([startPostgres(), startMosquitto()]);
  for (let i = 0; i < 3; i++) workers.push(await startWorker(postgres.url, broker.url));
  pg = await openPostgres(postgres.url);
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await Promise.all(workers.map((worker) => worker.stop()));
  await pg?.close();
  await broker?.stop();
  await postgres?.stop();
});

describe('district record workers', { timeout: 180_000 }, () => {
  it('share the load, survive a SIGKILLed worker, and store every message exactly once', async () => {
    const plans = districtMessages({
      villages: 3,
      posyanduPerVillage: 4,
      children: 20,
      lastMonth: '2026-11',
      months: 6,
    });
    const total = plans.reduce((sum, plan) => sum + plan.messages.length, 0);
    gateways = await startLightGateways(broker.url, plans, { receiptTimeoutMs: 2000, window: 8 });
    const delivered = () => gateways.reduce((sum, gateway) => sum + gateway.delivered, 0);

    await waitFor('a third delivered', () => delivered() > total / 3, 120_000);
    const victim = workers[0] as TikarProcess;
    victim.process.kill('SIGKILL');
    const deliveredAtKill = delivered();
    await Promise.all(gateways.map((gateway) => gateway.finished()));

    expect(deliveredAtKill).toBeLessThan(total); // the kill happened mid-run
    const sent = new Set(plans.flatMap((plan) => plan.messages.map((m) => m.id)));
    const stored = await pg.query<{ id: string }>('SELECT id FROM record_messages');
    expect(stored.length).toBe(total);
    expect(new Set(stored.map((row) => row.id))).toEqual(sent);
    const [counts] = await pg.query<{ measurements: number; distinct_messages: number }>(
      'SELECT count(*) AS measurements, (SELECT count(DISTINCT id) FROM record_messages) AS distinct_messages FROM measurements',
    );
    expect(counts).toEqual({ measurements: total, distinct_messages: total });
    // Shared, not copied: were every worker to receive every message, each would send a receipt, and the
    // gateways would see about two late receipts per message. Only resends (after the kill) make them.
    const late = gateways.reduce((sum, gateway) => sum + gateway.lateReceipts, 0);
    const resends = gateways.reduce((sum, gateway) => sum + gateway.resends, 0);
    expect(late).toBeLessThanOrEqual(resends);
    expect(late).toBeLessThan(total / 10);
    // The survivors are still running.
    expect(workers.slice(1).every((worker) => worker.process.exitCode === null)).toBe(true);
  });
});
