// Test fixtures for the secured brokers: a roster of two villages, its password_file and acl_file, and a real
// mosquitto started with `allow_anonymous false` (test/helpers/mosquitto.ts always allows anonymous clients,
// so the secured config is written here in full).
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type AccountBundles, writeAccountBundles } from '../../gateway/security/accounts.ts';
import { aclTableFromRoster, parseRoster, type Roster, renderAclFile } from '../../gateway/security/acl.ts';
import { hashPassword, renderPasswordFile } from '../../gateway/security/passwords.ts';
import { caPaths, createCa, issueCertificate, leafPaths } from '../../gateway/security/pki.ts';
import { freePort } from '../helpers/free-port.ts';

export const roster: Roster = (() => {
  const parsed = parseRoster({
    accounts: [
      { role: 'gateway', username: 'gw-melati', village: 'sukamaju', posyandu: 'melati' },
      { role: 'gateway', username: 'gw-mawar', village: 'sukamaju', posyandu: 'mawar' },
      { role: 'gateway', username: 'gw-anggrek', village: 'cibodas', posyandu: 'anggrek' },
      { role: 'record', username: 'record-sukamaju', village: 'sukamaju' },
      { role: 'record', username: 'record-cibodas', village: 'cibodas' },
      { role: 'bridge', username: 'bridge-sukamaju', village: 'sukamaju' },
      { role: 'district-record', username: 'district-record' },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
})();

/** Every account's password is derived from its name, so tests can log in as anyone. */
export const passwordOf = (username: string): string => `pw-${username}-7f3a`;

/** Writes password_file and acl_file for the roster into `dir` (few PBKDF2 rounds: tests, not production). */
export async function writeAccountFiles(dir: string): Promise<{ passwordFile: string; aclFile: string }> {
  const hashes = new Map<string, string>();
  for (const account of roster.accounts) {
    hashes.set(account.username, await hashPassword(passwordOf(account.username), 1000));
  }
  const passwordFile = join(dir, 'password_file');
  const aclFile = join(dir, 'acl_file');
  await writeFile(passwordFile, renderPasswordFile(hashes), { mode: 0o600 });
  await writeFile(aclFile, renderAclFile(aclTableFromRoster(roster)), { mode: 0o600 });
  return { passwordFile, aclFile };
}

export interface SecureMosquitto {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

/** A real mosquitto with only the given listener block (plus no persistence and errors on stderr). */
export async function startSecureMosquitto(
  dir: string,
  listenerLines: (port: number) => string[],
  scheme: 'mqtt' | 'mqtts' = 'mqtt',
): Promise<SecureMosquitto> {
  const port = await freePort();
  const configPath = join(dir, `mosquitto-${port}.conf`);
  // Run as root, mosquitto drops to user 'mosquitto', who cannot read our 0600 files in a 0700 temp dir.
  const keepUser = process.getuid?.() === 0 ? ['user root'] : [];
  const lines = [
    ...keepUser,
    ...listenerLines(port),
    'persistence false',
    'log_dest stderr',
    'log_type error',
  ];
  await writeFile(configPath, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn('mosquitto', ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    await waitForPort(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}: ${stderr}`);
  }
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Connects once, no retry loop; rejects with the broker's refusal, or when it hangs up before CONNACK. */
export function connectOnce(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    const fail = (error: Error) => {
      client.end(true);
      reject(error);
    };
    const hungUp = () => fail(new Error('connection closed before the broker accepted it'));
    client.once('connect', () => {
      client.off('error', fail);
      client.off('close', hungUp);
      resolve(client);
    });
    client.once('error', fail);
    client.once('close', hungUp);
  });
}

export function loginAs(username: string): IClientOptions {
  return { username, password: passwordOf(username) };
}

/** A village CA with a broker certificate for `host` and the bundles of one gateway (melati) and its record. */
export async function createVillagePki(pkiDir: string, host: string): Promise<AccountBundles> {
  await createCa({ dir: pkiDir });
  await issueCertificate({ dir: pkiDir, name: 'broker', role: 'broker', hosts: [host] });
  const villageRoster = parseRoster({
    accounts: [
      { role: 'gateway', username: 'gw-melati', village: 'sukamaju', posyandu: 'melati' },
      { role: 'record', username: 'record-sukamaju', village: 'sukamaju' },
      { role: 'bridge', username: 'bridge-sukamaju', village: 'sukamaju' },
      { role: 'district-record', username: 'district-record-1' },
      { role: 'district-record', username: 'district-record-2' },
    ],
  });
  if (!villageRoster.ok) throw new Error(villageRoster.error);
  return writeAccountBundles({
    dir: pkiDir,
    roster: villageRoster.value,
    brokerUrl: `mqtts://${host}:8883`,
    passwordIterations: 1000,
  });
}

/**
 * deploy/mosquitto/tikar.conf as shipped, its files read from `etcDir` (laid out as /etc/mosquitto/tikar/),
 * the loopback password listener on `loopbackPort`; give the result the device listener's port (127.0.0.1
 * here). Every security line is the shipped one.
 */
export async function shippedTikarConf(
  etcDir: string,
  loopbackPort: number,
): Promise<(tlsPort: number) => string[]> {
  const text = (await readFile(join(import.meta.dirname, '../../deploy/mosquitto/tikar.conf'), 'utf8'))
    .replaceAll('/etc/mosquitto/tikar/', `${etcDir}/`)
    .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${loopbackPort} 127.0.0.1`);
  if (!text.includes(`listener ${loopbackPort} 127.0.0.1`))
    throw new Error('tikar.conf: no loopback listener');
  return (tlsPort) => text.replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`).split('\n');
}

/** Copies the broker's files as tikar.conf expects them under `etcDir`. */
export async function installBrokerFiles(
  pkiDir: string,
  files: { passwordFile: string; aclFile: string },
  etcDir: string,
): Promise<void> {
  await mkdir(etcDir, { recursive: true, mode: 0o700 });
  const broker = leafPaths(pkiDir, 'broker');
  await copyFile(caPaths(pkiDir).certFile, join(etcDir, 'ca.crt'));
  await copyFile(broker.certFile, join(etcDir, 'broker.crt'));
  await copyFile(broker.keyFile, join(etcDir, 'broker.key'));
  await copyFile(files.passwordFile, join(etcDir, 'password_file'));
  await copyFile(files.aclFile, join(etcDir, 'acl_file'));
}
