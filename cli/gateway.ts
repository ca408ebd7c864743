// `tikar gateway`: the posyandu gateway. With no options: the simulated mat, the built-in broker, the village
// record in-process, demo children and the screens on http://127.0.0.1:8080 — nothing else to install.

import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { CalibrationProfile } from '../calibration/index.ts';
import type { FirmwareConfig } from '../device/firmware/config.ts';
import type * as MqttCredentials from '../gateway/security/mqtt-credentials.ts';
import { mqttEnvironment } from '../gateway/security/mqtt-environment.ts';
import { defaultSharingLevel, parseSharingLevel, type SharingLevel } from '../gateway/security/privacy.ts';
import { integerIn, numberIn, parseArgv, topicIdOption } from './options.ts';
import { stopSignal } from './stop-signal.ts';

interface GatewayCliOptions {
  serial?: string;
  board?: string;
  matConfig?: string;
  baud: number;
  db: string;
  mqtt?: string;
  mqttConfig?: string;
  posyandu: string;
  village: string;
  http: number;
  host: string;
  demo?: boolean;
  record?: boolean;
  calibration?: string;
  scenario: string;
  seed: number;
  speed: number;
  clockOffsetDays: number;
  share?: SharingLevel;
  villageSecret?: string;
}

const shareEnv = 'TIKAR_SHARE';
const serialEnv = 'TIKAR_SERIAL';
const boardEnv = 'TIKAR_BOARD';
const matConfigEnv = 'TIKAR_MAT_CONFIG';
const villageSecretEnv = 'TIKAR_VILLAGE_SECRET';

function sharingLevel(text: string): SharingLevel {
  const parsed = parseSharingLevel(text);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.error);
  return parsed.value;
}

/** The village secret: given, or the one in the device bundle beside mqtt.json, or (undefined) beside the db. */
async function villageSecretFile(
  options: GatewayCliOptions,
  mqttConfigFile: string | undefined,
): Promise<string | undefined> {
  const given = options.villageSecret ?? process.env[villageSecretEnv];
  if (given !== undefined) return given;
  if (mqttConfigFile === undefined) return undefined;
  const inBundle = join(dirname(mqttConfigFile), 'village.secret');
  return access(inBundle).then(
    () => inBundle,
    () => undefined,
  );
}

async function loadProfiles(path: string): Promise<CalibrationProfile[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`--calibration ${path}: ${(error as Error).message}`);
  }
  const [{ z }, { calibrationProfileSchema }] = await Promise.all([
    import('zod'),
    import('../calibration/index.ts'),
  ]);
  const parsed = z.array(calibrationProfileSchema).safeParse(Array.isArray(json) ? json : [json]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--calibration ${path}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** An environment variable; empty counts as unset (so /etc/default/tikar can blank a unit's default). */
const fromEnv = (name: string) => process.env[name] || undefined;

/**
 * The board layout's options: --board/$TIKAR_BOARD and --mat-config/$TIKAR_MAT_CONFIG, the configuration read and
 * checked (pins included) before anything touches the board. Undefined value: no board.
 */
async function boardOption(
  options: GatewayCliOptions,
): Promise<{ ok: true; value?: { port: string; config: FirmwareConfig } } | { ok: false; errors: string[] }> {
  const port = options.board ?? fromEnv(boardEnv);
  const configFile = options.matConfig ?? fromEnv(matConfigEnv);
  if (port === undefined && configFile === undefined) return { ok: true };
  if (options.serial !== undefined)
    return {
      ok: false,
      errors: [
        `--serial ($${serialEnv}) and --board ($${boardEnv}): a mat on a serial link or a board, not both (blank one in /etc/default/tikar)`,
      ],
    };
  if (configFile === undefined)
    return { ok: false, errors: [`--board needs --mat-config (or $${matConfigEnv}): the mat's pins and id`] };
  const { readFirmwareConfig } = await import('../device/firmware/config.ts');
  const read = await readFirmwareConfig(configFile);
  if (!read.ok) return { ok: false, errors: [`--mat-config: configuration is wrong:`, ...read.errors] };
  const boardPort = port ?? read.config.boardPort;
  if (boardPort === undefined)
    return {
      ok: false,
      errors: [`--mat-config ${configFile}: no boardPort; give --board (or $${boardEnv})`],
    };
  return { ok: true, value: { port: boardPort, config: read.config } };
}

export async function run(argv: string[]): Promise<number> {
  const program = new Command('tikar gateway')
    .description('Run the posyandu gateway: mat → stable readings → z-scores → store → MQTT → screens.')
    .option(
      '--serial <path>',
      `serial port of a mat speaking the wire protocol, e.g. a two-box mat (or $${serialEnv}; default: a simulated mat in-process)`,
    )
    .option('--baud <rate>', 'serial baud rate', integerIn('--baud', 1200, 4_000_000), 115200)
    .option(
      '--board <path>',
      `serial port of the mat's own board running StandardFirmata (or $${boardEnv}); the mat program runs in this process`,
    )
    .option(
      '--mat-config <file>',
      `the mat program's configuration, mat.json (or $${matConfigEnv}); its boardPort is the default --board`,
    )
    .option('--db <file>', 'database file (created 0600)', './data/tikar.db')
    .option(
      '--mqtt <url>',
      `broker URL (default: a built-in broker on 127.0.0.1; or $${mqttEnvironment.url})`,
    )
    .option(
      '--mqtt-config <file>',
      `MQTT credentials/TLS JSON (tikar pki accounts; or $${mqttEnvironment.config})`,
    )
    .option(
      '--posyandu <id>',
      'posyandu id (in topic names: A-Z a-z 0-9 _ -)',
      topicIdOption('--posyandu'),
      'posyandu-1',
    )
    .option('--village <id>', 'village id (in topic names)', topicIdOption('--village'), 'desa-1')
    .option('--http <port>', 'port of the screens (0 = any free port)', integerIn('--http', 0, 65535), 8080)
    .option('--host <address>', 'address the screens listen on', '127.0.0.1')
    .option('--demo', 'seed demo children into an empty database (default with the simulated mat)')
    .option('--no-demo', 'do not seed demo children')
    .option('--record', 'also run the village record in-process (default with the built-in broker)')
    .option('--no-record', 'do not run the village record in-process')
    .option('--calibration <file>', 'calibration profile(s) JSON for a real mat (tikar calibrate)')
    .option('--scenario <name>', 'simulated mat scenario', 'session')
    .option('--seed <n>', 'simulated mat seed', integerIn('--seed', 0, 2 ** 31), 1)
    .option('--speed <x>', 'simulated mat time scale', numberIn('--speed', 0.1, 1000), 1)
    .option(
      '--clock-offset-days <days>',
      'pretend the system clock is off by this many days (drills and tests of the clock check)',
      numberIn('--clock-offset-days', -3650, 3650),
      0,
    )
    .option(
      '--share <level>',
      `what the village register receives about a child: pseudonymous, register or full (or $${shareEnv}); measurements always carry only the pseudonym`,
      sharingLevel,
    )
    .option(
      '--village-secret <file>',
      `the village's pseudonym secret (or $${villageSecretEnv}; default: village.secret of the --mqtt-config bundle, else beside --db, created if missing)`,
    );
  const stopped = parseArgv(program, argv);
  if (stopped !== undefined) return stopped;
  const options = program.opts<GatewayCliOptions>();
  options.serial ??= fromEnv(serialEnv);
  const shareFromEnv = parseSharingLevel(process.env[shareEnv] ?? defaultSharingLevel);
  if (options.share === undefined && !shareFromEnv.ok) {
    process.stderr.write(`tikar gateway: $${shareEnv}: ${shareFromEnv.error}\n`);
    return 2;
  }
  const share = options.share ?? (shareFromEnv.ok ? shareFromEnv.value : defaultSharingLevel);
  const board = await boardOption(options);
  if (!board.ok) {
    process.stderr.write(`tikar gateway: ${board.errors.join('\n  ')}\n`);
    return 2;
  }
  const useSim = options.serial === undefined && board.value === undefined;

  let mqtt: {
    url?: string;
    clientOptions?: Awaited<ReturnType<typeof MqttCredentials.buildMqttClientOptions>>;
  } = {};
  try {
    const externalWanted =
      options.mqtt ??
      options.mqttConfig ??
      process.env[mqttEnvironment.url] ??
      process.env[mqttEnvironment.config];
    if (externalWanted !== undefined) {
      const { buildMqttClientOptions, resolveMqttConfig } = await import(
        '../gateway/security/mqtt-credentials.ts'
      );
      const config = await resolveMqttConfig({
        ...(options.mqtt === undefined ? {} : { url: options.mqtt }),
        ...(options.mqttConfig === undefined ? {} : { configFile: options.mqttConfig }),
      });
      mqtt = { url: config.url, clientOptions: await buildMqttClientOptions(config) };
    }
    const secretFile = await villageSecretFile(
      options,
      options.mqttConfig ?? process.env[mqttEnvironment.config],
    );
    const profiles = options.calibration ? await loadProfiles(options.calibration) : [];
    const clockOffsetMs = options.clockOffsetDays * 86_400_000;
    // Loaded only to run: `tikar gateway --help` does not pay for the store, MQTT and the screens.
    const { startGateway } = await import('../gateway/app/start-gateway.ts');
    const gateway = await startGateway({
      dbPath: options.db,
      posyanduId: options.posyandu,
      villageId: options.village,
      ...(board.value
        ? { board: board.value }
        : useSim
          ? { sim: { scenario: options.scenario, seed: options.seed, timeScale: options.speed } }
          : { serial: { path: options.serial as string, baudRate: options.baud } }),
      profiles,
      mqtt,
      ...(options.record === undefined ? {} : { record: { enabled: options.record } }),
      http: { host: options.host, port: options.http },
      demo: options.demo ?? useSim,
      share: { level: share, ...(secretFile === undefined ? {} : { villageSecretFile: secretFile }) },
      ...(clockOffsetMs === 0 ? {} : { clock: { systemNowMs: () => Date.now() + clockOffsetMs } }),
    });
    const stopped = stopSignal();
    const clock = gateway.services.clockStatus();
    process.stdout.write(
      [
        `Tikar gateway: posyandu ${options.posyandu}, village ${options.village}`,
        `  mat:    ${
          board.value
            ? `board on ${board.value.port} (mat ${board.value.config.deviceId}, mat program in this process)`
            : useSim
              ? `simulated (${options.scenario})`
              : options.serial
        }`,
        `  mqtt:   ${gateway.mqttUrl}${gateway.record ? ' (with the village record in-process)' : ''}`,
        `  store:  ${options.db}`,
        `  share:  ${share} (measurements under a pseudonym only)`,
        clock.trusted ? '  clock:  ok' : `  clock:  NOT TRUSTED — ${clock.message.en}`,
        `Open ${gateway.webUrl} in a browser.`,
        '',
      ].join('\n'),
    );
    await stopped;
    await gateway.stop();
    return 0;
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(`tikar gateway: ${message}\n`);
    const { MqttAuthError } = await import('../gateway/publish/mqtt-link.ts');
    return error instanceof MqttAuthError ? 3 : 1;
  }
}
