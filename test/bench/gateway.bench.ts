// The gateway's figures: lock → committed row and lock → broker PUBACK over 1,000 measurements (real
// mosquitto on loopback, the real ingest path fed by a scripted mat); RSS with 10,000 children and
// 100,000 measurements against an empty database; CPU per 10,000 frames of ingest against bare decoding.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simCalibrationProfiles } from '../../calibration/index.ts';
import { startGateway } from '../../gateway/app/start-gateway.ts';
import { MatConnection } from '../../gateway/ingest/mat-connection.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { MeasuringSession } from '../../gateway/measure/measuring-session.ts';
import { openDb } from '../../gateway/store/db.ts';
import { decodeFrame } from '../../protocol/index.ts';
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

/**
 * How deploy/systemd/tikar-gateway.service runs node: the flags in its ExecStart (between node and the
 * bundle) and the environment that shapes its memory (NODE_ENV, glibc's MALLOC_* settings); not its mat,
 * posyandu or port, which the bench gives itself.
 */
async function productionCommand(): Promise<{ nodeFlags: string[]; env: Record<string, string> }> {
  const unit = await readFile(join(root, 'deploy', 'systemd', 'tikar-gateway.service'), 'utf8');
  const execStart = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(unit.replaceAll('\\\n', ' '));
  if (!execStart) throw new Error('no node ExecStart in deploy/systemd/tikar-gateway.service');
  const env = Object.fromEntries(
    [...unit.matchAll(/^Environment=(NODE_ENV|MALLOC_\w+)=(\S+)$/gm)].map((m) => [
      m[1] as string,
      m[2] as string,
    ]),
  );
  return { nodeFlags: (execStart[1] ?? '').trim().split(' ').filter(Boolean), env };
}

/** Resident set of a process, from the kernel (what the Pi's 512 MB holds), in bytes. */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/**
 * The gateway exactly as the Pi's systemd unit runs it: `node <the unit's flags> dist/tikar.mjs gateway` (the
 * built command; `npm start` runs the same dist/tikar.mjs through bin/tikar.mjs), a mat on a serial port, an
 * external broker, the screens on. A bidan's morning over the HTTP API (all children, searches, today's list,
 * 200 children's histories), then the kernel's RSS of that process.
 */
async function memory(): Promise<void> {
  const dir = await tmpDir('tikar-bench-mem-');
  const broker = await startMosquitto({ extraConfig: 'set_tcp_nodelay true' });
  const { nodeFlags, env: unitEnv } = await productionCommand();
  // The far end of the mat's serial port stays silent: the gateway runs as it does before a mat says hello.
  const pty = await openPtyPair();
  const pin = '135791';
  const run = async (dbPath: string) => {
    const child = spawn(
      process.execPath,
      [
        ...nodeFlags,
        join(root, 'dist', 'tikar.mjs'),
        'gateway',
        ...['--db', dbPath, '--posyandu', 'melati', '--village', 'sukamaju', '--serial', pty.b],
        ...['--mqtt', broker.url, '--no-record', '--no-demo', '--http', '0'],
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, ...unitEnv, TIKAR_PIN_BIDAN: pin, TIKAR_LOG_LEVEL: 'error' },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /Open (http:\/\/\S+) in a browser/.exec(out)?.[1];
          if (found) resolve(found);
        });
        void exited.then((code) => reject(new Error(`tikar gateway exited (${code}): ${out}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = await rssOf(child.pid as number);
      const login = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ role: 'bidan', pin }),
      });
      if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const get = async <T>(path: string) => {
        const response = await fetch(`${url}${path}`, { headers: { cookie } });
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        return (await response.json()) as T;
      };
      const all = await get<{ matches: { child: { id: string } }[] }>('/api/children?limit=100');
      for (const query of ['Anak 123', 'anak 9999', 'Siti'])
        await get(`/api/children?q=${encodeURIComponent(query)}`);
      await get('/api/today');
      const ids = all.matches.map((match) => match.child.id);
      for (let i = 0; i < 200 && ids.length > 0; i++)
        await get(`/api/children/${ids[i % ids.length]}/measurements`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { started, morning: await rssOf(child.pid as number) };
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    const fullPath = join(dir.path, 'full.db');
    await populate(fullPath, 10_000, 10);
    // The first start hashes the screen PINs (scrypt, 16 MiB each); measured are later starts, as every day.
    await run(join(dir.path, 'empty.db'));
    await run(fullPath);
    const empty = await run(join(dir.path, 'empty.db'));
    const full = await run(fullPath);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `gateway RSS (dist/tikar.mjs gateway, node ${nodeFlags.join(' ')}, the unit's environment) with 10,000 children / 100,000 ` +
        `measurements: ${mb(full.morning)} MB after a bidan's morning over the API (login, lists, 200 ` +
        `histories), ${mb(full.started)} MB once started; empty database: ${mb(empty.morning)} MB / ` +
        `${mb(empty.started)} MB; goal < 100 MB: ${full.morning < 100 * 1024 * 1024 ? 'met' : 'NOT met'}\n`,
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
