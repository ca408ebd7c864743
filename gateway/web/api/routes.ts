// The JSON API (docs/api.md): each route validates its own params and query with zod, then calls the gateway
// services, which parse the request bodies (each once, gateway/model/inputs.ts); typed Results become HTTP answers.
import { z } from 'zod';
import type { GatewayServices } from '../../app/services.ts';
import { MAX_AGE_DAYS } from '../../measure/assemble.ts';
import type { Measurement, Result, ServiceErrorCode } from '../../model/index.ts';
import { type ChartIndicator, type ChartPoint, renderGrowthChart } from '../chart/growth-chart.ts';
import { HttpError, validate } from '../http.ts';
import type { Reply, Route } from '../router.ts';
import { type TodayView, todayView } from './today-flags.ts';

const statusByCode: Record<ServiceErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  clock_untrusted: 409,
  session_state: 409,
  mat_unavailable: 409,
  conflict: 409,
  internal: 500,
};

/** The value of a service Result, or the HttpError that answers for it. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  const { code, message, field, issues } = result.error;
  throw new HttpError(
    statusByCode[code] ?? 500,
    code,
    message,
    issues ?? (field ? [{ field, message }] : undefined),
  );
}

export const idParam = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'not an id'),
});
const emptyBody = z.strictObject({});
const isoInstant = z.iso.datetime({ offset: true });
export const phoneTimeBody = z.strictObject({ phone_time: isoInstant });
const searchQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
const chartQuery = z.strictObject({
  indicator: z.enum(['lhfa', 'wfa', 'wfl', 'wfh', 'hfa2007', 'bfa2007']).optional(),
  lang: z.enum(['id', 'en']).optional(),
  /** `narrow`: the phone's layout (fits 360 px without a sideways swipe). */
  size: z.enum(['wide', 'narrow']).optional(),
});

const everyone = ['kader', 'bidan', 'admin'] as const;
const measurers = ['kader', 'bidan'] as const;

function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) out[key] = value;
  return out;
}

const json = (value: unknown, status = 200): Reply => ({ status, json: value });

/** Today's list with flags, newest first. */
export async function buildToday(services: GatewayServices): Promise<TodayView[]> {
  const entries = unwrap(await services.todayList());
  return Promise.all(
    entries.map(async (entry) => {
      const history = unwrap(await services.listMeasurements(entry.child.id));
      return todayView(entry.child, entry.measurement, history);
    }),
  );
}

/** The chart's points for one indicator from a child's measurements (corrections applied). */
export function chartPoints(indicator: ChartIndicator, measurements: readonly Measurement[]): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const m of measurements) {
    if (m.superseded_by !== null) continue;
    const base = { measuredOn: m.measured_on, measurementId: m.id };
    // A chart shows the rows of its own reference: WHO 2007 (PAUD, 60-84 months) or WHO 2006.
    const paudChart = indicator === 'hfa2007' || indicator === 'bfa2007';
    if (paudChart !== (m.reference === 'who2007')) continue;
    if (indicator === 'hfa2007' && m.clenhei_cm !== null) {
      points.push({ ...base, x: m.age_days, y: m.clenhei_cm, z: m.z.zlen });
    } else if (indicator === 'bfa2007' && m.clenhei_cm !== null && m.weight_kg !== null) {
      const heightM = m.clenhei_cm / 100;
      points.push({ ...base, x: m.age_days, y: m.weight_kg / (heightM * heightM), z: m.z.zbmi });
    } else if (indicator === 'lhfa' && m.clenhei_cm !== null) {
      points.push({ ...base, x: m.age_days, y: m.clenhei_cm, z: m.z.zlen });
    } else if (indicator === 'wfa' && m.weight_kg !== null) {
      points.push({ ...base, x: m.age_days, y: m.weight_kg, z: m.z.zwei });
    } else if (
      (indicator === 'wfl' || indicator === 'wfh') &&
      m.clenhei_cm !== null &&
      m.weight_kg !== null
    ) {
      // The growth core uses the length table under 731 days and the height table from then on.
      const table = m.age_days < 731 ? 'wfl' : 'wfh';
      if (table === indicator) points.push({ ...base, x: m.clenhei_cm, y: m.weight_kg, z: m.z.zwfl });
    }
  }
  return points;
}

export function apiRoutes(services: GatewayServices): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/status',
      roles: everyone,
      handler: () =>
        json({
          posyandu_id: services.posyanduId,
          village_id: services.villageId,
          // The oldest child the gateway accepts, for the registration form's own check.
          max_age_days: MAX_AGE_DAYS,
          mats: services.listMats(),
          clock: services.clockStatus(),
          mqtt: services.mqttStatus(),
        }),
    },
    {
      // The reference-rod check while the gateway holds the mat's port (waits for a stable reading, ≤ 30 s).
      method: 'POST',
      path: '/api/mats/:id/calibration-check',
      roles: ['bidan', 'admin'],
      handler: async ({ params, body }) => {
        const { id } = validate(idParam, params, 'path');
        return json(unwrap(await services.checkCalibration(id, body)));
      },
    },
    {
      method: 'POST',
      path: '/api/clock/phone',
      roles: everyone,
      handler: ({ body }) =>
        json(unwrap(services.reportPhoneTime(validate(phoneTimeBody, body, 'body').phone_time))),
    },
    {
      method: 'POST',
      path: '/api/clock/confirm',
      roles: everyone,
      handler: ({ body }) =>
        json(unwrap(services.confirmPhoneTime(validate(phoneTimeBody, body, 'body').phone_time))),
    },
    {
      method: 'GET',
      path: '/api/children',
      roles: everyone,
      handler: async ({ query }) => {
        const { q, limit } = validate(searchQuery, queryObject(query), 'query');
        if (q) return json({ matches: unwrap(await services.findChildren(q, limit ?? 20)) });
        const first = unwrap(await services.listChildren(limit ?? 100));
        return json({ matches: first.map((child) => ({ child, score: 1 })) });
      },
    },
    {
      method: 'POST',
      path: '/api/children',
      roles: measurers,
      handler: async ({ body }) => json(unwrap(await services.registerChild(body)), 201),
    },
    {
      // Before registering: is this child already here? (Listed before /:id, which would take "same".)
      method: 'GET',
      path: '/api/children/same',
      roles: measurers,
      handler: async ({ query }) => {
        return json({ matches: unwrap(await services.findSameChild(queryObject(query))) });
      },
    },
    {
      method: 'GET',
      path: '/api/children/:id',
      roles: everyone,
      handler: async ({ params }) =>
        json(unwrap(await services.getChild(validate(idParam, params, 'path').id))),
    },
    {
      method: 'GET',
      path: '/api/children/:id/measurements',
      roles: everyone,
      handler: async ({ params }) => {
        const { id } = validate(idParam, params, 'path');
        unwrap(await services.getChild(id));
        return json({ measurements: unwrap(await services.listMeasurements(id)) });
      },
    },
    {
      method: 'GET',
      path: '/api/children/:id/chart.svg',
      roles: everyone,
      handler: async ({ params, query }) => {
        const { id } = validate(idParam, params, 'path');
        const { indicator, lang, size } = validate(chartQuery, queryObject(query), 'query');
        const child = unwrap(await services.getChild(id));
        const measurements = unwrap(await services.listMeasurements(id));
        const newestAgeDays = Math.max(0, ...measurements.map((m) => m.age_days));
        // A PAUD child (measured by the WHO 2007 reference) gets the 5–7-year chart by default.
        const paud = measurements.some((m) => m.reference === 'who2007' && m.superseded_by === null);
        const chosen: ChartIndicator = indicator ?? (paud ? 'hfa2007' : 'lhfa');
        // A baby's chart spans 0–24 months, as the KMS does; older children get 0–60.
        const maxAgeDays = newestAgeDays < 700 ? 731 : 1826;
        const svg = renderGrowthChart({
          indicator: chosen,
          sex: child.sex,
          lang: lang ?? 'id',
          points: chartPoints(chosen, measurements),
          maxAgeDays,
          narrow: size === 'narrow',
        });
        return { svg };
      },
    },
    {
      method: 'POST',
      path: '/api/sessions',
      roles: measurers,
      handler: async ({ body }) => json(unwrap(await services.startSession(body)), 201),
    },
    {
      method: 'GET',
      path: '/api/sessions/:id',
      roles: everyone,
      handler: ({ params }) => json(unwrap(services.getSession(validate(idParam, params, 'path').id))),
    },
    {
      method: 'POST',
      path: '/api/sessions/:id/weight',
      roles: measurers,
      handler: ({ params, body }) =>
        json(unwrap(services.setManualWeight(validate(idParam, params, 'path').id, body))),
    },
    {
      method: 'POST',
      path: '/api/sessions/:id/restart',
      roles: measurers,
      handler: ({ params, body }) => {
        validate(emptyBody, body, 'body');
        return json(unwrap(services.restartReadings(validate(idParam, params, 'path').id)));
      },
    },
    {
      method: 'POST',
      path: '/api/sessions/:id/save',
      roles: measurers,
      handler: async ({ params, body }) => {
        validate(emptyBody, body, 'body');
        return json(unwrap(await services.saveSession(validate(idParam, params, 'path').id)), 201);
      },
    },
    {
      method: 'POST',
      path: '/api/sessions/:id/cancel',
      roles: measurers,
      handler: ({ params, body }) => {
        validate(emptyBody, body, 'body');
        return json(unwrap(services.cancelSession(validate(idParam, params, 'path').id)));
      },
    },
    {
      // Sent every 5 s by the screen showing the session: without it for 15 s the session has no screen.
      method: 'POST',
      path: '/api/sessions/:id/screen',
      roles: measurers,
      handler: ({ params, body }) => {
        validate(emptyBody, body, 'body');
        return json(unwrap(services.sessionScreen(validate(idParam, params, 'path').id)));
      },
    },
    {
      method: 'POST',
      path: '/api/measurements',
      roles: measurers,
      handler: async ({ body }) => json(unwrap(await services.saveManualMeasurement(body)), 201),
    },
    {
      method: 'GET',
      path: '/api/measurements/:id',
      roles: everyone,
      handler: async ({ params }) =>
        json(unwrap(await services.getMeasurement(validate(idParam, params, 'path').id))),
    },
    {
      method: 'POST',
      path: '/api/measurements/:id/corrections',
      roles: measurers,
      handler: async ({ params, body }) =>
        json(unwrap(await services.correctMeasurement(validate(idParam, params, 'path').id, body)), 201),
    },
    {
      method: 'GET',
      path: '/api/today',
      roles: everyone,
      handler: async () => json({ entries: await buildToday(services) }),
    },
  ];
}
