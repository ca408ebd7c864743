// The shipped deploy/mosquitto files, run by real mosquitto processes: the village broker (tikar.conf +
// bridge-district.conf) bridges to a district broker (tikar.conf). Only install paths, ports, the district
// address and the bridge password are substituted; every security line is the shipped one.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/log/logger.ts';
import { type MqttLink, openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { buildMqttClientOptions, resolveMqttConfig } from '../../gateway/security/mqtt-credentials.ts';
import { freePort } from '../helpers/free-port.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { waitFor } from '../integration/helpers.ts';
import {
  connectOnce,
  createVillagePki,
  installBrokerFiles,
  type SecureMosquitto,
  shippedTikarConf,
  startSecureMosquitto,
} from './secure-brokers.ts';

const deployDir = join(import.meta.dirname, '../../deploy/mosquitto');

let dir: { path: string; cleanup: () => Promise<void> };
let pkiDir: string;
let district: SecureMosquitto | undefined;
let posyandu: SecureMosquitto | undefined;
const clients: MqttClient[] = [];

async function connectAs(user: string, broker: SecureMosquitto): Promise<MqttClient> {
  const config = await resolveMqttConfig({
    configFile: join(pkiDir, 'accounts', user, 'mqtt.json'),
    url: broker.url,
    env: {},
  });
  const client = await connectOnce(config.url, await buildMqttClientOptions(config));
  clients.push(client);
  return client;
}

/** Publishes until `arrived` says one got through: the bridge connects on its own schedule. */
async function publishUntil(client: MqttClient, topic: string, arrived: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !arrived(); attempt++) {
    await client.publishAsync(topic, JSON.stringify({ attempt }), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(arrived(), `a message on ${topic} crossed the bridge`).toBe(true);
}

beforeAll(async () => {
  dir = await tmpDir('tikar-deploy-');
  pkiDir = join(dir.path, 'pki');
  const accounts = await createVillagePki(pkiDir, '127.0.0.1');

  // /etc/mosquitto/tikar/ as the install lines in tikar.conf lay it out, with the bridge's district bundle.
  const etc = join(dir.path, 'etc-tikar');
  await installBrokerFiles(pkiDir, accounts, etc);
  await mkdir(join(etc, 'district'), { recursive: true });
  const bridgeBundle = join(pkiDir, 'accounts', 'bridge-sukamaju');
  for (const file of ['ca.crt', 'client.crt', 'client.key']) {
    await copyFile(join(bridgeBundle, file), join(etc, 'district', file));
  }
  const bundleConfig = JSON.parse(await readFile(join(bridgeBundle, 'mqtt.json'), 'utf8')) as {
    password: string;
  };

  const bridgeConf = (await readFile(join(deployDir, 'bridge-district.conf'), 'utf8'))
    .replaceAll('/etc/mosquitto/tikar/', `${etc}/`)
    .replace(/^remote_password .*$/m, `remote_password ${bundleConfig.password}`);
  const districtConf = await shippedTikarConf(etc, await freePort());
  const posyanduConf = await shippedTikarConf(etc, await freePort());

  district = await startSecureMosquitto(dir.path, districtConf, 'mqtts');
  const districtPort = district.port;
  posyandu = await startSecureMosquitto(
    dir.path,
    (port) => [
      ...posyanduConf(port),
      ...bridgeConf.replace(/^address .*$/m, `address 127.0.0.1:${districtPort}`).split('\n'),
    ],
    'mqtts',
  );
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync()));
  await posyandu?.stop();
  await district?.stop();
  await dir?.cleanup();
});

describe('shipped mosquitto config and district bridge', () => {
  it('refuses anonymous clients on the shipped listener', async () => {
    if (!district) throw new Error('no district broker');
    await expect(connectOnce(district.url, { rejectUnauthorized: false })).rejects.toThrow();
  });

  it('carries a posyandu measurement to the district record, and the receipt back, nothing else', async () => {
    if (!district || !posyandu) throw new Error('brokers not started');
    const record = await connectAs('record-sukamaju', district);
    const gateway = await connectAs('gw-melati', posyandu);
    const atRecord: string[] = [];
    const atGateway: string[] = [];
    record.on('message', (topic) => atRecord.push(topic));
    gateway.on('message', (topic) => atGateway.push(topic));
    await record.subscribeAsync('tikar/v1/#', { qos: 1 });
    await gateway.subscribeAsync('tikar/v1/#', { qos: 1 });

    const measurements = 'tikar/v1/sukamaju/melati/measurements';
    await publishUntil(gateway, measurements, () => atRecord.includes(measurements));
    const receipts = 'tikar/v1/sukamaju/melati/receipts';
    await publishUntil(record, receipts, () => atGateway.includes(receipts));

    // Not its own posyandu: the village broker drops it, so it never reaches the district.
    await gateway.publishAsync('tikar/v1/sukamaju/mawar/measurements', '{}', { qos: 1 });
    const countBefore = atRecord.filter((t) => t === measurements).length;
    await publishUntil(
      gateway,
      measurements,
      () => atRecord.filter((t) => t === measurements).length > countBefore,
    );
    expect(atRecord).not.toContain('tikar/v1/sukamaju/mawar/measurements');
    expect(new Set(atGateway)).toEqual(new Set([receipts]));
  });

  it('keeps district workers with an account each connected; two on one account push each other off', async () => {
    if (!district) throw new Error('no district broker');
    const log = createLogger('test.workers');
    const links: MqttLink[] = [];
    const disconnects = new Map<string, number>();
    const linkAs = async (user: string, name: string) => {
      const config = await resolveMqttConfig({
        configFile: join(pkiDir, 'accounts', user, 'mqtt.json'),
        url: district?.url,
        env: {},
      });
      const link = await openMqttLink({
        url: config.url,
        clientOptions: {
          ...(await buildMqttClientOptions(config)),
          clientId: `worker-${name}`,
          clean: true,
          protocolVersion: 5,
        },
        log,
      });
      link.on('disconnect', () => disconnects.set(name, (disconnects.get(name) ?? 0) + 1));
      links.push(link);
      return link;
    };
    try {
      const first = await linkAs('district-record-1', 'one');
      const second = await linkAs('district-record-2', 'two');
      // A round trip through the broker on each: both still connected after the other logged in.
      for (const link of [first, second]) await link.publish('tikar/v1/sukamaju/inventory/ask', '{}');
      expect([first.connected, second.connected, disconnects.size]).toEqual([true, true, 0]);

      // The shipped tikar.conf makes the account the client id: a second process on the same account takes
      // the first one's session (deploy/README.md: one account per worker).
      await linkAs('district-record-1', 'three');
      await waitFor('the first worker pushed off', () => (disconnects.get('one') ?? 0) > 0, 10_000);
      expect(disconnects.get('two')).toBeUndefined();
    } finally {
      await Promise.all(links.map((link) => link.close()));
    }
  });
});
