// The serial link losing its port, through the services: the mat shows disconnected (and since when), the
// session says so and save is refused; when the same path comes back the mat is connected again and the gap is
// reported. Real PTYs from socat; the port path is a symlink re-pointed to a new pair, as udev's stable name is.
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { simCalibrationProfiles } from '../../../calibration/index.ts';
import { GatewayServicesImpl } from '../../../gateway/app/gateway-services.ts';
import { Clock } from '../../../gateway/clock/clock.ts';
import { MatConnection } from '../../../gateway/ingest/mat-connection.ts';
import { SerialLink } from '../../../gateway/ingest/serial-link.ts';
import { createLogger } from '../../../gateway/log/logger.ts';
import type { GatewayEvents } from '../../../gateway/model/index.ts';
import { posyanduTopics } from '../../../gateway/publish/topics.ts';
import { openDb } from '../../../gateway/store/db.ts';
import { LineSplitter } from '../../../protocol/index.ts';
import { openPtyPair, type PtyPair } from '../../helpers/pty-pair.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import { waitFor } from '../../integration/helpers.ts';
import { ScriptedMat } from '../../integration/scripted-mat.ts';

const log = createLogger('test.serial-gap');

/** The scripted mat speaking through the mat's end of a PTY pair. */
async function plugMat(mat: ScriptedMat, path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const commands = new LineSplitter((line) => mat.writeLine(line));
  port.on('data', (chunk: Buffer) => commands.push(chunk));
  port.on('error', () => undefined); // the pair vanishing under it is the point of the test
  return port;
}

describe('serial gap in the mat status', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('unplugged: disconnected since, save refused; plugged back: connected, gap reported, save works', async () => {
    const dir = await tmpDir('tikar-gap-');
    cleanups.push(dir.cleanup);
    const portPath = join(dir.path, 'tikar-mat'); // the stable name the udev rule gives the mat
    let pair: PtyPair = await openPtyPair();
    cleanups.push(() => pair.close());
    await symlink(pair.b, portPath);

    const db = await openDb(join(dir.path, 'tikar.db'));
    cleanups.push(() => db.close());
    const services = new GatewayServicesImpl({
      db,
      clock: new Clock(),
      posyanduId: 'p1',
      villageId: 'v1',
      topics: posyanduTopics('v1', 'p1'),
      log,
    });
    await services.init();
    cleanups.push(async () => services.close());
    const link = new SerialLink({ path: portPath, baudRate: 115200, retryMs: 100, log });
    const profiles = simCalibrationProfiles();
    const matConnection = new MatConnection({ link, profiles: [profiles.length, profiles.weight], log });
    cleanups.push(() => matConnection.close());
    services.addMat(matConnection);
    const statuses: GatewayEvents['mat'][] = [];
    services.on('mat', (status) => statuses.push(status));

    const mat = new ScriptedMat();
    let matPort = await plugMat(mat, pair.a);
    mat.on('data', (chunk) => matPort.write(chunk));
    await waitFor('link up', () => link.isUp);
    mat.hello();
    await waitFor('hello', () => services.listMats()[0]?.connected);
    expect(services.listMats()[0]).toMatchObject({ disconnected_since: null, last_gap_ms: null });

    const birth = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
    const child = await services.registerChild({
      name: 'Uji',
      sex: 1,
      birth_date: birth,
      mother_name: 'Ibu',
    });
    if (!child.ok) throw new Error(child.error.message);
    const started = await services.startSession({ child_id: child.value.id });
    if (!started.ok) throw new Error(started.error.message);
    const sessionId = started.value.session_id;
    await waitFor('complete readings', () => {
      const state = services.getSession(sessionId);
      return state.ok && state.value.phase === 'complete';
    });

    // Unplugged: the PTY pair disappears.
    await pair.close();
    const down = await waitFor('disconnected status', () => statuses.find((s) => !s.connected));
    expect(down.disconnected_since).not.toBeNull();
    expect(Date.parse(down.disconnected_since ?? '')).not.toBeNaN();
    expect(services.getSession(sessionId)).toMatchObject({
      ok: true,
      value: { prompt: { code: 'mat_disconnected' } },
    });
    const refused = await services.saveSession(sessionId);
    expect(refused.ok ? 'saved' : refused.error.code).toBe('mat_unavailable');

    // Plugged back in: the same path returns (a new pair behind the stable name).
    pair = await openPtyPair();
    await rm(portPath);
    await symlink(pair.b, portPath);
    matPort = await plugMat(mat, pair.a);
    const up = await waitFor('connected again', () =>
      statuses.find((s) => s.connected && s.last_gap_ms !== null),
    );
    expect(up.disconnected_since).toBeNull();
    expect(up.last_gap_ms).toBeGreaterThan(0);
    const saved = await services.saveSession(sessionId);
    expect(saved.ok && saved.value.measurement.calibration_id).toBe(profiles.length.id);
    await new Promise<void>((resolve) => matPort.close(() => resolve()));
  });
});
