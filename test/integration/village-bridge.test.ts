// Where a village outgrows one box: a posyandu mosquitto bridged to a district mosquitto (two real
// processes), `tikar record` (the real CLI, its own process) on the district broker. Measurements and
// receipts cross the bridge; a child registered at one posyandu becomes known at another.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChild } from '../../gateway/store/children.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { registerChildren, saveManual, startTestGateway, undelivered } from './fixtures.ts';
import { waitFor } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const tikar = join(root, 'bin', 'tikar.mjs');

function runTikar(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tikar, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`tikar ${args[0]} exited ${code}: ${err}`)),
    );
  });
}

// Real processes on a shared 2-core machine: generous time, never a timing assertion.
describe('village over a mosquitto bridge', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let district: Mosquitto;
  let posyandu: Mosquitto;
  let record: ChildProcess;
  const recordDb = () => join(dir.path, 'record.db');

  beforeAll(async () => {
    dir = await tmpDir('tikar-bridge-');
    district = await startMosquitto();
    posyandu = await startMosquitto({
      extraConfig: [
        'connection district',
        `address 127.0.0.1:${district.port}`,
        'topic tikar/v1/# both 1',
        'cleansession false',
        'restart_timeout 1',
      ].join('\n'),
    });
    record = spawn(
      process.execPath,
      [tikar, 'record', '--mqtt', district.url, '--db', recordDb(), '--village', 'sukamaju'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, TIKAR_LOG_LEVEL: 'warn' },
      },
    );
    let banner = '';
    record.stdout?.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
    });
    await waitFor('tikar record to start', () => banner.includes('village record'), 30_000);
  });
  afterAll(async () => {
    if (record && record.exitCode === null) {
      await new Promise<void>((resolve) => {
        record.once('exit', () => resolve());
        record.kill('SIGTERM');
      });
    }
    await posyandu?.stop();
    await district?.stop();
    await dir?.cleanup();
  });

  it('measurements cross the bridge, receipts come back, the register reaches the other posyandu', async () => {
    const melati = await startTestGateway({
      dir: dir.path,
      mqttUrl: posyandu.url,
      posyanduId: 'melati',
      name: 'melati',
    });
    const mawar = await startTestGateway({
      dir: dir.path,
      mqttUrl: district.url,
      posyanduId: 'mawar',
      name: 'mawar',
    });
    try {
      const [childId] = await registerChildren(melati, 1);
      const measurementIds = [
        await saveManual(melati, childId as string, 1),
        await saveManual(melati, childId as string, 2),
      ];
      await waitFor('receipts over the bridge', async () => (await undelivered(melati.db)) === 0, 30_000);
      // The child registered at melati is now known at mawar (the record republished the register).
      const known = await waitFor(
        'the register at mawar',
        () => getChild(mawar.db, childId as string),
        30_000,
      );
      expect(known.posyandu_id).toBe('melati');
      const found = await mawar.services.findChildren('Anak 0');
      expect(found.ok && found.value.some((m) => m.child.id === childId)).toBe(true);

      const measurements = (
        await runTikar(['record', 'query', 'measurements', '--db', recordDb(), '--posyandu', 'melati'])
      )
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string });
      expect(measurements.map((m) => m.id)).toEqual(measurementIds);
      const counts = await runTikar(['record', 'query', 'counts', '--db', recordDb()]);
      expect(JSON.parse(counts.trim())).toMatchObject({
        posyandu_id: 'melati',
        children: 1,
        measurements: 2,
      });
    } finally {
      await melati.stop();
      await mawar.stop();
    }
  });
});
