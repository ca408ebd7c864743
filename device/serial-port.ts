// The mat side of a serial line (firmware output, `tikar sim --port/--pty`): the only serialport import in device/.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

export const DEFAULT_BAUD = 115_200;

/** Opens a serial port (or a PTY) for reading and writing; rejects with the path in the message. */
export function openSerialPort(path: string, baudRate: number = DEFAULT_BAUD): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((error) =>
      error ? reject(new Error(`serial port ${path}: ${error.message}`)) : resolve(port),
    );
  });
}

export interface PtyLink {
  /** The end the mat writes to. */
  matPath: string;
  /** The end to give the gateway (`tikar gateway --port`, `tikar monitor --port`). */
  gatewayPath: string;
  close(): Promise<void>;
}

/**
 * A linked pair of pseudo-terminals made by socat (Node has no PTY API). `gatewayPath` is a symlink, by default
 * in a fresh temp dir. Rejects with a plain explanation when socat is missing.
 */
export async function openPtyLink(gatewayPath?: string): Promise<PtyLink> {
  const dir = await mkdtemp(join(tmpdir(), 'tikar-sim-'));
  const matPath = join(dir, 'mat');
  const gateway = gatewayPath ?? join(dir, 'gateway');
  const socat = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${matPath}`, `pty,raw,echo=0,link=${gateway}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(
        () => reject(new Error(`socat did not open the PTY pair within 5 s: ${log}`)),
        5000,
      );
      socat.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('starting data transfer loop')) {
          clearTimeout(timer);
          resolve();
        }
      });
      socat.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === 'ENOENT'
            ? new Error(
                'socat is not installed; install it (Debian: apt install socat) or use --port or --stdout',
              )
            : error,
        );
      });
      socat.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`socat exited with code ${code}: ${log.trim()}`));
      });
    });
  } catch (error) {
    if (socat.exitCode === null) socat.kill('SIGTERM');
    await cleanup();
    throw error;
  }
  return {
    matPath,
    gatewayPath: gateway,
    async close() {
      if (socat.exitCode === null && socat.signalCode === null) {
        await new Promise<void>((resolve) => {
          socat.once('exit', () => resolve());
          socat.kill('SIGTERM');
        });
      }
      await cleanup();
    },
  };
}
