// The district dashboard's web server, on the gateway's web conventions (gateway/web): node:http, assets from
// memory with a self-only Content-Security-Policy, a JSON API, an HttpOnly SameSite=Strict session cookie after a
// rate-limited scrypt-checked login, and CSV downloads. Read-only: nothing here writes to PostgreSQL.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseMonth } from '../../gateway/clock/calendar.ts';
import { localDate } from '../../gateway/clock/clock.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { toCsv } from '../../gateway/reports/csv.ts';
import { prevalenceIndicators } from '../../gateway/reports/prevalence.ts';
import { renderTrendSvg } from '../../gateway/reports/trend-chart.ts';
import type { Pg } from '../../gateway/store/postgres.ts';
import { LoginLimiter } from '../../gateway/web/auth/login-limiter.ts';
import { SessionStore } from '../../gateway/web/auth/sessions.ts';
import {
  HttpError,
  parseCookies,
  readJsonBody,
  sendError,
  sendJson,
  validate,
} from '../../gateway/web/http.ts';
import { setSecurityHeaders } from '../../gateway/web/security-headers.ts';
import { StaticFiles } from '../../gateway/web/static-files.ts';
import type { PasswordStore } from './password.ts';
import { asPrevalenceMonths, overview, type PlaceRow, trend } from './queries.ts';

const log = createLogger('dashboard');
// Beside this module in the sources and in dist/ alike (npm run build copies it), apart from the gateway's public/.
const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'dashboard-public');
const sessionCookie = 'tikar_dashboard';

export interface DashboardOptions {
  pg: Pg;
  passwords: PasswordStore;
  host: string;
  port: number;
  secureCookies?: boolean;
  /** Today's date for "this month" and the days since a posyandu's last message (tests pin it). */
  now?: () => Date;
}

export interface Dashboard {
  url: string;
  stop(): Promise<void>;
}

const loginBody = z.strictObject({ password: z.string().min(1).max(200) });

function monthParam(query: URLSearchParams, now: Date): string {
  const month = query.get('month') ?? localDate(now).slice(0, 7);
  if (!parseMonth(month)) throw new HttpError(400, 'invalid_input', 'month must be YYYY-MM');
  return month;
}

function daysParam(query: URLSearchParams): number {
  const days = Number(query.get('days') ?? '30');
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new HttpError(400, 'invalid_input', 'days must be 1-366');
  return days;
}

const fixed = (value: number | null, digits = 1): number | null =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

/** One CSV row per place, every column the tables show. */
function placesCsv(rows: readonly PlaceRow[], month: string): string {
  const header = [
    'month',
    'village_id',
    'posyandu_id',
    'posyandu_count',
    'S',
    'K',
    'D',
    'N',
    'T',
    'O',
    'B',
    'D_prime',
    'D_over_S_pct',
    'N_over_D_pct',
    'coverage_tbu_pct',
    ...prevalenceIndicators.flatMap((n) => [
      `${n}_cases`,
      `${n}_measured`,
      `${n}_pct`,
      `${n}_wilson95_lower_pct`,
      `${n}_wilson95_upper_pct`,
    ]),
    'mat_hijau',
    'mat_kuning',
    'mat_merah',
    'mat_tidak_diukur',
    'home_visit',
    'referral',
    'last_message_at',
    'last_measured_on',
    'days_silent',
  ];
  return toCsv(
    header,
    rows.map((r) => [
      month,
      r.village_id,
      r.posyandu_id ?? '',
      r.posyandu_count,
      r.s,
      r.k,
      r.d,
      r.n,
      r.t,
      r.o,
      r.b,
      r.d_prime,
      fixed(r.d_over_s),
      fixed(r.n_over_d),
      fixed(r.coverage),
      ...prevalenceIndicators.flatMap((n) => {
        const rate = r.rates[n];
        return [rate.cases, rate.measured, fixed(rate.pct, 2), fixed(rate.lower, 2), fixed(rate.upper, 2)];
      }),
      r.mat_hijau,
      r.mat_kuning,
      r.mat_merah,
      r.mat_tidak_diukur,
      r.home_visit,
      r.referral,
      r.last_message_at,
      r.last_measured_on,
      r.days_silent,
    ]),
    { bom: true },
  );
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const assets = await StaticFiles.load(publicDir);
  const sessions = new SessionStore({ idleTimeoutMs: 60 * 60 * 1000 });
  const limiter = new LoginLimiter();
  const now = options.now ?? (() => new Date());
  const secure = options.secureCookies === true;
  const cookie = (token: string, maxAgeS: number) =>
    `${sessionCookie}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    const waitMs = limiter.retryAfterMs(client, 'admin');
    if (waitMs > 0) {
      res.setHeader('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new HttpError(
        429,
        'too_many_tries',
        `too many wrong passwords: try again in ${Math.ceil(waitMs / 1000)} s`,
      );
    }
    const body = await readJsonBody(req);
    if (!body.ok) throw body.error;
    const { password } = validate(loginBody, body.value, 'body');
    limiter.fail(client, 'admin');
    if (!(await options.passwords.verify(password)))
      throw new HttpError(401, 'wrong_password', 'wrong password');
    limiter.succeed(client, 'admin');
    // The sessions module's roles are the gateway's; the dashboard has one reader role, stored as admin.
    const session = sessions.create('admin');
    res.setHeader('set-cookie', cookie(session.token, Math.floor(sessions.maxAgeMs / 1000)));
    sendJson(res, 200, { ok: true });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res, false);
    const url = new URL(req.url ?? '/', 'http://dashboard.local');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/api/')) {
      if ((method === 'GET' || method === 'HEAD') && assets.serve(req, res, url.pathname)) return;
      throw new HttpError(404, 'not_found', `no page at ${url.pathname}`);
    }
    if (method !== 'GET') {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null' && URL.parse(origin)?.host !== req.headers.host) {
        throw new HttpError(403, 'bad_origin', 'request from another site refused');
      }
    }
    if (url.pathname === '/api/login' && method === 'POST') return login(req, res);
    const token = parseCookies(req.headers.cookie).get(sessionCookie);
    const session = sessions.touch(token);
    if (!session) throw new HttpError(401, 'not_logged_in', 'log in first (POST /api/login)');
    if (url.pathname === '/api/logout' && method === 'POST') {
      sessions.destroy(session.token);
      res.setHeader('set-cookie', cookie('', 0));
      return sendJson(res, 200, { ok: true });
    }
    if (method !== 'GET')
      throw new HttpError(405, 'method_not_allowed', 'the dashboard is read-only: use GET');
    const today = now();
    const month = monthParam(url.searchParams, today);
    switch (url.pathname) {
      case '/api/overview': {
        const view = await overview(options.pg, {
          month,
          staleDays: daysParam(url.searchParams),
          today: localDate(today),
        });
        return sendJson(res, 200, view);
      }
      case '/api/trend': {
        const points = await trend(options.pg, month);
        return sendJson(res, 200, { month, points });
      }
      case '/api/trend.svg': {
        const village = url.searchParams.get('village') ?? undefined;
        const points = (await trend(options.pg, month)).filter((p) => p.villageId === village);
        res.writeHead(200, { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-store' });
        res.end(renderTrendSvg(asPrevalenceMonths(points)));
        return;
      }
      case '/api/csv': {
        const table = url.searchParams.get('table');
        let body: string;
        if (table === 'trend') {
          const points = await trend(options.pg, month);
          body = toCsv(
            [
              'month',
              'village_id',
              'D_over_S_pct',
              ...prevalenceIndicators.flatMap((n) => [`${n}_cases`, `${n}_measured`, `${n}_pct`]),
            ],
            points.map((p) => [
              p.month,
              p.villageId ?? 'kabupaten',
              fixed(p.dOverS),
              ...prevalenceIndicators.flatMap((n) => [
                p.rates[n].cases,
                p.rates[n].measured,
                fixed(p.rates[n].pct, 2),
              ]),
            ]),
            { bom: true },
          );
        } else if (table === 'villages' || table === 'posyandu' || table === 'stale') {
          const view = await overview(options.pg, {
            month,
            staleDays: daysParam(url.searchParams),
            today: localDate(today),
          });
          body = placesCsv(table === 'villages' ? [view.district, ...view.villages] : view[table], month);
        } else {
          throw new HttpError(400, 'invalid_input', 'table must be villages, posyandu, stale or trend');
        }
        const bytes = Buffer.from(body, 'utf8');
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-length': bytes.length,
          'content-disposition': `attachment; filename="tikar-${table}-${month}.csv"`,
          'cache-control': 'no-store',
        });
        res.end(bytes);
        return;
      }
      default:
        throw new HttpError(404, 'not_found', `no API route ${url.pathname}`);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) return sendError(res, error);
      log.error({ err: error, path: req.url?.split('?')[0] }, 'request failed');
      sendError(res, new HttpError(500, 'internal', 'the dashboard could not answer; see its log'));
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`http: cannot listen on ${options.host}:${options.port}: ${error.message}`)),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
