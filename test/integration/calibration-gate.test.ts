// Issue 3's calibration gate end to end: `tikar calibrate --check` (its own process, a drifting simulated mat)
// fails and writes the calibration store; the gateway using the default store next to its database refuses to
// measure on that mat, over HTTP too, in plain Indonesian and English; `tikar calibrate` makes a new profile
// while the gateway runs, the gateway notices, measures again and saves the new calibration id.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { CalibrationStore } from '../../gateway/store/calibration-files.ts';
import { startWebServer, type WebServer } from '../../gateway/web/server.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { testPins } from '../web/harness.ts';
import { birthDateForAge, measureChild, waitFor } from './helpers.ts';

const tikar = join(import.meta.dirname, '..', '..', 'bin', 'tikar.mjs');
const run = promisify(execFile);

/** `tikar calibrate …`: its exit code and output (a failed check exits non-zero, which is not an error here). */
async function calibrate(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [tikar, 'calibrate', ...args]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '' };
  }
}

describe('calibration gate', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let gateway: RunningGateway;
  let web: WebServer;
  let calibrationDir: string;

  async function call(method: string, path: string, body?: unknown, cookie?: string) {
    const response = await fetch(`${web.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown>, response };
  }
  async function login(role: 'kader' | 'bidan'): Promise<string> {
    const { response } = await call('POST', '/api/login', { role, pin: testPins[role] });
    return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  beforeAll(async () => {
    dir = await tmpDir('tikar-calgate-');
    calibrationDir = join(dir.path, 'calibration'); // where the gateway looks by default: next to its db
    const check = await calibrate([
      ...['--sim', '--scenario', 'drift', '--sim-minutes', '3', '--check', '--ref', '500'],
      ...['--dir', calibrationDir, '--yes'],
    ]);
    expect(check.code).not.toBe(0);
    expect(check.stdout).toMatch(/FAIL/);
    gateway = await startGateway({
      dbPath: join(dir.path, 'tikar.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      sim: { scenario: 'calm', seed: 3, timeScale: 10 },
      record: { enabled: false },
    });
    web = await startWebServer({
      services: gateway.services,
      host: '127.0.0.1',
      port: 0,
      dataDir: dir.path,
      pins: testPins,
    });
  });
  afterAll(async () => {
    await web?.stop();
    await gateway?.services.close();
    await gateway?.stop();
    await dir?.cleanup();
  });

  it('a failed reference check blocks the mat until it is recalibrated; then the new calibration id is saved', async () => {
    const mat = await waitFor('the blocked mat', () =>
      gateway.services.listMats().find((m) => m.calibration === 'check_failed'),
    );
    expect(mat.calibration_message?.en).toMatch(/504\.\d mm .* not saved until it is recalibrated/);
    const child = await gateway.services.registerChild({
      name: 'Sari',
      sex: 2,
      birth_date: birthDateForAge(10),
      mother_name: 'Wati',
    });
    if (!child.ok) throw new Error(child.error.message);

    const bidan = await login('bidan');
    const refused = await call('POST', '/api/sessions', { child_id: child.value.id }, bidan);
    expect(refused.status).toBe(409);
    const error = refused.json.error as { code: string; message: string };
    expect(error.code).toBe('mat_unavailable');
    expect(error.message).toContain('failed its reference-rod check');
    expect(error.message).toContain('gagal cek batang acuan');

    // The check route: bidan and admin only; bad bodies and unknown mats are clear errors.
    const kader = await login('kader');
    const path = `/api/mats/${mat.mat_id}/calibration-check`;
    expect((await call('POST', path, { reference_mm: 500 }, kader)).status).toBe(403);
    expect((await call('POST', path, { reference_mm: 'x' }, bidan)).status).toBe(400);
    expect(
      (await call('POST', '/api/mats/NO-MAT/calibration-check', { reference_mm: 500 }, bidan)).status,
    ).toBe(404);

    // Recalibrated with `tikar calibrate` while the gateway runs: the gateway sees the new profile.
    const fit = await calibrate([
      ...['--sim', '--refs', '400,600,800,1000,1200', '--by', 'teknisi'],
      ...['--dir', calibrationDir, '--yes'],
    ]);
    expect(fit.code).toBe(0);
    const profile = await new CalibrationStore(calibrationDir).active(mat.mat_id, 'length');
    if (!profile) throw new Error('no profile stored');
    await waitFor('the mat calibrated again', () =>
      gateway.services
        .listMats()
        .find((m) => m.calibration === 'calibrated' && m.calibration_id === profile.id),
    );
    const saved = await measureChild(gateway.services, child.value.id);
    expect(saved.measurement.calibration_id).toBe(profile.id);
    expect(saved.measurement.lenhei_cm).not.toBeNull();
  });
});
