// A measuring session nobody's screen shows any more (a closed tab): it becomes takeable, and left alone with
// a still mat it ends by itself and frees the mat. Real gateway, simulated mat in-process, short timers.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../gateway/app/start-gateway.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { birthDateForAge, waitFor } from './helpers.ts';

describe('a session without a screen', { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    dir = await tmpDir('tikar-idle-');
    gateway = await startGateway({
      dbPath: join(dir.path, 'tikar.db'),
      posyanduId: 'melati',
      villageId: 'sukamaju',
      sim: { scenario: 'calm', seed: 3, timeScale: 20 },
      sessions: { screenTimeoutMs: 400, idleEndMs: 1500 },
    });
    await waitFor('the mat', () => gateway.services.listMats().find((m) => m.connected));
  });

  afterAll(async () => {
    await gateway?.stop();
    await dir?.cleanup();
  });

  async function child(name: string) {
    const registered = await gateway.services.registerChild({
      name,
      sex: 2,
      birth_date: birthDateForAge(8),
      mother_name: 'Ibu',
    });
    if (!registered.ok) throw new Error(registered.error.message);
    return registered.value.id;
  }

  it('loses its screen, is shown as takeable on the mat, then ends by itself and frees the mat', async () => {
    const started = await gateway.services.startSession({ child_id: await child('Sari') });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.session_id;
    expect(started.value.has_screen).toBe(true);
    const ended: string[] = [];
    const stop = gateway.services.on('session', (s) => {
      if (s.session_id === id && s.phase === 'cancelled') ended.push(s.ended_by ?? '');
    });
    await waitFor('no screen', () => gateway.services.listMats()[0]?.busy_has_screen === false);
    expect(gateway.services.listMats()[0]?.busy_session_id).toBe(id);
    await waitFor('the idle end', () => {
      const state = gateway.services.getSession(id);
      return state.ok && state.value.phase === 'cancelled' ? state.value : undefined;
    });
    stop();
    const state = gateway.services.getSession(id);
    expect(state.ok && state.value).toMatchObject({ ended_by: 'idle', prompt: { code: 'ended_idle' } });
    expect(ended).toEqual(['idle']);
    expect(gateway.services.listMats()[0]).toMatchObject({ busy_session_id: null, busy_has_screen: null });
    const next = await gateway.services.startSession({ child_id: await child('Dewi') });
    expect(next.ok).toBe(true);
    if (next.ok) gateway.services.cancelSession(next.value.session_id);
  });

  it('a screen that keeps showing it keeps it', async () => {
    const started = await gateway.services.startSession({ child_id: await child('Rina') });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.session_id;
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      const seen = gateway.services.sessionScreen(id);
      expect(seen.ok && seen.value.has_screen).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const state = gateway.services.getSession(id);
    expect(state.ok && state.value.phase).not.toBe('cancelled');
    gateway.services.cancelSession(id);
  });
});
