// One contract, two implementations: the real services (a real SQLite file in a temp dir, the simulated mat
// in-process) and the web tests' fake (fake-services.ts) must behave alike for everything the web tests rely
// on, so the fake cannot drift from what the screens meet in the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayServices } from '../../gateway/app/services.ts';
import { startGateway } from '../../gateway/app/start-gateway.ts';
import type { Result, SessionState } from '../../gateway/model/index.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { birthDateForAge, waitFor } from '../integration/helpers.ts';
import { createFakeServices } from './fake-services.ts';

interface Subject {
  services: GatewayServices;
  /** Lets the mat take readings until the session can be saved. */
  completeReadings(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

async function realSubject(): Promise<Subject> {
  const dir = await tmpDir('tikar-contract-');
  const gateway = await startGateway({
    dbPath: `${dir.path}/tikar.db`,
    posyanduId: 'melati',
    villageId: 'sukamaju',
    sim: { scenario: 'calm', seed: 4, timeScale: 10 },
    record: { enabled: false },
  });
  return {
    services: gateway.services,
    async completeReadings(sessionId) {
      await waitFor('the readings to complete', () => {
        const state = gateway.services.getSession(sessionId);
        return state.ok && state.value.phase === 'complete' && state.value.weight?.result !== null;
      });
    },
    async close() {
      await gateway.stop();
      await dir.cleanup();
    },
  };
}

async function fakeSubject(): Promise<Subject> {
  const fake = createFakeServices({ today: new Date().toISOString().slice(0, 10) });
  return {
    services: fake,
    async completeReadings(sessionId) {
      fake.lockReading(sessionId, 742);
      fake.lockReading(sessionId, 744);
      // The fake mat has no scale: the weight comes from a separate one.
      const weighed = fake.setManualWeight(sessionId, { weight_kg: 9.1 });
      if (!weighed.ok) throw new Error(weighed.error.message);
    },
    async close() {},
  };
}

const codes = [
  'invalid_input',
  'not_found',
  'clock_untrusted',
  'session_state',
  'mat_unavailable',
  'conflict',
  'internal',
];

/** A refusal of the contract's shape: a known code, a message, the field at fault when one is. */
function expectRefused(result: Result<unknown>, code: string, field?: string): void {
  expect(result.ok, JSON.stringify(result).slice(0, 200)).toBe(false);
  if (result.ok) return;
  const { error } = result;
  expect(codes).toContain(error.code);
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  expect(Object.keys(error).every((key) => ['code', 'message', 'field', 'issues'].includes(key))).toBe(true);
  if (field !== undefined) expect(error.field).toBe(field);
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

for (const [name, make] of [
  ['the real services', realSubject],
  ['the web tests’ fake', fakeSubject],
] as const) {
  describe(`the services contract: ${name}`, { timeout: 60_000 }, () => {
    let subject: Subject;
    let s: GatewayServices;
    let childId: string;
    const birth = birthDateForAge(14);
    beforeAll(async () => {
      subject = await make();
      s = subject.services;
    });
    afterAll(async () => {
      await subject?.close();
    });

    it('registers a child and finds it by name, by id, in the list and as the same child', async () => {
      const child = value(
        await s.registerChild({ name: 'Ayu Lestari', sex: 2, birth_date: birth, mother_name: 'Sri Wahyuni' }),
      );
      childId = child.id;
      expect(child).toMatchObject({
        name: 'Ayu Lestari',
        sex: 2,
        birth_date: birth,
        mother_name: 'Sri Wahyuni',
        nik: null,
        has_kia: false,
        posyandu_id: s.posyanduId,
        village_id: s.villageId,
      });
      expect(typeof child.pseudo_id).toBe('string');
      expect(value(await s.getChild(child.id))).toEqual(child);
      const matches = value(await s.findChildren('Ayu'));
      expect(matches[0]?.child.id).toBe(child.id);
      expect(value(await s.listChildren()).map((c) => c.id)).toContain(child.id);
      const same = value(
        await s.findSameChild({ name: 'Ayu Lestari', birth_date: birth, mother_name: 'Sri Wahyuni' }),
      );
      expect(same.map((c) => c.id)).toEqual([child.id]);
    });

    it('refuses bad registrations naming the field, and a second registration unless confirmed', async () => {
      const bad = await s.registerChild({ name: '', sex: 3, birth_date: '28/11/2026', mother_name: 'Ibu' });
      expectRefused(bad, 'invalid_input', 'name');
      if (!bad.ok) {
        for (const field of ['name', 'sex', 'birth_date']) expect(bad.error.message).toContain(field);
        expect(bad.error.issues?.map((issue) => issue.field)).toEqual(['name', 'sex', 'birth_date']);
      }
      const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      expectRefused(
        await s.registerChild({ name: 'A', sex: 1, birth_date: future, mother_name: 'B' }),
        'invalid_input',
        'birth_date',
      );
      expectRefused(
        await s.registerChild({ name: 'A', sex: 1, birth_date: '2025-02-30', mother_name: 'B' }),
        'invalid_input',
        'birth_date',
      );
      expectRefused(await s.registerChild(null), 'invalid_input', '(body)');
      const again = { name: 'Ayu Lestari', sex: 2, birth_date: birth, mother_name: 'Sri Wahyuni' };
      expectRefused(await s.registerChild(again), 'conflict', 'confirm_duplicate');
      const confirmed = value(await s.registerChild({ ...again, confirm_duplicate: true }));
      expect(confirmed.id).not.toBe(childId);
      expectRefused(await s.findChildren(''), 'invalid_input', 'query');
      expectRefused(await s.getChild('nobody'), 'not_found', 'child_id');
      expectRefused(await s.getChild(42), 'invalid_input', 'child_id');
      expectRefused(await s.listMeasurements('nobody'), 'not_found', 'child_id');
    });

    it('runs a session: start, busy mat, not yet complete, readings, save once, mat free again', async () => {
      const heard = { sessions: [] as string[], saved: [] as string[], mats: 0 };
      const stop = [
        s.on('session', (state) => heard.sessions.push(`${state.session_id}:${state.phase}`)),
        s.on('saved', (saved) => heard.saved.push(saved.measurement.id)),
        s.on('mat', () => {
          heard.mats += 1;
        }),
      ];
      expectRefused(await s.startSession({ child_id: 'nobody' }), 'not_found', 'child_id');
      expectRefused(
        await s.startSession({ child_id: childId, position: 'sideways' }),
        'invalid_input',
        'position',
      );
      const started: SessionState = value(await s.startSession({ child_id: childId }));
      expect(started).toMatchObject({
        child_id: childId,
        position: 'l',
        phase: 'waiting',
        measurement_id: null,
        ended_by: null,
        has_screen: true,
      });
      const id = started.session_id;
      expect(s.listMats().find((mat) => mat.mat_id === started.mat_id)?.busy_session_id).toBe(id);
      expectRefused(await s.startSession({ child_id: childId }), 'mat_unavailable', 'mat_id');
      expectRefused(await s.saveSession(id), 'session_state', 'session_id');
      expectRefused(s.getSession('nope'), 'not_found', 'session_id');
      expectRefused(s.getSession(undefined), 'invalid_input', 'session_id');
      expectRefused(s.setManualWeight(id, { weight_kg: 'heavy' }), 'invalid_input', 'weight_kg');
      expect(value(s.sessionScreen(id)).session_id).toBe(id);

      await subject.completeReadings(id);
      expect(value(s.getSession(id)).phase).toBe('complete');
      const saved = value(await s.saveSession(id));
      expect(saved.measurement).toMatchObject({ child_id: childId, source: 'mat', position: 'l' });
      expect(saved.measurement.lenhei_cm).toBeGreaterThan(38);
      expect(Array.isArray(saved.warnings)).toBe(true);
      expect(value(s.getSession(id))).toMatchObject({
        phase: 'saved',
        measurement_id: saved.measurement.id,
        ended_by: 'kader',
      });
      // The screens hear the start, the save and the mat taken and freed.
      for (const unsubscribe of stop) unsubscribe();
      expect(heard.sessions[0]).toBe(`${id}:waiting`);
      expect(heard.sessions.at(-1)).toBe(`${id}:saved`);
      expect(heard.saved).toEqual([saved.measurement.id]);
      expect(heard.mats).toBeGreaterThanOrEqual(2);
      expectRefused(await s.saveSession(id), 'session_state', 'session_id');
      expectRefused(s.cancelSession(id), 'session_state', 'session_id');
      expect(s.listMats().find((mat) => mat.mat_id === started.mat_id)?.busy_session_id).toBeNull();

      const history = value(await s.listMeasurements(childId));
      expect(history[0]?.id).toBe(saved.measurement.id);
      expect(value(await s.getMeasurement(saved.measurement.id)).id).toBe(saved.measurement.id);
      const today = value(await s.todayList());
      expect(today.find((entry) => entry.measurement.id === saved.measurement.id)?.child.id).toBe(childId);
    });

    it('cancels a session and frees the mat', async () => {
      const started = value(await s.startSession({ child_id: childId }));
      const cancelled = value(s.cancelSession(started.session_id));
      expect(cancelled).toMatchObject({ phase: 'cancelled', ended_by: 'kader' });
      expect(s.listMats().find((mat) => mat.mat_id === started.mat_id)?.busy_session_id).toBeNull();
      expectRefused(s.restartReadings(started.session_id), 'session_state', 'session_id');
    });

    it('saves a measurement typed in without a mat, and refuses one without values', async () => {
      expectRefused(await s.saveManualMeasurement({ child_id: childId }), 'invalid_input', 'lenhei_cm');
      expectRefused(
        await s.saveManualMeasurement({ child_id: childId, lenhei_cm: 200 }),
        'invalid_input',
        'lenhei_cm',
      );
      expectRefused(
        await s.saveManualMeasurement({ child_id: 'nobody', lenhei_cm: 75 }),
        'not_found',
        'child_id',
      );
      const saved = value(
        await s.saveManualMeasurement({ child_id: childId, lenhei_cm: 75.2, weight_kg: 9.3 }),
      );
      expect(saved.measurement).toMatchObject({
        child_id: childId,
        source: 'manual',
        lenhei_cm: 75.2,
        weight_kg: 9.3,
        device_id: null,
      });
      expect(value(await s.listMeasurements(childId))[0]?.id).toBe(saved.measurement.id);
    });
  });
}
