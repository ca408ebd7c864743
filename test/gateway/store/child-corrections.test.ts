// Issue 11 item 2: a local child's identity changes only through a bidan's correction, kept with its reason
// and the old and new values, sent through the outbox like a registration; a corrected sex or birth date
// re-scores the child's measurements. All of it in one transaction, over a real SQLite file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayServicesImpl } from '../../../gateway/app/gateway-services.ts';
import { Clock, localDate } from '../../../gateway/clock/clock.ts';
import { computeGrowthForAge, roundZ } from '../../../gateway/growth/index.ts';
import { createLogger } from '../../../gateway/log/logger.ts';
import type { Child } from '../../../gateway/model/index.ts';
import { posyanduTopics } from '../../../gateway/publish/topics.ts';
import { type Db, mergeRegisterChild, openDb } from '../../../gateway/store/index.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

let db: Db;
let services: GatewayServicesImpl;
let cleanup: () => Promise<void>;

const daysAgo = (days: number) => localDate(new Date(Date.now() - days * 86_400_000));

beforeEach(async () => {
  const dir = await tmpDir('tikar-child-corrections-');
  cleanup = dir.cleanup;
  db = await openDb(`${dir.path}/gateway.db`);
  services = new GatewayServicesImpl({
    db,
    clock: new Clock(),
    posyanduId: 'melati',
    villageId: 'sukamaju',
    topics: posyanduTopics('sukamaju', 'melati'),
    log: createLogger('test'),
    calibrationStore: null,
  });
  await services.init();
});
afterEach(async () => {
  await services.close();
  await db.close();
  await cleanup();
});

async function register(): Promise<Child> {
  const result = await services.registerChild({
    name: 'Siti Aminah',
    sex: 2,
    birth_date: daysAgo(300),
    mother_name: 'Wati',
    nik: '3201010101010001',
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function outboxPayloads(): Promise<
  { schema: string; child: Child; measurement?: Record<string, unknown> }[]
> {
  const rows = await db.all<{ payload: string }>('SELECT payload FROM outbox ORDER BY id');
  return rows.map((row) => JSON.parse(row.payload));
}

async function counts() {
  const row = await db.get<{ outbox: number; history: number; measurements: number }>(
    `SELECT (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM child_corrections) AS history,
            (SELECT count(*) FROM measurements) AS measurements`,
  );
  return row;
}

describe('correcting a local child', () => {
  it('keeps the old and new values with the reason, advances updated_at and sends the child again', async () => {
    const child = await register();
    const result = await services.childCorrections(child.id, {
      name: 'Siti Aminah Putri',
      nik: '3201010101010002',
      mother_name: 'Wati',
      reason: 'Nama dan NIK sesuai Kartu Keluarga',
      corrected_by: 'bidan',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.child.name).toBe('Siti Aminah Putri');
    expect(result.value.child.updated_at > child.updated_at).toBe(true);
    expect(result.value.corrections).toEqual([
      expect.objectContaining({
        corrected_by: 'bidan',
        reason: 'Nama dan NIK sesuai Kartu Keluarga',
        before: { name: 'Siti Aminah', nik: '3201010101010001' },
        after: { name: 'Siti Aminah Putri', nik: '3201010101010002' },
        rescored_measurements: 0,
      }),
    ]);
    const stored = await services.getChild(child.id);
    expect(stored.ok && stored.value.nik).toBe('3201010101010002');
    // The registration, then the correction: the same child message, with the corrected identity.
    const payloads = await outboxPayloads();
    expect(payloads.map((p) => p.schema)).toEqual(['tikar.child/1', 'tikar.child/1']);
    expect(payloads[1]?.child).toEqual(result.value.child);
    const row = await db.get<{ topic: string }>('SELECT topic FROM outbox ORDER BY id DESC LIMIT 1');
    expect(row?.topic).toBe('tikar/v1/sukamaju/melati/children');
    // The history survives a read-only look.
    const again = await services.childCorrections(child.id);
    expect(again.ok && again.value.corrections.length).toBe(1);
  });

  it('re-scores the measurements with a corrected birth date and sex, and later ones use them', async () => {
    const child = await register();
    const saved = await services.saveManualMeasurement({ child_id: child.id, lenhei_cm: 66, weight_kg: 7.2 });
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    const old = saved.value.measurement;
    const result = await services.childCorrections(child.id, {
      birth_date: daysAgo(400),
      sex: 1,
      reason: 'Tanggal lahir dari akta kelahiran',
      corrected_by: 'admin',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.corrections[0]?.rescored_measurements).toBe(1);
    const list = await services.listMeasurements(child.id);
    if (!list.ok) throw new Error(list.error.message);
    const current = list.value.filter((m) => m.superseded_by === null);
    expect(current).toHaveLength(1);
    const rescored = current[0];
    expect(rescored?.supersedes_id).toBe(old.id);
    expect(rescored?.measured_on).toBe(old.measured_on);
    expect(rescored?.measured_at).toBe(old.measured_at);
    expect(rescored?.age_days).toBe(old.age_days + 100);
    expect(rescored?.correction_reason).toBe('Koreksi identitas anak: Tanggal lahir dari akta kelahiran');
    const expected = computeGrowthForAge({ sex: 1, ageDays: old.age_days + 100, lenheiCm: 66, measure: 'l' });
    expect(rescored?.z.zlen).toBe(roundZ(expected.zlen));
    expect(rescored?.z.zlen).not.toBe(old.z.zlen);
    // The old row stays, superseded (history is never overwritten).
    expect(list.value.find((m) => m.id === old.id)?.superseded_by).toBe(rescored?.id);
    // Outbox: registration, measurement, corrected child, re-scored measurement (superseding the old).
    const payloads = await outboxPayloads();
    expect(payloads.map((p) => p.schema)).toEqual([
      'tikar.child/1',
      'tikar.measurement/1',
      'tikar.child/1',
      'tikar.measurement/1',
    ]);
    expect(payloads[3]?.measurement?.supersedes_id).toBe(old.id);
    expect(payloads[3]?.child.birth_date).toBe(daysAgo(400));
    // A new measurement uses the corrected identity.
    const later = await services.saveManualMeasurement({ child_id: child.id, lenhei_cm: 66, weight_kg: 7.2 });
    expect(later.ok && later.value.measurement.age_days).toBe(old.age_days + 100);
    expect(later.ok && later.value.measurement.z.zlen).toBe(roundZ(expected.zlen));
  });

  it('stores all or nothing: a birth date after a measurement, or a failing history write', async () => {
    const child = await register();
    await services.saveManualMeasurement({ child_id: child.id, lenhei_cm: 66, weight_kg: 7.2 });
    const before = await counts();
    // The measurement was taken today: a birth date after it cannot be scored.
    const tooLate = await services.childCorrections(child.id, {
      birth_date: localDate(new Date(Date.now() + 86_400_000)),
      reason: 'salah ketik',
      corrected_by: 'bidan',
    });
    expect(tooLate.ok || tooLate.error.field).toBe('birth_date');
    // The history row is written last: when it fails, the child, outbox and re-scored rows roll back.
    await db.exec(
      "CREATE TRIGGER refuse_history BEFORE INSERT ON child_corrections BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const failed = await services.childCorrections(child.id, {
      birth_date: daysAgo(350),
      name: 'Siti',
      reason: 'akta',
      corrected_by: 'bidan',
    });
    expect(failed.ok || failed.error.code).toBe('internal');
    expect(await counts()).toEqual(before);
    const stored = await services.getChild(child.id);
    expect(stored.ok && stored.value).toEqual(child);
  });

  it('refuses a child of another posyandu, a missing reason, a taken NIK and a correction that changes nothing', async () => {
    const child = await register();
    const other: Child = {
      ...child,
      id: 'child-of-mawar',
      pseudo_id: 'pseudo-mawar',
      nik: null,
      posyandu_id: 'mawar',
    };
    await mergeRegisterChild(db, other, 'melati');
    const foreign = await services.childCorrections(other.id, {
      name: 'X',
      reason: 'r',
      corrected_by: 'bidan',
    });
    expect(foreign.ok || foreign.error.code).toBe('conflict');
    const noReason = await services.childCorrections(child.id, { name: 'X', corrected_by: 'bidan' });
    expect(noReason.ok || noReason.error.field).toBe('reason');
    const blank = await services.childCorrections(child.id, {
      name: 'X',
      reason: '  ',
      corrected_by: 'bidan',
    });
    expect(blank.ok || blank.error.field).toBe('reason');
    const kader = await services.childCorrections(child.id, {
      name: 'X',
      reason: 'r',
      corrected_by: 'kader',
    });
    expect(kader.ok || kader.error.field).toBe('corrected_by');
    const same = await services.childCorrections(child.id, {
      name: child.name,
      reason: 'r',
      corrected_by: 'bidan',
    });
    expect(same.ok || same.error.code).toBe('invalid_input');
    const second = await services.registerChild({
      name: 'Budi',
      sex: 1,
      birth_date: daysAgo(100),
      mother_name: 'Ani',
      nik: '3201010101010009',
    });
    expect(second.ok).toBe(true);
    const taken = await services.childCorrections(child.id, {
      nik: '3201010101010009',
      reason: 'r',
      corrected_by: 'bidan',
    });
    expect(taken.ok || taken.error.field).toBe('nik');
    expect((await counts())?.history).toBe(0);
  });
});
