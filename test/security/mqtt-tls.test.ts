// MQTT over TLS with certificates from `tikar pki`: the right client gets in; a client with no certificate,
// a certificate from another CA, a wrong password, or a CA that did not sign the broker is refused, and the
// refusal is explained as fatal (no retry loop). Checked on real mosquitto and on the built-in broker.
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltinBroker } from '../../gateway/publish/builtin-broker.ts';
import { buildMqttClientOptions, explainMqttConnectError } from '../../gateway/security/mqtt-credentials.ts';
import { caPaths, createCa, issueCertificate, leafPaths } from '../../gateway/security/pki.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { connectOnce, passwordOf, startSecureMosquitto, writeAccountFiles } from './secure-brokers.ts';

interface Broker {
  url: string;
  stop(): Promise<void>;
}

let dir: { path: string; cleanup: () => Promise<void> };
let pkiDir: string;
let rogueDir: string;
let accountFiles: { passwordFile: string; aclFile: string };

beforeAll(async () => {
  dir = await tmpDir('tikar-tls-');
  pkiDir = join(dir.path, 'pki');
  rogueDir = join(dir.path, 'rogue');
  await createCa({ dir: pkiDir });
  await issueCertificate({ dir: pkiDir, name: 'broker', role: 'broker', hosts: ['localhost', '127.0.0.1'] });
  await issueCertificate({ dir: pkiDir, name: 'gw-melati', role: 'client' });
  // Another CA, with a certificate of the same name: only the signature tells them apart.
  await createCa({ dir: rogueDir, commonName: 'Tikar MQTT CA' });
  await issueCertificate({ dir: rogueDir, name: 'gw-melati', role: 'client' });
  accountFiles = await writeAccountFiles(dir.path);
});
afterAll(() => dir?.cleanup());

async function clientOptions(
  overrides: { caDir?: string; certDir?: string | null; password?: string } = {},
): Promise<IClientOptions> {
  const certDir = overrides.certDir === undefined ? pkiDir : overrides.certDir;
  const leaf = certDir === null ? undefined : leafPaths(certDir, 'gw-melati');
  return buildMqttClientOptions({
    url: 'mqtts://127.0.0.1',
    username: 'gw-melati',
    password: overrides.password ?? passwordOf('gw-melati'),
    caFile: caPaths(overrides.caDir ?? pkiDir).certFile,
    certFile: leaf?.certFile,
    keyFile: leaf?.keyFile,
  });
}

async function refusal(url: string, options: IClientOptions): Promise<{ fatal: boolean; message: string }> {
  const outcome = await connectOnce(url, options).then(
    async (client) => {
      // TLS 1.3 lets the client finish its side before the broker has checked the client certificate,
      // so a refusal may arrive just after "connect": wait for the close that follows.
      await client.endAsync();
      return undefined;
    },
    (error: unknown) => error,
  );
  expect(outcome, 'connection must be refused').toBeDefined();
  return explainMqttConnectError(outcome, { url, username: 'gw-melati' });
}

const brokers: Array<[string, () => Promise<Broker>]> = [
  [
    'mosquitto',
    () => {
      const ca = caPaths(pkiDir);
      const server = leafPaths(pkiDir, 'broker');
      return startSecureMosquitto(
        dir.path,
        (port) => [
          `listener ${port} 127.0.0.1`,
          `cafile ${ca.certFile}`,
          `certfile ${server.certFile}`,
          `keyfile ${server.keyFile}`,
          'require_certificate true',
          'allow_anonymous false',
          `password_file ${accountFiles.passwordFile}`,
          `acl_file ${accountFiles.aclFile}`,
        ],
        'mqtts',
      );
    },
  ],
  [
    'builtin broker',
    () => {
      const server = leafPaths(pkiDir, 'broker');
      return startBuiltinBroker({
        port: 0,
        tls: { ...server, caFile: caPaths(pkiDir).certFile },
        credentials: accountFiles.passwordFile,
        acl: accountFiles.aclFile,
      });
    },
  ],
];

describe.each(brokers)('MQTT over TLS on %s', (_name, start) => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await start();
  });
  afterAll(() => broker?.stop());

  it('accepts the gateway with its certificate and password', async () => {
    const client = await connectOnce(broker.url, await clientOptions());
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('refuses a wrong password, and says so as a fatal start-up error', async () => {
    const problem = await refusal(broker.url, await clientOptions({ password: 'not-the-password' }));
    expect(problem.fatal).toBe(true);
    expect(problem.message).toMatch(/not authorised/);
  });

  it('refuses a client certificate from another CA', async () => {
    const problem = await refusal(broker.url, await clientOptions({ certDir: rogueDir }));
    expect(problem.fatal).toBe(true);
    expect(problem.message).toMatch(/client certificate/);
  });

  it('refuses a client without a certificate', async () => {
    const problem = await refusal(broker.url, await clientOptions({ certDir: null }));
    expect(problem.fatal).toBe(true);
  });

  it('does not trust a broker whose certificate another CA signed', async () => {
    const problem = await refusal(broker.url, await clientOptions({ caDir: rogueDir }));
    expect(problem.fatal).toBe(true);
    expect(problem.message).toMatch(/do not trust/);
  });
});
