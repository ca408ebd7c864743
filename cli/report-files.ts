// What `tikar report` and `tikar export` share once their options are parsed (loaded only then): the settings
// and place files, reading the rows from the database read-only, and writing the result 0600.
import { readFile } from 'node:fs/promises';
import type { EppgbmPlace } from '../gateway/reports/eppgbm.ts';
import {
  defaultReportSettings,
  type ReportSettings,
  validateReportSettings,
} from '../gateway/reports/settings.ts';
import type { ReportData, ReportPlace } from '../gateway/reports/types.ts';
import { OutputFileError, type OutputRules, writeOutputFile } from './output-file.ts';

/** A configuration problem: the command prints it and exits with code 2. */
export class ConfigError extends Error {}

/** A problem with a file the user named (settings, place, output): exit code 2, not 1. */
export const isUsageError = (error: unknown): boolean =>
  error instanceof ConfigError || error instanceof OutputFileError;

async function readJson(path: string, option: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${option}: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${option}: ${path} is not a JSON object: ${(error as Error).message}`);
  }
}

/** `--settings FILE`: { kbmTable?, matColours? } over the defaults, validated. */
export async function loadSettings(path: string | undefined): Promise<ReportSettings> {
  if (path === undefined) return defaultReportSettings;
  const json = await readJson(path, '--settings');
  const merged = { ...defaultReportSettings, ...json } as ReportSettings;
  try {
    return validateReportSettings(merged);
  } catch (error) {
    throw new ConfigError(`--settings ${path}: ${(error as Error).message}`);
  }
}

export type PlaceFile = Omit<ReportPlace, 'posyanduId'> & EppgbmPlace;

const placeKeys = [
  'posyanduName',
  'villageName',
  'provinsi',
  'kabupatenKota',
  'kecamatan',
  'puskesmas',
  'desaKelurahan',
  'posyandu',
] as const;

/** `--place FILE`: names for headings and e-PPGBM's administrative columns; every value must be text. */
export async function loadPlace(path: string | undefined): Promise<PlaceFile> {
  if (path === undefined) return {};
  const json = await readJson(path, '--place');
  const place: PlaceFile = {};
  for (const [key, value] of Object.entries(json)) {
    if (!(placeKeys as readonly string[]).includes(key)) {
      throw new ConfigError(`--place ${path}: unknown key '${key}' (known: ${placeKeys.join(', ')})`);
    }
    if (typeof value !== 'string') throw new ConfigError(`--place ${path}: '${key}' must be text`);
    place[key as (typeof placeKeys)[number]] = value;
  }
  return place;
}

/** Opens the gateway's (or village record's) database read-only and loads one posyandu's rows (or all). */
export async function loadFromDb(path: string, posyanduId: string | undefined): Promise<ReportData> {
  // Loaded only to read: a command's `--help` does not load the store.
  const [{ openDb }, { loadReportData }] = await Promise.all([
    import('../gateway/store/index.ts'),
    import('../gateway/reports/load.ts'),
  ]);
  const db = await openDb(path, { readonly: true });
  try {
    return await loadReportData(db, posyanduId);
  } finally {
    await db.close();
  }
}

let stdoutGuarded = false;

/** A reader that stops early (`| head`) closes the pipe: that ends our output, it is not a failure. */
function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    process.stderr.write(`cannot write to standard output: ${error.message}\n`);
    process.exitCode = 1;
  });
}

/** Writes to `--out` (mode 0600, by the rules of `cli/output-file.ts`) or to standard output. */
export async function emit(
  out: string | undefined,
  content: string | Uint8Array,
  rules: OutputRules,
): Promise<void> {
  if (out !== undefined) {
    await writeOutputFile(out, content, rules);
    return;
  }
  guardStdout();
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(content, (error) => {
      if (!error || (error as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else reject(error);
    }),
  );
}
