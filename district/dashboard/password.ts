// The dashboard's password (one for the district team), scrypt-hashed as the gateway hashes its PINs, in a
// 0600 JSON file in the data directory. Set by TIKAR_DASHBOARD_PASSWORD; on a first start without it, a random
// one is made and shown once.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { hashedPinSchema, hashPin, matches } from '../../gateway/web/auth/pin-store.ts';

const fileSchema = z.object({ version: z.literal(1), password: hashedPinSchema });

/** A PIN (4–12 digits) or a password of 8–128 characters. */
export function checkPassword(password: string): string | undefined {
  if (/^[0-9]{4,12}$/.test(password)) return undefined;
  return password.length >= 8 && password.length <= 128
    ? undefined
    : 'a PIN of 4-12 digits or a password of 8-128 characters';
}

export interface PasswordStore {
  verify(password: string): Promise<boolean>;
  /** The password made on this start (none was stored or given), to show once. */
  generated: string | undefined;
}

export async function openPasswordStore(dataDir: string, preset: string | undefined): Promise<PasswordStore> {
  const path = join(dataDir, 'dashboard-password.json');
  if (preset !== undefined) {
    const problem = checkPassword(preset);
    if (problem) throw new Error(`TIKAR_DASHBOARD_PASSWORD must be ${problem}`);
  }
  let stored: z.infer<typeof hashedPinSchema> | undefined;
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path}: not a valid password file`);
    stored = parsed.data.password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let generated: string | undefined;
  if (preset !== undefined || stored === undefined) {
    if (preset === undefined) generated = randomBytes(9).toString('base64url');
    stored = await hashPin(preset ?? (generated as string));
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const temp = `${path}.tmp`;
    await writeFile(temp, `${JSON.stringify({ version: 1, password: stored })}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, path);
  }
  const hashed = stored;
  return {
    generated,
    verify: (password) =>
      checkPassword(password) === undefined ? matches(password, hashed) : Promise.resolve(false),
  };
}
