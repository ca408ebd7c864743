// Where `--out` may write, for every command that writes a file (report, export, zscore). An output file must
// never be one of the command's inputs or any SQLite database, never replace an existing file unless asked
// (`--force`), and never be half-written: it is written beside its target and renamed over it at the end. Its
// format follows its name's extension, or a mismatch is refused (CSV inside `e.xlsx` helps nobody).

import { open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';

export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
}

export interface OutputRules {
  /** Files the command reads (a database, an input CSV): the output may be none of them. */
  inputs?: readonly (string | undefined)[];
  /** Replace an existing ordinary file. */
  force?: boolean;
}

const formatOfExtension: Readonly<Record<string, string>> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.xlsx': 'xlsx',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.json': 'json',
};

/**
 * The format to write: the one asked for, else the one `out`'s extension names among `allowed`, else
 * `fallback`. Refuses a format asked for that the extension contradicts.
 */
export function outputFormat<F extends string>(
  out: string | undefined,
  asked: F | undefined,
  allowed: readonly F[],
  fallback: F,
): F {
  const byName = out === undefined ? undefined : formatOfExtension[extname(out).toLowerCase()];
  const named = allowed.find((format) => format === byName);
  if (asked === undefined) return named ?? fallback;
  if (byName !== undefined && byName !== asked) {
    throw new OutputFileError(
      `--out ${out} names a ${byName.toUpperCase()} file but the format is ${asked}: rename the file or change the format`,
    );
  }
  return asked;
}

/** What a command asks of its output before it starts the work: see `chooseOutput`. */
export interface OutputRequest<F extends string> {
  /** Who speaks on stderr, e.g. `tikar report`. */
  command: string;
  out: string | undefined;
  asked: F | undefined;
  allowed: readonly F[];
  fallback: F;
  rules: OutputRules;
  /** A format that cannot go to standard output (PDF, XLSX). */
  fileOnly?: F;
}

/**
 * The format a command writes (`outputFormat`), with `--out` refused before the (slow) work is done
 * (`checkOutputPath`, throws). Undefined, said on stderr, when the format is `fileOnly` and no `--out` is given.
 */
export async function chooseOutput<F extends string>(request: OutputRequest<F>): Promise<F | undefined> {
  const { out, rules } = request;
  const format = outputFormat(out, request.asked, request.allowed, request.fallback);
  if (out !== undefined) await checkOutputPath(out, rules);
  if (format === request.fileOnly && out === undefined) {
    process.stderr.write(`${request.command}: --out FILE is required for ${format.toUpperCase()}\n`);
    return undefined;
  }
  return format;
}

const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');

async function isSqliteDatabase(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(sqliteMagic.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(sqliteMagic);
  } finally {
    await handle.close();
  }
}

/** Throws an OutputFileError that says why `out` may not be written. */
export async function checkOutputPath(out: string, rules: OutputRules = {}): Promise<void> {
  const target = await stat(out).catch(() => undefined);
  for (const input of rules.inputs ?? []) {
    if (input === undefined) continue;
    const read = await stat(input).catch(() => undefined);
    const same =
      read && target ? read.dev === target.dev && read.ino === target.ino : resolve(input) === resolve(out);
    // SQLite's side files (-wal, -journal) are part of the database too.
    if (same || resolve(out).startsWith(`${resolve(input)}-`))
      throw new OutputFileError(`--out ${out} is this command's input ${input}: choose another output file`);
  }
  if (!target) return;
  if (!target.isFile()) throw new OutputFileError(`--out ${out} is not an ordinary file`);
  if (await isSqliteDatabase(out))
    throw new OutputFileError(`--out ${out} is an SQLite database: never overwritten by an export`);
  if (!rules.force) throw new OutputFileError(`--out ${out} already exists: add --force to replace it`);
}

/** A file being written beside `out` (at `path`): `commit()` renames it over `out`, `abort()` removes it. */
export interface PendingOutput {
  path: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Checks `out`, then creates an empty private (0600) temporary file in its directory. */
export async function openOutputFile(out: string, rules: OutputRules = {}): Promise<PendingOutput> {
  await checkOutputPath(out, rules);
  // Unique, not secret: 'wx' never opens a file that is already there (nor follows a link). Not from
  // node:crypto, whose load (OpenSSL's tables) was a tenth of a small `tikar zscore`'s start.
  const unique = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const path = join(dirname(out), `.${basename(out)}.${unique}.tmp`);
  await (await open(path, 'wx', 0o600)).close();
  let done = false;
  const remove = () => unlink(path).catch(() => undefined);
  return {
    path,
    async commit() {
      done = true;
      const handle = await open(path, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Checked again: the file may have appeared while we were writing.
      await checkOutputPath(out, rules).catch(async (error: unknown) => {
        await remove();
        throw error;
      });
      await rename(path, out);
    },
    async abort() {
      if (done) return;
      done = true;
      await remove();
    },
  };
}

/** Writes all of `content` to `out` by the rules above. */
export async function writeOutputFile(
  out: string,
  content: string | Uint8Array,
  rules: OutputRules = {},
): Promise<void> {
  const pending = await openOutputFile(out, rules);
  try {
    await writeFile(pending.path, content);
  } catch (error) {
    await pending.abort();
    throw error;
  }
  await pending.commit();
}
