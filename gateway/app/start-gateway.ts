// The composition root: ordered start (store → clock → mat → broker → record → MQTT → relay → screens),
// reverse stop with every step guarded. The only gateway file that may start the simulated mat or (through
// board-mat.ts) the board's mat program in-process, still over the wire protocol on a byte stream.

import { dirname, join } from 'node:path';
import type { CalibrationProfile } from '../../calibration/index.ts';
import { Clock, type ClockOptions, localDate } from '../clock/clock.ts';
import type { ByteLink } from '../ingest/byte-link.ts';
import { MatConnection } from '../ingest/mat-connection.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { type IClientOptions, type MqttLink, openMqttLink } from '../publish/mqtt-link.ts';
import { offlineWill, startPresence } from '../publish/presence.ts';
import { OutboxRelay, type RelayOptions } from '../publish/relay.ts';
import { posyanduTopics } from '../publish/topics.ts';
import { RecordService } from '../record/record-service.ts';
import { SqliteRecordStore } from '../record/sqlite-record-store.ts';
import {
  defaultSharingLevel,
  ensureVillageSecret,
  loadVillageSecret,
  type SharingLevel,
} from '../security/privacy.ts';
import {
  type ZeroConfigAccount,
  type ZeroConfigAccounts,
  zeroConfigAccounts,
} from '../security/zero-config-accounts.ts';
import { countChildren } from '../store/children.ts';
import { type Db, openDb } from '../store/db.ts';
import { outboxCounts } from '../store/outbox.ts';
import type { BoardMatConfig } from './board-mat.ts';
import { GatewayServicesImpl } from './gateway-services.ts';

export interface GatewayConfig {
  dbPath: string;
  posyanduId: string;
  villageId: string;
  /** A real mat on a serial port; absent: the simulated mat in-process. */
  serial?: { path: string; baudRate: number };
  /** The mat's board (StandardFirmata) on a serial port, read by the mat program in this process. */
  board?: BoardMatConfig;
  /** Any other byte link to a mat (tests and benchmarks drive the wire themselves). */
  matLink?: ByteLink;
  sim?: { scenario?: string; seed?: number; timeScale?: number; deviceId?: string };
  /** Calibration profiles for real mats (the simulated mat brings its factory profiles). */
  profiles?: CalibrationProfile[];
  /** A broker URL and full MQTT.js options; absent url: the built-in broker on 127.0.0.1. */
  mqtt?: { url?: string; clientOptions?: IClientOptions; builtinPort?: number };
  /** Run the village record in this process (default: when the built-in broker is used). */
  record?: { enabled: boolean; dbPath?: string };
  /** Serve the screens; absent: no HTTP. */
  http?: { host: string; port: number };
  /** The idle rules of measuring sessions (defaults: 15 s without a screen, then 2 min still: ended). */
  sessions?: { screenTimeoutMs?: number; idleEndMs?: number };
  /** Seed a few demo children when the database has none. */
  demo?: boolean;
  clock?: ClockOptions;
  relay?: Pick<
    RelayOptions,
    | 'receiptTimeoutMs'
    | 'minReceiptTimeoutMs'
    | 'maxBackoffMs'
    | 'liveWindowMs'
    | 'backlogPerSecond'
    | 'batchSize'
  >;
  /** Reconnect pace of the MQTT link. */
  mqttReconnect?: { minMs?: number; maxMs?: number };
  /**
   * What leaves the gateway (docs/security.md): the register's sharing level (default `register`) and the
   * village secret for pseudonyms (default `village.secret` beside the database, created if missing).
   */
  share?: { level?: SharingLevel; villageSecretFile?: string };
}

export interface RunningGateway {
  services: GatewayServicesImpl;
  db: Db;
  /** The screens' address, when HTTP is on. */
  webUrl: string | null;
  mqttUrl: string;
  relay: OutboxRelay;
  record: RecordService | null;
  stop(): Promise<void>;
}

type StopStep = { name: string; run: () => Promise<void> };

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const log = createLogger('app');
  const steps: StopStep[] = [];
  const stop = async () => {
    for (const step of steps.reverse()) {
      try {
        const startedMs = Date.now();
        await step.run();
        log.debug({ step: step.name, ms: Date.now() - startedMs }, 'stopped');
      } catch (error) {
        log.error({ step: step.name, err: (error as Error).message }, 'stop step failed');
      }
    }
    steps.length = 0;
  };
  try {
    return await startInOrder(config, log, steps, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startInOrder(
  config: GatewayConfig,
  log: Logger,
  steps: StopStep[],
  stop: () => Promise<void>,
): Promise<RunningGateway> {
  const topics = posyanduTopics(config.villageId, config.posyanduId);

  // 1. Store and clock
  // A damaged file is refused here, with a sentence, rather than at the kader's first save.
  const db = await openDb(config.dbPath, { quickCheckMs: 10_000 });
  steps.push({ name: 'store', run: () => db.close() });
  const clock = new Clock(config.clock);
  const secretFile = config.share?.villageSecretFile;
  const villageSecret = secretFile
    ? await loadVillageSecret(secretFile)
    : await ensureVillageSecret(join(dirname(config.dbPath), 'village.secret'));
  const sharingLevel = config.share?.level ?? defaultSharingLevel;

  // 2. Services (the MQTT status is filled in once the link exists)
  let link: MqttLink | undefined;
  let counts = { pending: 0, unreceipted: 0 };
  /** Reads the outbox counts from the database again and tells the screens (once the link exists). */
  const refreshCounts = (): void => {
    outboxCounts(db).then(
      (latest) => {
        counts = latest;
        if (link) services.emit('mqtt', services.mqttStatus());
      },
      () => undefined,
    );
  };
  let relay: OutboxRelay | undefined;
  const services = new GatewayServicesImpl({
    db,
    clock,
    posyanduId: config.posyanduId,
    villageId: config.villageId,
    topics,
    log: createLogger('app.services'),
    ...(config.sessions?.screenTimeoutMs === undefined
      ? {}
      : { screenTimeoutMs: config.sessions.screenTimeoutMs }),
    ...(config.sessions?.idleEndMs === undefined ? {} : { sessionIdleEndMs: config.sessions.idleEndMs }),
    onOutbox: () => {
      relay?.kick();
      // The relay reports counts only after sending, so with the broker away the status would still say 0.
      refreshCounts();
    },
    mqttStatus: () => ({
      connected: link?.connected ?? false,
      url: link?.url ?? '',
      outbox_pending: counts.pending,
      outbox_unreceipted: counts.unreceipted,
    }),
  });
  await services.init();
  steps.push({ name: 'services', run: () => services.close() });
  if (config.demo && (await countChildren(db)) === 0) await seedDemoChildren(services, log);

  // 3. The mat
  const matLog = createLogger('ingest');
  let byteLink: ByteLink;
  let profiles = config.profiles ?? [];
  if (config.matLink) {
    byteLink = config.matLink;
  } else if (config.serial) {
    // Loaded only when used: a gateway on a real mat carries neither the simulator nor unused code.
    const { SerialLink } = await import('../ingest/serial-link.ts');
    byteLink = new SerialLink({ path: config.serial.path, baudRate: config.serial.baudRate, log: matLog });
  } else if (config.board) {
    const { startBoardMat } = await import('./board-mat.ts');
    const boardMat = startBoardMat(config.board, matLog);
    steps.push({ name: 'mat board', run: boardMat.stop });
    byteLink = boardMat.link;
  } else {
    const { createSimulatedMat, simCalibrationProfiles } = await import('../../device/sim/index.ts');
    const { StreamLink } = await import('../ingest/stream-link.ts');
    const sim = createSimulatedMat({
      scenario: config.sim?.scenario ?? 'session',
      seed: config.sim?.seed ?? 1,
      timeScale: config.sim?.timeScale ?? 1,
      ...(config.sim?.deviceId ? { deviceId: config.sim.deviceId } : {}),
    });
    steps.push({ name: 'simulated mat', run: async () => sim.stop() });
    // The demo baby fits the child being measured; the wire stays what a real mat speaks.
    const { drawDemoBaby } = await import('./demo-baby.ts');
    services.onChildOnMat(({ sex, ageDays, position }) =>
      sim.layChild(drawDemoBaby(sim.scenario, sim.layingRandom, { sex, ageDays, position })),
    );
    const simProfiles = simCalibrationProfiles(config.sim?.deviceId);
    profiles = [...profiles, simProfiles.length, simProfiles.weight];
    byteLink = new StreamLink(sim.stream, 'sim');
  }
  const mat = new MatConnection({ link: byteLink, profiles, log: matLog });
  services.addMat(mat);
  steps.push({ name: 'mat', run: () => mat.close() });

  // 4. Broker (built-in unless a URL is given) and the village record
  let mqttUrl = config.mqtt?.url;
  let builtinAccounts: ZeroConfigAccounts | undefined;
  if (mqttUrl === undefined) {
    // Loaded only here: aedes costs ~14 MB of RSS that a gateway with its own broker never needs.
    const { startBuiltinBroker } = await import('../publish/builtin-broker.ts');
    builtinAccounts = await zeroConfigAccounts(config.villageId, config.posyanduId);
    const broker = await startBuiltinBroker({
      host: '127.0.0.1',
      port: config.mqtt?.builtinPort ?? 0,
      credentials: builtinAccounts.credentials,
      acl: builtinAccounts.acl,
    });
    steps.push({ name: 'built-in broker', run: () => broker.stop() });
    mqttUrl = broker.url;
  }
  const loginAs = (account: ZeroConfigAccount | undefined) =>
    account ? { username: account.username, password: account.password } : {};
  let record: RecordService | null = null;
  const recordEnabled = config.record?.enabled ?? config.mqtt?.url === undefined;
  if (recordEnabled) {
    const recordDb = await openDb(config.record?.dbPath ?? join(dirname(config.dbPath), 'record.db'));
    steps.push({ name: 'record store', run: () => recordDb.close() });
    const recordLog = createLogger('record');
    const recordLink = await openMqttLink({
      url: mqttUrl,
      clientOptions: {
        ...config.mqtt?.clientOptions,
        ...loginAs(builtinAccounts?.record),
        clientId: `tikar-record-${config.villageId}`,
        clean: false,
      },
      log: recordLog,
    });
    steps.push({ name: 'record mqtt', run: () => recordLink.close() });
    record = new RecordService({
      store: new SqliteRecordStore(recordDb),
      link: recordLink,
      villageId: config.villageId,
      log: recordLog,
    });
    await record.start();
    const running = record;
    steps.push({ name: 'record', run: () => running.stop() });
  }

  // 5. The gateway's MQTT link, relay and presence
  const publishLog = createLogger('publish');
  link = await openMqttLink({
    url: mqttUrl,
    clientOptions: {
      clientId: `tikar-gw-${config.villageId}-${config.posyanduId}`,
      clean: true,
      ...config.mqtt?.clientOptions,
      ...loginAs(builtinAccounts?.gateway),
      will: offlineWill(topics, config.posyanduId),
    },
    ...(config.mqttReconnect?.minMs === undefined ? {} : { minReconnectMs: config.mqttReconnect.minMs }),
    ...(config.mqttReconnect?.maxMs === undefined ? {} : { maxReconnectMs: config.mqttReconnect.maxMs }),
    log: publishLog,
  });
  const openLink = link;
  relay = new OutboxRelay({
    db,
    link: openLink,
    receiptsTopic: topics.receipts,
    log: publishLog,
    policy: { level: sharingLevel, villageSecret },
    ...config.relay,
  });
  counts = await services.outboxCounts();
  const emitMqtt = () => services.emit('mqtt', services.mqttStatus());
  relay.on('counts', (latest) => {
    counts = latest;
    emitMqtt();
  });
  relay.on('delivered', refreshCounts);
  openLink.on('connect', emitMqtt);
  openLink.on('disconnect', emitMqtt);
  const presence = startPresence({
    link: openLink,
    db,
    topics,
    posyanduId: config.posyanduId,
    log: publishLog,
  });
  steps.push({ name: 'mqtt', run: () => openLink.close(() => presence.stop()) });
  relay.start();
  const runningRelay = relay;
  steps.push({ name: 'relay', run: () => runningRelay.stop() });

  // 6. The screens
  let webUrl: string | null = null;
  if (config.http) {
    const { startWebServer } = await import('../web/server.ts');
    const { loadReportData } = await import('../reports/load.ts');
    const { createDetailStore } = await import('../store/child-details.ts');
    const web = await startWebServer({
      services,
      host: config.http.host,
      port: config.http.port,
      dataDir: dirname(config.dbPath),
      // The Laporan page: this posyandu's children and measurements, read fresh for each request.
      reports: {
        load: () => loadReportData(db, config.posyanduId),
        details: createDetailStore(db, config.posyanduId),
      },
    });
    steps.push({ name: 'web', run: () => web.stop() });
    webUrl = web.url;
  }

  log.info(
    {
      posyandu: config.posyanduId,
      village: config.villageId,
      mat: byteLink.name,
      mqtt: openLink.url,
      share: sharingLevel,
    },
    'gateway started',
  );
  return { services, db, webUrl, mqttUrl: openLink.url, relay, record, stop };
}

/** A few fictional children so a newcomer can measure at once (only into an empty database). */
async function seedDemoChildren(services: GatewayServicesImpl, log: Logger): Promise<void> {
  const today = new Date(`${localDate(new Date())}T00:00:00Z`);
  const monthsAgo = (months: number) => {
    const date = new Date(today);
    date.setUTCDate(date.getUTCDate() - Math.round(months * 30.4375));
    return date.toISOString().slice(0, 10);
  };
  const demo = [
    { name: 'Ayu Lestari', sex: 2, birth_date: monthsAgo(4), mother_name: 'Sri Wahyuni', has_kia: true },
    { name: 'Budi Santoso', sex: 1, birth_date: monthsAgo(9), mother_name: 'Rina Marlina', has_kia: true },
    { name: 'Citra Dewi', sex: 2, birth_date: monthsAgo(15), mother_name: 'Nur Aini', has_kia: false },
    { name: 'Dimas Pratama', sex: 1, birth_date: monthsAgo(20), mother_name: 'Yuliani', has_kia: true },
    { name: 'Eka Putri', sex: 2, birth_date: monthsAgo(34), mother_name: 'Siti Aminah', has_kia: true },
  ];
  for (const child of demo) {
    const result = await services.registerChild(child);
    if (!result.ok) log.warn({ err: result.error.message }, 'demo child not seeded');
  }
}
