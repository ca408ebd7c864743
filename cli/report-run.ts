// `tikar report`'s work, loaded once its options are parsed (cli/report.ts): the rows from the database, the
// report, and its CSV, HTML or PDF.
import type { CsvOptions } from '../gateway/reports/csv.ts';
import { type ListKind, listKinds, reportFormats } from '../gateway/reports/kinds.ts';
import { renderList } from '../gateway/reports/lists.ts';
import { computePaudList, paudCsv, renderPaudHtml } from '../gateway/reports/paud.ts';
import { computePrevalence } from '../gateway/reports/prevalence.ts';
import { prevalenceCsv, renderPrevalenceHtml } from '../gateway/reports/prevalence-output.ts';
import { computeRecap } from '../gateway/reports/recap.ts';
import { recapCsv, renderRecapHtml } from '../gateway/reports/recap-output.ts';
import { computeSkdn } from '../gateway/reports/skdn.ts';
import { renderSkdnHtml, skdnCsv } from '../gateway/reports/skdn-output.ts';
import { chooseOutput } from './output-file.ts';
import type { ReportKind, ReportOptions } from './report.ts';
import { emit, loadFromDb, loadPlace, loadSettings } from './report-files.ts';

export async function produce(kind: ReportKind, options: ReportOptions): Promise<number> {
  const rules = { inputs: [options.db, options.settings, options.place], force: options.force === true };
  const format = await chooseOutput({
    command: 'tikar report',
    out: options.out,
    asked: options.pdf ? 'pdf' : options.format,
    allowed: reportFormats,
    fallback: 'csv',
    rules,
    fileOnly: 'pdf',
  });
  if (format === undefined) return 2;
  const settings = await loadSettings(options.settings);
  const placeFile = await loadPlace(options.place);
  const place = { ...placeFile, posyanduId: options.posyandu };
  const data = await loadFromDb(options.db, options.posyandu);
  const csvOptions: CsvOptions = { decimalComma: options.decimalComma === true };
  const scope = { posyanduId: options.posyandu, month: options.month };
  let csv: () => string;
  let html: () => string;
  if ((listKinds as readonly string[]).includes(kind)) {
    const list = renderList(kind as ListKind, data, { ...scope, settings });
    csv = () => list.csv(csvOptions);
    html = () => list.html(place);
  } else if (kind === 'skdn') {
    const report = computeSkdn(data, { ...scope, settings });
    csv = () => skdnCsv(report, csvOptions);
    html = () => renderSkdnHtml(report, place);
  } else if (kind === 'recap') {
    const report = computeRecap(data, { ...scope, settings });
    csv = () => recapCsv(report, options.table, csvOptions);
    html = () => renderRecapHtml(report, place, settings);
  } else if (kind === 'paud') {
    const list = computePaudList(data, { posyanduId: options.posyandu, date: options.date });
    csv = () => paudCsv(list, csvOptions);
    html = () => renderPaudHtml(list, place);
  } else {
    const report = computePrevalence(data, scope);
    csv = () => prevalenceCsv(report, csvOptions);
    html = () => renderPrevalenceHtml(report, place);
  }
  if (format === 'csv') await emit(options.out, csv(), rules);
  else if (format === 'html') await emit(options.out, html(), rules);
  else {
    // Loaded only here, so no other command pays for playwright-core.
    const { htmlToPdf } = await import('../gateway/reports/pdf.ts');
    await emit(options.out, await htmlToPdf(html()), rules);
  }
  if (options.out !== undefined)
    process.stderr.write(`tikar report ${kind}: wrote ${options.out} (${format})\n`);
  return 0;
}
