// Serial faults on real PTYs: corrupted bytes, duplicated lines, garbage and an endless line, then the mat
// unplugged and plugged back in. No crash, the link comes back by itself, and no wrong measurement is saved.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simCalibrationProfiles } from '../../calibration/index.ts';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import type { SavedMeasurement } from '../../gateway/model/index.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { registerChildren } from './fixtures.ts';
import { measureChild, type SimProcess, startSimProcess, waitFor } from './helpers.ts';

/** socat linking two PTYs at fixed paths, so the "same port" can vanish and come back. */
async function startSocat(matPath: string, gatewayPath: string): Promise<ChildProcess> {
  const child = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${matPath}`, `pty,raw,echo=0,link=${gatewayPath}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('starting data transfer loop')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`socat exited with ${code}: ${log}`)));
  });
  return child;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
  });
}

/** Every length reading of a saved measurement matches where the simulator's foot board settled. */
async function expectTrueReadings(sim: SimProcess, childIndexes: number[], saved: SavedMeasurement[]) {
  const truth = await sim.truth();
  for (const [k, result] of saved.entries()) {
    const readings = truth.filter((t) => t.child === childIndexes[k]);
    const lengths = result.measurement.readings.filter((r) => r.channel === 'length');
    expect(lengths.length).toBe(readings.length);
    for (const [i, reading] of lengths.entries()) {
      expect(Math.abs(reading.value - (readings[i]?.board_mm ?? Number.NaN))).toBeLessThanOrEqual(1);
    }
  }
}

// Real processes on a shared 2-core machine: generous time, never a timing assertion.
describe('serial faults', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let broker: Mosquitto;
  let socat: ChildProcess | undefined;
  let sim: SimProcess | undefined;
  let gateway: RunningGateway;
  let matPath: string;
  let gatewayPath: string;

  beforeAll(async () => {
    dir = await tmpDir('tikar-serial-');
    broker = await startMosquitto();
    matPath = join(dir.path, 'mat');
    gatewayPath = join(dir.path, 'gateway');
    socat = await startSocat(matPath, gatewayPath);
    const profiles = simCalibrationProfiles();
    gateway = await startGateway({
      dbPath: join(dir.path, 'gateway.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      serial: { path: gatewayPath, baudRate: 115200 },
      profiles: [profiles.length, profiles.weight],
      mqtt: { url: broker.url },
      record: { enabled: true, dbPath: join(dir.path, 'record.db') },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.stop();
    await stopProcess(socat);
    await broker?.stop();
    await dir?.cleanup();
  });

  it('corrupted bytes and garbage: counted, never saved as a reading', async () => {
    // Garbage and a line far past the 512-character cap, straight onto the wire.
    const fd = openSync(matPath, 'r+');
    writeSync(fd, '\u0000\u00ff garbage\r\nTK1 X 1 sample {} *00000000\n');
    writeSync(fd, 'A'.repeat(20_000));
    writeSync(fd, '\n');
    closeSync(fd);
    sim = startSimProcess({ port: matPath, scenario: 'corrupt', seed: 5, speed: 30, dir: dir.path });
    await waitFor('the mat', () => gateway.services.listMats().find((m) => m.connected && m.frames_ok > 0));
    const children = await registerChildren(gateway, 3);
    const saved: SavedMeasurement[] = [];
    for (const id of children) saved.push(await measureChild(gateway.services, id));
    const mat = gateway.services.listMats()[0];
    expect(mat?.frames_corrupt).toBeGreaterThan(3);
    await expectTrueReadings(sim, [0, 1, 2], saved);
    await sim.stop();
  });

  it('unplugged and plugged back in: the link returns by itself and measures right (duplicated lines too)', async () => {
    await sim?.stop();
    await stopProcess(socat); // the USB serial device disappears
    await waitFor('the mat to be seen as disconnected', () =>
      gateway.services.listMats().every((m) => !m.connected),
    );
    const child = (await registerChildren(gateway, 1))[0] as string;
    expect(await gateway.services.startSession({ child_id: child })).toMatchObject({
      ok: false,
      error: { code: 'mat_unavailable' },
    });

    socat = await startSocat(matPath, gatewayPath); // plugged back in: the same path returns
    await waitFor(
      'the mat link to come back',
      () => gateway.services.listMats().find((m) => m.connected),
      10_000,
    );
    sim = startSimProcess({ port: matPath, scenario: 'duplicate', seed: 6, speed: 30, dir: dir.path });
    await waitFor('frames again', () =>
      gateway.services.listMats().find((m) => m.connected && m.last_frame_at !== null),
    );
    // The session starts before the mat is back on the wire: the gateway asks again when it sees it idle.
    const saved = await measureChild(gateway.services, child);
    await expectTrueReadings(sim, [0], [saved]);
  });
});
