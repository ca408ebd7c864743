// Who may connect, publish and read, checked on a real mosquitto running the shipped rules and on the
// built-in broker given the same password_file and acl_file: both must give the same answers.
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltinBroker } from '../../gateway/publish/builtin-broker.ts';
import { aclTableFromRoster, isAllowed, topicMatchesFilter } from '../../gateway/security/acl.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { connectOnce, loginAs, roster, startSecureMosquitto, writeAccountFiles } from './secure-brokers.ts';

interface Broker {
  url: string;
  stop(): Promise<void>;
}

type Attempt = [publisher: string, topic: string];

// Every publish a test client attempts; the ACL allows only some of them.
const attempts: Attempt[] = [
  ['gw-melati', 'tikar/v1/sukamaju/melati/measurements'],
  ['gw-melati', 'tikar/v1/sukamaju/mawar/measurements'],
  ['gw-melati', 'tikar/v1/sukamaju/register'],
  ['gw-melati', 'tikar/v1/cibodas/anggrek/measurements'],
  ['gw-melati', 'tikar/v1/sukamaju/mawar/receipts'],
  ['gw-melati', 'tikar/v1/sukamaju/register/sync'],
  ['gw-melati', 'tikar/v1/cibodas/register/sync'],
  ['gw-melati', '$SYS/broker/uptime'],
  ['gw-mawar', 'tikar/v1/sukamaju/melati/children'],
  ['gw-anggrek', 'tikar/v1/cibodas/anggrek/measurements'],
  ['record-sukamaju', 'tikar/v1/sukamaju/melati/receipts'],
  ['record-sukamaju', 'tikar/v1/sukamaju/mawar/receipts'],
  ['record-sukamaju', 'tikar/v1/cibodas/register'],
  ['record-sukamaju', 'tikar/v1/sukamaju/melati/measurements'],
];

// What each account, subscribed to '#', must receive (sorted): only what its rights let it read.
const expectedReceived: Record<string, string[]> = {
  'gw-melati': ['tikar/v1/sukamaju/melati/receipts'],
  'gw-mawar': ['tikar/v1/sukamaju/mawar/receipts'],
  'gw-anggrek': [],
  'record-sukamaju': [
    'tikar/v1/sukamaju/mawar/receipts',
    'tikar/v1/sukamaju/melati/measurements',
    // its own: the village record sends a measurement again when the district lacks it (docs/district.md)
    'tikar/v1/sukamaju/melati/measurements',
    'tikar/v1/sukamaju/melati/receipts',
    'tikar/v1/sukamaju/register/sync',
  ],
  'record-cibodas': ['tikar/v1/cibodas/anggrek/measurements'],
};

const accounts = ['gw-melati', 'gw-mawar', 'gw-anggrek', 'record-sukamaju', 'record-cibodas'];
// Sent after every attempt was acknowledged; each account can read one of them, and stops listening there.
const barriers: Attempt[] = [
  ['record-sukamaju', 'tikar/v1/sukamaju/register'],
  ['record-cibodas', 'tikar/v1/cibodas/register'],
];

/** Every account subscribes to '#'; returns what each received from `attempts` (sorted, barriers left out). */
async function observeRights(url: string, tried: Attempt[]): Promise<Record<string, string[]>> {
  const clients = new Map<string, MqttClient>();
  try {
    for (const name of accounts) clients.set(name, await connectOnce(url, loginAs(name)));
    const client = (name: string): MqttClient => {
      const found = clients.get(name);
      if (!found) throw new Error(`no client ${name}`);
      return found;
    };
    const received: Record<string, string[]> = {};
    const done: Promise<void>[] = [];
    for (const reader of accounts) {
      const log: string[] = [];
      received[reader] = log;
      done.push(
        new Promise<void>((resolve) => {
          client(reader).on('message', (topic, payload) => {
            if (payload.toString() === 'barrier') resolve();
            else log.push(topic);
          });
        }),
      );
      // QoS 2 everywhere: a broker finishes routing a QoS 2 message before it answers PUBREC.
      await client(reader).subscribeAsync('#', { qos: 2 });
    }
    for (const [publisher, topic] of tried) {
      await client(publisher).publishAsync(topic, `${publisher} wrote`, { qos: 2 });
    }
    for (const [publisher, topic] of barriers)
      await client(publisher).publishAsync(topic, 'barrier', { qos: 2 });
    await Promise.all(done);
    // A refused publish must not cost the publisher its connection (mosquitto acknowledges and drops it).
    for (const [name, c] of clients) expect(c.connected, `${name} still connected`).toBe(true);
    return Object.fromEntries(
      Object.entries(received).map(([reader, topics]) => [reader, [...topics].sort()]),
    );
  } finally {
    await Promise.all([...clients.values()].map((c) => c.endAsync()));
  }
}

/** The rule module's answer: what each reader of '#' should get. */
function predicted(tried: Attempt[]): Record<string, string[]> {
  const table = aclTableFromRoster(roster);
  return Object.fromEntries(
    accounts.map((reader) => [
      reader,
      tried
        .filter(([publisher, topic]) => isAllowed(table, publisher, 'write', topic))
        .filter(([, topic]) => topicMatchesFilter('#', topic) && isAllowed(table, reader, 'read', topic))
        .map(([, topic]) => topic)
        .sort(),
    ]),
  );
}

// Seeded random publishes over the interesting topic space, for a differential test of the two brokers. Most
// stay in the publisher's own village, so that allowed and refused publishes both occur often.
const villageOf: Record<string, string> = {
  'gw-melati': 'sukamaju',
  'gw-mawar': 'sukamaju',
  'gw-anggrek': 'cibodas',
  'record-sukamaju': 'sukamaju',
  'record-cibodas': 'cibodas',
};
const randomAttempts: Attempt[] = fc.sample(
  fc.constantFrom(...accounts).chain((publisher) =>
    fc.tuple(
      fc.constant(publisher),
      fc.oneof(
        {
          weight: 9,
          arbitrary: fc
            .tuple(
              fc.constantFrom(
                villageOf[publisher] ?? 'sukamaju',
                villageOf[publisher] ?? 'sukamaju',
                'cibodas',
                'other',
              ),
              fc.constantFrom('melati', 'mawar', 'anggrek', 'register', ''),
              fc.constantFrom('/measurements', '/children', '/receipts', '/status', '/sync', '', '/x/y'),
            )
            .map(([village, level, rest]) => `tikar/v1/${village}/${level}${rest}`),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '$SYS/broker/x',
            'tikar',
            'other/topic',
            'tikar/v2/sukamaju/melati/measurements',
          ),
        },
      ),
    ),
  ),
  { seed: 20261128, numRuns: 80 },
);

async function expectRefused(url: string, options: Parameters<typeof connectOnce>[1]): Promise<void> {
  const error = await connectOnce(url, options).then(
    async (client) => {
      await client.endAsync();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as { code?: number }).code).toBe(5);
}

const brokers: Array<[string, (dir: string) => Promise<Broker>]> = [
  [
    'mosquitto',
    async (dir) => {
      const { passwordFile, aclFile } = await writeAccountFiles(dir);
      return startSecureMosquitto(dir, (port) => [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${passwordFile}`,
        `acl_file ${aclFile}`,
      ]);
    },
  ],
  [
    'builtin broker',
    async (dir) => {
      const { passwordFile, aclFile } = await writeAccountFiles(dir);
      return startBuiltinBroker({ port: 0, credentials: passwordFile, acl: aclFile });
    },
  ],
];

describe.each(brokers)('MQTT rights on %s', (_name, start) => {
  let broker: Broker;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const dir = await tmpDir('tikar-rights-');
    cleanup = dir.cleanup;
    broker = await start(dir.path);
  });
  afterAll(async () => {
    await broker?.stop();
    await cleanup?.();
  });

  it('refuses a client with no credentials, a wrong password or an unknown user', async () => {
    await expectRefused(broker.url, {});
    await expectRefused(broker.url, { username: 'gw-melati', password: 'wrong' });
    await expectRefused(broker.url, { username: 'gw-nobody', password: 'pw-gw-nobody-7f3a' });
  });

  it('delivers each message only to accounts allowed to read it, and only from accounts allowed to write it', async () => {
    expect(await observeRights(broker.url, attempts)).toEqual(expectedReceived);
    expect(predicted(attempts)).toEqual(expectedReceived);
  });

  it('agrees with the rule module on 80 seeded random publishes', async () => {
    const expected = predicted(randomAttempts);
    const deliveries = Object.values(expected).flat().length;
    expect(deliveries, 'the sample must contain allowed publishes too').toBeGreaterThan(10);
    expect(await observeRights(broker.url, randomAttempts)).toEqual(expected);
  });

  it('gives retained messages only to accounts allowed to read them', async () => {
    const gateway = await connectOnce(broker.url, loginAs('gw-melati'));
    await gateway.publishAsync('tikar/v1/sukamaju/melati/status', 'online', { qos: 1, retain: true });
    await gateway.endAsync();
    const retainedFor = async (user: string): Promise<string[]> => {
      const client = await connectOnce(broker.url, loginAs(user));
      const topics: string[] = [];
      const barrier = new Promise<void>((resolve) =>
        client.on('message', (topic, payload) => {
          if (payload.toString() === 'barrier') resolve();
          else topics.push(topic);
        }),
      );
      // SUBACK comes after the retained messages are queued; a barrier the user may read closes the window.
      await client.subscribeAsync('#', { qos: 1 });
      const village = user.includes('cibodas') ? 'cibodas' : 'sukamaju';
      // One connection per account (the account is the client id): a record sends its own barrier.
      if (user.startsWith('record-')) {
        await client.publishAsync(`tikar/v1/${village}/barrier/receipts`, 'barrier', { qos: 1 });
      } else {
        const recorder = await connectOnce(broker.url, loginAs(`record-${village}`));
        await recorder.publishAsync(`tikar/v1/${village}/register`, 'barrier', { qos: 1 });
        await recorder.endAsync();
      }
      await barrier;
      await client.endAsync();
      return topics;
    };
    expect(await retainedFor('record-sukamaju')).toEqual(['tikar/v1/sukamaju/melati/status']);
    expect(await retainedFor('gw-mawar')).toEqual([]);
    expect(await retainedFor('record-cibodas')).toEqual([]);
    const cleaner = await connectOnce(broker.url, loginAs('gw-melati'));
    await cleaner.publishAsync('tikar/v1/sukamaju/melati/status', '', { qos: 1, retain: true });
    await cleaner.endAsync();
  });

  it('applies write rights to last wills: a will on another posyandu is dropped, the connection kept', async () => {
    const record = await connectOnce(broker.url, loginAs('record-sukamaju'));
    const wills: string[] = [];
    const ownWill = new Promise<void>((resolve) =>
      record.on('message', (topic, payload, packet) => {
        if (packet.retain) return; // what earlier tests left on the broker
        wills.push(`${topic}=${payload}`);
        if (topic === 'tikar/v1/sukamaju/melati/status') resolve();
      }),
    );
    await record.subscribeAsync('tikar/v1/sukamaju/+/status', { qos: 1 });
    const withWill = (topic: string) =>
      connectOnce(broker.url, {
        ...loginAs('gw-melati'),
        will: { topic, payload: Buffer.from('offline'), qos: 1, retain: false },
      });
    const forged = await withWill('tikar/v1/sukamaju/mawar/status');
    const own = await withWill('tikar/v1/sukamaju/melati/status');
    // Die without DISCONNECT, forged first: its will is handled before the one we wait for.
    forged.stream.destroy();
    await new Promise<void>((resolve) => forged.once('close', () => resolve()));
    own.stream.destroy();
    await ownWill;
    expect(wills).toEqual(['tikar/v1/sukamaju/melati/status=offline']);
    forged.end(true);
    own.end(true);
    await record.endAsync();
  });
});
