// The outbox against real mosquitto: the broker away while 1,000 measurements are saved; the broker losing
// its queue while the village record is offline. Every measurement reaches the record exactly once, in order
// per child. And a reconnect sends again at once whatever still awaits its receipt.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/log/logger.ts';
import { openMqttLink } from '../../gateway/publish/mqtt-link.ts';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import {
  outOfOrderChildren,
  registerChildren,
  saveManual,
  startTestGateway,
  startTestRecord,
  undelivered,
} from './fixtures.ts';
import { waitFor } from './helpers.ts';

// Real processes on a shared 2-core machine: generous time, never a timing assertion.
describe('broker outages', { timeout: 120_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    dir = await tmpDir('tikar-outage-');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
    await dir.cleanup();
  });

  it('broker away: 1,000 measurements saved meanwhile all arrive once, in order per child, backfilled', async () => {
    let broker: Mosquitto = await startMosquitto();
    cleanups.push(() => broker.stop());
    const record = await startTestRecord({ dbPath: join(dir.path, 'record.db'), mqttUrl: broker.url });
    cleanups.push(() => record.stop());
    const gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url });
    cleanups.push(() => gateway.stop());
    const children = await registerChildren(gateway, 20);
    await waitFor('the children to reach the record', async () => (await undelivered(gateway.db)) === 0);

    const port = broker.port;
    await broker.stop();
    const saved: string[] = [];
    for (let k = 0; k < 1000; k++) saved.push(await saveManual(gateway, children[k % 20] as string, k));
    expect(await undelivered(gateway.db)).toBe(1000);
    expect(gateway.services.mqttStatus().connected).toBe(false);

    broker = await startMosquitto({ port });
    await waitFor('the backlog to drain', async () => (await undelivered(gateway.db)) === 0, 60_000);

    const stored = await record.db.all<{ id: string }>('SELECT id FROM measurements');
    expect(stored).toHaveLength(1000);
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(saved));
    expect(await outOfOrderChildren(record.db)).toBe(0);
    const backfilled = await record.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM record_messages WHERE kind = 'measurement' AND backfilled = 1",
    );
    expect(backfilled?.n).toBeGreaterThan(0);
  });

  it('broker loses its queue while the record is offline: the missing receipts make the gateway send again', async () => {
    const broker = await startMosquitto({ persistence: false });
    cleanups.push(() => broker.stop());
    const recordPath = join(dir.path, 'record.db');
    let record = await startTestRecord({ dbPath: recordPath, mqttUrl: broker.url });
    const gateway = await startTestGateway({ dir: dir.path, mqttUrl: broker.url });
    cleanups.push(() => gateway.stop());
    const children = await registerChildren(gateway, 5);
    await waitFor('the children to reach the record', async () => (await undelivered(gateway.db)) === 0);

    await record.stop(); // its persistent session stays at the broker, which queues for it
    const saved: string[] = [];
    for (let k = 0; k < 40; k++) saved.push(await saveManual(gateway, children[k % 5] as string, k));
    await waitFor('the broker to acknowledge', async () => {
      const row = await gateway.db.get<{ n: number }>(
        'SELECT count(*) AS n FROM outbox WHERE sent_at IS NOT NULL AND delivered_at IS NULL',
      );
      return (row?.n ?? 0) >= 5;
    });
    await broker.restart(); // no persistence: the queued messages are gone

    record = await startTestRecord({ dbPath: recordPath, mqttUrl: broker.url });
    cleanups.push(() => record.stop());
    await waitFor(
      'every measurement to be receipted',
      async () => (await undelivered(gateway.db)) === 0,
      60_000,
    );
    const stored = await record.db.all<{ id: string }>('SELECT id FROM measurements');
    expect(stored.map((r) => r.id).sort()).toEqual([...saved].sort());
    const resent = await gateway.db.get<{ n: number }>('SELECT count(*) AS n FROM outbox WHERE attempts > 1');
    expect(resent?.n).toBeGreaterThan(0);
    expect(await outOfOrderChildren(record.db)).toBe(0);
  });

  it('the link comes back: what awaits a receipt is sent again at once, not after the receipt timeout', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.stop());
    // The gateway reaches the broker through a relay of TCP connections that the test can cut; the spy
    // stays connected to the broker and sees every publish.
    const links = new Set<Socket>();
    const proxy = createServer((inbound) => {
      const outbound = connect(broker.port, '127.0.0.1');
      for (const [a, b] of [
        [inbound, outbound],
        [outbound, inbound],
      ] as const) {
        links.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          links.delete(a);
          b.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
    const seen = new Map<string, number>();
    const spy = await openMqttLink({ url: broker.url, log: createLogger('test.spy') });
    cleanups.push(() => spy.close());
    void spy.subscribe('tikar/v1/sukamaju/melati/+', (topic, payload) => {
      if (!/\/(measurements|children)$/.test(topic)) return;
      const { id } = JSON.parse(payload.toString()) as { id: string };
      seen.set(id, (seen.get(id) ?? 0) + 1);
    });
    await spy.waitConnected(5000);
    // No record: nothing is ever receipted, and the receipt timeout (10 minutes) outlasts the test.
    const gateway = await startTestGateway({
      dir: dir.path,
      mqttUrl: `mqtt://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      relay: { receiptTimeoutMs: 600_000, maxBackoffMs: 600_000 },
    });
    cleanups.push(() => gateway.stop());
    const children = await registerChildren(gateway, 3);
    for (const [k, child] of children.entries()) await saveManual(gateway, child, k);
    await waitFor('the first messages to be sent', () => seen.size >= 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = [...seen.keys()];
    expect([...seen.values()].every((times) => times === 1)).toBe(true);

    for (const socket of links) socket.destroy(); // the link drops; the gateway reconnects through the relay
    await waitFor(
      'every message sent before the link dropped to be sent again',
      () => before.every((id) => (seen.get(id) ?? 0) >= 2),
      30_000,
    );
  });
});
