// `tikar gateway` against a real mosquitto that checks certificate and password: with its bundle it starts; with
// a wrong password, a certificate from another CA, or a CA that did not sign the broker, it stops at start-up
// with a sentence saying what is wrong (exit code 3), instead of retrying silently. Then `tikar gateway` and
// `tikar record` against the shipped tikar.conf (the certificate is the account; a loopback password listener).
import { type ChildProcess, spawn } from 'node:child_process';
import { access, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caPaths, createCa, issueCertificate, leafPaths } from '../../gateway/security/pki.ts';
import { freePort } from '../helpers/free-port.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import {
  connectOnce,
  createVillagePki,
  installBrokerFiles,
  type SecureMosquitto,
  shippedTikarConf,
  startSecureMosquitto,
} from './secure-brokers.ts';

const tikar = join(import.meta.dirname, '../../bin/tikar.mjs');

let dir: { path: string; cleanup: () => Promise<void> };
let pkiDir: string;
let broker: SecureMosquitto;
let shipped: SecureMosquitto;
let shippedLoopback = 0;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tikar <args>` until it says it is up (then stops it) or until it exits by itself. */
function runTikar(
  args: string[],
  logFile: string,
  upMarker: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [tikar, ...args], {
      cwd: dir.path,
      env: { ...process.env, TIKAR_LOG_FILE: logFile, ...env },
    });
    const outcome: Outcome = { code: null, stdout: '', stderr: '' };
    let stopping = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      outcome.stdout += chunk.toString();
      if (!stopping && outcome.stdout.includes(upMarker)) {
        stopping = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      outcome.stderr += chunk.toString();
    });
    child.once('exit', (code) => {
      outcome.code = code;
      resolve(outcome);
    });
  });
}

const brokerUrl = () => broker.url.replace('127.0.0.1', 'localhost');

function runGateway(
  bundleDir: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
  url = brokerUrl(),
): Promise<Outcome> {
  const args = ['gateway', '--mqtt-config', join(bundleDir, 'mqtt.json'), '--mqtt', url];
  args.push('--posyandu', 'melati', '--village', 'sukamaju', '--db', join(bundleDir, 'data', 'tikar.db'));
  args.push('--http', '0', '--no-record', '--no-demo', ...extra);
  return runTikar(args, join(bundleDir, 'gateway.log'), 'in a browser', env);
}

/** A copy of the gateway's bundle with one thing changed. */
async function variant(name: string, change: (bundle: string) => Promise<void>): Promise<string> {
  const bundle = join(dir.path, name);
  await cp(join(pkiDir, 'accounts', 'gw-melati'), bundle, { recursive: true });
  await change(bundle);
  return bundle;
}

beforeAll(async () => {
  dir = await tmpDir('tikar-gw-startup-');
  pkiDir = join(dir.path, 'pki');
  const accounts = await createVillagePki(pkiDir, 'localhost');
  const etc = join(dir.path, 'etc-tikar');
  await installBrokerFiles(pkiDir, accounts, etc);
  shippedLoopback = await freePort();
  shipped = await startSecureMosquitto(dir.path, await shippedTikarConf(etc, shippedLoopback), 'mqtts');
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
      `password_file ${accounts.passwordFile}`,
      `acl_file ${accounts.aclFile}`,
    ],
    'mqtts',
  );
}, 30_000);

afterAll(async () => {
  await shipped?.stop();
  await broker?.stop();
  await dir?.cleanup();
});

describe('tikar gateway start-up against a secured broker', () => {
  it('starts with its bundle', async () => {
    const outcome = await runGateway(await variant('good', async () => undefined));
    expect(outcome.stdout, outcome.stderr).toContain('in a browser');
    expect(outcome.stdout).toMatch(/mqtt: +mqtts:\/\/localhost:\d+/);
    expect(outcome.stderr).not.toContain('tikar gateway:');
    // The default sharing level, and the village's secret from the bundle (none made beside the database).
    expect(outcome.stdout).toMatch(/share: +register/);
    await expect(access(join(dir.path, 'good', 'data', 'village.secret'))).rejects.toThrow();
  }, 30_000);

  it('takes the sharing level from --share or TIKAR_SHARE and refuses an unknown one', async () => {
    const bundle = await variant('share', async () => undefined);
    const chosen = await runGateway(bundle, [], { TIKAR_SHARE: 'pseudonymous' });
    expect(chosen.stdout, chosen.stderr).toMatch(/share: +pseudonymous/);
    const badOption = await runGateway(bundle, ['--share', 'everything']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(
      /sharing level 'everything': expected one of pseudonymous, register, full/,
    );
    const badEnv = await runGateway(bundle, [], { TIKAR_SHARE: 'all' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/TIKAR_SHARE: sharing level 'all'/);
  }, 60_000);

  it('stops with a clear error on a wrong password', async () => {
    const bundle = await variant('wrong-password', async (path) => {
      const config = JSON.parse(await readFile(join(path, 'mqtt.json'), 'utf8')) as Record<string, string>;
      await writeFile(join(path, 'mqtt.json'), JSON.stringify({ ...config, password: 'not-it' }), {
        mode: 0o600,
      });
    });
    const outcome = await runGateway(bundle);
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/refused user 'gw-melati': not authorised/);
    expect(outcome.stderr).not.toContain('not-it');
  }, 30_000);

  it('stops with a clear error on a client certificate from another CA', async () => {
    const rogue = join(dir.path, 'rogue-pki');
    await createCa({ dir: rogue });
    await issueCertificate({ dir: rogue, name: 'gw-melati', role: 'client' });
    const bundle = await variant('rogue-cert', async (path) => {
      await cp(leafPaths(rogue, 'gw-melati').certFile, join(path, 'client.crt'));
      await cp(leafPaths(rogue, 'gw-melati').keyFile, join(path, 'client.key'));
    });
    const outcome = await runGateway(bundle);
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/client certificate/);
  }, 30_000);

  it('stops the record service too on a wrong password, and starts it with its bundle', async () => {
    const bundle = join(dir.path, 'record');
    await cp(join(pkiDir, 'accounts', 'record-sukamaju'), bundle, { recursive: true });
    const args = (config: string) => [
      'record',
      '--mqtt-config',
      config,
      '--mqtt',
      brokerUrl(),
      '--village',
      'sukamaju',
    ];
    const dbArgs = ['--db', join(bundle, 'record.db')];
    const good = await runTikar(
      [...args(join(bundle, 'mqtt.json')), ...dbArgs],
      join(bundle, 'record.log'),
      'Tikar village record for',
    );
    expect(good.stdout, good.stderr).toContain('Tikar village record for sukamaju');
    expect(good.stderr).not.toContain('tikar record:');
    const config = JSON.parse(await readFile(join(bundle, 'mqtt.json'), 'utf8')) as Record<string, string>;
    await writeFile(join(bundle, 'wrong.json'), JSON.stringify({ ...config, password: 'not-it' }), {
      mode: 0o600,
    });
    const wrong = await runTikar(
      [...args(join(bundle, 'wrong.json')), ...dbArgs],
      join(bundle, 'record.log'),
      'never',
    );
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/refused user 'record-sukamaju': not authorised/);
  }, 30_000);

  it('stops with a clear error when the broker is not signed by its CA', async () => {
    const other = join(dir.path, 'other-ca');
    await createCa({ dir: other });
    const bundle = await variant('untrusted-broker', async (path) => {
      await cp(caPaths(other).certFile, join(path, 'ca.crt'));
    });
    const outcome = await runGateway(bundle);
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/certificate we do not trust/);
  }, 30_000);
});

describe('tikar gateway and tikar record against the shipped tikar.conf', () => {
  it('the gateway connects with its bundle as its certificate’s account; the record over the loopback listener', async () => {
    const bundle = await variant('shipped', async () => undefined);
    const gateway = await runGateway(bundle, [], {}, shipped.url.replace('127.0.0.1', 'localhost'));
    expect(gateway.stdout, gateway.stderr).toContain('in a browser');
    // It published its retained status as gw-melati, which only melati's account may.
    const recordConfig = JSON.parse(
      await readFile(join(pkiDir, 'accounts', 'record-sukamaju', 'mqtt.json'), 'utf8'),
    ) as { password: string };
    const watcher = await connectOnce(`mqtt://127.0.0.1:${shippedLoopback}`, {
      username: 'record-sukamaju',
      password: recordConfig.password,
    });
    const status = new Promise<string>((resolve) => watcher.once('message', (topic) => resolve(topic)));
    await watcher.subscribeAsync('tikar/v1/sukamaju/melati/status', { qos: 1 });
    expect(await status).toBe('tikar/v1/sukamaju/melati/status');
    await watcher.endAsync();

    const recordBundle = join(dir.path, 'shipped-record');
    await cp(join(pkiDir, 'accounts', 'record-sukamaju'), recordBundle, { recursive: true });
    const recordArgs = (config: string) => [
      'record',
      '--mqtt-config',
      config,
      '--mqtt',
      `mqtt://127.0.0.1:${shippedLoopback}`,
      '--village',
      'sukamaju',
      '--db',
      join(recordBundle, 'record.db'),
    ];
    const record = await runTikar(
      recordArgs(join(recordBundle, 'mqtt.json')),
      join(recordBundle, 'record.log'),
      'Tikar village record for',
    );
    expect(record.stdout, record.stderr).toContain('Tikar village record for sukamaju');
    expect(record.stderr).not.toContain('tikar record:');
    // The loopback listener checks the password (no certificate there).
    const config = JSON.parse(await readFile(join(recordBundle, 'mqtt.json'), 'utf8')) as Record<
      string,
      string
    >;
    await writeFile(join(recordBundle, 'wrong.json'), JSON.stringify({ ...config, password: 'not-it' }), {
      mode: 0o600,
    });
    const wrong = await runTikar(
      recordArgs(join(recordBundle, 'wrong.json')),
      join(recordBundle, 'record.log'),
      'never',
    );
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/refused user 'record-sukamaju': not authorised/);
  }, 60_000);
});
