// mosquitto's password_file format, written and checked here so that the built-in broker accepts exactly the
// file mosquitto reads. A line is `username:$7$<iterations>$<salt base64>$<hash base64>` where the hash is
// PBKDF2-HMAC-SHA512 (64 bytes) of the password; mosquitto 2.0 honours the iteration count in the line.
// The older `$6$<salt>$<hash>` lines (SHA-512 of password then salt, mosquitto ≤ 1.6) are still verified.
import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ParseResult } from './acl.ts';

const pbkdf2Async = promisify(pbkdf2);

/** Username → hash field (everything after the ':'). */
export type PasswordTable = ReadonlyMap<string, string>;

const saltBytes = 12;
const hashBytes = 64;
/** PBKDF2 rounds for new hashes: mosquitto_passwd uses 101; a connect is rare, so we can afford far more. */
export const defaultPasswordIterations = 100_000;

export async function hashPassword(
  password: string,
  iterations = defaultPasswordIterations,
): Promise<string> {
  const salt = randomBytes(saltBytes);
  const hash = await pbkdf2Async(password, salt, iterations, hashBytes, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Checks a password against one hash field; false for any malformed field. */
export async function verifyPassword(hashField: string, password: string): Promise<boolean> {
  const parts = hashField.split('$');
  if (parts[1] === '7' && parts.length === 5) {
    const iterations = Number(parts[2]);
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
    const salt = Buffer.from(parts[3] ?? '', 'base64');
    const expected = Buffer.from(parts[4] ?? '', 'base64');
    if (expected.length !== hashBytes) return false;
    const actual = await pbkdf2Async(password, salt, iterations, hashBytes, 'sha512');
    return timingSafeEqual(actual, expected);
  }
  if (parts[1] === '6' && parts.length === 4) {
    const salt = Buffer.from(parts[2] ?? '', 'base64');
    const expected = Buffer.from(parts[3] ?? '', 'base64');
    const actual = createHash('sha512').update(password).update(salt).digest();
    return expected.length === actual.length && timingSafeEqual(actual, expected);
  }
  return false;
}

export function renderPasswordFile(table: PasswordTable): string {
  return [...table].map(([user, hash]) => `${user}:${hash}\n`).join('');
}

export function parsePasswordFile(text: string): ParseResult<PasswordTable> {
  const table = new Map<string, string>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || !line.slice(colon + 1).startsWith('$')) {
      return { ok: false, error: `password line ${index + 1}: expected 'username:$7$…' (a hashed password)` };
    }
    table.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return { ok: true, value: table };
}

/** Loads a password_file; a configuration error names the file. */
export async function loadPasswordFile(path: string): Promise<PasswordTable> {
  const parsed = parsePasswordFile(await readFile(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error}`);
  return parsed.value;
}
