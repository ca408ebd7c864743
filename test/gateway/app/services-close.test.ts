// Stopping the gateway while saves are in flight: each save is committed whole (measurement and its outbox
// message) or refused cleanly, the database is closed only after the last one, and nothing meets a closed
// database (a run once logged `SQLITE_MISUSE: Database is closed`). A real gateway on a real SQLite file.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../gateway/app/start-gateway.ts';
import type { Result, SavedMeasurement } from '../../../gateway/model/index.ts';
import { openDb } from '../../../gateway/store/db.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import { birthDateForAge } from '../../integration/helpers.ts';

describe('stop with saves in flight', { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  beforeAll(async () => {
    dir = await tmpDir('tikar-close-');
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it('commits each save whole or refuses it, and closes the database after the last one', async () => {
    const dbPath = join(dir.path, 'tikar.db');
    const gateway = await startGateway({
      dbPath,
      posyanduId: 'melati',
      villageId: 'sukamaju',
      sim: { scenario: 'calm', seed: 3 },
      record: { enabled: false },
    });
    const registered = await gateway.services.registerChild({
      name: 'Ayu',
      sex: 2,
      birth_date: birthDateForAge(14),
      mother_name: 'Ibu Sari',
    });
    if (!registered.ok) throw new Error(registered.error.message);
    const childId = registered.value.id;

    const settledAt: number[] = [];
    const save = (i: number) =>
      gateway.services
        .saveManualMeasurement({ child_id: childId, lenhei_cm: 70 + i / 10, weight_kg: 8 + i / 100 })
        .then((result) => {
          settledAt.push(performance.now());
          return result;
        });
    // Saves already running when the stop begins, and one more while it runs.
    const saves: Promise<Result<SavedMeasurement>>[] = Array.from({ length: 8 }, (_, i) => save(i));
    const stopping = gateway.stop().then(() => performance.now());
    saves.push(save(8));
    const results = await Promise.all(saves);
    const stoppedAt = await stopping;

    // Stopped only once every save had settled.
    expect(settledAt).toHaveLength(saves.length);
    for (const at of settledAt) expect(at).toBeLessThanOrEqual(stoppedAt);
    // Committed, or refused because the gateway stops: never a database fault.
    for (const result of results) {
      if (!result.ok) expect(result.error).toMatchObject({ code: 'internal', message: /stopping/ });
    }
    const committed = results.flatMap((result) => (result.ok ? [result.value.measurement.id] : []));
    expect(committed.length).toBeGreaterThan(0);

    // A request after the stop is refused without touching the closed database.
    const late = await gateway.services.saveManualMeasurement({ child_id: childId, lenhei_cm: 71 });
    expect(late).toMatchObject({ ok: false, error: { code: 'internal', message: /stopping/ } });

    // On disk: exactly the committed measurements, each with its outbox message.
    const db = await openDb(dbPath);
    try {
      const rows = await db.all<{ id: string; messages: number }>(
        `SELECT m.id, (SELECT count(*) FROM outbox o WHERE o.subject_id = m.id AND o.kind = 'measurement')
           AS messages FROM measurements m`,
      );
      expect(rows.map((row) => row.id).sort()).toEqual([...committed].sort());
      for (const row of rows) expect(row.messages).toBe(1);
    } finally {
      await db.close();
    }
  });
});
