// A small JSON file store of calibration profiles and reference checks: one file per mat, written atomically,
// mode 0600 (it names who calibrated). Default directory ./data/calibration/.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ReferenceCheck } from './check.ts';
import { type CalibrationChannel, type CalibrationProfile, calibrationProfileSchema } from './profile.ts';

export const DEFAULT_CALIBRATION_DIR = './data/calibration';

const checkSchema = z.object({
  deviceId: z.string(),
  channel: z.enum(['length', 'weight']),
  calibrationId: z.string(),
  reference: z.number(),
  measured: z
    .number()
    .nullable()
    .transform((value) => value ?? Number.NaN),
  error: z
    .number()
    .nullable()
    .transform((value) => value ?? Number.NaN),
  tolerance: z.number(),
  passed: z.boolean(),
  checkedAt: z.string(),
  message: z.string(),
});

const recordSchema = z.object({
  deviceId: z.string(),
  profiles: z.array(calibrationProfileSchema),
  checks: z.array(checkSchema),
});

export interface DeviceCalibrationRecord {
  deviceId: string;
  profiles: CalibrationProfile[];
  checks: ReferenceCheck[];
}

export class CalibrationStore {
  readonly dir: string;

  constructor(dir: string = DEFAULT_CALIBRATION_DIR) {
    this.dir = dir;
  }

  #file(deviceId: string): string {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(deviceId))
      throw new Error(`deviceId '${deviceId}' is not a valid mat id`);
    return join(this.dir, `${deviceId}.json`);
  }

  /** Everything stored for a mat (empty when nothing is). Throws, naming the file, if the file is damaged. */
  async load(deviceId: string): Promise<DeviceCalibrationRecord> {
    const file = this.#file(deviceId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { deviceId, profiles: [], checks: [] };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${file}: not valid JSON`);
    }
    const parsed = recordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  async #save(record: DeviceCalibrationRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.#file(record.deviceId);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  }

  async saveProfile(profile: CalibrationProfile): Promise<void> {
    const record = await this.load(profile.deviceId);
    record.profiles.push(profile);
    await this.#save(record);
  }

  async recordCheck(check: ReferenceCheck): Promise<void> {
    const record = await this.load(check.deviceId);
    record.checks.push(check);
    await this.#save(record);
  }

  /** The newest profile of a mat's channel. */
  async active(deviceId: string, channel: CalibrationChannel): Promise<CalibrationProfile | undefined> {
    return activeProfile(await this.load(deviceId), channel);
  }

  /** The failed check that blocks the mat, if any (see `blockingCheck`). */
  async blocked(deviceId: string): Promise<ReferenceCheck | undefined> {
    return blockingCheck(await this.load(deviceId));
  }
}

export function activeProfile(
  record: DeviceCalibrationRecord,
  channel: CalibrationChannel,
): CalibrationProfile | undefined {
  let newest: CalibrationProfile | undefined;
  for (const profile of record.profiles) {
    if (profile.channel === channel && (!newest || profile.createdAt >= newest.createdAt)) newest = profile;
  }
  return newest;
}

/**
 * A mat is blocked when the latest reference check of a channel failed and no profile of that channel was made
 * after it: the gateway must then refuse to save that mat's measurements and show the check's message.
 */
export function blockingCheck(record: DeviceCalibrationRecord): ReferenceCheck | undefined {
  for (const channel of ['length', 'weight'] as const) {
    const checks = record.checks.filter((check) => check.channel === channel);
    const latest = checks[checks.length - 1];
    if (!latest || latest.passed) continue;
    const recalibrated = record.profiles.some(
      (profile) => profile.channel === channel && profile.createdAt > latest.checkedAt,
    );
    if (!recalibrated) return latest;
  }
  return undefined;
}
