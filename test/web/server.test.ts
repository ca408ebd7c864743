import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../gateway/web/security-headers.ts';
import { startWebServer } from '../../gateway/web/server.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { createFakeServices } from './fake-services.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

/** A concrete path for a route pattern (":id" filled with a plausible id). */
const concrete = (path: string) => path.replace(/:[a-z]+/g, '0190a1b2c3d4');

describe('web server: security', () => {
  it('sends a strict CSP and the other security headers on pages and API answers', async () => {
    for (const path of ['/', '/js/app.js', '/api/today', '/nope']) {
      const response = await harness.call('GET', path);
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).not.toContain('unsafe-inline');
  });

  it('answers every API route except login with 401 without a session', async () => {
    expect(harness.server.routes.length).toBeGreaterThan(15);
    for (const route of harness.server.routes) {
      const response = await harness.call(
        route.method,
        concrete(route.path),
        route.method === 'GET' ? {} : { body: {} },
      );
      expect(response.status, `${route.method} ${route.path}`).toBe(401);
      expect((response.json as { error: { code: string } }).error.code).toBe('not_logged_in');
    }
  });

  it('serves only the files found at start, never paths outside public/', async () => {
    for (const path of ['/../server.ts', '/%2e%2e/server.ts', '/js/../../server.ts', '/etc/passwd']) {
      const response = await harness.call('GET', path);
      expect(response.status, path).toBe(404);
    }
    expect((await harness.call('GET', '/css/app.css')).status).toBe(200);
  });

  it('refuses state-changing requests from another origin', async () => {
    const cookie = await harness.login('kader');
    const response = await harness.call('POST', '/api/children', {
      cookie,
      body: { name: 'A', sex: 1, birth_date: '2025-01-01', mother_name: 'B' },
      headers: { origin: 'http://evil.example' },
    });
    expect(response.status).toBe(403);
  });

  it('keeps roles apart: a kader may not change PINs, an admin may', async () => {
    const kader = await harness.login('kader');
    expect(
      (await harness.call('POST', '/api/admin/pins', { cookie: kader, body: { role: 'kader', pin: '9999' } }))
        .status,
    ).toBe(403);
    const admin = await harness.login('admin');
    expect(
      (
        await harness.call('POST', '/api/admin/pins', {
          cookie: admin,
          body: { role: 'bidan', pin: '46802' },
        })
      ).status,
    ).toBe(200);
    const relogin = await harness.call('POST', '/api/login', { body: { role: 'bidan', pin: '46802' } });
    expect(relogin.status).toBe(200);
    await harness.call('POST', '/api/admin/pins', { cookie: admin, body: { role: 'bidan', pin: '592731' } });
  });

  it('fails fast, naming host and port, when the port is taken', async () => {
    const port = Number(new URL(harness.server.url).port);
    const dir = await tmpDir('tikar-web-port-');
    try {
      await expect(
        startWebServer({
          services: createFakeServices(),
          host: '127.0.0.1',
          port,
          dataDir: dir.path,
          pins: { kader: '2468', bidan: '2468', admin: '2468' },
        }),
      ).rejects.toThrow(`http: cannot listen on 127.0.0.1:${port}`);
    } finally {
      await dir.cleanup();
    }
  });

  it('logs out: the cookie stops working', async () => {
    const cookie = await harness.login('bidan');
    expect((await harness.call('GET', '/api/me', { cookie })).status).toBe(200);
    expect((await harness.call('POST', '/api/logout', { cookie, body: {} })).status).toBe(200);
    expect((await harness.call('GET', '/api/me', { cookie })).status).toBe(401);
  });
});

describe('web server: login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie; Secure when asked', async () => {
    const response = await harness.call('POST', '/api/login', { body: { role: 'kader', pin: '481620' } });
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^tikar_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
    const secure = await startHarness({ secureCookies: true });
    try {
      const secured = await secure.call('POST', '/api/login', { body: { role: 'kader', pin: '481620' } });
      expect(secured.headers.get('set-cookie')).toMatch(/; Secure$/);
    } finally {
      await secure.close();
    }
  });

  it('rate-limits wrong PINs per client, then locks with Retry-After', async () => {
    const limited = await startHarness({ loginLimiter: { freeTries: 3, firstLockMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await limited.call('POST', '/api/login', { body: { role: 'bidan', pin: '000000' } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Even the right PIN is refused during the lock.
      const right = await limited.call('POST', '/api/login', { body: { role: 'bidan', pin: '592731' } });
      expect(right.status).toBe(429);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('limits a burst of parallel guesses as well as sequential ones', async () => {
    const limited = await startHarness({ loginLimiter: { freeTries: 3, firstLockMs: 60_000 } });
    try {
      const guesses = Array.from({ length: 12 }, (_, i) =>
        limited.call('POST', '/api/login', { body: { role: 'kader', pin: String(100000 + i) } }),
      );
      const statuses = (await Promise.all(guesses)).map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    } finally {
      await limited.close();
    }
  });

  it('expires sessions after the idle timeout', async () => {
    let nowMs = 1_000_000;
    const expiring = await startHarness({ sessions: { idleTimeoutMs: 60_000, now: () => nowMs } });
    try {
      const cookie = await expiring.login('kader');
      nowMs += 59_000;
      expect((await expiring.call('GET', '/api/me', { cookie })).status).toBe(200);
      nowMs += 61_000;
      expect((await expiring.call('GET', '/api/me', { cookie })).status).toBe(401);
    } finally {
      await expiring.close();
    }
  });

  it('keeps a login alive while its live screen is open, and closes the stream when the login ends', async () => {
    let nowMs = 5_000_000;
    const live = await startHarness({
      sessions: { idleTimeoutMs: 60_000, maxAgeMs: 300_000, now: () => nowMs },
      sseHeartbeatMs: 20,
    });
    try {
      const cookie = await live.login('bidan');
      const stream = await fetch(`${live.server.url}/api/events`, { headers: { cookie } });
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      const heartbeat = () => new Promise((resolve) => setTimeout(resolve, 100));
      nowMs += 50_000;
      await heartbeat();
      nowMs += 50_000;
      await heartbeat();
      // 100 s since the last request, more than the idle timeout: the open stream counted as use.
      expect((await live.call('GET', '/api/me', { cookie })).status).toBe(200);
      nowMs += 300_000;
      let ended = false;
      while (!ended) ended = (await reader.read()).done;
      expect((await live.call('GET', '/api/me', { cookie })).status).toBe(401);
    } finally {
      await live.close();
    }
  });

  it('stores PINs only as scrypt hashes in a 0600 file, seeds random PINs once and reports them once', async () => {
    const dir = await tmpDir('tikar-pins-');
    const seededCalls: Record<string, string>[] = [];
    const options = {
      services: createFakeServices(),
      host: '127.0.0.1',
      port: 0,
      dataDir: dir.path,
      pins: {},
      onSeededPins: (pins: Record<string, string>) => seededCalls.push(pins),
    };
    try {
      const first = await startWebServer(options);
      await first.stop();
      const second = await startWebServer(options);
      expect(seededCalls).toHaveLength(1);
      const seeded = seededCalls[0] as Record<string, string>;
      expect(Object.keys(seeded).sort()).toEqual(['admin', 'bidan', 'kader']);
      const file = join(dir.path, 'web-pins.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const text = await (await import('node:fs/promises')).readFile(file, 'utf8');
      for (const pin of Object.values(seeded)) expect(text).not.toContain(`"${pin}"`);
      const login = await fetch(`${second.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'kader', pin: seeded.kader }),
      });
      expect(login.status).toBe(200);
      await second.stop();
    } finally {
      await dir.cleanup();
    }
  });
});

describe('web server: API', () => {
  it('answers bad input with 400 naming the field', async () => {
    const cookie = await harness.login('kader');
    const response = await harness.call('POST', '/api/children', {
      cookie,
      body: { name: '', sex: 3, birth_date: '28/11/2026', mother_name: 'Ibu' },
    });
    expect(response.status).toBe(400);
    const error = (response.json as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('name');
    expect(error.message).toContain('sex');
    expect(error.message).toContain('birth_date');
  });

  it('refuses non-JSON bodies, bad JSON and oversize bodies with 4xx', async () => {
    const cookie = await harness.login('kader');
    const form = await harness.call('POST', '/api/children', {
      cookie,
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const broken = await harness.call('POST', '/api/children', {
      cookie,
      rawBody: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    const huge = await harness.call('POST', '/api/children', {
      cookie,
      rawBody: `"${'x'.repeat(20_000)}"`,
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
  });

  it('registers, measures and saves a child; the today list flags a stunted child; SSE pushes the row', async () => {
    const kader = await harness.login('kader');
    const bidan = await harness.login('bidan');
    const events = new AbortController();
    const stream = await fetch(`${harness.server.url}/api/events`, {
      headers: { cookie: bidan },
      signal: events.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const received: string[] = [];
    const todayEvent = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value);
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks) {
          received.push(block);
          if (block.includes('event: today')) return JSON.parse(block.split('data: ')[1] as string);
        }
      }
    })();

    const birth = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
    const registered = await harness.call('POST', '/api/children', {
      cookie: kader,
      body: { name: 'Anak Pendek', sex: 1, birth_date: birth, mother_name: 'Ibu Sari' },
    });
    expect(registered.status).toBe(201);
    const childId = (registered.json as { id: string }).id;
    const started = await harness.call('POST', '/api/sessions', {
      cookie: kader,
      body: { child_id: childId, position: 'l' },
    });
    expect(started.status).toBe(201);
    const sessionId = (started.json as { session_id: string }).session_id;
    const early = await harness.call('POST', `/api/sessions/${sessionId}/save`, { cookie: kader, body: {} });
    expect(early.status).toBe(409);
    harness.services.lockReading(sessionId, 640);
    harness.services.lockReading(sessionId, 642);
    await harness.call('POST', `/api/sessions/${sessionId}/weight`, {
      cookie: kader,
      body: { weight_kg: 7.1 },
    });
    const saved = await harness.call('POST', `/api/sessions/${sessionId}/save`, { cookie: kader, body: {} });
    expect(saved.status).toBe(201);

    const pushed = (await todayEvent) as {
      child: { id: string };
      flags: { code: string }[];
      mat_colour: string;
    };
    events.abort();
    expect(pushed.child.id).toBe(childId);
    const listed = await harness.call('GET', '/api/today', { cookie: bidan });
    const entry = (listed.json as { entries: (typeof pushed)[] }).entries.find((e) => e.child.id === childId);
    expect(entry).toBeDefined();
    // 64.1 cm at 300 days is below −3 SD for boys: sangat pendek, Merah on the growth mat.
    expect(entry?.flags.map((f) => f.code)).toContain('tbu_sangat_pendek');
    expect(entry?.mat_colour).toBe('merah');
    expect(pushed.flags).toEqual(entry?.flags);
  });

  it('draws the chart as SVG for the child, and 404s for an unknown one', async () => {
    const cookie = await harness.login('bidan');
    const birth = '2025-01-15';
    const child = await harness.services.registerChild({
      name: 'Grafik',
      sex: 2,
      birth_date: birth,
      mother_name: 'Ibu',
    });
    if (!child.ok) throw new Error('register failed');
    harness.services.addMeasurement(child.value.id, '2025-07-15', 64, 7);
    const svg = await harness.call(
      'GET',
      `/api/children/${child.value.id}/chart.svg?indicator=lhfa&lang=en`,
      { cookie },
    );
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(svg.text).toContain('class="child-point"');
    expect(svg.text).toContain('Girls');
    const missing = await harness.call('GET', '/api/children/nobody/chart.svg', { cookie });
    expect(missing.status).toBe(404);
    const badIndicator = await harness.call('GET', `/api/children/${child.value.id}/chart.svg?indicator=iq`, {
      cookie,
    });
    expect(badIndicator.status).toBe(400);
  });
});
