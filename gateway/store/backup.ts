// `tikar backup`: a consistent copy of the live database, taken with SQLite's online backup API while the
// gateway keeps writing (WAL readers do not block writers), written 0600, optionally encrypted with a passphrase.
//
// Encrypted file layout (all integers big-endian):
//   magic "TIKARBK1" (8) | scrypt log2(N) (1) | r (1) | p (1) | salt (16) | AES-256-GCM nonce (12) | ciphertext | tag (16)
// The header (everything before the ciphertext) is authenticated as additional data, so tampering with the KDF
// parameters is detected like tampering with the data.
//
// The copy itself (SQLite's backup API, the integrity check) is db.ts's, the only sqlite3 import.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathExists } from '../security/private-files.ts';
import { checkIntegrity, onlineBackup } from './db.ts';

const magic = Buffer.from('TIKARBK1', 'ascii');
const saltBytes = 16;
const nonceBytes = 12;
const tagBytes = 16;
const headerBytes = magic.length + 3 + saltBytes + nonceBytes;

/** scrypt cost: N = 2^16, r = 8 → 64 MiB and well under a second on a Raspberry Pi 4. */
export interface KdfParams {
  log2N: number;
  r: number;
  p: number;
}
export const defaultKdf: KdfParams = { log2N: 16, r: 8, p: 1 };

function deriveKey(passphrase: string, salt: Buffer, kdf: KdfParams): Promise<Buffer> {
  const N = 2 ** kdf.log2N;
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32, { N, r: kdf.r, p: kdf.p, maxmem: 256 * N * kdf.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** An empty file, 0600, that must not exist yet: a backup never silently replaces another. */
async function createPrivateFile(path: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  await handle.close();
}

export interface BackupOptions {
  dbPath: string;
  outPath: string;
  /** Encrypt with this passphrase (scrypt + AES-256-GCM); plain SQLite file otherwise. */
  passphrase?: string;
  kdf?: KdfParams;
}

export interface BackupResult {
  outPath: string;
  bytes: number;
  encrypted: boolean;
}

export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  await stat(options.dbPath).catch(() => {
    throw new Error(`database ${options.dbPath} not found`);
  });
  if (await pathExists(options.outPath)) {
    throw new Error(`${options.outPath} exists: refusing to replace it`);
  }
  if (options.passphrase === undefined) {
    await createPrivateFile(options.outPath);
    try {
      await onlineBackup(options.dbPath, options.outPath);
    } catch (error) {
      await rm(options.outPath, { force: true });
      throw error;
    }
    return { outPath: options.outPath, bytes: (await stat(options.outPath)).size, encrypted: false };
  }
  if (options.passphrase.length < 8) throw new Error('backup passphrase: use at least 8 characters');

  // The plain copy lives only in a private (0700) directory next to the output, and is removed afterwards.
  const workDir = await mkdtemp(join(dirname(options.outPath), '.tikar-backup-'));
  try {
    const plainPath = join(workDir, 'plain.db');
    await createPrivateFile(plainPath);
    await onlineBackup(options.dbPath, plainPath);
    await encryptFile(plainPath, options.outPath, options.passphrase, options.kdf ?? defaultKdf);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return { outPath: options.outPath, bytes: (await stat(options.outPath)).size, encrypted: true };
}

async function encryptFile(
  plainPath: string,
  outPath: string,
  passphrase: string,
  kdf: KdfParams,
): Promise<void> {
  const salt = randomBytes(saltBytes);
  const nonce = randomBytes(nonceBytes);
  const header = Buffer.concat([magic, Buffer.from([kdf.log2N, kdf.r, kdf.p]), salt, nonce]);
  const key = await deriveKey(passphrase, salt, kdf);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(header);
  const out = createWriteStream(outPath, { flags: 'wx', mode: 0o600 });
  try {
    out.write(header);
    await pipeline(createReadStream(plainPath), cipher, out, { end: false });
    await new Promise<void>((resolve, reject) =>
      out.end(cipher.getAuthTag(), () => resolve()).once('error', reject),
    );
  } catch (error) {
    out.destroy();
    await rm(outPath, { force: true });
    throw error;
  }
}

export interface DecryptOptions {
  inPath: string;
  outPath: string;
  passphrase: string;
}

/** Restores an encrypted backup to a plain SQLite file (0600), checked with `PRAGMA integrity_check`. */
export async function decryptBackup(options: DecryptOptions): Promise<{ outPath: string; bytes: number }> {
  const handle = await open(options.inPath, 'r').catch(() => {
    throw new Error(`backup ${options.inPath} not found`);
  });
  let header: Buffer;
  let tag: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    header = Buffer.alloc(headerBytes);
    tag = Buffer.alloc(tagBytes);
    if (size < headerBytes + tagBytes)
      throw new Error(`backup ${options.inPath}: too short to be an encrypted backup`);
    await handle.read(header, 0, headerBytes, 0);
    await handle.read(tag, 0, tagBytes, size - tagBytes);
  } finally {
    await handle.close();
  }
  if (!header.subarray(0, magic.length).equals(magic)) {
    throw new Error(
      `backup ${options.inPath}: not an encrypted Tikar backup (a plain backup needs no --decrypt)`,
    );
  }
  const kdf: KdfParams = {
    log2N: header[magic.length] ?? 0,
    r: header[magic.length + 1] ?? 0,
    p: header[magic.length + 2] ?? 0,
  };
  if (kdf.log2N < 10 || kdf.log2N > 22 || kdf.r < 1 || kdf.r > 32 || kdf.p < 1 || kdf.p > 16) {
    throw new Error(`backup ${options.inPath}: damaged header (key-derivation parameters out of range)`);
  }
  const salt = header.subarray(magic.length + 3, magic.length + 3 + saltBytes);
  const nonce = header.subarray(headerBytes - nonceBytes);
  const key = await deriveKey(options.passphrase, salt, kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(header);
  decipher.setAuthTag(tag);

  try {
    await pipeline(
      createReadStream(options.inPath, { start: headerBytes, end: size - tagBytes - 1 }),
      decipher,
      createWriteStream(options.outPath, { flags: 'wx', mode: 0o600 }),
    );
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    if (!exists) await rm(options.outPath, { force: true });
    throw new Error(
      exists
        ? `${options.outPath} exists: refusing to replace it`
        : `backup ${options.inPath}: wrong passphrase, or the file is damaged`,
    );
  }
  const integrity = await checkIntegrity(options.outPath);
  if (integrity !== 'ok')
    throw new Error(`restored database ${options.outPath} fails its integrity check: ${integrity}`);
  return { outPath: options.outPath, bytes: (await stat(options.outPath)).size };
}
