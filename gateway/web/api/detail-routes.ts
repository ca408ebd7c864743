// Routes of issue 14 beside the Laporan page (docs/api.md): the lists (rujukan, kunjungan rumah, F2,
// KPM 2.B) as printable HTML or CSV, the month's sasaran per posyandu, a child's address for home visits
// and a visit's vitamin A / ASI eksklusif. Addresses and notes stay on the gateway (never over MQTT).
import { z } from 'zod';
import { defaultReportSettings, type ReportData } from '../../reports/index.ts';
import { type ListKind, listKinds, renderList } from '../../reports/lists.ts';
import type { DetailStore } from '../../store/child-details.ts';
import { HttpError, validate } from '../http.ts';
import type { Reply, Route } from '../router.ts';
import type { ReportSource } from './report-routes.ts';
import { idParam } from './routes.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM, e.g. 2026-11');
const listParam = z.strictObject({ kind: z.enum(listKinds, `must be one of ${listKinds.join(', ')}`) });
const listQuery = z.strictObject({
  month,
  format: z.enum(['html', 'csv'], 'must be html or csv').default('html'),
  decimal_comma: z.enum(['0', '1'], "must be 1 (decimal comma, ';' between fields) or 0").optional(),
});
const optionalText = (max: number, pattern?: RegExp, message?: string) => {
  const base = z.string().trim().min(1).max(max);
  return (pattern ? base.regex(pattern, message) : base).nullable().optional();
};
const addressBody = z.strictObject({
  dusun: optionalText(60),
  rt: optionalText(3, /^\d{1,3}$/, 'must be 1–3 digits'),
  rw: optionalText(3, /^\d{1,3}$/, 'must be 1–3 digits'),
  phone: optionalText(16, /^\+?\d{8,15}$/, 'must be 8–15 digits, + allowed first'),
});
const visitNoteBody = z.strictObject({
  visit_on: z.iso.date('must be a date YYYY-MM-DD'),
  vitamin_a: z.boolean().nullable().optional(),
  asi_eksklusif: z.boolean().nullable().optional(),
});
const sasaranQuery = z.strictObject({ month });
const sasaranBody = z.strictObject({ month, balita: z.number().int().min(0).max(100000).nullable() });

const reporters = ['bidan', 'admin'] as const;
const visitors = ['kader', 'bidan', 'admin'] as const;

/** The writable detail tables: the gateway passes its store; without it these routes answer 503. */
export interface DetailSource extends ReportSource {
  details?: DetailStore;
}

export function detailRoutes(source: DetailSource | undefined, gatewayPosyanduId: string): Route[] {
  const posyanduId = source?.place?.posyanduId ?? gatewayPosyanduId;
  const settings = source?.settings ?? defaultReportSettings;
  const details = (): DetailStore => {
    if (!source?.details)
      throw new HttpError(503, 'reports_unavailable', 'details are not set up on this gateway');
    return source.details;
  };
  const load = (): Promise<ReportData> => {
    if (!source) throw new HttpError(503, 'reports_unavailable', 'reports are not set up on this gateway');
    return source.load();
  };
  const noChild = () =>
    new HttpError(404, 'not_found', 'no such child', [{ field: 'id', message: 'no such child' }]);

  async function list(kind: ListKind, query: z.infer<typeof listQuery>): Promise<Reply> {
    const rendered = renderList(kind, await load(), { posyanduId, month: query.month, settings });
    if (query.format === 'html') return { html: rendered.html({ posyanduId, ...source?.place }) };
    const name = `tikar-${posyanduId.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40)}-${kind}-${query.month}.csv`;
    return {
      attachment: {
        body: rendered.csv({ decimalComma: query.decimal_comma === '1' }),
        contentType: 'text/csv; charset=utf-8',
        filename: name,
      },
    };
  }

  return [
    {
      method: 'GET',
      path: '/api/lists/:kind',
      roles: reporters,
      handler: ({ params, query }) =>
        list(
          validate(listParam, params, 'path').kind,
          validate(listQuery, Object.fromEntries(query), 'query'),
        ),
    },
    {
      method: 'GET',
      path: '/api/sasaran',
      roles: reporters,
      handler: async ({ query }) => {
        const { month: m } = validate(sasaranQuery, Object.fromEntries(query), 'query');
        return { json: { posyandu_id: posyanduId, month: m, balita: await details().getSasaran(m) } };
      },
    },
    {
      method: 'PUT',
      path: '/api/sasaran',
      roles: reporters,
      handler: async ({ body }) => {
        const input = validate(sasaranBody, body, 'body');
        await details().setSasaran(input.month, input.balita);
        return { json: { posyandu_id: posyanduId, month: input.month, balita: input.balita } };
      },
    },
    {
      method: 'GET',
      path: '/api/children/:id/address',
      roles: visitors,
      handler: async ({ params }) => {
        const { id } = validate(idParam, params, 'path');
        const address = await details().getAddress(id);
        if (address === undefined) throw noChild();
        return { json: { address } };
      },
    },
    {
      method: 'PUT',
      path: '/api/children/:id/address',
      roles: visitors,
      handler: async ({ params, body }) => {
        const { id } = validate(idParam, params, 'path');
        const input = validate(addressBody, body, 'body');
        const address = {
          dusun: input.dusun ?? null,
          rt: input.rt ?? null,
          rw: input.rw ?? null,
          phone: input.phone ?? null,
        };
        if (!(await details().setAddress(id, address))) throw noChild();
        return { json: { address: { child_id: id, ...address } } };
      },
    },
    {
      method: 'GET',
      path: '/api/children/:id/visit-notes',
      roles: visitors,
      handler: async ({ params }) => {
        const { id } = validate(idParam, params, 'path');
        const notes = await details().listVisitNotes(id);
        if (notes === undefined) throw noChild();
        return { json: { notes } };
      },
    },
    {
      method: 'PUT',
      path: '/api/children/:id/visit-notes',
      roles: visitors,
      handler: async ({ params, body }) => {
        const { id } = validate(idParam, params, 'path');
        const input = validate(visitNoteBody, body, 'body');
        const note = {
          child_id: id,
          visit_on: input.visit_on,
          vitamin_a: input.vitamin_a ?? null,
          asi_eksklusif: input.asi_eksklusif ?? null,
        };
        if (!(await details().setVisitNote(note))) throw noChild();
        return { json: { note } };
      },
    },
  ];
}
