// `tikar record`: the village record service, and `tikar record query` to read its database.

import { Command } from 'commander';
import { createLogger } from '../log/logger.ts';
import { MqttAuthError, openMqttLink } from '../publish/mqtt-link.ts';
import { runRecordQuery } from '../record/queries.ts';
import { RecordService } from '../record/record-service.ts';
import { buildMqttClientOptions, resolveMqttConfig } from '../security/mqtt-credentials.ts';
import { openDb } from '../store/db.ts';
import { parseArgv, topicIdOption } from './options.ts';

async function serve(argv: string[]): Promise<number> {
  const program = new Command('tikar record')
    .description(
      'Run the village record: store every posyandu measurement once, send receipts, share the register.',
    )
    .requiredOption('--village <id>', 'village id', topicIdOption('--village'))
    .option('--mqtt <url>', 'broker URL (or $TIKAR_MQTT_URL / the --mqtt-config file)')
    .option('--mqtt-config <file>', 'MQTT credentials/TLS JSON (tikar pki accounts)')
    .option('--db <file>', 'record database (created 0600)', './data/record.db');
  const exit = parseArgv(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<{ village: string; mqtt?: string; mqttConfig?: string; db: string }>();
  const log = createLogger('record');
  try {
    const config = await resolveMqttConfig({
      ...(options.mqtt === undefined ? {} : { url: options.mqtt }),
      ...(options.mqttConfig === undefined ? {} : { configFile: options.mqttConfig }),
    });
    const db = await openDb(options.db, { quickCheckMs: 10_000 });
    const link = await openMqttLink({
      url: config.url,
      // A persistent session: the broker keeps our messages while we are away (the receipts cover the rest).
      clientOptions: {
        ...(await buildMqttClientOptions(config)),
        clientId: `tikar-record-${options.village}`,
        clean: false,
      },
      log,
    }).catch(async (error: Error) => {
      await db.close();
      throw error;
    });
    const service = new RecordService({ db, link, villageId: options.village, log });
    service.start();
    process.stdout.write(`Tikar village record for ${options.village}: ${link.url}, store ${options.db}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await service.stop();
    await link.close();
    await db.close();
    return 0;
  } catch (error) {
    process.stderr.write(`tikar record: ${(error as Error).message}\n`);
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
