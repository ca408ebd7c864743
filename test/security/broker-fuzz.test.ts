// Untrusted input to the built-in broker with accounts: garbage bytes, and CONNECTs with arbitrary usernames and
// passwords (seeded). Every one is refused or dropped, and the broker still serves its real accounts afterwards.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltinBroker, startBuiltinBroker } from '../../gateway/publish/builtin-broker.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { connectOnce, loginAs, writeAccountFiles } from './secure-brokers.ts';

let dir: { path: string; cleanup: () => Promise<void> };
let broker: BuiltinBroker;

beforeAll(async () => {
  dir = await tmpDir('tikar-broker-fuzz-');
  const { passwordFile, aclFile } = await writeAccountFiles(dir.path);
  broker = await startBuiltinBroker({ port: 0, credentials: passwordFile, acl: aclFile });
});
afterAll(async () => {
  await broker?.stop();
  await dir?.cleanup();
});

function sendRaw(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(broker.port, '127.0.0.1', () => {
      socket.end(bytes);
    });
    socket.on('data', () => undefined);
    socket.once('error', () => resolve());
    socket.once('close', () => resolve());
    socket.setTimeout(2000, () => socket.destroy());
  });
}

async function stillServes(): Promise<void> {
  const record = await connectOnce(broker.url, loginAs('record-sukamaju'));
  const gateway = await connectOnce(broker.url, loginAs('gw-melati'));
  const got = new Promise<string>((resolve) => record.on('message', (topic) => resolve(topic)));
  await record.subscribeAsync('tikar/v1/sukamaju/+/measurements', { qos: 1 });
  await gateway.publishAsync('tikar/v1/sukamaju/melati/measurements', '{}', { qos: 1 });
  expect(await got).toBe('tikar/v1/sukamaju/melati/measurements');
  await gateway.endAsync();
  await record.endAsync();
}

describe('built-in broker under hostile input', () => {
  it('survives garbage bytes, including ones that start like a CONNECT', async () => {
    const garbage = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc
        .uint8Array({ minLength: 0, maxLength: 300 })
        .map((rest) => Uint8Array.from([0x10, rest.length & 0x7f, ...rest])),
    );
    for (const bytes of fc.sample(garbage, { seed: 42, numRuns: 60 })) await sendRaw(bytes);
    await stillServes();
  });

  it('refuses arbitrary usernames and passwords with "not authorised", never letting one in', async () => {
    const credentials = fc.record({
      username: fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.constantFrom('gw-melati', 'record-sukamaju', '', ' '),
      ),
      password: fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.constantFrom('', 'pw-gw-melati-7f3', 'PW-GW-MELATI-7F3A'),
      ),
    });
    for (const { username, password } of fc.sample(credentials, { seed: 9, numRuns: 40 })) {
      const outcome = await connectOnce(broker.url, { username, password }).then(
        async (client) => {
          await client.endAsync();
          return 'accepted';
        },
        (error: { code?: number }) => error.code ?? 'closed',
      );
      expect(outcome, JSON.stringify({ username, password })).not.toBe('accepted');
    }
    await stillServes();
  });
});
