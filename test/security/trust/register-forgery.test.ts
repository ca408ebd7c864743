// Issue 11 item 2: a forged `tikar.register/1` must not rewrite a child this posyandu owns, nor pin a forgery
// with an `updated_at` in the future; children of other posyandu are still added and updated.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../gateway/log/ids.ts';
import { createLogger } from '../../../gateway/log/logger.ts';
import type { Child } from '../../../gateway/model/index.ts';
import type { MqttLink } from '../../../gateway/publish/mqtt-link.ts';
import { startPresence } from '../../../gateway/publish/presence.ts';
import { posyanduTopics } from '../../../gateway/publish/topics.ts';
import { getChild, insertChild } from '../../../gateway/store/children.ts';
import { type Db, openDb } from '../../../gateway/store/db.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';

const topics = posyanduTopics('sukamaju', 'melati');

/** Stands in for the MQTT link: the test delivers register messages itself. */
class FakeLink extends EventEmitter {
  connected = false;
  handlers = new Map<string, (topic: string, payload: Buffer) => void>();
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void) {
    this.handlers.set(filter, handler);
  }
  publish() {
    return Promise.resolve();
  }
  deliver(child: Child) {
    const { nik, ...rest } = child;
    const wire = { ...rest, ...(nik ? { nik } : {}), birth_month: child.birth_date.slice(0, 7) };
    this.handlers.get(topics.register)?.(
      topics.register,
      Buffer.from(JSON.stringify({ schema: 'tikar.register/1', child: wire })),
    );
  }
}

function child(overrides: Partial<Child> = {}): Child {
  return {
    id: newId(),
    pseudo_id: newId(),
    name: 'Siti Nurhaliza',
    sex: 2,
    birth_date: '2025-03-01',
    nik: null,
    mother_name: 'Dewi',
    posyandu_id: 'melati',
    village_id: 'sukamaju',
    has_kia: true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('register forgery', () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let db: Db;
  let link: FakeLink;
  const merged: string[] = [];
  const refused: string[] = [];
  let presence: { stop: () => Promise<void> };
  beforeEach(async () => {
    dir = await tmpDir();
    db = await openDb(join(dir.path, 'tikar.db'));
    link = new FakeLink();
    merged.length = 0;
    refused.length = 0;
    presence = startPresence({
      link: link as unknown as MqttLink,
      db,
      topics,
      posyanduId: 'melati',
      log: createLogger('test.register'),
      onChild: (c) => merged.push(c.id),
      onRefused: (reason) => refused.push(reason),
    });
  });
  afterEach(async () => {
    await presence.stop();
    await db.close();
    await dir.cleanup();
  });

  const settle = () => db.get('SELECT 1');

  it("never rewrites this posyandu's child, whatever posyandu or updated_at the forgery claims", async () => {
    const own = child();
    await insertChild(db, own);
    const forgeries = [
      child({
        id: own.id,
        pseudo_id: own.pseudo_id,
        sex: 1,
        birth_date: '2021-01-01',
        name: 'X',
        updated_at: '2026-06-01T00:00:00.000Z',
      }),
      child({
        id: own.id,
        pseudo_id: own.pseudo_id,
        sex: 1,
        posyandu_id: 'mawar',
        updated_at: '2026-06-01T00:00:00.000Z',
      }),
      child({
        id: own.id,
        pseudo_id: own.pseudo_id,
        sex: 1,
        posyandu_id: 'mawar',
        updated_at: '2099-01-01T00:00:00.000Z',
      }),
    ];
    for (const forged of forgeries) link.deliver(forged);
    await settle();
    expect(await getChild(db, own.id)).toEqual(own);
    expect(merged).toEqual([]);
    expect(refused.length).toBe(2); // the third passes the checks but the store keeps our row
  });

  it('adds and updates children of other posyandu, but refuses an updated_at in the future', async () => {
    const other = child({ posyandu_id: 'mawar' });
    link.deliver(other);
    await settle();
    expect((await getChild(db, other.id))?.name).toBe('Siti Nurhaliza');
    link.deliver({ ...other, name: 'Siti N.', updated_at: '2026-02-01T00:00:00.000Z' });
    await settle();
    expect((await getChild(db, other.id))?.name).toBe('Siti N.');
    const pinned = { ...other, sex: 1 as const, updated_at: new Date(Date.now() + 3_600_000).toISOString() };
    link.deliver(pinned);
    await settle();
    expect((await getChild(db, other.id))?.sex).toBe(2);
    expect(refused).toEqual(['updated_at is in the future']);
    // A new child claiming to be ours (it would be in our store already) is refused too.
    link.deliver(child());
    await settle();
    expect(refused).toHaveLength(2);
  });
});
