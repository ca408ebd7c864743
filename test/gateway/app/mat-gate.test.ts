// The gateway's handling of the mat through the services: the start ack (samples before it are not the new
// reading), the calibration gate (a failed reference check blocks the mat, an expired calibration warns), the
// reference check run from the gateway, and the calibration id saved with every measurement.
// Real SQLite file, real calibration store directory, the scripted mat over the real wire protocol.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CalibrationProfile,
  checkReference,
  invertModel,
  simCalibrationProfiles,
} from '../../../calibration/index.ts';
import { GatewayServicesImpl } from '../../../gateway/app/gateway-services.ts';
import { Clock } from '../../../gateway/clock/clock.ts';
import { MatConnection } from '../../../gateway/ingest/mat-connection.ts';
import { createLogger } from '../../../gateway/log/logger.ts';
import type { GatewayEvents, SessionState } from '../../../gateway/model/index.ts';
import { posyanduTopics } from '../../../gateway/publish/topics.ts';
import { CalibrationStore } from '../../../gateway/store/calibration-files.ts';
import { type Db, openDb } from '../../../gateway/store/db.ts';
import { decodeFrame } from '../../../protocol/index.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import { waitFor } from '../../integration/helpers.ts';
import { SCRIPTED_DEVICE_ID, ScriptedMat } from '../../integration/scripted-mat.ts';

const log = createLogger('test.mat-gate');
const factory = simCalibrationProfiles(SCRIPTED_DEVICE_ID);

interface Rig {
  services: GatewayServicesImpl;
  link: ScriptedMat;
  store: CalibrationStore;
  childId: string;
  sessions: SessionState[];
  /** Calibration ids the gateway told the mat (protocol `calibration` command), in order. */
  toldCalibrations: string[];
  close(): Promise<void>;
}

const open: Rig[] = [];
afterEach(async () => {
  for (const rig of open.splice(0)) await rig.close();
});

async function rig(
  options: { startAckTimeoutMs?: number; checkTimeoutMs?: number; storeExists?: boolean } = {},
): Promise<Rig> {
  const { storeExists, ...timeouts } = options;
  const dir = await tmpDir('tikar-gate-');
  if (storeExists) await mkdir(join(dir.path, 'calibration'), { mode: 0o700 });
  const db: Db = await openDb(join(dir.path, 'tikar.db'));
  const services = new GatewayServicesImpl({
    db,
    clock: new Clock(),
    posyanduId: 'p1',
    villageId: 'v1',
    topics: posyanduTopics('v1', 'p1'),
    log,
    ...timeouts,
  });
  await services.init();
  const link = new ScriptedMat();
  const toldCalibrations: string[] = [];
  const write = link.writeLine.bind(link);
  link.writeLine = (line) => {
    const decoded = decodeFrame(line);
    if (decoded.ok && decoded.frame.type === 'calibration') {
      toldCalibrations.push(decoded.frame.payload.calibration_id);
    }
    return write(line);
  };
  services.addMat(new MatConnection({ link, profiles: [factory.length, factory.weight], log }));
  const sessions: SessionState[] = [];
  services.on('session', (state) => sessions.push(state));
  link.hello();
  const birth = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
  const child = await services.registerChild({ name: 'Uji', sex: 2, birth_date: birth, mother_name: 'Ibu' });
  if (!child.ok) throw new Error(child.error.message);
  const made: Rig = {
    services,
    link,
    // The default store: `calibration/` next to the database, as `tikar calibrate` writes it.
    store: new CalibrationStore(join(dir.path, 'calibration')),
    childId: child.value.id,
    sessions,
    toldCalibrations,
    async close() {
      await services.close();
      await db.close();
      await dir.cleanup();
    },
  };
  open.push(made);
  return made;
}

async function completeSession(r: Rig): Promise<string> {
  const started = await r.services.startSession({ child_id: r.childId });
  if (!started.ok) throw new Error(started.error.message);
  const id = started.value.session_id;
  await waitFor('complete readings', () => {
    const state = r.services.getSession(id);
    return state.ok && state.value.phase === 'complete';
  });
  return id;
}

/** The rod on the mat: the mat streams it until the check has its stable reading. */
async function rodOnMat<T>(r: Rig, readMm: number, check: Promise<T>): Promise<T> {
  let done = false;
  void check.finally(() => {
    done = true;
  });
  while (!done) {
    r.link.emit('data', r.link.burst(readMm));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check;
}

/** A check of the 500 mm rod read as `readMm` by the factory profile. */
function checkReading(readMm: number, at = new Date()) {
  const counts = Math.round(invertModel(factory.length.model, readMm));
  return checkReference(factory.length, 500, [counts, counts, counts], at);
}

function recalibrated(overrides: Partial<CalibrationProfile> = {}): CalibrationProfile {
  return {
    ...factory.length,
    id: 'cal-sim-length-2',
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    createdBy: 'teknisi',
    ...overrides,
  };
}

describe('start ack', () => {
  it('samples sent before the ack of start (the previous child) never become a reading', async () => {
    const r = await rig();
    r.link.staleLengthMm = 600; // still on the wire when each start arrives
    r.link.lengths.push(750, 752);
    const sessionId = await completeSession(r);
    const state = r.services.getSession(sessionId);
    expect(state.ok && state.value.length.readings.map((reading) => reading.value)).toEqual([750, 752]);
    const saved = await r.services.saveSession(sessionId);
    expect(saved.ok && saved.value.measurement.lenhei_cm).toBe(75.1);
    expect(saved.ok && saved.value.measurement.calibration_id).toBe(factory.length.id);
  });

  it('no ack (mat unplugged or hung): the screen says so, and measuring resumes once the mat answers', async () => {
    const r = await rig({ startAckTimeoutMs: 150 });
    r.link.answersStart = false;
    const started = await r.services.startSession({ child_id: r.childId });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.session_id;
    const unanswered = await waitFor('mat_not_answering', () =>
      r.sessions.find((s) => s.session_id === id && s.prompt.code === 'mat_not_answering'),
    );
    expect(unanswered.prompt.en).toMatch(/did not answer/);
    expect(unanswered.length.readings).toEqual([]);
    // A burst now is not a reading either: the start it would belong to was never acknowledged.
    r.link.emit('data', r.link.burst(640));
    expect(r.services.getSession(id)).toMatchObject({ ok: true, value: { length: { readings: [] } } });
    r.link.answersStart = true;
    r.services.restartReadings(id);
    await waitFor('complete after the mat answered', () => {
      const state = r.services.getSession(id);
      return state.ok && state.value.phase === 'complete';
    });
    const state = r.services.getSession(id);
    expect(state.ok && state.value.prompt.code).not.toBe('mat_not_answering');
  });
});

describe('calibration gate', () => {
  it('a failed reference check in the store blocks sessions and saves in plain words; recalibration unblocks', async () => {
    const r = await rig();
    const sessionId = await completeSession(r); // started before the check failed
    await r.store.recordCheck(checkReading(503.4));
    const save = await r.services.saveSession(sessionId);
    expect(save.ok).toBe(false);
    if (save.ok) return;
    expect(save.error.code).toBe('mat_unavailable');
    expect(save.error.message).toContain('not saved until it is recalibrated');
    expect(save.error.message).toContain('tidak disimpan sampai tikar dikalibrasi ulang');
    expect(save.error.message).toContain('503,4 mm');
    const refused = await r.services.startSession({ child_id: r.childId });
    expect(refused.ok ? 'started' : refused.error.message).toMatch(/failed its reference-rod check/);
    const [mat] = r.services.listMats();
    expect(mat?.calibration).toBe('check_failed');
    expect(mat?.calibration_message?.id).toContain('gagal cek batang acuan');

    expect(r.services.cancelSession(sessionId).ok).toBe(true);
    await r.store.saveProfile(recalibrated());
    const again = await r.services.startSession({ child_id: r.childId });
    expect(again.ok && again.value.calibration_id).toBe('cal-sim-length-2');
    expect(r.services.listMats()[0]).toMatchObject({ calibration: 'calibrated', calibration_message: null });
    // The mat is told which calibration the gateway applies: the factory one after hello, then the new one.
    expect(r.toldCalibrations).toEqual([factory.length.id, 'cal-sim-length-2']);
  });

  it('the store changing while the gateway runs updates the mat status without a session', async () => {
    const r = await rig({ storeExists: true }); // a gateway started with the directory present watches it
    const statuses: GatewayEvents['mat'][] = [];
    r.services.on('mat', (status) => statuses.push(status));
    await r.store.recordCheck(checkReading(497)); // as `tikar calibrate --check` would, from another process
    await waitFor('check_failed status', () => statuses.find((s) => s.calibration === 'check_failed'));
  });

  it('an expired calibration warns on the session and the saved result, and still saves', async () => {
    const r = await rig();
    const past = new Date(Date.now() - 86_400_000).toISOString();
    await r.store.saveProfile(recalibrated({ id: 'cal-old', expiresAt: past }));
    const sessionId = await completeSession(r);
    const state = r.services.getSession(sessionId);
    expect(state.ok && state.value.warnings.map((w) => w.code)).toEqual(['calibration_expired']);
    expect(r.services.listMats()[0]?.calibration).toBe('expired');
    const saved = await r.services.saveSession(sessionId);
    if (!saved.ok) throw new Error(saved.error.message);
    expect(saved.value.warnings.map((w) => w.code)).toContain('calibration_expired');
    expect(saved.value.measurement.calibration_id).toBe('cal-old');
  });

  it('a recalibration during a session makes its readings stale: no save with the old calibration', async () => {
    const r = await rig();
    const sessionId = await completeSession(r);
    await r.store.saveProfile(recalibrated());
    const saved = await r.services.saveSession(sessionId);
    expect(saved.ok ? 'saved' : saved.error.code).toBe('session_state');
  });
});

describe('reference check from the gateway', () => {
  it('reads a stable rod, records the check, blocks on a fail and unblocks on a pass', async () => {
    const r = await rig();
    const failed = await rodOnMat(
      r,
      502.6,
      r.services.checkCalibration(SCRIPTED_DEVICE_ID, { reference_mm: 500 }),
    );
    if (!failed.ok) throw new Error(failed.error.message);
    expect(failed.value).toMatchObject({ passed: false, measured_mm: 502.6, error_mm: 2.6, tolerance_mm: 2 });
    expect(failed.value.mat.calibration).toBe('check_failed');
    expect((await r.store.blocked(SCRIPTED_DEVICE_ID))?.calibrationId).toBe(factory.length.id);
    const refused = await r.services.startSession({ child_id: r.childId });
    expect(refused.ok ? 'started' : refused.error.message).toMatch(/reference-rod check/);

    const passed = await rodOnMat(
      r,
      501.2,
      r.services.checkCalibration(SCRIPTED_DEVICE_ID, { reference_mm: 500 }),
    );
    expect(passed.ok && passed.value).toMatchObject({ passed: true, mat: { calibration: 'calibrated' } });
    expect((await r.services.startSession({ child_id: r.childId })).ok).toBe(true);
  });

  it('bad input, unknown mat, a busy mat and no stable reading are clear errors that record nothing', async () => {
    const r = await rig({ checkTimeoutMs: 100 });
    const codes = async (matId: unknown, input: unknown) => {
      const result = await r.services.checkCalibration(matId, input);
      return result.ok ? 'ok' : result.error.code;
    };
    expect(await codes(SCRIPTED_DEVICE_ID, { reference_mm: 'long' })).toBe('invalid_input');
    expect(await codes(SCRIPTED_DEVICE_ID, { reference_mm: 5000 })).toBe('invalid_input');
    expect(await codes(42, { reference_mm: 500 })).toBe('invalid_input');
    expect(await codes('MAT-X', { reference_mm: 500 })).toBe('not_found');
    const timedOut = await r.services.checkCalibration(SCRIPTED_DEVICE_ID, { reference_mm: 500 });
    expect(timedOut.ok ? '' : timedOut.error.message).toMatch(/no stable reading/);
    await r.services.startSession({ child_id: r.childId });
    expect(await codes(SCRIPTED_DEVICE_ID, { reference_mm: 500 })).toBe('mat_unavailable');
    expect((await r.store.load(SCRIPTED_DEVICE_ID)).checks).toEqual([]);
  });
});
