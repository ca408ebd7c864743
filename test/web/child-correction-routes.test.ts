// Issue 11 item 2: the identity-correction routes. Only a bidan or the admin corrects, with a reason; the role
// recorded comes from the login, never the body; cross-site and non-JSON requests are refused like every
// state-changing route's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Child, ChildIdentity } from '../../gateway/model/index.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness;
let child: Child;
beforeAll(async () => {
  harness = await startHarness();
  const registered = await harness.services.registerChild({
    name: 'Siti',
    sex: 2,
    birth_date: '2026-01-05',
    mother_name: 'Wati',
  });
  if (!registered.ok) throw new Error(registered.error.message);
  child = registered.value;
});
afterAll(async () => harness.close());

const path = () => `/api/children/${child.id}/identity`;

describe('POST /api/children/:id/identity', () => {
  it('refuses the kader and answers the history to everyone', async () => {
    const kader = await harness.login('kader');
    const refused = await harness.call('POST', path(), { cookie: kader, body: { name: 'X', reason: 'r' } });
    expect(refused.status).toBe(403);
    const read = await harness.call('GET', path(), { cookie: kader });
    expect(read.status).toBe(200);
    expect((read.json as ChildIdentity).corrections).toEqual([]);
    expect((await harness.call('GET', path())).status).toBe(401);
  });

  it('requires a reason, refuses unknown fields and a role in the body', async () => {
    const bidan = await harness.login('bidan');
    const noReason = await harness.call('POST', path(), { cookie: bidan, body: { name: 'Siti Aminah' } });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason');
    const forgedRole = await harness.call('POST', path(), {
      cookie: bidan,
      body: { name: 'Siti Aminah', reason: 'KK', corrected_by: 'admin' },
    });
    expect(forgedRole.status).toBe(400);
    const badNik = await harness.call('POST', path(), { cookie: bidan, body: { nik: '123', reason: 'KK' } });
    expect(badNik.status).toBe(400);
    const missing = await harness.call('POST', '/api/children/nobody/identity', {
      cookie: bidan,
      body: { name: 'X', reason: 'r' },
    });
    expect(missing.status).toBe(404);
  });

  it('refuses cross-site and non-JSON requests', async () => {
    const bidan = await harness.login('bidan');
    const crossSite = await harness.call('POST', path(), {
      cookie: bidan,
      body: { name: 'Siti Aminah', reason: 'KK' },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const form = await harness.call('POST', path(), {
      cookie: bidan,
      rawBody: 'name=Siti&reason=KK',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const read = await harness.call('GET', path(), { cookie: bidan });
    expect((read.json as ChildIdentity).corrections).toEqual([]);
  });

  it('corrects as the bidan and as the admin, each recorded with its own role', async () => {
    const bidan = await harness.login('bidan');
    const first = await harness.call('POST', path(), {
      cookie: bidan,
      body: { name: 'Siti Aminah', reason: 'Sesuai akta kelahiran' },
    });
    expect(first.status).toBe(200);
    expect((first.json as ChildIdentity).child.name).toBe('Siti Aminah');
    const admin = await harness.login('admin');
    const second = await harness.call('POST', path(), {
      cookie: admin,
      body: { birth_date: '2026-01-04', reason: 'Tanggal di KIA' },
    });
    expect(second.status).toBe(200);
    const history = (second.json as ChildIdentity).corrections;
    expect(history.map((c) => [c.corrected_by, c.reason])).toEqual([
      ['admin', 'Tanggal di KIA'],
      ['bidan', 'Sesuai akta kelahiran'],
    ]);
    expect(history[1]?.before).toEqual({ name: 'Siti' });
    expect(history[1]?.after).toEqual({ name: 'Siti Aminah' });
  });
});
