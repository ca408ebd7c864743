// `tikar pki` end to end: CA, broker certificate and device bundles, then a real mosquitto running the
// generated password_file and acl_file over TLS, and devices logging in with nothing but their bundle.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/pki.ts';
import { buildMqttClientOptions, resolveMqttConfig } from '../../gateway/security/mqtt-credentials.ts';
import { caPaths, leafPaths } from '../../gateway/security/pki.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { connectOnce, type SecureMosquitto, startSecureMosquitto } from './secure-brokers.ts';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

let dir: { path: string; cleanup: () => Promise<void> };
let pkiDir: string;
let rosterPath: string;
const printed: string[] = [];
const print = (line: string) => printed.push(line);

beforeAll(async () => {
  dir = await tmpDir('tikar-pki-cli-');
  pkiDir = join(dir.path, 'pki');
  rosterPath = join(dir.path, 'roster.json');
  await writeFile(
    rosterPath,
    JSON.stringify({
      accounts: [
        { role: 'gateway', username: 'gw-melati', village: 'sukamaju', posyandu: 'melati' },
        { role: 'record', username: 'record-sukamaju', village: 'sukamaju' },
      ],
    }),
  );
});
afterAll(() => dir?.cleanup());

describe('tikar pki', () => {
  it('creates a CA and a broker certificate, keys 0600, and refuses to replace the CA', async () => {
    expect(await run(['init', '--dir', pkiDir, '--host', 'localhost', '--host', '127.0.0.1'], print)).toBe(0);
    expect(await modeOf(caPaths(pkiDir).keyFile)).toBe(0o600);
    expect(await modeOf(leafPaths(pkiDir, 'broker').keyFile)).toBe(0o600);
    expect(await run(['init', '--dir', pkiDir], print)).toBe(1);
    expect(await run(['check', '--dir', pkiDir, '--name', 'broker'], print)).toBe(0);
    expect(printed.at(-1)).toMatch(
      /^broker: O=Tikar, CN=broker, valid until \d{4}-\d\d-\d\d \((729|730) days left\)$/,
    );
    printed.length = 0;
    expect(await run(['check', '--dir', pkiDir], print)).toBe(0);
    expect(printed.map((line) => line.split(':')[0]).sort()).toEqual(['broker', 'ca']);
    expect(printed.find((line) => line.startsWith('ca:'))).toMatch(/\((3649|3650) days left\)$/);
    expect(await run(['issue', '--dir', pkiDir, '--name', 'short-lived', '--days', '30'], print)).toBe(0);
    expect(await run(['check', '--dir', pkiDir, '--name', 'short-lived'], print)).toBe(0);
    expect(printed.at(-1)).toMatch(/\((29|30) days left\) — RENEW SOON$/);
  });

  it('rejects a bad roster naming the field, and bad options', async () => {
    const bad = join(dir.path, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ accounts: [{ role: 'gateway', username: 'gw x', village: 'v', posyandu: 'p' }] }),
    );
    expect(
      await run(['accounts', '--dir', pkiDir, '--roster', bad, '--url', 'mqtts://localhost:8883'], print),
    ).toBe(1);
    expect(await run(['issue', '--dir', pkiDir, '--name', 'x', '--days', '0'], print)).not.toBe(0);
    expect(await run(['issue', '--dir', pkiDir, '--name', '../evil'], print)).toBe(1);
  });

  describe('accounts, used by a real mosquitto over TLS', () => {
    let broker: SecureMosquitto;
    beforeAll(async () => {
      const code = await run(
        ['accounts', '--dir', pkiDir, '--roster', rosterPath, '--url', 'mqtts://localhost:8883'],
        print,
      );
      expect(code).toBe(0);
      const server = leafPaths(pkiDir, 'broker');
      broker = await startSecureMosquitto(
        dir.path,
        (port) => [
          `listener ${port} 127.0.0.1`,
          `cafile ${caPaths(pkiDir).certFile}`,
          `certfile ${server.certFile}`,
          `keyfile ${server.keyFile}`,
          'require_certificate true',
          'allow_anonymous false',
          `password_file ${join(pkiDir, 'mosquitto', 'password_file')}`,
          `acl_file ${join(pkiDir, 'mosquitto', 'acl_file')}`,
        ],
        'mqtts',
      );
    });
    afterAll(() => broker?.stop());

    it('writes every secret 0600', async () => {
      for (const user of ['gw-melati', 'record-sukamaju']) {
        const bundle = join(pkiDir, 'accounts', user);
        for (const file of ['mqtt.json', 'client.key', 'village.secret'])
          expect(await modeOf(join(bundle, file)), file).toBe(0o600);
      }
      expect(await modeOf(join(pkiDir, 'mosquitto', 'password_file'))).toBe(0o600);
    });

    it('lets each device log in with its bundle alone, and receive what its rights allow', async () => {
      const connectWith = async (user: string) => {
        const config = await resolveMqttConfig({
          configFile: join(pkiDir, 'accounts', user, 'mqtt.json'),
          url: `mqtts://localhost:${broker.port}`,
          env: {},
        });
        return connectOnce(config.url, await buildMqttClientOptions(config));
      };
      const gateway = await connectWith('gw-melati');
      const record = await connectWith('record-sukamaju');
      const got = new Promise<string>((resolve) => record.on('message', (topic) => resolve(topic)));
      await record.subscribeAsync('tikar/v1/sukamaju/+/measurements', { qos: 1 });
      await gateway.publishAsync('tikar/v1/sukamaju/melati/measurements', '{}', { qos: 1 });
      expect(await got).toBe('tikar/v1/sukamaju/melati/measurements');
      await gateway.endAsync();
      await record.endAsync();
    });

    it('keeps passwords, keys and village secrets when run again', async () => {
      const bundle = join(pkiDir, 'accounts', 'gw-melati');
      const before = await Promise.all(
        ['mqtt.json', 'client.key', 'village.secret'].map((f) => readFile(join(bundle, f), 'utf8')),
      );
      expect(
        await run(
          ['accounts', '--dir', pkiDir, '--roster', rosterPath, '--url', 'mqtts://localhost:8883'],
          print,
        ),
      ).toBe(0);
      const after = await Promise.all(
        ['mqtt.json', 'client.key', 'village.secret'].map((f) => readFile(join(bundle, f), 'utf8')),
      );
      expect(after).toEqual(before);
      const secrets = await Promise.all(
        ['gw-melati', 'record-sukamaju'].map((u) =>
          readFile(join(pkiDir, 'accounts', u, 'village.secret'), 'utf8'),
        ),
      );
      expect(secrets[0]).toBe(secrets[1]); // one village, one pseudonym key
    });

    it('revokes an account removed from the roster, and rotates a password whose mqtt.json was deleted', async () => {
      const passwordFile = join(pkiDir, 'mosquitto', 'password_file');
      const gatewayConfig = join(pkiDir, 'accounts', 'gw-melati', 'mqtt.json');
      const oldPassword = (JSON.parse(await readFile(gatewayConfig, 'utf8')) as { password: string })
        .password;
      await rm(gatewayConfig);
      const smaller = join(dir.path, 'roster-smaller.json');
      await writeFile(
        smaller,
        JSON.stringify({
          accounts: [{ role: 'gateway', username: 'gw-melati', village: 'sukamaju', posyandu: 'melati' }],
        }),
      );
      expect(
        await run(
          ['accounts', '--dir', pkiDir, '--roster', smaller, '--url', 'mqtts://localhost:8883'],
          print,
        ),
      ).toBe(0);
      const users = (await readFile(passwordFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(':')[0]);
      expect(users).toEqual(['gw-melati']);
      const newPassword = (JSON.parse(await readFile(gatewayConfig, 'utf8')) as { password: string })
        .password;
      expect(newPassword).not.toBe(oldPassword);
      expect(await modeOf(gatewayConfig)).toBe(0o600);
    });
  });
});
