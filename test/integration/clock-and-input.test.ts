// A wrong clock and bad input through every entry point of the services and the MQTT side: clear typed
// errors, nothing half-written, no crash.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startGateway } from '../../gateway/app/start-gateway.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { MqttAuthError, openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import {
  registerChildren,
  startTestGateway,
  startTestRecord,
  type TestRecord,
  undelivered,
} from './fixtures.ts';
import { birthDateForAge, waitFor } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const yearMs = 365 * 86_400_000;

async function rowCounts(gateway: RunningGateway) {
  return gateway.db.get<{ children: number; measurements: number; readings: number; outbox: number }>(
    `SELECT (SELECT count(*) FROM children) AS children, (SELECT count(*) FROM measurements) AS measurements,
            (SELECT count(*) FROM readings) AS readings, (SELECT count(*) FROM outbox) AS outbox`,
  );
}

// Real processes on a shared 2-core machine: generous time, never a timing assertion.
describe('clock and input', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let broker: Mosquitto;
  beforeAll(async () => {
    dir = await tmpDir('tikar-input-');
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
    await dir?.cleanup();
  });

  it('a clock a year behind: ages refused until the phone time is confirmed', async () => {
    const gateway = await startGateway({
      dbPath: join(dir.path, 'clock.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      sim: { scenario: 'calm' },
      mqtt: { url: broker.url },
      record: { enabled: false },
      clock: { systemNowMs: () => Date.now() - yearMs },
    });
    try {
      const s = gateway.services;
      expect(s.clockStatus()).toMatchObject({ trusted: false, reason: 'before_build_date' });
      const child = { name: 'Rina', sex: 2, birth_date: birthDateForAge(10), mother_name: 'Ibu' };
      expect(await s.registerChild(child)).toMatchObject({ ok: false, error: { code: 'clock_untrusted' } });
      expect(await rowCounts(gateway)).toEqual({ children: 0, measurements: 0, readings: 0, outbox: 0 });

      expect(s.confirmPhoneTime('not a time')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(s.confirmPhoneTime(new Date().toISOString())).toMatchObject({
        ok: true,
        value: { trusted: true },
      });
      const registered = await s.registerChild(child);
      if (!registered.ok) throw new Error(registered.error.message);
      const saved = await s.saveManualMeasurement({
        child_id: registered.value.id,
        lenhei_cm: 72,
        weight_kg: 8.6,
      });
      if (!saved.ok) throw new Error(saved.error.message);
      // Stamped with the confirmed time, not the system's year-old one.
      expect(Math.abs(Date.parse(saved.value.measurement.measured_at) - Date.now())).toBeLessThan(60_000);
    } finally {
      await gateway.stop();
    }
  });

  it('`tikar gateway` says so at start when the clock is wrong', async () => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin', 'tikar.mjs'),
        'gateway',
        '--db',
        join(dir.path, 'cli.db'),
        '--http',
        '0',
        '--clock-offset-days',
        '-365',
        '--mqtt',
        broker.url,
        '--no-record',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, TIKAR_LOG_LEVEL: 'error' } },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      await waitFor('the start banner', () => out.includes('Open '), 30_000);
      expect(out).toMatch(/clock: +NOT TRUSTED/);
    } finally {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    expect(child.exitCode).toBe(0);
  });

  it('bad input through every service entry point: typed errors, nothing written', async () => {
    const gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url, name: 'input' });
    try {
      const s = gateway.services;
      const [childId] = await registerChildren(gateway, 1);
      const before = await rowCounts(gateway);
      const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      const badChildren: [unknown, string][] = [
        [null, '(body)'],
        [{ name: 'A', sex: 3, birth_date: '2025-01-01', mother_name: 'B' }, 'sex'],
        [{ name: 'A', sex: '1', birth_date: '2025-01-01', mother_name: 'B' }, 'sex'],
        [{ name: '', sex: 1, birth_date: '2025-01-01', mother_name: 'B' }, 'name'],
        [{ name: 'A', sex: 1, birth_date: '01/02/2025', mother_name: 'B' }, 'birth_date'],
        [{ name: 'A', sex: 1, birth_date: '2025-02-30', mother_name: 'B' }, 'birth_date'],
        [{ name: 'A', sex: 1, birth_date: future, mother_name: 'B' }, 'birth_date'],
        [{ name: 'A', sex: 1, birth_date: birthDateForAge(86), mother_name: 'B' }, 'birth_date'],
        [{ name: 'A', sex: 1, birth_date: '2025-01-01', mother_name: 'B', nik: '12ab' }, 'nik'],
        [{ name: 'A', sex: 1, birth_date: '2025-01-01', mother_name: 'B', extra: 1 }, '(body)'],
      ];
      for (const [input, field] of badChildren) {
        const result = await s.registerChild(input);
        expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field } });
      }
      const badMeasurements: [unknown, string, string][] = [
        [{ child_id: 'nobody', lenhei_cm: 70 }, 'not_found', 'child_id'],
        [{ child_id: childId, lenhei_cm: 200 }, 'invalid_input', 'lenhei_cm'],
        [{ child_id: childId, weight_kg: -1 }, 'invalid_input', 'weight_kg'],
        [{ child_id: childId, weight_kg: '8' }, 'invalid_input', 'weight_kg'],
        [{ child_id: childId }, 'invalid_input', 'lenhei_cm'],
        [{ child_id: childId, lenhei_cm: 70, position: 'x' }, 'invalid_input', 'position'],
        [{ child_id: 42, lenhei_cm: 70 }, 'invalid_input', 'child_id'],
      ];
      for (const [input, code, field] of badMeasurements) {
        expect(await s.saveManualMeasurement(input)).toMatchObject({ ok: false, error: { code, field } });
      }
      expect(await s.startSession({ child_id: 'nobody' })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await s.startSession({ child_id: childId, position: 'sideways' })).toMatchObject({
        ok: false,
        error: { field: 'position' },
      });
      expect(s.getSession(undefined)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(s.getSession('nope')).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await s.saveSession('nope')).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(s.setManualWeight('nope', { weight_kg: 8 })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(await s.listMeasurements({})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await s.listMeasurements('nobody')).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await s.getChild('nobody')).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await s.findChildren('')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await s.correctMeasurement('nobody', { lenhei_cm: 70, reason: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      expect(s.reportPhoneTime(12)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await rowCounts(gateway)).toEqual(before);

      // A correction is a new row; the original stays, marked superseded; a second correction of it conflicts.
      const saved = await s.saveManualMeasurement({ child_id: childId, lenhei_cm: 70.2, weight_kg: 8.1 });
      if (!saved.ok) throw new Error(saved.error.message);
      const corrected = await s.correctMeasurement(saved.value.measurement.id, {
        lenhei_cm: 71.2,
        reason: 'typo',
      });
      expect(corrected).toMatchObject({
        ok: true,
        value: { measurement: { lenhei_cm: 71.2, supersedes_id: saved.value.measurement.id } },
      });
      expect(
        await s.correctMeasurement(saved.value.measurement.id, { lenhei_cm: 72, reason: 'again' }),
      ).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const history = await s.listMeasurements(childId);
      expect(history.ok && history.value.map((m) => m.lenhei_cm)).toEqual([71.2, 70.2]);
      expect(history.ok && history.value[1]?.superseded_by).toBe(
        corrected.ok ? corrected.value.measurement.id : '',
      );
    } finally {
      await gateway.stop();
    }
  });

  it('malformed MQTT payloads: the record rejects them without a crash or a row; a refused login is a clear error', async () => {
    let record: TestRecord | undefined;
    const log = createLogger('test.input');
    const sender = await openMqttLink({ url: broker.url, log });
    try {
      record = await startTestRecord({ dbPath: join(dir.path, 'record-input.db'), mqttUrl: broker.url });
      const rejected: string[] = [];
      record.service.on('rejected', ({ error }) => rejected.push(error));
      const topic = 'tikar/v1/sukamaju/melati/measurements';
      const payloads = [
        'not json',
        '{}',
        JSON.stringify({ schema: 'tikar.measurement/1', id: 'x', backfilled: false }),
        '[1,2]',
        'x'.repeat(100_000),
      ];
      for (const payload of payloads) await sender.publish(topic, payload);
      await sender.publish(
        'tikar/v1/sukamaju/melati/children',
        JSON.stringify({ schema: 'tikar.child/1', id: 'c', backfilled: false, child: { id: 'c' } }),
      );
      await waitFor('the rejections', () => rejected.length === payloads.length + 1);
      const rows = await record.db.get<{ n: number }>(
        'SELECT (SELECT count(*) FROM measurements) + (SELECT count(*) FROM children) AS n',
      );
      expect(rows?.n).toBe(0);
      // A gateway still gets its receipts through: the record is alive.
      const gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url, name: 'input-mqtt' });
      try {
        await registerChildren(gateway, 1);
        await waitFor('the receipt', async () => (await undelivered(gateway.db)) === 0);
      } finally {
        await gateway.stop();
      }
    } finally {
      await record?.stop();
      await sender.close();
    }

    const locked = await startMosquitto({ extraConfig: 'allow_anonymous false\n' });
    try {
      const error = await openMqttLink({
        url: locked.url,
        clientOptions: { username: 'kader', password: 'wrong' },
        log,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MqttAuthError);
      expect((error as Error).message).toMatch(/not authori[sz]ed/i);
    } finally {
      await locked.stop();
    }
  });
});
