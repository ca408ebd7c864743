// How the gateway and the record service log in to a broker: TLS files and username/password from a small
// JSON file (written by `tikar pki accounts`) or from environment variables, turned into MQTT.js options.
// A broker that refuses us for a reason retrying cannot fix (wrong password, untrusted certificate) must stop
// start-up with a sentence a kader's technician can act on, not spin in a silent reconnect loop.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { z } from 'zod';
import { mqttEnvironment } from './mqtt-environment.ts';
import { readPrivateFile } from './private-files.ts';

export interface MqttConnectionConfig {
  url: string;
  username?: string;
  password?: string;
  /** CA that signed the broker's certificate (and ours). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

const fileSchema = z.strictObject({
  url: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  password_file: z.string().min(1).optional(),
  ca_file: z.string().min(1).optional(),
  cert_file: z.string().min(1).optional(),
  key_file: z.string().min(1).optional(),
});

export { mqttEnvironment };

export interface ResolveOptions {
  /** `--mqtt URL` from the command line: wins over file and environment. */
  url?: string;
  /** `--mqtt-config FILE`; otherwise $TIKAR_MQTT_CONFIG. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** Resolves the connection settings; configuration errors throw, naming the option or file. */
export async function resolveMqttConfig(options: ResolveOptions = {}): Promise<MqttConnectionConfig> {
  const env = options.env ?? process.env;
  const configFile = options.configFile ?? env[mqttEnvironment.config];
  let fromFile: z.infer<typeof fileSchema> = {};
  let base = process.cwd();
  if (configFile) {
    const text = await readPrivateFile(configFile, 'MQTT config');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`MQTT config ${configFile}: not JSON (${(error as Error).message})`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`MQTT config ${configFile}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    fromFile = parsed.data;
    base = dirname(configFile);
  }
  const pathFrom = (envName: string, fileValue: string | undefined): string | undefined => {
    const fromEnv = env[envName];
    if (fromEnv) return resolve(fromEnv);
    return fileValue === undefined ? undefined : resolve(base, fileValue);
  };

  const url = options.url ?? env[mqttEnvironment.url] ?? fromFile.url;
  if (!url)
    throw new Error(`MQTT: no broker URL (use --mqtt, ${mqttEnvironment.url} or "url" in the config file)`);
  const passwordFile = pathFrom(mqttEnvironment.passwordFile, fromFile.password_file);
  let password = env[mqttEnvironment.password] ?? fromFile.password;
  if (password === undefined && passwordFile) {
    password = (await readPrivateFile(passwordFile, 'MQTT password file')).trim();
  }
  const config: MqttConnectionConfig = {
    url,
    username: env[mqttEnvironment.username] ?? fromFile.username,
    password,
    caFile: pathFrom(mqttEnvironment.caFile, fromFile.ca_file),
    certFile: pathFrom(mqttEnvironment.certFile, fromFile.cert_file),
    keyFile: pathFrom(mqttEnvironment.keyFile, fromFile.key_file),
  };
  if ((config.certFile === undefined) !== (config.keyFile === undefined)) {
    throw new Error('MQTT: a client certificate needs both cert_file and key_file');
  }
  if (config.password !== undefined && config.username === undefined) {
    throw new Error('MQTT: a password is set but no username');
  }
  if (config.password !== undefined && !isTlsUrl(url) && !isLoopbackUrl(url)) {
    throw new Error(`MQTT: refusing to send a password in clear text to ${url}; use mqtts:// (TLS)`);
  }
  return config;
}

function isTlsUrl(url: string): boolean {
  return url.startsWith('mqtts:') || url.startsWith('wss:');
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  } catch {
    return false;
  }
}

async function readConfigured(path: string, option: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`MQTT ${option} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** MQTT.js options for the settings; reads the TLS files (errors name the option and path). */
export async function buildMqttClientOptions(config: MqttConnectionConfig): Promise<IClientOptions> {
  const options: IClientOptions = {};
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  // A plain URL (the broker box's loopback listener) logs in by password alone: given a certificate, MQTT.js
  // would silently switch to TLS, which that listener does not speak.
  if (!isTlsUrl(config.url)) return options;
  if (config.caFile) options.ca = await readConfigured(config.caFile, 'ca_file');
  if (config.certFile && config.keyFile) {
    options.cert = await readConfigured(config.certFile, 'cert_file');
    options.key = await readPrivateFile(config.keyFile, 'MQTT key_file');
  }
  options.rejectUnauthorized = true;
  return options;
}

export type ConnectProblem = { fatal: boolean; message: string };

// Node's certificate-verification codes meaning "we do not trust the broker's certificate".
const untrustedBrokerCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Says why a connection attempt failed and whether retrying can help. Fatal: the broker refused our
 * credentials or certificate, or we do not trust its certificate. Not fatal: the broker is not reachable yet.
 */
export function explainMqttConnectError(
  error: unknown,
  config: Pick<MqttConnectionConfig, 'url' | 'username'>,
): ConnectProblem {
  const { code, message } = (error ?? {}) as { code?: string | number; message?: string };
  const text = message ?? String(error);
  const who = config.username ? `user '${config.username}'` : 'an anonymous client';
  if (code === 4 || code === 5 || code === 134 || code === 135) {
    return {
      fatal: true,
      message: `the broker ${config.url} refused ${who}: not authorised (check the username and password, and the client certificate)`,
    };
  }
  if (typeof code === 'string' && untrustedBrokerCodes.has(code)) {
    return {
      fatal: true,
      message: `the broker ${config.url} presented a certificate we do not trust (${code}): check ca_file and the broker's host name`,
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return {
      fatal: true,
      message: `the broker's certificate is outside its validity (${code}): renew it, or check this device's clock`,
    };
  }
  // TLS alerts from the broker: it did not accept our client certificate.
  if (
    /alert (unknown ca|bad certificate|certificate required|certificate unknown|certificate expired|handshake failure)/i.test(
      text,
    )
  ) {
    return {
      fatal: true,
      message: `the broker ${config.url} rejected our client certificate (${text.trim()}): check cert_file and key_file were issued by its CA`,
    };
  }
  return { fatal: false, message: `cannot reach the broker ${config.url}: ${text}` };
}
