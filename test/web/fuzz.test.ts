// Malformed input against every route: the answer is always a clear 4xx (or a 2xx when the random input
// happens to be valid), never a 5xx, and the server keeps answering.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetailStore, type Db, openDb } from '../../gateway/store/index.ts';
import { skdnFixture } from '../reports/fixtures.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness;
let detailsDb: Db;
const cookies = new Map<string, string>();
beforeAll(async () => {
  const reportRows = skdnFixture();
  // The detail routes (address, visit notes, sasaran) write to a real, empty in-memory store.
  detailsDb = await openDb(':memory:', { durable: false });
  harness = await startHarness({
    reports: { load: async () => reportRows, details: createDetailStore(detailsDb, 'pos-1') },
  });
  for (const role of ['kader', 'bidan', 'admin'] as const) cookies.set(role, await harness.login(role));
});
afterAll(async () => {
  await harness.close();
  await detailsDb.close();
});

// Streams and logout change the harness itself; they are covered in server.test.ts.
const skipped = new Set(['GET /api/events', 'POST /api/logout']);

const jsonBody = fc.jsonValue({ maxDepth: 3 });
const rawBody = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    '{',
    '{"a":',
    '[1,2',
    'null',
    '"\\u0000"',
    '{"__proto__":{"x":1}}',
    '\u0000\u0001',
    '{"name":1e999}',
  ),
);
const pathParam = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('..', '%00', '0'.repeat(65), 'child"<>', 'a/b', '%E0%A4%A', 'skdn', 'recap', 'prevalence'),
);

describe('fuzzing every route', () => {
  it('never answers 5xx to random bodies, params and queries', async () => {
    const routes = harness.server.routes.filter((r) => !skipped.has(`${r.method} ${r.path}`));
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const cookie = cookies.get(route.roles[0] as string) as string;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            jsonBody.map((value) => ({ json: true as const, value })),
            rawBody.map((value) => ({ json: false as const, value })),
          ),
          pathParam,
          fc.dictionary(
            fc.constantFrom('q', 'limit', 'indicator', 'lang', 'x', 'month', 'from', 'to', 'format', 'table'),
            fc.oneof(
              fc.string({ maxLength: 20 }),
              fc.constantFrom('2026-11', '0000-01', '9999-12', '2026-13', 'csv', 'xlsx', 'quarter'),
            ),
            { maxKeys: 3 },
          ),
          async (body, param, query) => {
            const path = route.path.replace(/:[a-z]+/g, () => encodeURIComponent(param));
            const search = new URLSearchParams(query).toString();
            const url = `${path}${search ? `?${search}` : ''}`;
            const init =
              route.method === 'GET'
                ? { cookie }
                : body.json
                  ? { cookie, body: body.value }
                  : { cookie, rawBody: body.value, headers: { 'content-type': 'application/json' } };
            const response = await harness.call(route.method, url, init);
            expect(response.status, `${route.method} ${url}`).toBeLessThan(500);
            if (response.status >= 400) {
              const error = (response.json as { error?: { code?: string; message?: string } } | undefined)
                ?.error;
              expect(typeof error?.message).toBe('string');
            }
            // A POST body that is not a JSON object can never be valid.
            if (
              route.method === 'POST' &&
              (!body.json ||
                typeof body.value !== 'object' ||
                body.value === null ||
                Array.isArray(body.value))
            ) {
              expect(response.status, `${route.method} ${url}`).toBeGreaterThanOrEqual(400);
            }
          },
        ),
        { numRuns: 25, seed: 20261128 },
      );
    }
    expect((await harness.call('GET', '/api/me', { cookie: cookies.get('bidan') })).status).toBe(200);
  });
});
