// `tikar record`: the village record service, and `tikar record query` to read its database.

// The record's modules are imported inside the commands, once their options are parsed: `tikar record --help`
// loads neither the store, MQTT nor the logger.
import { hostname } from 'node:os';
import { Command } from 'commander';
import type { Logger } from '../gateway/log/logger.ts';
import type { MqttLink } from '../gateway/publish/mqtt-link.ts';
import type { PostgresRecordStore } from '../gateway/record/postgres-record-store.ts';
import type { RecordStore } from '../gateway/record/record-store.ts';
import { isPostgresUrl, redactPgUrl } from '../gateway/store/postgres-url.ts';
import { integerIn, parseArgv, topicIdOption } from './options.ts';
import { stopSignal } from './stop-signal.ts';

async function openStore(store: string): Promise<RecordStore> {
  if (isPostgresUrl(store)) {
    // Loaded only here: a village box on SQLite never loads pg.
    const { PostgresRecordStore } = await import('../gateway/record/postgres-record-store.ts');
    return PostgresRecordStore.open(store);
  }
  const [{ SqliteRecordStore }, { openDb }] = await Promise.all([
    import('../gateway/record/sqlite-record-store.ts'),
    import('../gateway/store/db.ts'),
  ]);
  // A damaged village file is refused at start (quick_check, 10 s at most), not at the first message.
  return new SqliteRecordStore(await openDb(store, { quickCheckMs: 10_000 }));
}

/** A summary round waits at least this many times its predecessor's length: at most a fifth of a worker's time. */
const SUMMARY_IDLE_FACTOR = 4;

/**
 * Recomputes the dashboard's summaries every `periodMs`, or less often when a round takes long (a backlog
 * replayed by many villages at once dirties every posyandu; the summaries must not take the workers' time from
 * storing it). Each worker tries; an advisory lock lets one at a time do it. Returns a function that stops the
 * loop after the round under way.
 */
async function summariseEvery(
  store: PostgresRecordStore,
  periodMs: number,
  log: Logger,
): Promise<() => Promise<void>> {
  const { summarisePending } = await import('../district/summary.ts');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> = Promise.resolve();
  const schedule = (waitMs: number) => {
    timer = setTimeout(() => {
      const started = performance.now();
      round = summarisePending(store.pg)
        .catch((error: Error) => log.warn({ err: error.message }, 'summaries not updated'))
        .then(() => {
          if (!stopped) schedule(Math.max(periodMs, SUMMARY_IDLE_FACTOR * (performance.now() - started)));
        });
    }, waitMs);
  };
  schedule(periodMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await round;
  };
}

async function serve(argv: string[]): Promise<number> {
  const program = new Command('tikar record')
    .description(
      'Run the village record: store every posyandu measurement once, send receipts, share the register. ' +
        'With a postgres:// store and no --village it is a district record worker: every village, sharing ' +
        'the load with the other workers of its --share-group.',
    )
    .option('--village <id>', 'village id (required with a SQLite store)', topicIdOption('--village'))
    .option('--mqtt <url>', 'broker URL (or $TIKAR_MQTT_URL / the --mqtt-config file)')
    .option('--mqtt-config <file>', 'MQTT credentials/TLS JSON (tikar pki accounts)')
    .option(
      '--store <file|url>',
      'SQLite file (created 0600) or postgres://user@host/db (or $TIKAR_RECORD_STORE)',
    )
    .option('--db <file>', 'the SQLite file (same as --store FILE)')
    .option(
      '--summarise-every <seconds>',
      "with a postgres:// store: recompute the dashboard's summaries this often (0: never)",
      integerIn('--summarise-every', 0, 86_400),
      60,
    )
    .option(
      '--pair-mqtt <url>',
      "a district worker: the district's second broker (or $TIKAR_MQTT_PAIR_URL; same credentials as --mqtt). " +
        'Villages bridge to both brokers of the pair and the worker takes its share from each, so one broker ' +
        'restarting does not hold messages back (docs/district.md)',
    )
    .option(
      '--share-group <name>',
      'MQTT shared-subscription group of the workers (default tikar-record with a postgres:// store)',
      topicIdOption('--share-group'),
    );
  const exit = parseArgv(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{
    village?: string;
    mqtt?: string;
    mqttConfig?: string;
    pairMqtt?: string;
    store?: string;
    db?: string;
    shareGroup?: string;
    summariseEvery: number;
  }>();
  const storeSpec = options.store ?? options.db ?? process.env.TIKAR_RECORD_STORE ?? './data/record.db';
  const district = isPostgresUrl(storeSpec);
  if (!district && options.village === undefined) {
    process.stderr.write('tikar record: --village is required with a SQLite store\n');
    return 2;
  }
  const shareGroup = options.shareGroup ?? (district ? 'tikar-record' : undefined);
  const pairUrl = options.pairMqtt ?? process.env.TIKAR_MQTT_PAIR_URL;
  if (pairUrl !== undefined && shareGroup === undefined) {
    process.stderr.write('tikar record: --pair-mqtt is for a district worker (a postgres:// store)\n');
    return 2;
  }
  const [{ createLogger }, { openMqttLink }, { InventoryResponder }, { RecordService }, sqlite, credentials] =
    await Promise.all([
      import('../gateway/log/logger.ts'),
      import('../gateway/publish/mqtt-link.ts'),
      import('../gateway/record/inventory.ts'),
      import('../gateway/record/record-service.ts'),
      import('../gateway/record/sqlite-record-store.ts'),
      import('../gateway/security/mqtt-credentials.ts'),
    ]);
  const { SqliteRecordStore } = sqlite;
  const { buildMqttClientOptions, resolveMqttConfig } = credentials;
  const log = createLogger('record');
  try {
    const config = await resolveMqttConfig({
      ...(options.mqtt === undefined ? {} : { url: options.mqtt }),
      ...(options.mqttConfig === undefined ? {} : { configFile: options.mqttConfig }),
    });
    const store = await openStore(storeSpec);
    const clientOptions = await buildMqttClientOptions(config);
    const links: MqttLink[] = [];
    let service: InstanceType<typeof RecordService>;
    try {
      // A district broker pair: a link to each, one record service over both (docs/district.md).
      for (const [n, url] of [config.url, ...(pairUrl === undefined ? [] : [pairUrl])].entries()) {
        links.push(
          await openMqttLink({
            url,
            clientOptions: {
              ...clientOptions,
              ...(shareGroup === undefined
                ? // A persistent session: the broker keeps our messages while we are away (the receipts cover the rest).
                  { clientId: `tikar-record-${options.village}`, clean: false }
                : // One of several workers (MQTT v5 shared subscription): a clean session, so the broker never
                  // holds back a share for a worker that died; a message lost with it is resent by its gateway.
                  {
                    clientId: `tikar-record-${options.village ?? 'district'}-${hostname()}-${process.pid}-${n}`,
                    clean: true,
                    protocolVersion: 5,
                  }),
            },
            // A district worker sits beside its broker: back within 0.1-2 s of a restart, before the bridges (1 s).
            ...(shareGroup === undefined ? {} : { minReconnectMs: 100, maxReconnectMs: 2000 }),
            log,
          }),
        );
      }
      service = new RecordService({
        store,
        link: links[0] as MqttLink,
        ...(links[1] === undefined ? {} : { pairLink: links[1] }),
        villageId: options.village,
        // A district worker's batch pays ~5 round trips and a commit (0.26 ms of the worker's CPU and 0.66 ms of
        // PostgreSQL's): 25 ms more gathers ~18 messages into it at 700/s a worker, against ~7 in 10 ms.
        ...(shareGroup === undefined ? {} : { shareGroup, batchDelayMs: 25 }),
        log,
      });
      await service.start();
    } catch (error) {
      await Promise.all(links.map((link) => link.close()));
      await store.close();
      throw error;
    }
    const [link] = links as [MqttLink];
    // A village record answers the district's completeness check (a district worker is the one asking).
    const responder =
      store instanceof SqliteRecordStore && options.village !== undefined
        ? new InventoryResponder({ store, link, villageId: options.village, log })
        : undefined;
    responder?.start();
    const stopSummaries =
      store instanceof SqliteRecordStore || options.summariseEvery === 0
        ? undefined
        : await summariseEvery(store as PostgresRecordStore, options.summariseEvery * 1000, log);
    const where = options.village === undefined ? 'every village' : options.village;
    const storeText = district ? redactPgUrl(storeSpec) : storeSpec;
    const stopped = stopSignal();
    process.stdout.write(
      `Tikar village record for ${where}: ${links.map((each) => each.url).join(' and ')}, store ${storeText}\n`,
    );
    await stopped;
    await service.stop();
    await responder?.stop();
    await stopSummaries?.();
    await Promise.all(links.map((each) => each.close()));
    await store.close();
    return 0;
  } catch (error) {
    process.stderr.write(`tikar record: ${(error as Error).message}\n`);
    const { MqttAuthError } = await import('../gateway/publish/mqtt-link.ts');
    return error instanceof MqttAuthError ? 3 : 1;
  }
}

async function query(argv: string[]): Promise<number> {
  const program = new Command('tikar record query')
    .description('Read the village record: counts | children | measurements (JSON lines on stdout).')
    .argument('<what>', 'counts, children or measurements')
    .option('--db <file>', 'record database', './data/record.db')
    .option('--child <id>', 'only this child (measurements)')
    .option('--posyandu <id>', 'only this posyandu')
    .option('--since <iso>', 'measured at or after this time (measurements)');
  const exit = parseArgv(program, argv);
  if (exit !== undefined) return exit;
  const what = program.args[0];
  const options = program.opts<{ db: string; child?: string; posyandu?: string; since?: string }>();
  if (what !== 'counts' && what !== 'children' && what !== 'measurements') {
    process.stderr.write(
      `tikar record query: unknown '${what}', expected counts, children or measurements\n`,
    );
    return 2;
  }
  const [{ openDb }, { runRecordQuery }] = await Promise.all([
    import('../gateway/store/db.ts'),
    import('../gateway/record/queries.ts'),
  ]);
  let db: Awaited<ReturnType<typeof openDb>>;
  try {
    db = await openDb(options.db, { readonly: true });
  } catch (error) {
    process.stderr.write(`tikar record query: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const rows = await runRecordQuery(
      db,
      what === 'counts'
        ? { kind: 'counts' }
        : what === 'children'
          ? { kind: 'children', ...(options.posyandu ? { posyanduId: options.posyandu } : {}) }
          : {
              kind: 'measurements',
              ...(options.child ? { childId: options.child } : {}),
              ...(options.posyandu ? { posyanduId: options.posyandu } : {}),
              ...(options.since ? { since: options.since } : {}),
            },
    );
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  return argv[0] === 'query' ? query(argv.slice(1)) : serve(argv);
}
