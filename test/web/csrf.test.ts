// Issue 11 item 8: `Origin: null`, state-changing requests without a JSON content type (also with no body)
// and Host names that are not the gateway's own (DNS rebinding) are refused.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness.close());

/** A raw request (fetch does not let a test set Host). */
function raw(path: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
  const url = new URL(harness.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cross-site requests', () => {
  it('refuses Origin: null', async () => {
    const cookie = await harness.login('kader');
    const response = await harness.call('POST', '/api/logout', {
      cookie,
      body: {},
      headers: { origin: 'null' },
    });
    expect(response.status).toBe(403);
    expect((await harness.call('GET', '/api/me', { cookie })).status).toBe(200);
  });

  it('requires JSON on every state-changing request, also without a body', async () => {
    const cookie = await harness.login('kader');
    const variants: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of variants) {
      const response = await harness.call('POST', '/api/logout', { cookie, headers });
      expect(response.status).toBe(415);
    }
    expect((await harness.call('GET', '/api/me', { cookie })).status).toBe(200);
    expect((await harness.call('POST', '/api/logout', { cookie, body: {} })).status).toBe(200);
  });

  it("answers only the gateway's own host names (DNS rebinding)", async () => {
    expect(await raw('/api/me', { host: 'evil.example:8080' })).toBe(421);
    expect(await raw('/', { host: 'evil.example' })).toBe(421);
    expect(await raw('/', { host: `127.0.0.1:${new URL(harness.server.url).port}` })).toBe(200);
    expect(await raw('/', { host: 'localhost' })).toBe(200);
  });
});
