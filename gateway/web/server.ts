// The gateway's web layer: the JSON API, PIN login by role, live updates by Server-Sent Events and the
// screens' static assets, on node:http (or node:https when given a certificate).
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { GatewayServices } from '../app/services.ts';
import { createLogger } from '../log/logger.ts';
import type { GatewayEventName, Unsubscribe } from '../model/index.ts';
import { childCorrectionRoutes } from './api/child-correction-routes.ts';
import { type DetailSource, detailRoutes } from './api/detail-routes.ts';
import { reportRoutes } from './api/report-routes.ts';
import { apiRoutes, unwrap } from './api/routes.ts';
import { todayView } from './api/today-flags.ts';
import { LoginLimiter, type LoginLimiterOptions } from './auth/login-limiter.ts';
import { openPinStore, type PinStore, pinPattern, trivialPinReason } from './auth/pin-store.ts';
import { type Role, roles, type Session, type SessionOptions, SessionStore } from './auth/sessions.ts';
import { HttpError, parseCookies, readJsonBody, sendError, sendJson, validate } from './http.ts';
import { Router } from './router.ts';
import { allowReportDocument, setSecurityHeaders } from './security-headers.ts';
import { SseHub } from './sse-hub.ts';
import { StaticFiles } from './static-files.ts';

const log = createLogger('web');
const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');
export const sessionCookie = 'tikar_session';

export interface WebServerOptions {
  services: GatewayServices;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Holds `web-pins.json` (hashed PINs, mode 0600). */
  dataDir: string;
  /** PINs to set at start; default from TIKAR_PIN_KADER, TIKAR_PIN_BIDAN, TIKAR_PIN_ADMIN. Others keep their hash. */
  pins?: Partial<Record<Role, string>>;
  /** Called once with PINs generated on first run; default prints them to stdout. */
  onSeededPins?: (pins: Partial<Record<Role, string>>) => void;
  /** Serve HTTPS with this certificate (PEM); cookies are then marked Secure. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Mark the session cookie Secure even over plain HTTP (behind a TLS proxy). */
  secureCookies?: boolean;
  sessions?: SessionOptions;
  /** Interval of the live streams' keep-alive (and login) check. Default 15 s. */
  sseHeartbeatMs?: number;
  /** Caps on open live streams (per login, in all). */
  sse?: { maxPerSession?: number; maxTotal?: number };
  loginLimiter?: LoginLimiterOptions;
  /** The rows behind the Laporan page and the exports; without it those routes answer 503. */
  reports?: DetailSource;
  /**
   * Host names the screens are reached by besides the listening address, loopback, this machine's name
   * (and `name.local`) and its interface addresses, e.g. a DNS name for the Pi. Others are refused.
   */
  hostNames?: readonly string[];
}

/** The lower-case host name of a Host header, without port or IPv6 brackets; '' when missing or bad. */
export function hostNameOf(header: string | undefined): string {
  if (!header) return '';
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return '';
  }
}

/** Every name and address by which this gateway's screens may be reached. */
export function gatewayHostNames(listenHost: string, extra: readonly string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', listenHost.toLowerCase()]);
  const machine = hostname().toLowerCase();
  names.add(machine);
  names.add(`${machine}.local`);
  for (const addresses of Object.values(networkInterfaces()))
    for (const address of addresses ?? []) names.add(address.address.toLowerCase());
  for (const name of extra) names.add(name.toLowerCase());
  return names;
}

export interface WebServer {
  url: string;
  stop(): Promise<void>;
  /** Every API route with the roles allowed (for docs and tests); /api/login is the only open one. */
  routes: readonly { method: string; path: string; roles: readonly Role[] }[];
}

const loginBody = z.strictObject({
  role: z.enum(roles),
  pin: z.string().regex(pinPattern, 'PIN is 4 to 12 digits'),
  /** The phone's clock at login, so the gateway can notice its own clock is wrong. */
  phone_time: z.iso.datetime({ offset: true }).optional(),
});
const setPinBody = z.strictObject({
  role: z.enum(roles),
  pin: z
    .string()
    .regex(pinPattern, 'PIN is 4 to 12 digits')
    .refine(
      (pin) => trivialPinReason(pin) === undefined,
      'PIN is too easy to guess (repeated digit or a run)',
    ),
});

/** PINs preset by environment variables TIKAR_PIN_KADER, TIKAR_PIN_BIDAN, TIKAR_PIN_ADMIN. */
export function pinsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<Role, string>> {
  const pins: Partial<Record<Role, string>> = {};
  for (const role of roles) {
    const value = env[`TIKAR_PIN_${role.toUpperCase()}`];
    if (value) pins[role] = value;
  }
  return pins;
}

function printSeededPins(pins: Partial<Record<Role, string>>): void {
  const lines = Object.entries(pins).map(([role, pin]) => `  ${role.padEnd(6)} ${pin}`);
  process.stdout.write(
    `Tikar screens: PINs created for this gateway (shown only now; write them down):\n${lines.join('\n')}\n`,
  );
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { services } = options;
  const opened = await openPinStore(options.dataDir, options.pins ?? pinsFromEnv());
  if (Object.keys(opened.seeded).length > 0) (options.onSeededPins ?? printSeededPins)(opened.seeded);
  const pinStore: PinStore = opened.store;
  const sessions = new SessionStore(options.sessions);
  const limiter = new LoginLimiter(options.loginLimiter);
  const hub = new SseHub({
    ...(options.sseHeartbeatMs === undefined ? {} : { heartbeatMs: options.sseHeartbeatMs }),
    sessionAlive: (token) => sessions.touch(token) !== undefined,
    ...options.sse,
  });
  const assets = await StaticFiles.load(publicDir);
  const overTls = options.tls !== undefined;
  const secureCookie = overTls || options.secureCookies === true;

  const cookie = (token: string, maxAgeS: number) =>
    `${sessionCookie}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secureCookie ? '; Secure' : ''}`;

  const router = new Router()
    .add(...apiRoutes(services))
    .add(...reportRoutes(options.reports, services.posyanduId))
    .add(...detailRoutes(options.reports, services.posyanduId))
    .add(...childCorrectionRoutes(services));
  router.add(
    {
      method: 'GET',
      path: '/api/me',
      roles,
      handler: ({ session }) => ({
        json: {
          role: session.role,
          idle_timeout_s: sessions.idleTimeoutMs / 1000,
          posyandu_id: services.posyanduId,
        },
      }),
    },
    {
      method: 'POST',
      path: '/api/logout',
      roles,
      handler: ({ session, res }) => {
        sessions.destroy(session.token);
        hub.closeSession(session.token);
        res.setHeader('set-cookie', cookie('', 0));
        return { json: { ok: true } };
      },
    },
    {
      method: 'GET',
      path: '/api/events',
      roles,
      handler: ({ res, session }) => {
        const attached = hub.attach(res, session.role, session.token, [
          { type: 'clock', data: services.clockStatus() },
          ...services.listMats().map((mat) => ({ type: 'mat', data: mat })),
        ]);
        if (!attached) throw new HttpError(503, 'too_many_streams', 'too many live screens open');
        return { handled: true };
      },
    },
    {
      method: 'POST',
      path: '/api/admin/pins',
      roles: ['admin'],
      handler: async ({ body }) => {
        const { role, pin } = validate(setPinBody, body, 'body');
        await pinStore.set(role, pin);
        // Whoever knew the old PIN is logged out (the admin changing her own PIN logs in again).
        for (const token of sessions.destroyRole(role)) hub.closeSession(token);
        return { json: { ok: true, role } };
      },
    },
  );

  async function login(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    const input = validate(loginBody, body, 'body');
    const waitMs = limiter.retryAfterMs(client, input.role);
    if (waitMs > 0) {
      res.setHeader('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new HttpError(
        429,
        'too_many_tries',
        `too many wrong PINs: try again in ${Math.ceil(waitMs / 1000)} s`,
      );
    }
    // Counted as a failure before the (slow) check, so a burst of parallel guesses is limited too;
    // a right PIN clears the count of its own role only.
    limiter.fail(client, input.role);
    if (!(await pinStore.verify(input.role, input.pin))) {
      throw new HttpError(401, 'wrong_pin', 'wrong PIN for this role');
    }
    limiter.succeed(client, input.role);
    const session = sessions.create(input.role);
    // The PIN was right: a phone time the clock service refuses must not cost the kader the login.
    const reported = input.phone_time ? services.reportPhoneTime(input.phone_time) : undefined;
    const clock = reported?.ok ? reported.value : services.clockStatus();
    res.setHeader('set-cookie', cookie(session.token, Math.floor(sessions.maxAgeMs / 1000)));
    sendJson(res, 200, { role: session.role, clock });
  }

  /**
   * Refuses state-changing requests sent from another origin (a second line behind SameSite cookies). An
   * opaque origin (`null`: sandboxed frames, data: URLs, some redirects) is another origin too.
   */
  function checkOrigin(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (origin === 'null') throw new HttpError(403, 'bad_origin', 'request from another site refused');
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new HttpError(403, 'bad_origin', 'request from another site refused');
    }
    if (host !== req.headers.host)
      throw new HttpError(403, 'bad_origin', 'request from another site refused');
  }

  const ownNames = gatewayHostNames(options.host, options.hostNames);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res, overTls);
    // DNS rebinding: a page of another site whose name now resolves to this box would be same-origin to the
    // browser; only the gateway's own names and addresses are answered.
    if (!ownNames.has(hostNameOf(req.headers.host))) {
      throw new HttpError(421, 'unknown_host', 'this gateway does not answer for that host name');
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway.local');
    } catch {
      throw new HttpError(400, 'bad_url', 'malformed request URL');
    }
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/api/')) {
      if ((method === 'GET' || method === 'HEAD') && assets.serve(req, res, url.pathname)) return;
      throw new HttpError(404, 'not_found', `no page at ${url.pathname}`);
    }
    if (method !== 'GET' && method !== 'HEAD') checkOrigin(req);
    if (url.pathname === '/api/login') {
      if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'use POST /api/login');
      const body = await readJsonBody(req);
      if (!body.ok) throw body.error;
      await login(req, res, body.value);
      return;
    }
    const session: Session | undefined = sessions.touch(parseCookies(req.headers.cookie).get(sessionCookie));
    if (!session) throw new HttpError(401, 'not_logged_in', 'log in first (POST /api/login)');
    const match = router.match(method, url.pathname);
    if (match.kind === 'not_found') throw new HttpError(404, 'not_found', `no API route ${url.pathname}`);
    if (match.kind === 'method_not_allowed') {
      res.setHeader('allow', match.allowed.join(', '));
      throw new HttpError(
        405,
        'method_not_allowed',
        `${method} not allowed here; use ${match.allowed.join(' or ')}`,
      );
    }
    if (!match.route.roles.includes(session.role)) {
      throw new HttpError(403, 'forbidden', `the ${session.role} role may not do this`);
    }
    let body: unknown = {};
    if (method !== 'GET' && method !== 'HEAD') {
      const read = await readJsonBody(req);
      if (!read.ok) throw read.error;
      body = read.value;
    }
    const reply = await match.route.handler({
      req,
      res,
      params: match.params,
      query: url.searchParams,
      session,
      body,
    });
    if ('handled' in reply) return;
    if ('html' in reply) {
      allowReportDocument(res);
      const body = Buffer.from(reply.html, 'utf8');
      res.writeHead(reply.status ?? 200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(body);
      return;
    }
    if ('attachment' in reply) {
      const { attachment } = reply;
      const body =
        typeof attachment.body === 'string' ? Buffer.from(attachment.body, 'utf8') : attachment.body;
      res.writeHead(reply.status ?? 200, {
        'content-type': attachment.contentType,
        'content-length': body.byteLength,
        'content-disposition': `attachment; filename="${attachment.filename}"`,
        'cache-control': 'no-store',
      });
      res.end(body);
      return;
    }
    if ('svg' in reply) {
      res.writeHead(reply.status ?? 200, {
        'content-type': 'image/svg+xml; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(reply.svg);
      return;
    }
    sendJson(res, reply.status ?? 200, reply.json);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendError(res, error);
        return;
      }
      log.error({ err: error, path: req.url?.split('?')[0] }, 'request failed');
      sendError(res, new HttpError(500, 'internal', 'the gateway could not answer; see its log'));
    });
  };

  const server: Server = options.tls
    ? createHttpsServer(options.tls, onRequest)
    : createHttpServer(onRequest);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  const unsubscribers: Unsubscribe[] = [];
  const forward = (name: GatewayEventName) =>
    unsubscribers.push(services.on(name, (payload) => hub.broadcast({ type: name, data: payload })));
  for (const name of ['reading', 'lock', 'session', 'mat', 'clock', 'mqtt'] as const) forward(name);
  unsubscribers.push(
    services.on('saved', (saved) => {
      hub.broadcast({ type: 'saved', data: saved });
      void announceToday(saved.measurement.child_id, saved.measurement.id);
    }),
  );

  /** Pushes the child's fresh "Hari ini" row (with flags) to every open screen. */
  async function announceToday(childId: string, measurementId: string): Promise<void> {
    try {
      const child = unwrap(await services.getChild(childId));
      const history = unwrap(await services.listMeasurements(childId));
      const measurement = history.find((m) => m.id === measurementId);
      if (measurement) hub.broadcast({ type: 'today', data: todayView(child, measurement, history) });
    } catch (error) {
      log.error({ err: error }, 'could not build the today row for a saved measurement');
    }
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Port taken or not allowed: leave no listener or timer behind, and name the option.
    for (const unsubscribe of unsubscribers) unsubscribe();
    hub.close();
    throw new Error(`http: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${overTls ? 'https' : 'http'}://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}`;

  return {
    url,
    routes: router.list().map(({ method, path, roles: allowed }) => ({ method, path, roles: allowed })),
    async stop() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
