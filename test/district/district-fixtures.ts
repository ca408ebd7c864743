// The district's moving parts as real processes: `tikar record` workers on PostgreSQL (the CLI, each its own
// process), light gateways for many posyandu, and counts read back from PostgreSQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LightGateway } from '../../district/sim/light-gateway.ts';
import { monthsEnding, simulatePosyandu } from '../../district/sim/population.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import type { MeasurementMessage } from '../../gateway/publish/payloads.ts';
import { waitFor } from '../integration/helpers.ts';

/** The repository: two folders up from here, or one from dist/ when bundled into the district demo. */
const root = [join(import.meta.dirname, '..', '..'), join(import.meta.dirname, '..')].find((dir) =>
  existsSync(join(dir, 'bin', 'tikar.mjs')),
) as string;
const tikar = join(root, 'bin', 'tikar.mjs');
const shipped = join(root, 'deploy', 'mosquitto', 'bridge-district.conf');

/**
 * The shipped bridge for `villageId` to 127.0.0.1:`port`, without the TLS and credential lines; `pairSecond`: the
 * bridge to a broker pair's second broker, changed as the file's own comment says.
 */
export async function villageBridgeConfig(
  villageId: string,
  port: number,
  pairSecond = false,
): Promise<string> {
  const text = await readFile(shipped, 'utf8');
  return text
    .split('\n')
    .filter(
      (line) =>
        !/^(remote_username|remote_password|bridge_cafile|bridge_certfile|bridge_keyfile|bridge_tls_version)\b/.test(
          line,
        ),
    )
    .map((line) =>
      line
        .replace(/^address .*$/, `address 127.0.0.1:${port}`)
        .replace(/^connection .*$/, pairSecond ? 'connection district-b' : '$&')
        .replace(/^remote_clientid .*$/, pairSecond ? '$&-b' : '$&')
        .replaceAll('sukamaju', villageId),
    )
    .join('\n');
}

export interface TikarProcess {
  process: ChildProcess;
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts `tikar ARGS…` and waits until its stdout contains `ready`. */
export async function startTikar(
  args: string[],
  ready: string | RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<TikarProcess> {
  const child = spawn(process.execPath, [tikar, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TIKAR_LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await waitFor(
    `tikar ${args[0]} to start`,
    () => {
      if (child.exitCode !== null) throw new Error(`tikar ${args[0]} exited ${child.exitCode}: ${out}`);
      return typeof ready === 'string' ? out.includes(ready) : ready.test(out);
    },
    60_000,
  );
  return {
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/** A district record worker: `tikar record --store postgres://… --mqtt …` (every village, shared subscription). */
export function startWorker(storeUrl: string, mqttUrl: string, extra: string[] = []): Promise<TikarProcess> {
  return startTikar(
    ['record', '--store', storeUrl, '--mqtt', mqttUrl, ...extra],
    'village record for every village',
  );
}

/** Messages of `posyanduCount` posyandu spread over villages, `months` months ending with `lastMonth`. */
export function districtMessages(options: {
  villages: number;
  posyanduPerVillage: number;
  children: number;
  lastMonth: string;
  months: number;
}): { villageId: string; posyanduId: string; messages: MeasurementMessage[] }[] {
  const plans = [];
  const months = monthsEnding(options.lastMonth, options.months);
  for (let v = 0; v < options.villages; v++) {
    for (let p = 0; p < options.posyanduPerVillage; p++) {
      const villageId = `desa-${v + 1}`;
      const posyanduId = `posyandu-${v + 1}-${p + 1}`;
      const seed = 1000 * v + p + 1;
      const meanZlen = -0.6 - 0.15 * ((v * 7 + p) % 8);
      plans.push({
        villageId,
        posyanduId,
        messages: simulatePosyandu({
          villageId,
          posyanduId,
          seed,
          children: options.children,
          months,
          meanZlen,
        }),
      });
    }
  }
  return plans;
}

/** Light gateways for each plan on `mqttUrl`, started. */
export async function startLightGateways(
  mqttUrl: string,
  plans: ReturnType<typeof districtMessages>,
  options: { receiptTimeoutMs?: number; window?: number } = {},
): Promise<LightGateway[]> {
  const log = createLogger('test.light-gateway');
  const gateways = plans.map((plan) => new LightGateway({ url: mqttUrl, ...plan, ...options, log }));
  await Promise.all(gateways.map((gateway) => gateway.start()));
  return gateways;
}
