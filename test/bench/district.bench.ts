// The district under load (docs/district.md, docs/scale.md). Part 1: 300 light posyandu gateways push
// 100,000 measurements through a village broker bridged (the shipped bridge-district.conf) to a district
// broker, into 3 `tikar record` workers on a durable PostgreSQL (the shipped deploy/postgresql/tikar.conf); one worker is SIGKILLed at 30 % and
// the district broker restarted at 60 %; then the same with the district as a broker pair (docs/district.md), one
// of the two restarted. Goals: >= 2,000 stored/s, p99 publish->receipt < 1 s, 0 lost, 0
// duplicated. CPU seconds per 1,000 stored measurements, per part, are the figure a loaded machine moves least.
// Part 2: the dashboard's page for 1,000 posyandu and 1,000,000 measurements (< 1 s).
// TIKAR_BENCH_DISTRICT_MEASUREMENTS / TIKAR_BENCH_DASHBOARD_MEASUREMENTS scale the two parts down.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDashboard } from '../../district/dashboard/server.ts';
import { LightGateway } from '../../district/sim/light-gateway.ts';
import { monthsEnding, simulatePosyandu } from '../../district/sim/population.ts';
import { summarisePending } from '../../district/summary.ts';
import { addMonths } from '../../gateway/clock/calendar.ts';
import { localDate } from '../../gateway/clock/clock.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import type { MeasurementMessage } from '../../gateway/publish/payloads.ts';
import { PostgresRecordStore } from '../../gateway/record/postgres-record-store.ts';
import type { Incoming } from '../../gateway/record/record-store.ts';
import { openPostgres } from '../../gateway/store/postgres.ts';
import { startWorker, type TikarProcess, villageBridgeConfig } from '../district/district-fixtures.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { startPostgres } from '../helpers/postgres.ts';

process.env.TIKAR_LOG_LEVEL ??= 'error';

/** /proc/PID/stat's fields after the command name (Linux); empty if the process is gone. */
function statFields(pid: number | undefined): string[] {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  } catch {
    return [];
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  const fields = statFields(pid);
  return fields.length === 0 ? 0 : (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ 100)
}

/** CPU seconds of PostgreSQL: the postmaster, its ended backends (reaped: cutime, cstime) and its live ones. */
function postgresCpuSeconds(postmaster: number | undefined): number {
  const own = statFields(postmaster);
  if (own.length === 0) return 0;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Messages of `posyandu` posyandu in villages of 30 (ids starting with `prefix`), trimmed to `total`. */
function plansFor(posyandu: number, childrenEach: number, total: number, lastMonth: string, prefix = '') {
  const months = monthsEnding(lastMonth, 12);
  const plans: { villageId: string; posyanduId: string; messages: MeasurementMessage[] }[] = [];
  for (let p = 0; p < posyandu; p++) {
    const villageId = `${prefix}desa-${Math.floor(p / 30) + 1}`;
    const posyanduId = `${prefix}posyandu-${p + 1}`;
    const meanZlen = -0.5 - 0.1 * (p % 10);
    plans.push({
      villageId,
      posyanduId,
      messages: simulatePosyandu({
        villageId,
        posyanduId,
        seed: p + 1,
        children: childrenEach,
        months,
        meanZlen,
      }),
    });
  }
  // The same number each (one more for the first `total % posyandu`): at a fixed rate each, every gateway then
  // finishes at the same moment. Trimmed one by one from the longest, the busiest posyandu sent alone for the
  // last seconds and the offered load tapered off at the end.
  plans.forEach((plan, p) => {
    const count = Math.floor(total / posyandu) + (p < total % posyandu ? 1 : 0);
    if (plan.messages.length < count)
      throw new Error(`${plan.posyanduId} has only ${plan.messages.length} messages`);
    plan.messages.length = count;
  });
  return plans;
}

/** Each gateway sends this many measurements a second (300 × 7 = 2,100/s offered; a real backlog replays at 20/s). */
const ratePerGateway = Number(process.env.TIKAR_BENCH_DISTRICT_RATE ?? 7);

/** Measurements sent through the pipeline before the measured run. */
const WARM_UP = 4500;

/**
 * 30 other posyandu send WARM_UP measurements through the same path first, not measured: the figures are of a
 * running district, not of freshly started processes (V8 compiling the workers' code, PostgreSQL preparing
 * their statements), which queued the first 2-3 s of a cold run.
 */
async function warmUp(url: string, lastMonth: string, log: ReturnType<typeof createLogger>): Promise<void> {
  const gateways = plansFor(30, 40, WARM_UP, lastMonth, 'warm-').map(
    (plan) => new LightGateway({ url, ...plan, ratePerSecond: 30, receiptTimeoutMs: 30_000, log }),
  );
  await Promise.all(gateways.map((gateway) => gateway.start()));
  await Promise.all(gateways.map((gateway) => gateway.finished()));
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  process.stdout.write(`warm-up: ${WARM_UP.toLocaleString('en')} measurements of 30 other posyandu\n`);
}

/**
 * `one broker`: the district is one mosquitto, restarted mid-run. `pair`: two, every village bridged to both and
 * every worker taking its share from both (docs/district.md); one of them is restarted mid-run.
 */
type Layout = 'one broker' | 'pair';

async function pipeline(total: number, layout: Layout): Promise<void> {
  process.stdout.write(`\n== the district as ${layout === 'pair' ? 'a broker pair' : 'one broker'}\n`);
  const lastMonth = addMonths(localDate(new Date()).slice(0, 7), -1);
  process.stdout.write(`generating ${total.toLocaleString('en')} measurements of 300 posyandu…\n`);
  const plans = plansFor(300, 40, total, lastMonth);
  // The shipped PostgreSQL settings (WAL, commit grouping, autovacuum), on the harness's own address.
  const postgresConf = await readFile(
    join(import.meta.dirname, '../../deploy/postgresql/tikar.conf'),
    'utf8',
  );
  const postgres = await startPostgres({
    durable: true,
    extraConfig: postgresConf.replace(/^listen_addresses.*$/m, ''),
  });
  // The shipped district broker settings: queue and in-flight limits, and persistence every 30 s (so the
  // bridges' sessions and what is queued for them survive the restart), in the harness's directory; the
  // harness's autosave on every change is turned off again, as shipped.
  const districtConf = await readFile(
    join(import.meta.dirname, '../../deploy/mosquitto/district.conf'),
    'utf8',
  );
  const districts = [];
  for (let i = 0; i < (layout === 'pair' ? 2 : 1); i++)
    districts.push(await startMosquitto({ extraConfig: `${districtConf}\nautosave_on_changes false\n` }));
  const [district, pairBroker] = districts as [Mosquitto, Mosquitto | undefined];
  // One village broker for the 300 posyandu (10 villages): the shipped bridge's topic lines for every village,
  // to each district broker.
  const bridges = await Promise.all(
    districts.map(async (broker, i) =>
      (await villageBridgeConfig('sukamaju', broker.port, i === 1)).replaceAll(
        'tikar/v1/sukamaju/',
        'tikar/v1/+/',
      ),
    ),
  );
  const village = await startMosquitto({
    extraConfig: `max_queued_messages 0\nmax_inflight_messages 0\n${bridges.join('\n')}`,
  });
  const workers: TikarProcess[] = [];
  for (let i = 0; i < 3; i++)
    workers.push(
      await startWorker(postgres.url, district.url, pairBroker ? ['--pair-mqtt', pairBroker.url] : []),
    );
  const log = createLogger('bench.light-gateway');
  await warmUp(village.url, lastMonth, log);
  const gateways = plans.map(
    (plan) =>
      new LightGateway({
        url: village.url,
        ...plan,
        ratePerSecond: ratePerGateway,
        receiptTimeoutMs: 30_000,
        log,
      }),
  );
  // The ids sent, then the message objects let go: the gateways hold them serialised (light-gateway.ts).
  const sent = new Set(plans.flatMap((plan) => plan.messages.map((m) => m.id)));
  for (const plan of plans) plan.messages = [];
  const pg = await openPostgres(postgres.url);
  try {
    await Promise.all(gateways.map((gateway) => gateway.start()));
    const started = performance.now();
    const workerCpu = () => workers.reduce((sum, worker) => sum + cpuSeconds(worker.process.pid), 0);
    let cpuOfKilled = 0;
    const cpuAtStart = workerCpu();
    const villageCpu = () => cpuSeconds(village.pid());
    const pairCpu = () => cpuSeconds(pairBroker?.pid());
    const cpuOf = {
      postgres: postgresCpuSeconds(postgres.pid),
      village: villageCpu(),
      district: -pairCpu(),
    };
    let districtCpuBefore = cpuSeconds(district.pid());
    const benchCpuAtStart = process.cpuUsage();
    /** The district broker's downtime (stop until listening again), performance.now() ms. */
    const outage = { from: Number.NaN, to: Number.NaN };
    const delivered = () => gateways.reduce((sum, gateway) => sum + gateway.delivered, 0);
    let killed = false;
    let restarted = false;
    const progress = setInterval(() => {
      const done = delivered();
      process.stdout.write(
        `  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} receipted, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
      if (!killed && done > total * 0.3) {
        killed = true;
        cpuOfKilled = cpuSeconds(workers[0]?.process.pid);
        (workers[0] as TikarProcess).process.kill('SIGKILL');
        process.stdout.write(
          `  worker 1 SIGKILLed at ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
        );
      }
      if (killed && !restarted && done > total * 0.6) {
        restarted = true;
        process.stdout.write(
          `  district broker restarting at ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
        );
        cpuOf.district += cpuSeconds(district.pid()) - districtCpuBefore;
        outage.from = performance.now();
        void district.restart().then(() => {
          outage.to = performance.now();
          districtCpuBefore = cpuSeconds(district.pid());
          process.stdout.write(
            `  district broker back after ${((outage.to - outage.from) / 1000).toFixed(2)} s\n`,
          );
        });
      }
    }, 1000);
    await Promise.all(gateways.map((gateway) => gateway.finished()));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(progress);
    const cpuPerMessageMs = ((workerCpu() + cpuOfKilled - cpuAtStart) * 1000) / total;
    cpuOf.district += cpuSeconds(district.pid()) - districtCpuBefore + pairCpu();
    cpuOf.village = villageCpu() - cpuOf.village;
    cpuOf.postgres = postgresCpuSeconds(postgres.pid) - cpuOf.postgres;
    const benchCpu = process.cpuUsage(benchCpuAtStart);
    const parts = {
      'record workers': (cpuPerMessageMs * total) / 1000,
      PostgreSQL: cpuOf.postgres,
      [layout === 'pair' ? 'district brokers' : 'district broker']: cpuOf.district,
      'village broker': cpuOf.village,
      '300 light gateways (bench process)': (benchCpu.user + benchCpu.system) / 1e6,
    };
    const perThousand = (seconds: number) => ((1000 * seconds) / total).toFixed(3);
    const cpuTotal = Object.values(parts).reduce((sum, seconds) => sum + seconds, 0);
    const latencies = gateways.flatMap((gateway) => gateway.latenciesMs).sort((a, b) => a - b);
    // The path from the villages to the district is back when the bridge has reconnected, not when the broker
    // listens again: mosquitto's bridge timer counts whole seconds (restart_timeout >= 1), so 1-2 s later. Its
    // mark: the first receipt of a message published after the restart began.
    let pathBackAt = Number.POSITIVE_INFINITY;
    for (const gateway of gateways) {
      gateway.latenciesMs.forEach((ms, i) => {
        const at = gateway.publishedAtMs[i] as number;
        if (at >= outage.from) pathBackAt = Math.min(pathBackAt, at + ms);
      });
    }
    // Messages first published while the path was down cannot be receipted before it is back.
    const outsideOutage = gateways
      .flatMap((gateway) =>
        gateway.latenciesMs.filter((_, i) => {
          const at = gateway.publishedAtMs[i] as number;
          return !(at >= outage.from && at <= pathBackAt);
        }),
      )
      .sort((a, b) => a - b);
    // The p99 of each 5 s of publishing: where in the run (the kill, the restart, a queue) the slow ones were.
    const byWindow: number[][] = [];
    for (const gateway of gateways) {
      gateway.latenciesMs.forEach((ms, i) => {
        const window = Math.floor(((gateway.publishedAtMs[i] as number) - started) / 5000);
        const list = byWindow[window] ?? [];
        list.push(ms);
        byWindow[window] = list;
      });
    }
    const windowText = byWindow
      .map((list, w) => {
        list.sort((a, b) => a - b);
        return `${w * 5}s ${(percentile(list, 99) / 1000).toFixed(1)}`;
      })
      .join(', ');
    const firstTry = gateways.flatMap((gateway) => gateway.firstTryLatenciesMs).sort((a, b) => a - b);
    const stored = await pg.query<{ id: string }>('SELECT id FROM record_messages');
    const storedIds = new Set(stored.map((row) => row.id));
    const lost = [...sent].filter((id) => !storedIds.has(id)).length;
    const [rows] = await pg.query<{ measurements: number; distinct_measurements: number }>(
      'SELECT count(*) AS measurements, count(DISTINCT (child_id, measured_at)) AS distinct_measurements FROM measurements',
    );
    const resends = gateways.reduce((sum, gateway) => sum + gateway.resends, 0);
    const within = latencies.filter((ms) => ms < 1000).length / latencies.length;
    process.stdout.write(
      `${[
        `stored: ${(total / seconds).toFixed(0)} measurements/s (${total.toLocaleString('en')} in ${seconds.toFixed(1)} s; goal >= 2,000)`,
        `publish -> receipt: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms; ${(100 * within).toFixed(2)} % under 1 s (goal p99 < 1 s)`,
        `  excluding the ${(latencies.length - outsideOutage.length).toLocaleString('en')} published while the district was unreachable (broker down ${((outage.to - outage.from) / 1000).toFixed(2)} s, the bridge back after ${((pathBackAt - outage.from) / 1000).toFixed(2)} s): p50 ${percentile(outsideOutage, 50).toFixed(0)} ms, p99 ${percentile(outsideOutage, 99).toFixed(0)} ms, ${((100 * outsideOutage.filter((ms) => ms < 1000).length) / outsideOutage.length).toFixed(2)} % under 1 s`,
        `  p99 by 5 s of publishing (s): ${windowText}`,
        `  messages not resent (${firstTry.length.toLocaleString('en')}): p50 ${percentile(firstTry, 50).toFixed(0)} ms, p99 ${percentile(firstTry, 99).toFixed(0)} ms`,
        `lost: ${lost}; duplicated: ${stored.length - storedIds.size} message rows, ${(rows?.measurements ?? 0) - (rows?.distinct_measurements ?? 0)} measurement rows (goal 0 / 0)`,
        `record workers' CPU: ${cpuPerMessageMs.toFixed(3)} ms per stored measurement (one core: ~${(1000 / cpuPerMessageMs).toFixed(0)} measurements/s per worker)`,
        `CPU seconds per 1,000 stored measurements: ${perThousand(cpuTotal)} in all (${Object.entries(parts)
          .map(([part, seconds]) => `${part} ${perThousand(seconds)}`)
          .join(', ')})`,
        `resends by the gateways: ${resends} (the killed worker's and the restarted broker's share)`,
        `load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      ].join('\n')}\n`,
    );
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await Promise.all(workers.map((worker) => worker.stop()));
    await pg.close();
    await village.stop();
    await Promise.all(districts.map((broker) => broker.stop()));
    await postgres.stop();
  }
}

async function dashboardAtScale(total: number): Promise<void> {
  const postgres = await startPostgres({ durable: false });
  const store = await PostgresRecordStore.open(postgres.url, { connections: 2 });
  try {
    const lastMonth = addMonths(localDate(new Date()).slice(0, 7), -1);
    const perPosyandu = Math.ceil(total / 1000);
    const childrenEach = Math.ceil(perPosyandu / (12 * 0.8)) + 1;
    process.stdout.write(
      `filling PostgreSQL with 1,000 posyandu, ~${total.toLocaleString('en')} measurements (the record store's own insert)…\n`,
    );
    let stored = 0;
    const fillStart = performance.now();
    for (let p = 0; p < 1000; p++) {
      const villageId = `desa-${Math.floor(p / 36) + 1}`;
      const posyanduId = `posyandu-${p + 1}`;
      const messages = simulatePosyandu({
        villageId,
        posyanduId,
        seed: 7000 + p,
        children: childrenEach,
        months: monthsEnding(lastMonth, 12),
      }).slice(0, perPosyandu);
      const batch: Incoming[] = messages.map((message) => ({
        message,
        kind: 'measurement',
        villageId,
        posyanduId,
      }));
      for (let i = 0; i < batch.length; i += 500) await store.storeBatch(batch.slice(i, i + 500));
      stored += messages.length;
      if ((p + 1) % 100 === 0)
        process.stdout.write(
          `  ${p + 1} posyandu, ${stored.toLocaleString('en')} measurements, ${((performance.now() - fillStart) / 1000).toFixed(0)} s\n`,
        );
    }
    const summaryStart = performance.now();
    const summary = await summarisePending(store.pg);
    const summarySeconds = (performance.now() - summaryStart) / 1000;
    await store.pg.query('VACUUM ANALYZE');
    const dashboard = await startDashboard({
      pg: await openPostgres(postgres.url, { readOnly: true }),
      passwords: { generated: undefined, verify: async () => true },
      host: '127.0.0.1',
      port: 0,
    });
    const login = await fetch(`${dashboard.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'x' }),
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const page = async () => {
      const start = performance.now();
      const answers = await Promise.all(
        [`/api/overview?month=${lastMonth}&days=30`, `/api/trend.svg?month=${lastMonth}`].map((path) =>
          fetch(`${dashboard.url}${path}`, { headers: { cookie } }).then((r) => r.text()),
        ),
      );
      return { ms: performance.now() - start, bytes: answers.reduce((sum, a) => sum + a.length, 0) };
    };
    await page();
    const times = [];
    for (let i = 0; i < 5; i++) times.push((await page()).ms);
    times.sort((a, b) => a - b);
    const [size] = await store.pg.query<{ n: number; rows: number }>(
      'SELECT (SELECT count(*) FROM measurements) AS n, (SELECT count(*) FROM district_posyandu_month) AS rows',
    );
    process.stdout.write(
      `${[
        `dashboard data: ${size?.n.toLocaleString('en')} measurements, 1,000 posyandu, ${size?.rows.toLocaleString('en')} summary rows (fill ${((summaryStart - fillStart) / 1000).toFixed(0)} s)`,
        `summaries: ${summary.posyandu} posyandu, ${summary.rows} posyandu-months in ${summarySeconds.toFixed(1)} s (${((1000 * summarySeconds) / summary.posyandu).toFixed(0)} ms per posyandu)`,
        `dashboard page (overview + trend chart, over HTTP): median ${times[2]?.toFixed(0)} ms, worst of 5 ${times[4]?.toFixed(0)} ms (goal < 1 s)`,
      ].join('\n')}\n`,
    );
    await dashboard.stop();
  } finally {
    await store.close();
    await postgres.stop();
  }
}

export default async function bench(): Promise<void> {
  const measurements = Number(process.env.TIKAR_BENCH_DISTRICT_MEASUREMENTS ?? 100_000);
  await pipeline(measurements, 'one broker');
  await pipeline(measurements, 'pair');
  await dashboardAtScale(Number(process.env.TIKAR_BENCH_DASHBOARD_MEASUREMENTS ?? 1_000_000));
}
