// `npm run district:demo`: a district on this machine, every part real — PostgreSQL in a temporary directory,
// two village mosquitto brokers bridged (deploy/mosquitto/bridge-district.conf) to a district mosquitto, three
// `tikar record` workers, 3 villages × 4 simulated posyandu sending 12 months of measurements, and
// `tikar dashboard`. Prints the dashboard's address and password; Ctrl-C stops and removes everything.
// Needs the packages of `scripts/install.sh --test` (mosquitto, postgresql). Uses the test suite's harness.
// Built like the product: `npm run build` bundles it into dist/district-demo.mjs, which the npm script runs
// (nothing compiles TypeScript while it runs). TIKAR_DEMO_CHILDREN (default 30 per posyandu) makes it smaller.
import { join } from 'node:path';
import { addMonths } from '../gateway/clock/calendar.ts';
import { localDate } from '../gateway/clock/clock.ts';
import {
  districtMessages,
  startLightGateways,
  startTikar,
  startWorker,
  type TikarProcess,
  villageBridgeConfig,
} from '../test/district/district-fixtures.ts';
import { type Mosquitto, startMosquitto } from '../test/helpers/mosquitto.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { tmpDir } from '../test/helpers/tmp-dir.ts';

process.env.TIKAR_LOG_LEVEL ??= 'warn';
const say = (text: string) => process.stdout.write(`${text}\n`);
const port = Number(process.env.TIKAR_DEMO_HTTP ?? 8090);
const password = process.env.TIKAR_DASHBOARD_PASSWORD ?? 'demo-kabupaten';

const dir = await tmpDir('tikar-district-demo-');
say('PostgreSQL and the district broker…');
const postgres = await startPostgres({ durable: true });
const district = await startMosquitto();
const villages: Mosquitto[] = [];
const processes: TikarProcess[] = [];
const villageIds = ['sukamaju', 'cibodas', 'mekarsari'];
for (const villageId of villageIds) {
  villages.push(await startMosquitto({ extraConfig: await villageBridgeConfig(villageId, district.port) }));
}
say('three record workers…');
for (let i = 0; i < 3; i++)
  processes.push(await startWorker(postgres.url, district.url, ['--summarise-every', '2']));

const lastMonth = addMonths(localDate(new Date()).slice(0, 7), -1);
const plans = districtMessages({
  villages: 3,
  posyanduPerVillage: 4,
  children: Number(process.env.TIKAR_DEMO_CHILDREN ?? 30),
  lastMonth,
  months: 12,
}).map((plan) => ({ ...plan, villageId: villageIds[Number(plan.villageId.split('-')[1]) - 1] as string }));
for (const plan of plans)
  for (const m of plan.messages) {
    m.child.village_id = plan.villageId;
    m.measurement.village_id = plan.villageId;
  }
const total = plans.reduce((sum, plan) => sum + plan.messages.length, 0);
say(
  `12 posyandu send ${total.toLocaleString('en')} measurements (12 months to ${lastMonth}) through the bridges…`,
);
const gateways = [];
for (const [index, village] of villages.entries()) {
  gateways.push(
    ...(await startLightGateways(
      village.url,
      plans.filter((p) => p.villageId === villageIds[index]),
    )),
  );
}
await Promise.all(gateways.map((gateway) => gateway.finished()));
await new Promise((resolve) => setTimeout(resolve, 5000)); // the workers' summaries (every 2 s)
const dashboard = await startTikar(
  ['dashboard', '--store', postgres.url, '--http', String(port), '--data', join(dir.path, 'dashboard')],
  'Tikar dashboard: http',
  { TIKAR_DASHBOARD_PASSWORD: password },
);
say(`\nThe district dashboard: http://127.0.0.1:${port}  (password: ${password})`);
say(`PostgreSQL: ${postgres.url}   district broker: ${district.url}`);
say('Ctrl-C stops the demo and removes its data.');

await new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
await Promise.all(gateways.map((gateway) => gateway.stop()));
await dashboard.stop();
await Promise.all(processes.map((p) => p.stop()));
for (const village of villages) await village.stop();
await district.stop();
await postgres.stop();
await dir.cleanup();
