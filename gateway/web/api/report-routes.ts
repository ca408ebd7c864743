// The Laporan page's routes (docs/api.md, Reports): SKDN, the KPM growth-mat recap and prevalence as
// printable HTML or CSV, and the e-PPGBM (CSV/XLSX) and FHIR R4 exports, computed by gateway/reports from
// the rows `ReportSource.load` gives. Children's personal data: bidan and admin only.
import { z } from 'zod';
import {
  buildFhirBundle,
  type CsvOptions,
  computePrevalence,
  computeRecap,
  computeSkdn,
  defaultReportSettings,
  type EppgbmPlace,
  eppgbmCsv,
  eppgbmRows,
  prevalenceCsv,
  type RecapTable,
  type ReportData,
  type ReportPlace,
  type ReportSettings,
  recapCsv,
  recapTables,
  renderPrevalenceHtml,
  renderRecapHtml,
  renderSkdnHtml,
  skdnCsv,
} from '../../reports/index.ts';
import { computePaudList, paudCsv, renderPaudHtml } from '../../reports/paud.ts';
import { HttpError, validate } from '../http.ts';
import type { Reply, Route } from '../router.ts';

export interface ReportSource {
  /** The rows to report on, read fresh for every request, e.g. `() => loadReportData(db, posyanduId)`. */
  load(): Promise<ReportData>;
  /** Names for the page headings and e-PPGBM's place columns; `posyanduId` defaults to the gateway's. */
  place?: ReportPlace & EppgbmPlace;
  /** KBM table and growth-mat colour mapping (docs/reports.md, Settings); default the documented ones. */
  settings?: ReportSettings;
}

export const reportKinds = ['skdn', 'recap', 'prevalence'] as const;
export type ReportKind = (typeof reportKinds)[number];

// One PDF at a time: each starts a headless Chromium (about 150 MB on a Raspberry Pi), as `tikar report --pdf`.
let pdfQueue: Promise<unknown> = Promise.resolve();
function printPdf(html: string): Promise<Uint8Array> {
  const next = pdfQueue.then(async () => {
    // Loaded only when a PDF is asked for: a gateway that never prints never loads the browser driver.
    const { htmlToPdf } = await import('../../reports/pdf.ts');
    return htmlToPdf(html);
  });
  pdfQueue = next.catch(() => undefined);
  return next;
}

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM, e.g. 2026-11');
const decimalComma = z.enum(['0', '1'], "must be 1 (decimal comma, ';' between fields) or 0").optional();

const kindParam = z.strictObject({
  kind: z.enum(reportKinds, `must be one of ${reportKinds.join(', ')}`),
});
const reportQuery = z.strictObject({
  month,
  format: z.enum(['html', 'csv', 'pdf'], 'must be html, csv or pdf').default('html'),
  table: z.enum(recapTables, `must be one of ${recapTables.join(', ')}`).default('monthly'),
  decimal_comma: decimalComma,
});
const exportQuery = z.strictObject({
  from: month,
  to: month.optional(),
  format: z.enum(['csv', 'xlsx'], 'must be csv or xlsx').default('csv'),
  layout: z.enum(['tikar', 'eppgbm'], 'must be tikar or eppgbm').default('tikar'),
  decimal_comma: decimalComma,
});
const fhirQuery = z.strictObject({ from: month, to: month.optional() });
const paudQuery = z.strictObject({
  date: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date as YYYY-MM-DD'),
  format: z.enum(['html', 'csv'], 'must be html or csv').default('html'),
  decimal_comma: decimalComma,
});

const reporters = ['bidan', 'admin'] as const;
const csvType = 'text/csv; charset=utf-8';

function queryObject(query: URLSearchParams): Record<string, string> {
  return Object.fromEntries(query);
}

/** A file-name-safe form of an id (the posyandu id comes from configuration, not from the request). */
const safeName = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);

/** An inclusive month range from the query; `to` defaults to `from`. */
function monthRange(from: string, to: string | undefined): { fromMonth: string; toMonth: string } {
  const toMonth = to ?? from;
  if (toMonth < from) {
    throw new HttpError(400, 'invalid_input', `invalid query: to (${toMonth}) is before from (${from})`, [
      { path: 'to', message: 'must not be before from' },
    ]);
  }
  return { fromMonth: from, toMonth };
}

export function reportRoutes(source: ReportSource | undefined, gatewayPosyanduId: string): Route[] {
  const place: ReportPlace & EppgbmPlace = { posyanduId: gatewayPosyanduId, ...source?.place };
  const posyanduId = place.posyanduId ?? gatewayPosyanduId;
  const settings = source?.settings ?? defaultReportSettings;
  const fileStem = `tikar-${safeName(posyanduId)}`;

  async function load(): Promise<ReportData> {
    if (!source) {
      throw new HttpError(503, 'reports_unavailable', 'reports are not set up on this gateway');
    }
    return source.load();
  }

  async function report(kind: ReportKind, query: z.infer<typeof reportQuery>): Promise<Reply> {
    const data = await load();
    const csvOptions: CsvOptions = { decimalComma: query.decimal_comma === '1' };
    const scope = { posyanduId, month: query.month };
    let html: () => string;
    let csv: () => string;
    let name = `${fileStem}-${kind}-${query.month}`;
    if (kind === 'skdn') {
      const computed = computeSkdn(data, { ...scope, settings });
      html = () => renderSkdnHtml(computed, place);
      csv = () => skdnCsv(computed, csvOptions);
    } else if (kind === 'recap') {
      const computed = computeRecap(data, { ...scope, settings });
      const table: RecapTable = query.table;
      html = () => renderRecapHtml(computed, place, settings);
      csv = () => recapCsv(computed, table, csvOptions);
      name = `${fileStem}-recap-${table}-${query.month}`;
    } else {
      const computed = computePrevalence(data, scope);
      html = () => renderPrevalenceHtml(computed, place);
      csv = () => prevalenceCsv(computed, csvOptions);
    }
    if (query.format === 'html') return { html: html() };
    if (query.format === 'pdf') {
      return {
        attachment: { body: await printPdf(html()), contentType: 'application/pdf', filename: `${name}.pdf` },
      };
    }
    return { attachment: { body: csv(), contentType: csvType, filename: `${name}.csv` } };
  }

  return [
    {
      // The PAUD list of a measuring day (children 60-84 months, WHO 2007): docs/reports.md.
      method: 'GET',
      path: '/api/lists/paud',
      roles: reporters,
      handler: async ({ query }) => {
        const input = validate(paudQuery, queryObject(query), 'query');
        const list = computePaudList(await load(), { posyanduId, date: input.date });
        if (input.format === 'html') return { html: renderPaudHtml(list, place) };
        const body = paudCsv(list, { decimalComma: input.decimal_comma === '1' });
        return { attachment: { body, contentType: csvType, filename: `${fileStem}-paud-${input.date}.csv` } };
      },
    },
    {
      method: 'GET',
      path: '/api/reports/:kind',
      roles: reporters,
      handler: ({ params, query }) => {
        const { kind } = validate(kindParam, params, 'report');
        return report(kind, validate(reportQuery, queryObject(query), 'query'));
      },
    },
    {
      method: 'GET',
      path: '/api/exports/eppgbm',
      roles: reporters,
      handler: async ({ query }) => {
        const input = validate(exportQuery, queryObject(query), 'query');
        const range = monthRange(input.from, input.to);
        const rows = eppgbmRows(await load(), { posyanduId, ...range, settings });
        const name = `${fileStem}-eppgbm-${range.fromMonth}_${range.toMonth}`;
        if (input.format === 'xlsx') {
          // exceljs is loaded only when a workbook is asked for.
          const { eppgbmXlsx } = await import('../../reports/eppgbm-xlsx.ts');
          return {
            attachment: {
              body: await eppgbmXlsx(rows, place, undefined, input.layout),
              contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
              filename: `${name}.xlsx`,
            },
          };
        }
        const csvOptions: CsvOptions = { bom: true, decimalComma: input.decimal_comma === '1' };
        return {
          attachment: {
            body: eppgbmCsv(rows, place, csvOptions, undefined, input.layout),
            contentType: csvType,
            filename: `${name}.csv`,
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/exports/fhir',
      roles: reporters,
      handler: async ({ query }) => {
        const input = validate(fhirQuery, queryObject(query), 'query');
        const range = monthRange(input.from, input.to);
        // Pseudonymous only from the screens: NIK and names go out through `tikar export fhir --with-nik`.
        const { bundle } = buildFhirBundle(await load(), { posyanduId, ...range });
        return {
          attachment: {
            body: `${JSON.stringify(bundle, null, 2)}\n`,
            contentType: 'application/fhir+json; charset=utf-8',
            filename: `${fileStem}-fhir-${range.fromMonth}_${range.toMonth}.json`,
          },
        };
      },
    },
  ];
}
