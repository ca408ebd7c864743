// Issue 11 item 11: a client certificate is bound to its account (built-in broker), and no account can take
// over another's session by reusing its client id (built-in broker, and mosquitto with tikar.conf's
// use_username_as_clientid).
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltinBroker } from '../../../gateway/publish/builtin-broker.ts';
import { buildMqttClientOptions } from '../../../gateway/security/mqtt-credentials.ts';
import { caPaths, createCa, issueCertificate, leafPaths } from '../../../gateway/security/pki.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import { connectOnce, passwordOf, startSecureMosquitto, writeAccountFiles } from '../secure-brokers.ts';

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

const brokers: Array<[string, () => Promise<{ url: string; stop(): Promise<void> }>]> = [
  [
    'builtin broker',
    () =>
      startBuiltinBroker({
        port: 0,
        tls: { ...leafPaths(pkiDir, 'broker'), caFile: caPaths(pkiDir).certFile },
        credentials: files.passwordFile,
        acl: files.aclFile,
      }),
  ],
  [
    'mosquitto',
    () =>
      startSecureMosquitto(
        dir.path,
        (port) => [
          `listener ${port} 127.0.0.1`,
          `cafile ${caPaths(pkiDir).certFile}`,
          `certfile ${leafPaths(pkiDir, 'broker').certFile}`,
          `keyfile ${leafPaths(pkiDir, 'broker').keyFile}`,
          'require_certificate true',
          'allow_anonymous false',
          'use_username_as_clientid true',
          `password_file ${files.passwordFile}`,
          `acl_file ${files.aclFile}`,
        ],
        'mqtts',
      ),
  ],
];

describe.each(brokers)('accounts on %s', (name, start) => {
  let broker: { url: string; stop(): Promise<void> };
  beforeAll(async () => {
    broker = await start();
  });
  afterAll(() => broker?.stop());

  it("one account cannot take over another's session by its client id", async () => {
    const melati = await connectOnce(
      broker.url,
      await login('gw-melati', 'gw-melati', 'tikar-gw-sukamaju-melati'),
    );
    let kicked = false;
    melati.on('close', () => {
      kicked = true;
    });
    const mawar = await connectOnce(
      broker.url,
      await login('gw-mawar', 'gw-mawar', 'tikar-gw-sukamaju-melati'),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kicked).toBe(false);
    await mawar.endAsync();
    await melati.endAsync();
  });

  it.runIf(name === 'builtin broker')(
    "refuses an account's password with another account's certificate",
    async () => {
      await expect(connectOnce(broker.url, await login('gw-mawar', 'gw-melati', 'x'))).rejects.toThrow(
        /authori[sz]ed/i,
      );
    },
  );
});
