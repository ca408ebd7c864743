// `tikar district check`: the district's completeness check (docs/district.md). Asks each village record over
// MQTT what it holds per posyandu and month, asks again for what PostgreSQL lacks, and waits for it to arrive.

import { Command, InvalidArgumentError } from 'commander';
import { addMonths, parseMonth } from '../gateway/clock/calendar.ts';
import { integerIn, parseArgv, topicIdOption } from './options.ts';

async function check(argv: string[]): Promise<number> {
  const villages: string[] = [];
  const program = new Command('tikar district check')
    .description(
      'Compare what each village record holds (count and id digest per posyandu and month) with the district ' +
        'record in PostgreSQL, and ask the villages to send again what the district lacks.',
    )
    .option('--store <url>', 'the district record, postgres://… (or $TIKAR_RECORD_STORE)')
    .option('--mqtt <url>', 'district broker URL (or $TIKAR_MQTT_URL / the --mqtt-config file)')
    .option('--mqtt-config <file>', 'MQTT credentials/TLS JSON (tikar pki accounts)')
    .option(
      '--village <id>',
      'a village to check (repeat; default every village in the record)',
      (value: string) => {
        villages.push(topicIdOption('--village')(value));
        return villages;
      },
    )
    .option('--months <n>', 'how many months to check', integerIn('--months', 1, 24), 3)
    .option('--until <YYYY-MM>', 'the last month to check (default this month)', (value: string) => {
      if (!parseMonth(value)) throw new InvalidArgumentError('--until must be YYYY-MM');
      return value;
    })
    .option(
      '--wait <seconds>',
      'wait this long for what was asked for to be stored',
      integerIn('--wait', 0, 3600),
      60,
    );
  const exit = parseArgv(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{
    store?: string;
    mqtt?: string;
    mqttConfig?: string;
    months: number;
    until?: string;
    wait: number;
  }>();
  const storeUrl = options.store ?? process.env.TIKAR_RECORD_STORE;
  if (storeUrl === undefined) {
    process.stderr.write('tikar district check: --store postgres://… (or TIKAR_RECORD_STORE) is required\n');
    return 2;
  }
  // Loaded only to run: `tikar district --help` loads neither PostgreSQL, MQTT nor the logger.
  const [
    { checkCompleteness },
    { localDate },
    { createLogger },
    { openMqttLink },
    { PostgresRecordStore },
    credentials,
  ] = await Promise.all([
    import('../district/completeness.ts'),
    import('../gateway/clock/clock.ts'),
    import('../gateway/log/logger.ts'),
    import('../gateway/publish/mqtt-link.ts'),
    import('../gateway/record/postgres-record-store.ts'),
    import('../gateway/security/mqtt-credentials.ts'),
  ]);
  const { buildMqttClientOptions, resolveMqttConfig } = credentials;
  const log = createLogger('district');
  try {
    const config = await resolveMqttConfig({
      ...(options.mqtt === undefined ? {} : { url: options.mqtt }),
      ...(options.mqttConfig === undefined ? {} : { configFile: options.mqttConfig }),
    });
    const store = await PostgresRecordStore.open(storeUrl, { connections: 2 });
    const link = await openMqttLink({
      url: config.url,
      clientOptions: {
        ...(await buildMqttClientOptions(config)),
        clientId: `tikar-district-check-${process.pid}`,
        clean: true,
      },
      log,
    });
    try {
      await link.waitConnected(10_000);
      const villageIds =
        villages.length > 0
          ? villages
          : (
              await store.pg.query<{ village_id: string }>(
                'SELECT DISTINCT village_id FROM children ORDER BY 1',
              )
            ).map((row) => row.village_id);
      const lastMonth = options.until ?? localDate(new Date()).slice(0, 7);
      const months = Array.from({ length: options.months }, (_, i) =>
        addMonths(lastMonth, i - (options.months - 1)),
      );
      const results = await checkCompleteness({ store, link, villageIds, months, log });
      // Wait for the measurements asked for to come through the bridge and the workers.
      const deadline = Date.now() + options.wait * 1000;
      let stillMissing = results.reduce((sum, r) => sum + r.missing.length, 0);
      while (stillMissing > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const ids = results.flatMap((r) => r.missing);
        const [row] = await store.pg.query<{ n: number }>(
          'SELECT count(*) AS n FROM measurements WHERE id = ANY ($1::text[])',
          [ids],
        );
        stillMissing = ids.length - (row?.n ?? 0);
      }
      for (const r of results) {
        process.stdout.write(
          `${JSON.stringify({ village_id: r.villageId, answered: r.answered, checked: r.checked, differing: r.differing, missing: r.missing.length, extra: r.extra.length })}\n`,
        );
      }
      const unanswered = results.filter((r) => !r.answered).map((r) => r.villageId);
      process.stderr.write(
        `tikar district check: ${results.length} villages, ${months[0]}…${months.at(-1)}; asked again for ` +
          `${results.reduce((sum, r) => sum + r.missing.length, 0)} measurements, ${stillMissing} not yet stored` +
          `${unanswered.length > 0 ? `; no answer from ${unanswered.join(', ')}` : ''}\n`,
      );
      return stillMissing === 0 && unanswered.length === 0 ? 0 : 4;
    } finally {
      await link.close();
      await store.close();
    }
  } catch (error) {
    process.stderr.write(`tikar district check: ${(error as Error).message}\n`);
    const { MqttAuthError } = await import('../gateway/publish/mqtt-link.ts');
    return error instanceof MqttAuthError ? 3 : 1;
  }
}

async function summarise(argv: string[]): Promise<number> {
  const program = new Command('tikar district summarise')
    .description(
      "Recompute the dashboard's summaries of every posyandu with new messages now (the record workers do it " +
        'every --summarise-every seconds anyway).',
    )
    .option('--store <url>', 'the district record, postgres://… (or $TIKAR_RECORD_STORE)');
  const exit = parseArgv(program, argv);
  if (exit !== undefined) return exit;
  const storeUrl = program.opts<{ store?: string }>().store ?? process.env.TIKAR_RECORD_STORE;
  if (storeUrl === undefined) {
    process.stderr.write(
      'tikar district summarise: --store postgres://… (or TIKAR_RECORD_STORE) is required\n',
    );
    return 2;
  }
  const [{ summarisePending }, { PostgresRecordStore }] = await Promise.all([
    import('../district/summary.ts'),
    import('../gateway/record/postgres-record-store.ts'),
  ]);
  try {
    const store = await PostgresRecordStore.open(storeUrl, { connections: 1 });
    try {
      const started = performance.now();
      const done = await summarisePending(store.pg);
      process.stderr.write(
        `tikar district summarise: ${done.posyandu} posyandu, ${done.rows} posyandu-months in ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    process.stderr.write(`tikar district summarise: ${(error as Error).message}\n`);
    return 1;
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'check') return check(argv.slice(1));
  if (argv[0] === 'summarise') return summarise(argv.slice(1));
  const usage = 'usage: tikar district check|summarise [options]   (see tikar district check --help)\n';
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(usage);
    return 0;
  }
  process.stderr.write(
    argv[0] === undefined ? usage : `tikar district: unknown '${argv[0]}', expected check or summarise\n`,
  );
  return 2;
}
