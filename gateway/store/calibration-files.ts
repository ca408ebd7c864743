// The calibration file store: a mat's profiles and reference checks in a small JSON file, one per mat,
// written atomically, mode 0600 (it names who calibrated). Default directory ./data/calibration/.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  activeProfile,
  blockingCheck,
  type CalibrationChannel,
  type CalibrationProfile,
  calibrationRecordSchema,
  type DeviceCalibrationRecord,
  type ReferenceCheck,
} from '../../calibration/index.ts';
import { DEFAULT_CALIBRATION_DIR } from './calibration-dir.ts';

export { DEFAULT_CALIBRATION_DIR };

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
    const parsed = calibrationRecordSchema.safeParse(json);
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
