// PINs per role, hashed with scrypt (node:crypto) in a 0600 JSON file in the data directory.
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type Role, roles } from './sessions.ts';

/** scrypt cost: about 30 ms per check on a Pi 4 class core, 16 MiB of memory. */
const scryptParams = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

export const pinPattern = /^[0-9]{4,12}$/;

export const hashedPinSchema = z.object({
  saltB64: z.string(),
  hashB64: z.string(),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
});
const pinFileSchema = z.object({
  version: z.literal(1),
  pins: z.object({ kader: hashedPinSchema, bidan: hashedPinSchema, admin: hashedPinSchema }),
});
export type HashedPin = z.infer<typeof hashedPinSchema>;
type PinFile = z.infer<typeof pinFileSchema>;

/**
 * At most this many scrypt runs at once (16 MiB each): a burst of logins must not exhaust a Pi Zero's 512 MB.
 * Further checks wait their turn.
 */
const maxConcurrentHashes = 2;
let runningHashes = 0;
const waitingHashes: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  // A finishing run hands its slot straight to the next waiter, so the count never overshoots.
  if (runningHashes >= maxConcurrentHashes) await new Promise<void>((resolve) => waitingHashes.push(resolve));
  else runningHashes++;
  try {
    return await work();
  } finally {
    const next = waitingHashes.shift();
    if (next) next();
    else runningHashes--;
  }
}

function scryptAsync(pin: string, salt: Buffer, params: HashedPin): Promise<Buffer> {
  return withHashSlot(() => scryptOnce(pin, salt, params));
}

function scryptOnce(pin: string, salt: Buffer, params: HashedPin): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      pin,
      salt,
      scryptParams.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPin(pin: string): Promise<HashedPin> {
  const salt = randomBytes(16);
  const params = { N: scryptParams.N, r: scryptParams.r, p: scryptParams.p };
  const key = await scryptAsync(pin, salt, { saltB64: '', hashB64: '', ...params });
  return { saltB64: salt.toString('base64'), hashB64: key.toString('base64'), ...params };
}

export async function matches(pin: string, stored: HashedPin): Promise<boolean> {
  const expected = Buffer.from(stored.hashB64, 'base64');
  const key = await scryptAsync(pin, Buffer.from(stored.saltB64, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Why a PIN is too easy to guess, or undefined: one digit repeated (`0000`), or a run up or down (`1234`,
 * `9876`, `7890`) — the first PINs anyone tries.
 */
export function trivialPinReason(pin: string): string | undefined {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((digit, i) => (digit - (digits[i] ?? 0) + 10) % 10));
  if (steps.size !== 1) return undefined;
  const [step] = [...steps];
  if (step === 0) return 'PIN is one digit repeated: choose one that is harder to guess';
  if (step === 1 || step === 9) return 'PIN is a run of digits: choose one that is harder to guess';
  return undefined;
}

/** A random PIN of `digits` digits (leading zeros allowed, never a trivial one), from the OS CSPRNG. */
export function randomPin(digits = 6): string {
  for (;;) {
    let pin = '';
    for (let i = 0; i < digits; i++) pin += String(randomInt(10));
    if (trivialPinReason(pin) === undefined) return pin;
  }
}

export interface PinStore {
  verify(role: Role, pin: string): Promise<boolean>;
  set(role: Role, pin: string): Promise<void>;
}

export interface OpenedPinStore {
  store: PinStore;
  /** PINs generated on this start (first run): shown once to the operator, never stored in clear. */
  seeded: Partial<Record<Role, string>>;
  path: string;
}

/**
 * Opens (or creates) `web-pins.json` in `dataDir`. `preset` PINs (from options or the environment) replace
 * the stored ones; roles with no stored PIN and no preset get a random one, returned in `seeded`.
 */
export async function openPinStore(
  dataDir: string,
  preset: Partial<Record<Role, string>> = {},
): Promise<OpenedPinStore> {
  const path = join(dataDir, 'web-pins.json');
  for (const [role, pin] of Object.entries(preset)) {
    if (pin !== undefined && !pinPattern.test(pin)) {
      throw new Error(`PIN for role '${role}' must be 4 to 12 digits`);
    }
    const trivial = pin === undefined ? undefined : trivialPinReason(pin);
    if (trivial) throw new Error(`PIN for role '${role}': ${trivial}`);
  }
  let current: Partial<PinFile['pins']> = {};
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const parsed = pinFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Error(`${path}: not a valid PIN file (${parsed.error.issues[0]?.message})`);
    current = parsed.data.pins;
  }
  const seeded: Partial<Record<Role, string>> = {};
  const pins: Partial<PinFile['pins']> = { ...current };
  for (const role of roles) {
    const presetPin = preset[role];
    if (presetPin !== undefined) pins[role] = await hashPin(presetPin);
    else if (!pins[role]) {
      const pin = randomPin();
      seeded[role] = pin;
      pins[role] = await hashPin(pin);
    }
  }
  const complete = pins as PinFile['pins'];
  const changed = text === undefined || Object.keys(preset).length > 0 || Object.keys(seeded).length > 0;
  await mkdir(dataDir, { recursive: true });
  if (changed) await save(path, complete);

  const store: PinStore = {
    verify: (role, pin) => (pinPattern.test(pin) ? matches(pin, complete[role]) : Promise.resolve(false)),
    async set(role, pin) {
      if (!pinPattern.test(pin)) throw new Error('PIN must be 4 to 12 digits');
      const trivial = trivialPinReason(pin);
      if (trivial) throw new Error(trivial);
      complete[role] = await hashPin(pin);
      await save(path, complete);
    },
  };
  return { store, seeded, path };
}

async function save(path: string, pins: PinFile['pins']): Promise<void> {
  const file: PinFile = { version: 1, pins };
  const temp = `${path}.tmp`;
  await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}
