// A whole posyandu session through the real `tikar gateway` process (simulated mat, built-in broker, record
// in-process, screens' API): a child with distinctive name, NIK, mother's name and birth date is registered,
// measured on the mat, saved, found again, exported and backed up. Then every log line (at trace level), the
// process output and every MQTT topic seen on the broker are searched for those values, and every file holding
// personal data is checked to be 0600.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymousChildId } from '../../gateway/security/privacy.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { connectOnce } from './secure-brokers.ts';

const repoRoot = join(import.meta.dirname, '../..');
const tikar = join(repoRoot, 'bin/tikar.mjs');

// 500 days before today: a valid age, and a date nothing else in a session would print.
const birthDate = new Date(Date.now() - 500 * 86_400_000).toISOString().slice(0, 10);
const [year = '', month = '', day = ''] = birthDate.split('-');
const child = {
  name: 'Zulaikha Kembangsore',
  sex: 2,
  birth_date: birthDate,
  nik: '3201987654320017',
  mother_name: 'Marsinah Purbowati',
  has_kia: true,
};
/** Every form a personal value could take in a log or topic. */
const secrets = [
  'Zulaikha',
  'Kembangsore',
  'Marsinah',
  'Purbowati',
  child.nik,
  birthDate,
  `${year}${month}${day}`,
  `${day}-${month}-${year}`,
  `${day}/${month}/${year}`,
];

function findSecrets(text: string): string[] {
  const lower = text.toLowerCase();
  return secrets.filter((secret) => lower.includes(secret.toLowerCase()));
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

let dir: { path: string; cleanup: () => Promise<void> };
let gateway: ChildProcess | undefined;
let output = '';
let webUrl = '';
let mqttUrl = '';
let cookie = '';
let watcher: MqttClient | undefined;
// The zero-config broker admits only the gateway and its record, so the wire is watched on a mosquitto.
let broker: Mosquitto | undefined;
const topics = new Set<string>();
const payloads: { topic: string; text: string }[] = [];
let childId = '';
const logFile = () => join(dir.path, 'gateway.log');
const dataDir = () => join(dir.path, 'data');

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${webUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const setCookie = response.headers.get('set-cookie');
  if (setCookie) cookie = setCookie.split(';')[0] ?? '';
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  return { status: response.status, json: (isJson ? JSON.parse(text) : text) as T };
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tikar, ...args], {
      env: { ...process.env, ...env },
      cwd: dir.path,
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.once('exit', (code) => resolve({ code, text }));
  });
}

beforeAll(async () => {
  dir = await tmpDir('tikar-privacy-session-');
  broker = await startMosquitto();
  gateway = spawn(
    process.execPath,
    [
      tikar,
      'gateway',
      '--db',
      join(dataDir(), 'tikar.db'),
      '--http',
      '0',
      '--speed',
      '20',
      '--seed',
      '7',
      '--mqtt',
      broker.url,
      '--record',
    ],
    {
      cwd: dir.path,
      env: { ...process.env, TIKAR_PIN_KADER: '246813', TIKAR_LOG_FILE: logFile(), TIKAR_LOG_LEVEL: 'trace' },
    },
  );
  const started = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const web = /Open (http:\/\/\S+) in a browser/.exec(output);
      const mqtt = /mqtt:\s+(mqtt:\/\/\S+)/.exec(output);
      if (web?.[1] && mqtt?.[1]) {
        webUrl = web[1];
        mqttUrl = mqtt[1];
        resolve();
      }
    };
    gateway?.stdout?.on('data', onData);
    gateway?.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    gateway?.once('exit', (code) =>
      reject(new Error(`gateway exited (${code}) before starting:\n${output}`)),
    );
  });
  await started;
  // Everything the broker carries from now on, retained messages included.
  watcher = await connectOnce(mqttUrl);
  watcher.on('message', (topic, payload) => {
    topics.add(topic);
    payloads.push({ topic, text: payload.toString() });
  });
  await watcher.subscribeAsync('#', { qos: 1 });
}, 30_000);

afterAll(async () => {
  await watcher?.endAsync();
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway?.once('exit', resolve));
    gateway.kill('SIGKILL');
    await exited;
  }
  await broker?.stop();
  await dir?.cleanup();
});

describe('privacy over a whole session', () => {
  it('runs the session: register, measure on the mat, save, receipt from the record, search, export, backup', async () => {
    expect((await api('POST', '/api/login', { role: 'kader', pin: '246813' })).status).toBe(200);
    // A refused registration carries the personal values into an error path too.
    expect((await api('POST', '/api/children', { ...child, nik: 'not-a-nik' })).status).toBe(400);
    const registered = await api<{ id: string }>('POST', '/api/children', child);
    expect(registered.status).toBe(201);
    childId = registered.json.id;
    expect((await api('GET', `/api/children?q=${encodeURIComponent('Zulaikha')}`)).status).toBe(200);

    const session = await api<{ session_id: string }>('POST', '/api/sessions', { child_id: childId });
    expect(session.status).toBe(201);
    let phase = '';
    for (let poll = 0; poll < 600 && phase !== 'complete'; poll++) {
      const state = await api<{ phase: string }>('GET', `/api/sessions/${session.json.session_id}`);
      phase = state.json.phase;
      if (phase !== 'complete') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(phase).toBe('complete');
    const saved = await api<{ measurement: { id: string; measured_on: string } }>(
      'POST',
      `/api/sessions/${session.json.session_id}/save`,
      {},
    );
    expect(saved.status).toBe(201);
    expect((await api('GET', `/api/children/${childId}/measurements`)).status).toBe(200);
    expect((await api('GET', `/api/children/${childId}/chart.svg`)).status).toBe(200);

    // Delivered: the record's receipt came back (the outbox has nothing unreceipted).
    let unreceipted = -1;
    for (let poll = 0; poll < 600 && unreceipted !== 0; poll++) {
      const status = await api<{ mqtt: { outbox_unreceipted: number; outbox_pending: number } }>(
        'GET',
        '/api/status',
      );
      unreceipted = status.json.mqtt.outbox_unreceipted + status.json.mqtt.outbox_pending;
      if (unreceipted !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(unreceipted).toBe(0);
    expect([...topics].some((topic) => topic.endsWith('/measurements'))).toBe(true);
    expect([...topics].some((topic) => topic.endsWith('/receipts'))).toBe(true);

    const db = join(dataDir(), 'tikar.db');
    const exported = await runCli([
      'export',
      'eppgbm',
      '--db',
      db,
      '--posyandu',
      'posyandu-1',
      '--month',
      saved.json.measurement.measured_on.slice(0, 7),
      '--out',
      join(dir.path, 'eppgbm.csv'),
    ]);
    expect(exported.code, exported.text).toBe(0);
    expect(await readFile(join(dir.path, 'eppgbm.csv'), 'utf8')).toContain(child.nik); // the export is for the health office
    const backedUp = await runCli(['backup', '--db', db, '--out', join(dir.path, 'backup.db')]);
    expect(backedUp.code, backedUp.text).toBe(0);
  }, 60_000);

  it('puts no name, NIK, mother name or birth date in any log line, the console or any MQTT topic', async () => {
    const exited = new Promise((resolve) => gateway?.once('exit', resolve));
    gateway?.kill('SIGTERM');
    await exited;
    const log = await readFile(logFile(), 'utf8');
    const lines = log.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(findSecrets(line), line).toEqual([]);
    expect(findSecrets(output)).toEqual([]);
    expect(topics.size).toBeGreaterThan(2);
    for (const topic of topics) expect(findSecrets(topic), topic).toEqual([]);
  });

  it('sends measurements under the pseudonym only, the register without NIK (default sharing level)', async () => {
    const measurements = payloads.filter(({ topic }) => topic.endsWith('/measurements'));
    expect(measurements.length).toBeGreaterThan(0);
    for (const { text } of measurements) expect(findSecrets(text), text).toEqual([]);
    for (const { topic, text } of payloads) expect(text, topic).not.toContain(child.nik);
    // The village register still lets another posyandu find the child by name.
    const registered = payloads.filter(({ topic }) => topic.endsWith('/children'));
    expect(registered).toHaveLength(1);
    expect(registered[0]?.text).toContain(child.name);
    // The pseudonym is the stable HMAC with the village secret the gateway made beside its database.
    const secret = Buffer.from((await readFile(join(dataDir(), 'village.secret'), 'utf8')).trim(), 'hex');
    const message = JSON.parse(measurements[0]?.text ?? '{}') as { child: { id: string; pseudo_id: string } };
    expect(message.child.id).toBe(childId);
    expect(message.child.pseudo_id).toBe(pseudonymousChildId(childId, secret));
  });

  it('keeps every file with personal data at 0600', async () => {
    const files = (await readdir(dataDir())).map((name) => join(dataDir(), name));
    expect(files.some((file) => file.endsWith('tikar.db'))).toBe(true);
    expect(files.some((file) => file.endsWith('record.db'))).toBe(true);
    for (const file of files) expect(await modeOf(file), file).toBe(0o600);
    expect(await modeOf(dataDir())).toBe(0o700);
    expect(await modeOf(join(dir.path, 'eppgbm.csv'))).toBe(0o600);
    expect(await modeOf(join(dir.path, 'backup.db'))).toBe(0o600);
  });
});
