// Issue 11 item 11: a client certificate is bound to its account, and no account can take over another's
// session by reusing its client id. The built-in broker refuses a certificate whose CN is not the username;
// mosquitto with the shipped tikar.conf takes the account from the certificate (use_identity_as_username),
// so a certificate of A with B's username and password is A and gets none of B's topics. The loopback
// listener of tikar.conf (no certificate) wants the account's password.
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltinBroker } from '../../../gateway/publish/builtin-broker.ts';
import { buildMqttClientOptions } from '../../../gateway/security/mqtt-credentials.ts';
import { caPaths, createCa, issueCertificate, leafPaths } from '../../../gateway/security/pki.ts';
import { freePort } from '../../helpers/free-port.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import {
  connectOnce,
  installBrokerFiles,
  passwordOf,
  shippedTikarConf,
  startSecureMosquitto,
  writeAccountFiles,
} from '../secure-brokers.ts';

let dir: { path: string; cleanup: () => Promise<void> };
let pkiDir: string;
let files: { passwordFile: string; aclFile: string };
beforeAll(async () => {
  dir = await tmpDir('tikar-binding-');
  pkiDir = join(dir.path, 'pki');
  await createCa({ dir: pkiDir });
  await issueCertificate({ dir: pkiDir, name: 'broker', role: 'broker', hosts: ['127.0.0.1'] });
  await issueCertificate({ dir: pkiDir, name: 'gw-melati', role: 'client' });
  await issueCertificate({ dir: pkiDir, name: 'gw-mawar', role: 'client' });
  files = await writeAccountFiles(dir.path);
});
afterAll(() => dir?.cleanup());

function login(username: string, certOf: string, clientId: string): Promise<IClientOptions> {
  const leaf = leafPaths(pkiDir, certOf);
  return buildMqttClientOptions({
    url: 'mqtts://127.0.0.1',
    username,
    password: passwordOf(username),
    caFile: caPaths(pkiDir).certFile,
    certFile: leaf.certFile,
    keyFile: leaf.keyFile,
  }).then((options) => ({ ...options, clientId }));
}

type Broker = { url: string; stop(): Promise<void> };

const startBuiltin = () =>
  startBuiltinBroker({
    port: 0,
    tls: { ...leafPaths(pkiDir, 'broker'), caFile: caPaths(pkiDir).certFile },
    credentials: files.passwordFile,
    acl: files.aclFile,
  });

/** The loopback listener of the shipped tikar.conf (mosquitto only). */
let loopbackPort = 0;

async function startMosquitto(): Promise<Broker> {
  const etc = join(dir.path, `etc-tikar-${await freePort()}`);
  await installBrokerFiles(pkiDir, files, etc);
  loopbackPort = await freePort();
  return startSecureMosquitto(dir.path, await shippedTikarConf(etc, loopbackPort), 'mqtts');
}

/** A broker for the tests of one describe block: started before them, stopped after. */
function brokerFor(start: () => Promise<Broker>): () => Broker {
  let broker: Broker | undefined;
  beforeAll(async () => {
    broker = await start();
  });
  afterAll(() => broker?.stop());
  return () => broker as Broker;
}

const brokers: Array<[string, () => Promise<Broker>]> = [
  ['builtin broker', startBuiltin],
  ['mosquitto', startMosquitto],
];

describe.each(brokers)('accounts on %s', (_name, start) => {
  const broker = brokerFor(start);

  it("one account cannot take over another's session by its client id", async () => {
    const melati = await connectOnce(
      broker().url,
      await login('gw-melati', 'gw-melati', 'tikar-gw-sukamaju-melati'),
    );
    let kicked = false;
    melati.on('close', () => {
      kicked = true;
    });
    const mawar = await connectOnce(
      broker().url,
      await login('gw-mawar', 'gw-mawar', 'tikar-gw-sukamaju-melati'),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kicked).toBe(false);
    await mawar.endAsync();
    await melati.endAsync();
  });
});

describe('accounts on mosquitto with the shipped tikar.conf', () => {
  const broker = brokerFor(startMosquitto);

  it("takes the account from the certificate: A's certificate with B's username and password gets none of B's topics", async () => {
    // The record watches the village over the loopback listener (password, no certificate).
    const record = await connectOnce(`mqtt://127.0.0.1:${loopbackPort}`, {
      username: 'record-sukamaju',
      password: passwordOf('record-sukamaju'),
    });
    const atRecord: string[] = [];
    record.on('message', (topic, payload) => atRecord.push(`${topic} ${payload}`));
    await record.subscribeAsync('tikar/v1/sukamaju/#', { qos: 1 });
    const impostor = await connectOnce(
      broker().url,
      await login('gw-mawar', 'gw-melati', 'tikar-gw-sukamaju-mawar'),
    );
    const atImpostor: string[] = [];
    impostor.on('message', (topic) => atImpostor.push(topic));
    await impostor.subscribeAsync('tikar/v1/sukamaju/+/receipts', { qos: 1 });
    // In order on each connection: once the later message arrives, the earlier one had its chance.
    await impostor.publishAsync('tikar/v1/sukamaju/mawar/measurements', 'forged', { qos: 1 });
    await impostor.publishAsync('tikar/v1/sukamaju/melati/measurements', 'as-melati', { qos: 1 });
    await record.publishAsync('tikar/v1/sukamaju/mawar/receipts', '{}', { qos: 1 });
    await record.publishAsync('tikar/v1/sukamaju/melati/receipts', '{}', { qos: 1 });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (atRecord.length < 3 || atImpostor.length === 0)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(atRecord.filter((line) => line.includes('/measurements '))).toEqual([
      'tikar/v1/sukamaju/melati/measurements as-melati',
    ]);
    expect(atImpostor).toEqual(['tikar/v1/sukamaju/melati/receipts']);
    await impostor.endAsync();
    await record.endAsync();
  });

  it('wants the account password on the loopback listener', async () => {
    await expect(
      connectOnce(`mqtt://127.0.0.1:${loopbackPort}`, {
        username: 'gw-melati',
        password: passwordOf('gw-mawar'),
      }),
    ).rejects.toThrow(/authori[sz]ed/i);
    await expect(connectOnce(`mqtt://127.0.0.1:${loopbackPort}`)).rejects.toThrow(/authori[sz]ed/i);
  });
});

describe('accounts on the built-in broker', () => {
  const broker = brokerFor(startBuiltin);

  it("refuses an account's password with another account's certificate", async () => {
    await expect(connectOnce(broker().url, await login('gw-mawar', 'gw-melati', 'x'))).rejects.toThrow(
      /authori[sz]ed/i,
    );
  });
});
