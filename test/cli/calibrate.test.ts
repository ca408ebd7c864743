// `tikar calibrate` on the simulated mat: a stored profile that recovers the sensor, a refused fit, and a
// reference-rod check that blocks the mat once the sensor has drifted.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCalibration, invertModel, simLengthProfile } from '../../calibration/index.ts';
import { CalibrationStore } from '../../gateway/store/calibration-files.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const run = promisify(execFile);

async function tikar(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/tikar.mjs', 'calibrate', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let dir: Awaited<ReturnType<typeof tmpDir>>;
beforeAll(async () => {
  dir = await tmpDir();
});
afterAll(async () => {
  await dir.cleanup();
});

describe('tikar calibrate --sim', () => {
  it('fits rods by least squares, shows the residuals, stores a 0600 profile that reads within 0.1 mm', async () => {
    const calDir = `${dir.path}/fit`;
    const result = await tikar([
      '--sim',
      '--refs',
      '400,600,800,1000,1200',
      '--by',
      'Bu Sari',
      '--dir',
      calDir,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/residual mm/);
    expect(result.stdout).toMatch(/saved cal-SIM-0001-length-/);
    expect((await stat(`${calDir}/SIM-0001.json`)).mode & 0o777).toBe(0o600);
    const profile = await new CalibrationStore(calDir).active('SIM-0001', 'length');
    expect(profile?.createdBy).toBe('Bu Sari');
    expect(profile?.points).toHaveLength(5);
    for (const mm of [450, 750, 1150]) {
      const counts = invertModel(simLengthProfile.model, mm);
      expect(Math.abs(applyCalibration(profile ?? simLengthProfile, counts) - mm)).toBeLessThan(0.1);
    }
  });

  it('refuses a fit above 1 mm (a noisy sensor) and stores nothing', async () => {
    const calDir = `${dir.path}/refused`;
    const result = await tikar([
      '--sim',
      '--scenario',
      'noise',
      '--settle',
      '0',
      '--refs',
      '400,500,700,1000',
      '--dir',
      calDir,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/refused: worst residual .* above the 1 mm limit/);
    expect(await new CalibrationStore(calDir).active('SIM-0001', 'length')).toBeUndefined();
  });

  it('--check passes on a good mat, fails in plain words on a drifted one, and the failure blocks the mat', async () => {
    const calDir = `${dir.path}/check`;
    const pass = await tikar(['--sim', '--check', '--ref', '1000', '--dir', calDir]);
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/^PASS: .*can be used/);
    const fail = await tikar([
      '--sim',
      '--scenario',
      'drift',
      '--sim-minutes',
      '3',
      '--check',
      '--ref',
      '1000',
      '--dir',
      calDir,
    ]);
    expect(fail.code).toBe(3);
    expect(fail.stdout).toMatch(
      /^FAIL: .* too long \(allowed ±2 mm\)\. Measurements from this mat will not be saved until it is recalibrated\./,
    );
    expect((await new CalibrationStore(calDir).blocked('SIM-0001'))?.passed).toBe(false);
  });

  it('explains missing options', async () => {
    expect((await tikar(['--refs', '1,2'])).stderr).toContain('give --port PATH (the mat) or --sim');
    expect((await tikar(['--sim', '--check'])).stderr).toContain('--check needs --ref');
  });
});

describe('tikar calibrate --port', () => {
  it('checks a mat on a serial line (tikar sim on a PTY, board parked at 1250 mm)', async () => {
    const sim = spawn(
      process.execPath,
      ['bin/tikar.mjs', 'sim', '--pty', '--scenario', 'calm', '--speed', '5'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    try {
      const [pathChunk] = (await once(sim.stdout, 'data')) as [Buffer];
      const calDir = `${dir.path}/port`;
      const args = [
        '--port',
        pathChunk.toString().trim(),
        '--check',
        '--ref',
        '1250',
        '--settle',
        '2',
        '--dir',
        calDir,
      ];
      const pass = await tikar(args);
      expect(pass.stdout).toMatch(/^PASS: The mat reads the 1250 mm reference rod as 125\d\.\d mm/);
      expect(pass.code).toBe(0);
      const fail = await tikar([...args.slice(0, 4), '1240', ...args.slice(5)]);
      expect(fail.code).toBe(3);
      expect(fail.stdout).toMatch(/^FAIL: .*too long/);
      expect(
        (await new CalibrationStore(calDir).load('SIM-0001')).checks.map((check) => check.passed),
      ).toEqual([true, false]);
    } finally {
      sim.kill('SIGTERM');
      await once(sim, 'exit');
    }
  });
});
