// Files holding secrets or personal data: written so only their owner can read them, and refused when read
// back if anyone else could have (as ssh refuses a private key others can read).
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Reads a secret file; `what` names it in errors (an option or a setting). */
export async function readPrivateFile(path: string, what: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`${what} ${path}: file not found`);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`${what} ${path} holds a secret but is readable by others: chmod 600 ${path}`);
  }
  return readFile(path, 'utf8');
}

/** Writes a file only its owner can read, also when it already existed with a wider mode. */
export async function writePrivateFile(path: string, data: string | Buffer): Promise<void> {
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600);
}
