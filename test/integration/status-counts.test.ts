// Issue 11 item 12: the outbox counts the status shows agree with the database, also while the broker is away
// (the relay, which reported them, only does so after sending).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { outboxCounts } from '../../gateway/store/outbox.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { registerChildren, saveManual, startTestGateway, undelivered } from './fixtures.ts';
import { waitFor } from './helpers.ts';

describe('status outbox counts', { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let broker: Mosquitto;
  let gateway: RunningGateway;
  beforeAll(async () => {
    dir = await tmpDir('tikar-status-counts-');
    broker = await startMosquitto();
    gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url });
  });
  afterAll(async () => {
    await gateway?.stop();
    await broker?.stop();
    await dir?.cleanup();
  });

  it('shows the pending messages stored while the broker is away', async () => {
    const [childId = ''] = await registerChildren(gateway, 1);
    await waitFor('the child sent', async () => (await outboxCounts(gateway.db)).pending === 0);
    await broker.kill();
    await waitFor('disconnected', () => !gateway.services.mqttStatus().connected);
    for (let k = 0; k < 3; k++) await saveManual(gateway, childId, k);
    const stored = await outboxCounts(gateway.db);
    expect(stored.pending).toBe(3);
    await waitFor('the status to agree', () => gateway.services.mqttStatus().outbox_pending === 3, 5000);
    expect(await undelivered(gateway.db)).toBeGreaterThanOrEqual(3);
  });
});
