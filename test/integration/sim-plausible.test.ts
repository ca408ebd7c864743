// The zero-config gateway (simulated mat in-process, 'session' scenario): 200 children of every age and both
// sexes measured through the services. The simulator lays a baby that fits each child, so WHO's implausible
// flags ("ukur ulang") stay rare, and about the scenario's share come out stunted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../device/sim/random.ts';
import { scenarios } from '../../device/sim/scenarios.ts';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { measureChild, waitFor } from './helpers.ts';

const childCount = 200;

describe('200 demo children on the zero-config simulated mat', { timeout: 240_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dir = await tmpDir('tikar-plausible-');
    gateway = await startGateway({
      dbPath: join(dir.path, 'tikar.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      // The default scenario, its device time run 80 times faster.
      sim: { seed: 5, timeScale: 80 },
    });
    await waitFor('the mat', () => gateway.services.listMats().find((m) => m.connected));
  });

  afterAll(async () => {
    await gateway?.stop();
    await dir?.cleanup();
  });

  it('gives fewer than 2 % implausible flags, and about the scenario share stunted', async () => {
    const random = createRandom(2026);
    const today = new Date();
    let implausible = 0;
    let stunted = 0;
    let wasted = 0;
    for (let i = 0; i < childCount; i++) {
      // Every age from a newborn to 59 months, both sexes.
      const ageDays = random.int(0, 1825);
      const birth = new Date(today.getTime() - ageDays * 86_400_000).toISOString().slice(0, 10);
      const registered = await gateway.services.registerChild({
        name: `Anak Demo ${i}`,
        sex: i % 2 === 0 ? 1 : 2,
        birth_date: birth,
        mother_name: `Ibu Demo ${i}`,
      });
      if (!registered.ok) throw new Error(registered.error.message);
      const { measurement: m } = await measureChild(gateway.services, registered.value.id).catch((error) => {
        const mat = gateway.services.listMats()[0];
        const open = mat?.busy_session_id ? gateway.services.getSession(mat.busy_session_id) : undefined;
        throw new Error(`${(error as Error).message}: ${JSON.stringify(open?.ok ? open.value : mat)}`);
      });
      if (m.implausible) implausible++;
      if (m.z.zlen !== null && m.z.zlen < -2) stunted++;
      if (m.z.zwfl !== null && m.z.zwfl < -2) wasted++;
      expect(m.weight_kg).not.toBeNull();
    }
    process.stdout.write(
      `${childCount} children: ${implausible} implausible, ${stunted} stunted, ${wasted} wasted\n`,
    );
    expect(implausible / childCount).toBeLessThan(0.02);
    // Binomial spread around the scenario's shares (21.6 %, 7.7 %): ±4 SD of 200 draws.
    const scenario = scenarios.session;
    if (!scenario) throw new Error('no session scenario');
    const within = (count: number, share: number) =>
      Math.abs(count / childCount - share) < 4 * Math.sqrt((share * (1 - share)) / childCount);
    expect(within(stunted, scenario.stuntedShare)).toBe(true);
    expect(within(wasted, scenario.wastedShare)).toBe(true);
  });
});
