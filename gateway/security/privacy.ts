// What leaves the gateway about a child. Every child travels under a pseudonym (HMAC-SHA256 of its id with a
// secret of the village) with what the village record needs for its reports: sex, birth month (ages for SKDN
// "under five" and the 0–23-month KPM forms), posyandu, village, whether it has a KIA book. A measurement never
// carries more; the village register carries what the village's sharing level allows (docs/security.md).
import { createHmac, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { ParseResult } from './acl.ts';
import { pathExists, readPrivateFile } from './private-files.ts';

/**
 * What the village register (`children` messages) may carry:
 * - `pseudonymous`: no name, mother's name, birth date or NIK; birth month instead of birth date;
 * - `register` (default): adds name, mother's name and birth date, so other posyandu of the village can find
 *   a child registered elsewhere (the reason the village register exists);
 * - `full`: adds the NIK as well (a village that exports e-PPGBM from the record).
 */
export const sharingLevels = ['pseudonymous', 'register', 'full'] as const;
export type SharingLevel = (typeof sharingLevels)[number];
export const defaultSharingLevel: SharingLevel = 'register';

export const personalChildFields = ['name', 'mother_name', 'birth_date', 'nik'] as const;
export type PersonalChildField = (typeof personalChildFields)[number];

const sharedPersonalFields: Record<SharingLevel, ReadonlySet<PersonalChildField>> = {
  pseudonymous: new Set(),
  register: new Set(['name', 'mother_name', 'birth_date']),
  full: new Set(personalChildFields),
};

export function parseSharingLevel(value: string): ParseResult<SharingLevel> {
  const level = sharingLevels.find((candidate) => candidate === value);
  return level
    ? { ok: true, value: level }
    : { ok: false, error: `sharing level '${value}': expected one of ${sharingLevels.join(', ')}` };
}

/** The fields a child record must have for the filter (the store's and the wire's child both do). */
export interface PersonalChild {
  name: string;
  mother_name: string;
  birth_date: string; // YYYY-MM-DD
  nik: string | null;
}

export type SharedChild<T extends PersonalChild> = Omit<T, PersonalChildField> &
  Partial<Pick<T, PersonalChildField>> & { birth_month: string };

/** A copy of `child` holding only what `level` lets leave the gateway (never mutates the input). */
export function shareChild<T extends PersonalChild>(child: T, level: SharingLevel): SharedChild<T> {
  const allowed: ReadonlySet<string> = sharedPersonalFields[level];
  const personal: ReadonlySet<string> = new Set(personalChildFields);
  const shared = Object.fromEntries(
    Object.entries(child).filter(([key]) => !personal.has(key) || allowed.has(key)),
  );
  shared.birth_month = child.birth_date.slice(0, 7);
  return shared as SharedChild<T>;
}

/** Bytes of a village secret: 256 bits, like the HMAC-SHA256 output. */
const secretBytes = 32;

/**
 * The child's stable pseudonym in the village: HMAC-SHA256(village secret, child id), first 128 bits in hex.
 * Without the secret it cannot be linked back to the child id, nor guessed from a list of ids.
 */
export function pseudonymousChildId(childId: string, villageSecret: Buffer): string {
  if (villageSecret.length < secretBytes)
    throw new RangeError(`village secret must be at least ${secretBytes} bytes`);
  return createHmac('sha256', villageSecret).update(childId, 'utf8').digest('hex').slice(0, 32);
}

/** Writes a fresh village secret (hex, 0600); refuses to replace one, since every pseudonym depends on it. */
export async function createVillageSecret(path: string): Promise<Buffer> {
  const secret = randomBytes(secretBytes);
  await writeFile(path, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** Reads a village secret; configuration errors name the file. */
export async function loadVillageSecret(path: string): Promise<Buffer> {
  if (!(await pathExists(path))) {
    throw new Error(`village secret ${path}: file not found (create it with 'tikar pki accounts')`);
  }
  const text = (await readPrivateFile(path, 'village secret')).trim();
  if (!/^[0-9a-f]+$/i.test(text) || text.length < secretBytes * 2) {
    throw new Error(`village secret ${path}: expected at least ${secretBytes * 2} hex digits`);
  }
  return Buffer.from(text, 'hex');
}

/** The zero-config default: the secret beside the database, created on first start (a bundle brings its own). */
export async function ensureVillageSecret(path: string): Promise<Buffer> {
  try {
    return await createVillageSecret(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadVillageSecret(path);
  }
}
