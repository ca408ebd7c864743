// Shared steps of the integration tests: a simulated mat process on a PTY, measuring one child through the
// services, waiting for a condition.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayServices } from '../../gateway/app/services.ts';
import type { SavedMeasurement, SessionState } from '../../gateway/model/index.ts';

// Keep the test output readable: the gateway logs warnings and errors only.
process.env.TIKAR_LOG_LEVEL ??= 'warn';

const root = join(import.meta.dirname, '..', '..');

/** Polls `check` until it returns a value other than undefined/false; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface SimTruthLine {
  child: number;
  reading: number;
  length_mm: number;
  board_mm: number;
  weight_g: number | null;
  age_months: number;
}

export interface SimProcess {
  process: ChildProcess;
  truthFile: string;
  stop(): Promise<void>;
  /** Truth lines written so far. */
  truth(): Promise<
    {
      child: number;
      reading: number;
      length_mm: number;
      board_mm: number;
      weight_g: number | null;
      age_months: number;
    }[]
  >;
}

/** `tikar sim` as a separate process writing to a serial port (one end of a PTY pair). */
export function startSimProcess(options: {
  port: string;
  scenario: string;
  seed: number;
  speed: number;
  dir: string;
}): SimProcess {
  const truthFile = join(options.dir, `truth-${options.seed}.jsonl`);
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin', 'tikar.mjs'),
      'sim',
      '--port',
      options.port,
      '--scenario',
      options.scenario,
      '--seed',
      String(options.seed),
      '--speed',
      String(options.speed),
      '--truth',
      truthFile,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.resume();
  return {
    process: child,
    truthFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        // It may be blocked writing to a port nobody reads any more.
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    },
    async truth() {
      const text = await readFile(truthFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as { truth?: SimTruthLine })
        .flatMap((entry) => (entry.truth ? [entry.truth] : []));
    },
  };
}

/** Starts a session for the child, waits until the WHO repeat rule is satisfied, saves. */
export async function measureChild(
  services: GatewayServices,
  childId: string,
  timeoutMs = 30_000,
): Promise<SavedMeasurement> {
  const started = await services.startSession({ child_id: childId });
  if (!started.ok) throw new Error(`startSession: ${started.error.message}`);
  const sessionId = started.value.session_id;
  await waitFor<SessionState>(
    'the readings to complete',
    () => {
      const state = services.getSession(sessionId);
      // The scale's reading of the last length reading may come a moment after it.
      const ready = state.ok && state.value.phase === 'complete' && state.value.weight?.result !== null;
      return ready ? state.value : undefined;
    },
    timeoutMs,
  );
  const saved = await services.saveSession(sessionId);
  if (!saved.ok) throw new Error(`saveSession: ${saved.error.message}`);
  return saved.value;
}

/** A birth date so that the child is `ageMonths` old today. */
export function birthDateForAge(ageMonths: number, today = new Date()): string {
  const date = new Date(today.getTime() - Math.round(ageMonths * 30.4375) * 86_400_000);
  return date.toISOString().slice(0, 10);
}

export interface GatewayProcess {
  /** The screens' address, as the gateway printed it. */
  url: string;
  /** Everything printed on stdout so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `tikar gateway …` as a separate process (the given bin/tikar.mjs); resolves once it prints its address. */
export async function startGatewayProcess(options: {
  tikar: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [options.tikar, 'gateway', ...options.args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, TIKAR_LOG_LEVEL: 'error', ...options.env },
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  try {
    const url = await waitFor(
      'the address to open',
      () => /Open (http:\/\/\S+) in a browser/.exec(out)?.[1],
      60_000,
    );
    return { url, output: () => out, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
