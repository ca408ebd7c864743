import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMqttClientOptions,
  explainMqttConnectError,
  resolveMqttConfig,
} from '../../gateway/security/mqtt-credentials.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tmpDir('tikar-creds-');
});
afterAll(() => dir?.cleanup());

async function configFile(name: string, content: unknown, mode = 0o600): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content), { mode });
  return path;
}

describe('resolveMqttConfig', () => {
  it('reads the file, resolves TLS paths beside it, and lets env and --mqtt override', async () => {
    const path = await configFile('a.json', {
      url: 'mqtts://posyandu.local:8883',
      username: 'gw-melati',
      password: 'from-file',
      ca_file: 'ca.crt',
      cert_file: 'client.crt',
      key_file: 'client.key',
    });
    expect(await resolveMqttConfig({ configFile: path, env: {} })).toEqual({
      url: 'mqtts://posyandu.local:8883',
      username: 'gw-melati',
      password: 'from-file',
      caFile: join(dir.path, 'ca.crt'),
      certFile: join(dir.path, 'client.crt'),
      keyFile: join(dir.path, 'client.key'),
    });
    const overridden = await resolveMqttConfig({
      url: 'mqtts://other:8883',
      env: {
        TIKAR_MQTT_CONFIG: path,
        TIKAR_MQTT_PASSWORD: 'from-env',
        TIKAR_MQTT_CA_FILE: '/etc/tikar/ca.crt',
      },
    });
    expect(overridden).toMatchObject({
      url: 'mqtts://other:8883',
      password: 'from-env',
      caFile: '/etc/tikar/ca.crt',
    });
  });

  it('reads a password file, which must be private', async () => {
    const secret = await configFile('pw', 's3cret\n');
    const config = await resolveMqttConfig({
      env: { TIKAR_MQTT_URL: 'mqtts://b:8883', TIKAR_MQTT_USERNAME: 'u', TIKAR_MQTT_PASSWORD_FILE: secret },
    });
    expect(config.password).toBe('s3cret');
    const loose = await configFile('loose-pw', 's3cret', 0o644);
    await expect(
      resolveMqttConfig({
        env: { TIKAR_MQTT_URL: 'mqtts://b:8883', TIKAR_MQTT_USERNAME: 'u', TIKAR_MQTT_PASSWORD_FILE: loose },
      }),
    ).rejects.toThrow(/readable by others: chmod 600/);
  });

  it('fails fast, naming the problem', async () => {
    const cases: Array<[Parameters<typeof resolveMqttConfig>[0], RegExp]> = [
      [{ env: {} }, /no broker URL/],
      [{ configFile: join(dir.path, 'missing.json'), env: {} }, /file not found/],
      [
        { configFile: await configFile('loose.json', { url: 'mqtts://x' }, 0o644), env: {} },
        /readable by others/,
      ],
      [{ configFile: await configFile('bad.json', '{nope'), env: {} }, /not JSON/],
      [{ configFile: await configFile('typo.json', { url: 'mqtts://x', pasword: 'x' }), env: {} }, /pasword/],
      [
        { env: { TIKAR_MQTT_URL: 'mqtts://x', TIKAR_MQTT_CERT_FILE: 'c.crt' } },
        /both cert_file and key_file/,
      ],
      [{ env: { TIKAR_MQTT_URL: 'mqtts://x', TIKAR_MQTT_PASSWORD: 'p' } }, /no username/],
      [
        {
          env: {
            TIKAR_MQTT_URL: 'mqtt://district.example:1883',
            TIKAR_MQTT_USERNAME: 'u',
            TIKAR_MQTT_PASSWORD: 'p',
          },
        },
        /clear text/,
      ],
    ];
    for (const [options, message] of cases) await expect(resolveMqttConfig(options)).rejects.toThrow(message);
    // On loopback a password without TLS is fine: it never leaves the box.
    const local = {
      TIKAR_MQTT_URL: 'mqtt://127.0.0.1:1883',
      TIKAR_MQTT_USERNAME: 'u',
      TIKAR_MQTT_PASSWORD: 'p',
    };
    await expect(resolveMqttConfig({ env: local })).resolves.toMatchObject({ password: 'p' });
  });

  it('names a TLS file that cannot be read', async () => {
    await expect(
      buildMqttClientOptions({ url: 'mqtts://x', caFile: join(dir.path, 'none.crt') }),
    ).rejects.toThrow(/ca_file .*none\.crt: ENOENT/);
  });
  it("logs in by password alone on a plain URL (the loopback listener), without the bundle's certificate", async () => {
    // MQTT.js would switch to TLS on seeing cert and key, which the plain listener does not speak.
    const missing = join(dir.path, 'none.crt');
    const options = await buildMqttClientOptions({
      url: 'mqtt://127.0.0.1:1883',
      username: 'record-sukamaju',
      password: 'p',
      caFile: missing,
      certFile: missing,
      keyFile: missing,
    });
    expect(options).toEqual({ username: 'record-sukamaju', password: 'p' });
  });
});

describe('explainMqttConnectError', () => {
  const config = { url: 'mqtts://b:8883', username: 'gw-melati' };
  it('marks refusals retrying cannot fix as fatal, and an absent broker as not', () => {
    expect(
      explainMqttConnectError(
        Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }),
        config,
      ),
    ).toMatchObject({
      fatal: true,
      message: expect.stringContaining("user 'gw-melati'"),
    });
    expect(
      explainMqttConnectError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }), config),
    ).toMatchObject({
      fatal: true,
      message: expect.stringContaining('clock'),
    });
    expect(
      explainMqttConnectError(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        config,
      ).fatal,
    ).toBe(false);
    expect(explainMqttConnectError(undefined, config).fatal).toBe(false);
  });
});
