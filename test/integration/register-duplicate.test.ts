// Registering the same child twice (same name, birth date and mother, spelling folded) is refused unless
// confirmed: a second record would split the child's growth history in two.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { birthDateForAge } from './helpers.ts';

describe('a duplicate registration', { timeout: 30_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let gateway: RunningGateway;
  beforeAll(async () => {
    dir = await tmpDir('tikar-duplicate-');
    gateway = await startGateway({
      dbPath: join(dir.path, 'tikar.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      sim: { scenario: 'calm', seed: 1 },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await dir?.cleanup();
  });

  it('is refused with 409 conflict naming confirm_duplicate, found by findSameChild, and allowed when confirmed', async () => {
    const birth = birthDateForAge(10);
    const first = await gateway.services.registerChild({
      name: 'Siti Rahayu',
      sex: 2,
      birth_date: birth,
      mother_name: 'Tjitjih',
    });
    expect(first.ok).toBe(true);
    const again = { name: 'siti  rahajoe', sex: 2, birth_date: birth, mother_name: 'Cicih' };
    const refused = await gateway.services.registerChild(again);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'conflict', field: 'confirm_duplicate' });
    const same = await gateway.services.findSameChild({
      name: again.name,
      birth_date: birth,
      mother_name: again.mother_name,
    });
    expect(same.ok && same.value.map((c) => c.name)).toEqual(['Siti Rahayu']);
    const confirmed = await gateway.services.registerChild({ ...again, confirm_duplicate: true });
    expect(confirmed.ok).toBe(true);
  });
});
