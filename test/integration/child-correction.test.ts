// Issue 11 item 2 over the wire: a bidan corrects a child's birth date and sex at melati; the corrected child
// and the re-scored measurement reach the village record (which recomputes and accepts the new z-scores), and
// the register carries the corrected child to mawar's gateway. Real mosquitto, two gateways, the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { getChild } from '../../gateway/store/children.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import {
  registerChildren,
  saveManual,
  startTestGateway,
  startTestRecord,
  type TestRecord,
  undelivered,
} from './fixtures.ts';
import { birthDateForAge, waitFor } from './helpers.ts';

let broker: Awaited<ReturnType<typeof startMosquitto>>;
let dir: Awaited<ReturnType<typeof tmpDir>>;
let record: TestRecord;
let melati: RunningGateway;
let mawar: RunningGateway;

beforeAll(async () => {
  broker = await startMosquitto();
  dir = await tmpDir('tikar-child-correction-');
  record = await startTestRecord({ dbPath: `${dir.path}/record.db`, mqttUrl: broker.url });
  melati = await startTestGateway({ dir: dir.path, mqttUrl: broker.url, name: 'melati' });
  mawar = await startTestGateway({ dir: dir.path, mqttUrl: broker.url, name: 'mawar', posyanduId: 'mawar' });
}, 60_000);
afterAll(async () => {
  await mawar?.stop();
  await melati?.stop();
  await record?.stop();
  await broker?.stop();
  await dir?.cleanup();
});

describe('a corrected identity travels', () => {
  it('to the record (child and re-scored measurement) and through the register to another gateway', async () => {
    const [childId = ''] = await registerChildren(melati, 1);
    const measurementId = await saveManual(melati, childId, 1);
    await waitFor('melati delivered', async () => (await undelivered(melati.db)) === 0);
    await waitFor('mawar knows the child', () => getChild(mawar.db, childId));

    const birth = birthDateForAge(9);
    const corrected = await melati.services.childCorrections(childId, {
      birth_date: birth,
      sex: 1,
      reason: 'Sesuai akta kelahiran',
      corrected_by: 'bidan',
    });
    if (!corrected.ok) throw new Error(corrected.error.message);
    await waitFor('melati delivered the correction', async () => (await undelivered(melati.db)) === 0);

    const atRecord = await record.db.get<{ birth_date: string; sex: number }>(
      'SELECT birth_date, sex FROM children WHERE id = ?',
      [childId],
    );
    expect(atRecord).toEqual({ birth_date: birth, sex: 1 });
    const rows = await record.db.all<{ id: string; supersedes_id: string | null; zlen: number | null }>(
      'SELECT id, supersedes_id, zlen FROM measurements WHERE child_id = ? ORDER BY rowid',
      [childId],
    );
    const list = await melati.services.listMeasurements(childId);
    const rescored = list.ok ? list.value.find((m) => m.supersedes_id === measurementId) : undefined;
    expect(rows.map((row) => row.supersedes_id)).toEqual([null, measurementId]);
    expect(rows[1]?.zlen).toBe(rescored?.z.zlen);
    await waitFor(
      'mawar has the corrected child',
      async () => (await getChild(mawar.db, childId))?.birth_date === birth,
    );
    expect((await getChild(mawar.db, childId))?.sex).toBe(1);
  }, 60_000);
});
