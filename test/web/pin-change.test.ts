// Issue 11 item 9: changing a role's PIN ends that role's sessions (and their live streams); trivial PINs are
// refused wherever a PIN is set.
import { describe, expect, it } from 'vitest';
import { openPinStore, randomPin, trivialPinReason } from '../../gateway/web/auth/pin-store.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { startHarness, testPins } from './harness.ts';

describe('PIN changes', () => {
  it("ends the role's sessions and streams, not the others'", async () => {
    const harness = await startHarness({ sseHeartbeatMs: 20 });
    try {
      const bidan = await harness.login('bidan');
      const kader = await harness.login('kader');
      const admin = await harness.login('admin');
      const stream = await fetch(`${harness.server.url}/api/events`, { headers: { cookie: bidan } });
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      const changed = await harness.call('POST', '/api/admin/pins', {
        cookie: admin,
        body: { role: 'bidan', pin: '740185' },
      });
      expect(changed.status).toBe(200);
      expect((await harness.call('GET', '/api/me', { cookie: bidan })).status).toBe(401);
      let ended = false;
      while (!ended) ended = (await reader.read()).done;
      expect((await harness.call('GET', '/api/me', { cookie: kader })).status).toBe(200);
      expect((await harness.call('GET', '/api/me', { cookie: admin })).status).toBe(200);
    } finally {
      await harness.close();
    }
  });

  it('refuses trivial PINs from the admin screen and at start', async () => {
    const harness = await startHarness();
    try {
      const admin = await harness.login('admin');
      for (const pin of ['0000', '1234', '9876', '7890', '555555', '0123456789']) {
        const response = await harness.call('POST', '/api/admin/pins', {
          cookie: admin,
          body: { role: 'kader', pin },
        });
        expect(response.status, pin).toBe(400);
      }
      expect(
        (await harness.call('POST', '/api/login', { body: { role: 'kader', pin: testPins.kader } })).status,
      ).toBe(200);
    } finally {
      await harness.close();
    }
    const dir = await tmpDir();
    try {
      await expect(openPinStore(dir.path, { admin: '1234' })).rejects.toThrow(/admin.*run of digits/);
    } finally {
      await dir.cleanup();
    }
  });

  it('never generates a trivial PIN, and accepts ordinary ones', () => {
    for (let i = 0; i < 2000; i++) expect(trivialPinReason(randomPin(4))).toBeUndefined();
    for (const pin of ['2468', '135790', '112233', '481620', '1243'])
      expect(trivialPinReason(pin), pin).toBeUndefined();
  });
});
