import { type ChildProcess, spawn } from 'node:child_process';
import { tmpDir } from './tmp-dir.ts';

export interface PtyPair {
  /** One end: give this to the device or simulator. */
  a: string;
  /** The other end: give this to the gateway. */
  b: string;
  close(): Promise<void>;
}

/** Two linked pseudo-terminals made by socat (Debian package), as stable symlinks in a temp dir. */
export async function openPtyPair(): Promise<PtyPair> {
  const dir = await tmpDir('tikar-pty-');
  const a = `${dir.path}/mat`;
  const b = `${dir.path}/gateway`;
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`socat did not open a PTY pair: ${log}`)), 5000);
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code}: ${log}`));
    });
  });
  return {
    a,
    b,
    async close() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await dir.cleanup();
    },
  };
}
