// The only sqlite3 import. One connection per file; every statement goes through one queue, so a
// transaction is never interleaved with another caller's statements (sqlite3's callbacks are async).

import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sqlite3 from 'sqlite3';
import { migrate } from './migrations.ts';

export type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

/** What a repository needs: run, get, all. Given to transaction bodies and used by the Db itself. */
export interface Sql {
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  get<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

export interface Db extends Sql {
  readonly path: string;
  /**
   * Runs `body` inside BEGIN IMMEDIATE … COMMIT with no other statement in between; rolls back if it throws.
   * `durable: false` skips the fsync for bookkeeping that may be lost in a power cut (still atomic).
   */
  transaction<T>(body: (tx: Sql) => Promise<T>, options?: { durable?: boolean }): Promise<T>;
  /**
   * Runs `body` inside a read transaction (one snapshot, no write lock) with no other statement in between:
   * for reading a large result in pages that still agree with each other.
   */
  snapshot<T>(body: (tx: Sql) => Promise<T>): Promise<T>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** fsync on every commit (WAL + synchronous=FULL): a saved measurement survives a power cut. Default true. */
  durable?: boolean;
  readonly?: boolean;
  /**
   * Run `PRAGMA quick_check` before anything else, for at most this long (a huge file is not held up: the check
   * is interrupted and start-up goes on). A damaged file is refused at start rather than at the kader's save.
   */
  quickCheckMs?: number;
}

export class DatabaseDamagedError extends Error {
  override readonly name = 'DatabaseDamagedError';
}

/** quick_check's findings, [] when the file is sound or the time ran out (then `timedOut`). */
async function quickCheck(
  raw: sqlite3.Database,
  limitMs: number,
): Promise<{ problems: string[]; timedOut: boolean }> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    raw.interrupt();
  }, limitMs);
  try {
    const rows = await promisedAll<{ quick_check: string }>(raw, 'PRAGMA quick_check(5)', []);
    const problems = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
    return { problems, timedOut: false };
  } catch (error) {
    if (timedOut) return { problems: [], timedOut };
    return { problems: [(error as Error).message], timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

function promisedRun(raw: sqlite3.Database, sql: string, params: readonly SqlValue[]) {
  return new Promise<{ changes: number }>((resolve, reject) => {
    raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
      if (err) reject(err);
      else resolve({ changes: this.changes });
    });
  });
}

function promisedGet<T>(raw: sqlite3.Database, sql: string, params: readonly SqlValue[]) {
  return new Promise<T | undefined>((resolve, reject) => {
    raw.get<T>(sql, params, (err, row) => (err ? reject(err) : resolve(row)));
  });
}

function promisedAll<T>(raw: sqlite3.Database, sql: string, params: readonly SqlValue[]) {
  return new Promise<T[]>((resolve, reject) => {
    raw.all<T>(sql, params, (err, rows) => (err ? reject(err) : resolve(rows)));
  });
}

function promisedExec(raw: sqlite3.Database, sql: string) {
  return new Promise<void>((resolve, reject) => raw.exec(sql, (err) => (err ? reject(err) : resolve())));
}

/** Creates the directory (0700) and the file (0600) before SQLite does, so personal data is never world-readable. */
function createPrivateFile(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // An existing directory of ours is narrowed too (mkdir leaves its mode alone); never a shared one such as
  // /tmp (sticky) or one owned by someone else.
  const info = statSync(dir);
  if ((info.mode & 0o077) !== 0 && (info.mode & 0o1000) === 0 && info.uid === process.getuid?.()) {
    chmodSync(dir, 0o700);
  }
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/** Opens (creating if needed) the database and runs the numbered migrations. */
export async function openDb(path: string, options: OpenOptions = {}): Promise<Db> {
  const readonly = options.readonly ?? false;
  if (!readonly && path !== ':memory:') createPrivateFile(path);
  const mode = readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
  const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(path, mode, (err) =>
      err ? reject(new Error(`cannot open database ${path}: ${err.message}`)) : resolve(opened),
    );
  });
  raw.configure('busyTimeout', 5000);
  if (options.quickCheckMs !== undefined) {
    const checked = await quickCheck(raw, options.quickCheckMs);
    if (checked.problems.length > 0) {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
      throw new DatabaseDamagedError(
        `database ${path} is damaged (${checked.problems[0]?.slice(0, 200)}); Tikar will not start on it. ` +
          `Keep this file for repair, and restore the newest backup made by 'tikar backup' ` +
          `(in ${join(dirname(path), 'backups')}; an encrypted one with 'tikar backup --decrypt FILE --out ${path}').`,
      );
    }
  }

  // One queue for everything: a statement waits for the previous one (or a whole transaction) to finish.
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
  const direct: Sql = {
    run: (sql, params = []) => promisedRun(raw, sql, params),
    get: <T extends Row = Row>(sql: string, params: readonly SqlValue[] = []) =>
      promisedGet<T>(raw, sql, params),
    all: <T extends Row = Row>(sql: string, params: readonly SqlValue[] = []) =>
      promisedAll<T>(raw, sql, params),
  };

  const durable = options.durable ?? true;
  const db: Db = {
    path,
    run: (sql, params) => enqueue(() => direct.run(sql, params)),
    get: <T extends Row = Row>(sql: string, params?: readonly SqlValue[]) =>
      enqueue(() => direct.get<T>(sql, params)),
    all: <T extends Row = Row>(sql: string, params?: readonly SqlValue[]) =>
      enqueue(() => direct.all<T>(sql, params)),
    exec: (sql) => enqueue(() => promisedExec(raw, sql)),
    transaction: <T>(body: (tx: Sql) => Promise<T>, txOptions: { durable?: boolean } = {}) =>
      enqueue(async () => {
        const relaxed = txOptions.durable === false && durable;
        if (relaxed) await promisedExec(raw, 'PRAGMA synchronous = NORMAL');
        try {
          await promisedExec(raw, 'BEGIN IMMEDIATE');
          try {
            const result = await body(direct);
            await promisedExec(raw, 'COMMIT');
            return result;
          } catch (error) {
            await promisedExec(raw, 'ROLLBACK').catch(() => undefined);
            throw error;
          }
        } finally {
          if (relaxed) await promisedExec(raw, 'PRAGMA synchronous = FULL');
        }
      }),
    snapshot: <T>(body: (tx: Sql) => Promise<T>) =>
      enqueue(async () => {
        await promisedExec(raw, 'BEGIN');
        try {
          return await body(direct);
        } finally {
          await promisedExec(raw, 'COMMIT').catch(() => undefined);
        }
      }),
    close: () =>
      enqueue(
        () => new Promise<void>((resolve, reject) => raw.close((err) => (err ? reject(err) : resolve()))),
      ),
  };

  if (!readonly) {
    await db.exec(
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${durable ? 'FULL' : 'NORMAL'}; PRAGMA foreign_keys = ON;`,
    );
    await migrate(db);
  } else {
    await db.exec('PRAGMA foreign_keys = ON;');
  }
  return db;
}

/** True when the error is a SQLite constraint violation (UNIQUE, CHECK, FOREIGN KEY). */
export function isConstraintError(error: unknown): boolean {
  return (
    error instanceof Error && 'code' in error && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT'
  );
}

// The online backup and the integrity check of a file, through their own read-only connection.

// sqlite3's Backup object is not in its type declarations; this is the part we use.
interface SqliteBackup {
  step(pages: number, callback: (error: Error | null) => void): void;
  finish(callback?: (error: Error | null) => void): void;
  readonly completed: boolean;
  readonly failed: boolean;
}
type BackupCapableDatabase = sqlite3.Database & {
  backup(filename: string, callback: (error: Error | null) => void): SqliteBackup;
};

function openDatabase(path: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(path, mode, (error) =>
      error ? reject(new Error(`cannot open database ${path}: ${error.message}`)) : resolve(db),
    );
  });
}

function closeDatabase(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

/**
 * Copies a database file with SQLite's online backup API, in one step: one read transaction, hence one
 * consistent snapshot while the gateway keeps writing (`tikar backup`, store/backup.ts).
 */
export async function onlineBackup(sourcePath: string, destinationPath: string): Promise<void> {
  const source = (await openDatabase(sourcePath, sqlite3.OPEN_READONLY)) as BackupCapableDatabase;
  try {
    source.configure('busyTimeout', 5000);
    await new Promise<void>((resolve, reject) => {
      const backup = source.backup(destinationPath, (error) => {
        if (error) return reject(new Error(`backup of ${sourcePath} failed to start: ${error.message}`));
        backup.step(-1, (stepError) => {
          backup.finish();
          if (stepError || !backup.completed) {
            reject(new Error(`backup of ${sourcePath} failed: ${stepError?.message ?? 'incomplete'}`));
          } else resolve();
        });
      });
    });
  } finally {
    await closeDatabase(source);
  }
}

/** `PRAGMA integrity_check` on a database file; resolves to 'ok' or SQLite's complaint. */
export async function checkIntegrity(path: string): Promise<string> {
  const db = await openDatabase(path, sqlite3.OPEN_READONLY);
  try {
    return await new Promise<string>((resolve, reject) =>
      db.get<{ integrity_check: string }>('PRAGMA integrity_check', (error, row) =>
        error ? reject(error) : resolve(row?.integrity_check ?? 'no answer'),
      ),
    );
  } finally {
    await closeDatabase(db);
  }
}
