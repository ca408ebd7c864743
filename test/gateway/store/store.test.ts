import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../gateway/log/ids.ts';
import type { Child } from '../../../gateway/model/index.ts';
import { findSameChild } from '../../../gateway/store/children.ts';
import {
  type Db,
  dueMessages,
  enqueue,
  getChild,
  insertChild,
  isConstraintError,
  listChildren,
  markDelivered,
  markSent,
  mergeRegisterChild,
  migrations,
  openDb,
  outboxCounts,
  searchChildren,
} from '../../../gateway/store/index.ts';
import { nameKey } from '../../../gateway/store/name-match.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

function child(overrides: Partial<Child> = {}): Child {
  return {
    id: newId(),
    pseudo_id: newId(),
    name: 'Siti Nurhaliza',
    sex: 2,
    birth_date: '2025-03-01',
    nik: null,
    mother_name: 'Dewi',
    posyandu_id: 'P1',
    village_id: 'V1',
    has_kia: true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('store', () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let db: Db;
  beforeEach(async () => {
    dir = await tmpDir();
    db = await openDb(join(dir.path, 'sub', 'tikar.db'));
  });
  afterEach(async () => {
    await db.close();
    await dir.cleanup();
  });

  it('creates the file 0600 in WAL mode with foreign keys and the newest schema', async () => {
    expect(statSync(db.path).mode & 0o777).toBe(0o600);
    expect((await db.get('PRAGMA journal_mode'))?.journal_mode).toBe('wal');
    expect((await db.get('PRAGMA foreign_keys'))?.foreign_keys).toBe(1);
    expect((await db.get('PRAGMA synchronous'))?.synchronous).toBe(2);
    expect((await db.get('PRAGMA user_version'))?.user_version).toBe(migrations.at(-1)?.version);
  });

  it('reopening an existing file runs no migration twice', async () => {
    await insertChild(db, child());
    await db.close();
    db = await openDb(join(dir.path, 'sub', 'tikar.db'));
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM children'))?.n).toBe(1);
  });

  it('CHECK constraints refuse impossible rows', async () => {
    const bad = [child({ sex: 3 as 1 }), child({ birth_date: '01-03-2025' }), child({ nik: '12345' })];
    for (const row of bad) {
      const error = await insertChild(db, row).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isConstraintError(error)).toBe(true);
    }
  });

  it('a failing transaction leaves nothing behind', async () => {
    const good = child();
    await expect(
      db.transaction(async (tx) => {
        await insertChild(tx, good);
        await insertChild(tx, child({ id: good.id }));
      }),
    ).rejects.toThrow();
    expect(await getChild(db, good.id)).toBeUndefined();
  });

  it('upsert keeps the newer version only', async () => {
    const original = child();
    await insertChild(db, original);
    expect(
      await mergeRegisterChild(
        db,
        { ...original, name: 'Old', updated_at: '2025-01-01T00:00:00.000Z' },
        'P9',
      ),
    ).toBe(false);
    expect(
      await mergeRegisterChild(
        db,
        { ...original, name: 'New', updated_at: '2026-02-01T00:00:00.000Z' },
        'P9',
      ),
    ).toBe(true);
    expect((await getChild(db, original.id))?.name).toBe('New');
  });

  it('finds children by name despite spelling variants', async () => {
    await insertChild(db, child({ name: 'Yusuf Hidayat' }));
    await insertChild(db, child({ name: 'Annisa Putri' }));
    await insertChild(db, child({ name: 'Bambang' }));
    expect((await searchChildren(db, 'Joesoef', 5))[0]?.child.name).toBe('Yusuf Hidayat');
    expect((await searchChildren(db, 'anisa', 5))[0]?.child.name).toBe('Annisa Putri');
    expect((await searchChildren(db, 'putri anisa', 5))[0]?.child.name).toBe('Annisa Putri');
    expect(await searchChildren(db, 'Wayan', 5)).toEqual([]);
  });

  it('finds the same child registered again: name and mother spelling-folded, same birth date; digits count', async () => {
    await insertChild(db, child({ name: 'Joko Susilo', mother_name: 'Soekarti', birth_date: '2025-05-02' }));
    await insertChild(db, child({ name: 'Anak 1', mother_name: 'Ibu 1', birth_date: '2025-05-02' }));
    const same = await findSameChild(db, {
      name: 'djoko  susilo',
      birth_date: '2025-05-02',
      mother_name: 'Sukarti',
    });
    expect(same.map((c) => c.name)).toEqual(['Joko Susilo']);
    expect(
      await findSameChild(db, { name: 'Joko Susilo', birth_date: '2025-05-03', mother_name: 'Soekarti' }),
    ).toEqual([]);
    expect(
      await findSameChild(db, { name: 'Anak 10', birth_date: '2025-05-02', mother_name: 'Ibu 10' }),
    ).toEqual([]);
  });

  it("finds a child by the mother's name, with the same spelling tolerance", async () => {
    await insertChild(db, child({ name: 'Bayu Pratama', mother_name: 'Soekarti Wahjuni' }));
    await insertChild(db, child({ name: 'Rahmat', mother_name: 'Lestari' }));
    const found = await searchChildren(db, 'sukarti wahyuni', 5);
    expect(found.map((m) => [m.child.name, m.matched_on])).toEqual([['Bayu Pratama', 'mother_name']]);
    expect((await searchChildren(db, 'bayu', 5))[0]).toMatchObject({
      child: { name: 'Bayu Pratama' },
      matched_on: 'name',
    });
  });

  it('reads every child across several pages, in name order, and honours a limit', async () => {
    const names = Array.from({ length: 1234 }, (_, i) => `Anak ${i}`);
    await db.transaction(async (tx) => {
      for (const name of names) await insertChild(tx, child({ name }));
      await insertChild(tx, child({ name: 'Siti Aminah' }));
    });
    const all = await listChildren(db);
    expect(all).toHaveLength(1235);
    expect(new Set(all.map((c) => c.name))).toEqual(new Set([...names, 'Siti Aminah']));
    // Ordered by the spelling-tolerant name key, then by id (creation order).
    const order = all.map((c) => [nameKey(c.name), c.id] as const);
    const sorted = [...order].sort(([ka, ia], [kb, ib]) => (ka < kb ? -1 : ka > kb ? 1 : ia < ib ? -1 : 1));
    expect(order).toEqual(sorted);
    expect((await listChildren(db, 501)).map((c) => c.id)).toEqual(all.slice(0, 501).map((c) => c.id));
    // The one name like the query sits past the first page of the table scan.
    expect((await searchChildren(db, 'siti aminah', 3)).map((m) => m.child.name)).toEqual(['Siti Aminah']);
  });

  it('outbox: due in id order, sent on PUBACK, delivered on receipt', async () => {
    const ids = [newId(), newId(), newId()];
    for (const id of ids) {
      await enqueue(db, {
        id,
        kind: 'measurement',
        subject_id: id,
        topic: 't',
        payload: '{}',
        child_id: 'c1',
        created_at: '2026-01-01T00:00:00.000Z',
      });
    }
    const now = '2026-01-01T00:00:01.000Z';
    // One message per child on its way at a time: the next waits for the receipt of the one before.
    expect((await dueMessages(db, now, 10)).map((m) => m.id)).toEqual(ids.slice(0, 1));
    await markSent(db, ids[0] as string, now, '2026-01-01T00:01:00.000Z');
    expect(await outboxCounts(db)).toEqual({ pending: 2, unreceipted: 1 });
    expect(await dueMessages(db, now, 10)).toEqual([]);
    expect(await markDelivered(db, [ids[0] as string, 'unknown'], now)).toBe(1);
    expect((await dueMessages(db, now, 10)).map((m) => m.id)).toEqual(ids.slice(1, 2));
    expect(await markDelivered(db, [ids[0] as string], now)).toBe(0);
    expect(await outboxCounts(db)).toEqual({ pending: 2, unreceipted: 0 });
  });
});
