import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { tmpDir } from './tmp-dir.ts';

export interface Mosquitto {
  port: number;
  url: string;
  /** Directory holding the config (and persistence file when enabled). */
  dir: string;
  /** The running broker's process id (a new one after restart()). */
  pid(): number | undefined;
  stop(): Promise<void>;
  /** Stop and start again on the same port with the same config. */
  restart(): Promise<void>;
  /** SIGKILL, as a crash or the OOM killer would (restart() starts it again). */
  kill(): Promise<void>;
}

export interface MosquittoOptions {
  /** Extra lines appended to the generated mosquitto.conf. */
  extraConfig?: string;
  /** Keep the queue on disk across restarts (autosave on every change). Default false. */
  persistence?: boolean;
  port?: number;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
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
  throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Starts a real mosquitto (Debian package) on a free loopback port. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const port = options.port ?? (await freePort());
  const dir = await tmpDir('tikar-mosquitto-');
  const lines = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    options.persistence ? 'persistence true' : 'persistence false',
    `persistence_location ${dir.path}/`,
    'autosave_interval 1',
    'autosave_on_changes true',
    'log_dest stderr',
    'log_type error',
    options.extraConfig ?? '',
  ];
  const configPath = join(dir.path, 'mosquitto.conf');
  await writeFile(configPath, `${lines.join('\n')}\n`);

  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('mosquitto', ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    await waitForPort(port, 5000);
  };
  const stopProcess = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir: dir.path,
    pid: () => child?.pid,
    async stop() {
      await stopProcess();
      await dir.cleanup();
    },
    async restart() {
      await stopProcess();
      await start();
    },
    kill: () => stopProcess('SIGKILL'),
  };
}
