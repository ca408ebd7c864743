// A real PostgreSQL (Debian package, 15 or newer) for the district tests and bench: initdb in a temporary directory,
// the server on a free loopback port, stopped and removed by `stop()`. PostgreSQL refuses to run as root, and
// CI runs as root: then initdb and the server run as the unprivileged `postgres` user (created by the Debian
// package) or, failing that, `nobody`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { tmpDir } from './tmp-dir.ts';

export interface Postgres {
  port: number;
  /** postgres://… of the `tikar` database (created empty). */
  url: string;
  dir: string;
  /** The postmaster's process id (the bench reads its CPU time and its backends'). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /**
   * fsync on commit, as in production. Default false: tests check behaviour, not power cuts, and an fsync per
   * commit on this shared disk only slows them. The bench turns it on.
   */
  durable?: boolean;
  /** Lines appended to the server's configuration (the bench adds the shipped deploy/postgresql/tikar.conf's). */
  extraConfig?: string;
}

/** Debian installs each major version under /usr/lib/postgresql/N/bin (15 on bookworm, 17 on trixie): the newest. */
function findBinDir(): string {
  if (process.env.TIKAR_PG_BIN) return process.env.TIKAR_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return join(root, versions[0] ?? '15', 'bin');
}
const binDir = findBinDir();

/** uid/gid to run PostgreSQL as: ourselves unless we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (Number.isInteger(uid) && uid > 0) return { uid, gid };
    } catch {
      // try the next candidate
    }
  }
  throw new Error('running as root and found no unprivileged user (postgres, nobody) to run PostgreSQL as');
}

async function waitForPort(port: number, timeoutMs: number, server: ChildProcess, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`postgres exited ${server.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`postgres did not listen on 127.0.0.1:${port} within ${timeoutMs} ms: ${log()}`);
}

function run(file: string, args: string[], user: { uid: number; gid: number } | undefined): void {
  execFileSync(join(binDir, file), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(user ?? {}),
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
}

/** Starts PostgreSQL on a free loopback port with a `tikar` database; trust auth on loopback only. */
export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  if (!existsSync(join(binDir, 'postgres'))) {
    throw new Error(
      `PostgreSQL binaries not found in ${binDir} (apt-get install postgresql, or set TIKAR_PG_BIN)`,
    );
  }
  const user = serverUser();
  const dir = await tmpDir('tikar-pg-');
  const dataDir = join(dir.path, 'data');
  if (user) {
    chownSync(dir.path, user.uid, user.gid);
    chmodSync(dir.path, 0o700);
  }
  run('initdb', ['-D', dataDir, '-U', 'tikar', '--auth=trust', '-E', 'UTF8', '--no-instructions'], user);
  const port = await freePort();
  await writeFile(
    join(dataDir, 'postgresql.auto.conf'),
    [
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dir.path}'`,
      `fsync = ${options.durable ? 'on' : 'off'}`,
      `synchronous_commit = ${options.durable ? 'on' : 'off'}`,
      'full_page_writes = off',
      'max_connections = 60',
      'shared_buffers = 128MB',
      "log_min_messages = 'warning'",
      options.extraConfig ?? '',
      '',
    ].join('\n'),
  );
  if (user) chownSync(join(dataDir, 'postgresql.auto.conf'), user.uid, user.gid);
  let log = '';
  const server = spawn(join(binDir, 'postgres'), ['-D', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(user ?? {}),
  });
  server.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  await waitForPort(port, 20_000, server, () => log);
  // The server accepts connections a moment before it accepts logins; createdb retries until it does.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'tikar', 'tikar'], user);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    url: `postgres://tikar@127.0.0.1:${port}/tikar`,
    dir: dir.path,
    pid: server.pid,
    async stop() {
      if (server.exitCode === null) {
        await new Promise<void>((resolve) => {
          server.once('exit', () => resolve());
          server.kill('SIGINT'); // fast shutdown: abort sessions, checkpoint, exit
        });
      }
      await dir.cleanup();
    },
  };
}
