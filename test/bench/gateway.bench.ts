// The gateway's figures: lock → committed row and lock → broker PUBACK over 1,000 measurements (real
// mosquitto on loopback, the real ingest path fed by a scripted mat); RSS with 10,000 children and
// 100,000 measurements against an empty database; CPU per 10,000 frames of ingest against bare decoding.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simCalibrationProfiles } from '../../calibration/index.ts';
import { startGateway } from '../../gateway/app/start-gateway.ts';
import { MatConnection } from '../../gateway/ingest/mat-connection.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { MeasuringSession } from '../../gateway/measure/measuring-session.ts';
import { openDb } from '../../gateway/store/db.ts';
import { decodeFrame } from '../../protocol/index.ts';
import { bundleEntries } from '../../scripts/build.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { openPtyPair } from '../helpers/pty-pair.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { ScriptedMat } from '../integration/scripted-mat.ts';

process.env.TIKAR_LOG_LEVEL ??= 'error';
const root = join(import.meta.dirname, '..', '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function describeMs(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${name}: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? 0).toFixed(2)} ms (n=${sorted.length})`;
}

async function latency(count: number): Promise<void> {
  const dir = await tmpDir('tikar-bench-');
  // Without TCP_NODELAY on the broker too, Nagle holds a PUBACK behind unacknowledged traffic for ~40 ms.
  const broker = await startMosquitto({ extraConfig: 'set_tcp_nodelay true' });
  const mat = new ScriptedMat();
  const gateway = await startGateway({
    dbPath: join(dir.path, 'gateway.db'),
    posyanduId: 'melati',
    villageId: 'sukamaju',
    matLink: mat,
    profiles: Object.values(simCalibrationProfiles()),
    mqtt: { url: broker.url },
    record: { enabled: true, dbPath: join(dir.path, 'record.db') },
  });
  const s = gateway.services;
  mat.hello();
  try {
    const children: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await s.registerChild({
        name: `Anak ${i}`,
        sex: 1 + (i % 2),
        birth_date: '2025-06-01',
        mother_name: 'Ibu',
      });
      if (r.ok) children.push(r.value.id);
    }
    const lockToCommitMs: number[] = [];
    const lockedAt = new Map<string, number>();
    const sentAt = new Map<string, number>();
    // The first PUBACK of each message (a resend after a missing receipt would come much later).
    gateway.relay.on('sent', ({ subjectId }) => {
      if (!sentAt.has(subjectId)) sentAt.set(subjectId, performance.now());
    });
    for (let i = 0; i < count; i++) {
      mat.lengths.push(740 + (i % 7), 741 + (i % 5));
      const complete = new Promise<number>((resolve) => {
        const off = s.on('session', (state) => {
          if (state.phase === 'complete') {
            off();
            resolve(performance.now());
          }
        });
      });
      const started = await s.startSession({ child_id: children[i % children.length] });
      if (!started.ok) throw new Error(started.error.message);
      const lockMs = await complete;
      const saved = await s.saveSession(started.value.session_id);
      const committedMs = performance.now();
      if (!saved.ok) throw new Error(saved.error.message);
      lockToCommitMs.push(committedMs - lockMs);
      lockedAt.set(saved.value.measurement.id, lockMs);
    }
    while ([...lockedAt.keys()].some((id) => !sentAt.has(id))) await new Promise((r) => setTimeout(r, 20));
    const lockToPubackMs = [...lockedAt].map(([id, lockMs]) => (sentAt.get(id) ?? Number.NaN) - lockMs);

    process.stdout.write(`${describeMs('lock → committed row (WAL, synchronous=FULL)', lockToCommitMs)}\n`);
    process.stdout.write(
      `${describeMs('lock → broker PUBACK (QoS 1, mosquitto on loopback)', lockToPubackMs)}\n`,
    );
  } finally {
    await gateway.stop();
    await broker.stop();
    await dir.cleanup();
  }
}

/** Fills a database with synthetic children and measurements by SQL (seconds, not minutes). */
async function populate(path: string, children: number, measurementsPerChild: number): Promise<void> {
  const db = await openDb(path, { durable: false });
  await db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${children - 1})
    INSERT INTO children (id, pseudo_id, name, name_key, sex, birth_date, nik, mother_name, posyandu_id, village_id,
                          has_kia, created_at, updated_at)
    SELECT printf('c%08d', i), printf('p%08d', i), 'Anak ' || i, 'anak ' || i, 1 + i % 2,
           date('2022-01-01', '+' || (i % 1400) || ' days'), NULL, 'Ibu ' || i, 'melati', 'sukamaju', 1,
           '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM n;
    WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < ${measurementsPerChild - 1})
    INSERT INTO measurements (id, child_id, posyandu_id, village_id, measured_at, measured_on, age_days, position,
                              lenhei_cm, clenhei_cm, weight_kg, oedema, zlen, zwei, zwfl, zbmi, status_tbu, status_bbu,
                              source, created_at)
    SELECT printf('m%08d-%02d', c.rowid, k.j), c.id, 'melati', 'sukamaju',
           printf('2026-%02d-15T09:00:00.000+07:00', 1 + k.j % 10), printf('2026-%02d-15', 1 + k.j % 10),
           100 + k.j * 30, 'l', 70 + k.j * 0.5, 70 + k.j * 0.5, 8 + k.j * 0.1, 0, -0.5, -0.3, 0.1, 0.0, 'normal',
           'bb_normal', 'mat', '2026-01-01T00:00:00.000Z'
    FROM children c, k;
    INSERT INTO outbox (id, kind, subject_id, topic, payload, child_id, created_at, sent_at, delivered_at, attempts,
                        next_attempt_at)
    SELECT 'o' || id, 'measurement', id, 't', '{}', child_id, created_at, created_at, created_at, 1, created_at
    FROM measurements;`);
  await db.close();
}

/** The node flags in ExecStart of deploy/systemd/tikar-gateway.service (between node and the bundle). */
async function productionNodeFlags(): Promise<string[]> {
  const unit = await readFile(join(root, 'deploy', 'systemd', 'tikar-gateway.service'), 'utf8');
  const execStart = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(unit.replaceAll('\\\n', ' '));
  if (!execStart) throw new Error('no node ExecStart in deploy/systemd/tikar-gateway.service');
  return (execStart[1] ?? '').trim().split(' ').filter(Boolean);
}

async function memory(): Promise<void> {
  const dir = await tmpDir('tikar-bench-mem-');
  const broker = await startMosquitto({ extraConfig: 'set_tcp_nodelay true' });
  // Built and run as production runs the gateway (scripts/build.ts: plain node, no loader, lazy modules stay
  // unloaded), with the node flags of the shipped systemd unit.
  const outdir = join(root, 'node_modules', '.cache', 'tikar-test', 'gateway-memory-child');
  await bundleEntries(outdir, [join(import.meta.dirname, 'gateway-memory-child.ts')]);
  const bundle = join(outdir, 'gateway-memory-child.mjs');
  const nodeFlags = await productionNodeFlags();
  // The far end of the mat's serial port stays silent: the gateway runs as it does before a mat says hello.
  const pty = await openPtyPair();
  const run = async (dbPath: string) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', ...nodeFlags, bundle, dbPath, broker.url, pty.b],
      {
        env: { ...process.env, TIKAR_LOG_LEVEL: 'error' },
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      rssBytes: number;
      heapUsedBytes: number;
      children: number;
    };
  };
  try {
    const fullPath = join(dir.path, 'full.db');
    await populate(fullPath, 10_000, 10);
    // The first start hashes new screen PINs (scrypt, 16 MiB each); measured are later starts, as every day.
    await run(join(dir.path, 'empty.db'));
    const empty = await run(join(dir.path, 'empty.db'));
    const full = await run(fullPath);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `gateway RSS with ${full.children} children / 100,000 measurements: ${mb(full.rssBytes)} MB ` +
        `(empty database: ${mb(empty.rssBytes)} MB, ratio ${(full.rssBytes / empty.rssBytes).toFixed(2)}; goal < 100 MB; node ${nodeFlags.join(' ')}); ` +
        `JS heap in use ${mb(full.heapUsedBytes)} MB vs ${mb(empty.heapUsedBytes)} MB\n`,
    );
  } finally {
    await pty.close();
    await broker.stop();
    await dir.cleanup();
  }
}

async function ingestCpu(frames: number): Promise<void> {
  const mat = new ScriptedMat();
  const bursts: Buffer[] = [];
  let lineCount = 0;
  while (lineCount < frames) {
    const burst = mat.burst(700 + (bursts.length % 20));
    bursts.push(burst);
    lineCount += burst.toString().split('\n').length - 1;
  }
  const lines = bursts.flatMap((b) => b.toString().trim().split('\n'));

  const decodeStart = process.cpuUsage();
  let decoded = 0;
  for (const line of lines) if (decodeFrame(line).ok) decoded++;
  const decodeCpu = process.cpuUsage(decodeStart);

  // The full ingest path: byte chunks → line splitter → decode → sequence → calibration → lock detector.
  const link = new ScriptedMat();
  const connection = new MatConnection({
    link,
    profiles: Object.values(simCalibrationProfiles()),
    log: createLogger('bench'),
  });
  const session = new MeasuringSession({
    sessionId: 's',
    childId: 'c',
    matId: 'SIM-0001',
    position: 'l',
    hasScale: true,
    startedAt: '',
  });
  let samples = 0;
  connection.on('sample', (sample) => {
    samples++;
    session.onSample(sample, '');
  });
  link.hello();
  const ingestStart = process.cpuUsage();
  for (const burst of bursts) link.emit('data', burst);
  const ingestCpu = process.cpuUsage(ingestStart);
  const micros = (u: NodeJS.CpuUsage) => u.user + u.system;
  process.stdout.write(
    `ingest CPU per ${lines.length} frames: ${(micros(ingestCpu) / 1000).toFixed(1)} ms (${(micros(ingestCpu) / lines.length).toFixed(2)} µs/frame, ` +
      `${samples} samples to the lock detector); bare decodeFrame: ${(micros(decodeCpu) / 1000).toFixed(1)} ms (${decoded} frames), ` +
      `ratio ${(micros(ingestCpu) / micros(decodeCpu)).toFixed(2)}\n`,
  );
}

export default async function gatewayBench(): Promise<void> {
  await ingestCpu(10_000);
  await latency(1000);
  await memory();
}
