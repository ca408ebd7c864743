// `tikar report skdn|recap|prevalence|rujukan|kunjungan|f2|kpm2b`: a report for one posyandu and month, as CSV,
// printable A4 HTML or PDF (headless Chromium); `tikar report paud`: the PAUD list of one measuring day.
// Definitions: docs/reports.md. Output files are created 0600.
import { Command, CommanderError } from 'commander';
import type { CsvOptions } from '../gateway/reports/csv.ts';
import { type ListKind, listKinds, listSummaries, renderList } from '../gateway/reports/lists.ts';
import { computePaudList, paudCsv, renderPaudHtml } from '../gateway/reports/paud.ts';
import { computePrevalence } from '../gateway/reports/prevalence.ts';
import { prevalenceCsv, renderPrevalenceHtml } from '../gateway/reports/prevalence-output.ts';
import { computeRecap } from '../gateway/reports/recap.ts';
import { type RecapTable, recapCsv, recapTables, renderRecapHtml } from '../gateway/reports/recap-output.ts';
import { computeSkdn } from '../gateway/reports/skdn.ts';
import { renderSkdnHtml, skdnCsv } from '../gateway/reports/skdn-output.ts';
import { checkOutputPath, OutputFileError, outputFormat } from './output-file.ts';
import {
  ConfigError,
  choiceOption,
  dateOption,
  emit,
  loadFromDb,
  loadPlace,
  loadSettings,
  monthOption,
} from './report-options.ts';

type Format = 'csv' | 'html' | 'pdf';
const formats: readonly Format[] = ['csv', 'html', 'pdf'];

interface ReportOptions {
  db: string;
  posyandu?: string;
  month: string;
  /** The measuring day (paud only). */
  date: string;
  format?: Format;
  pdf?: boolean;
  out?: string;
  force?: boolean;
  decimalComma?: boolean;
  settings?: string;
  place?: string;
  table: RecapTable;
}

type ReportKind = 'skdn' | 'recap' | 'prevalence' | 'paud' | ListKind;

async function produce(kind: ReportKind, options: ReportOptions): Promise<number> {
  const format = outputFormat(options.out, options.pdf ? 'pdf' : options.format, formats, 'csv');
  const rules = { inputs: [options.db, options.settings, options.place], force: options.force === true };
  // Refused before the (slow) report is built.
  if (options.out !== undefined) await checkOutputPath(options.out, rules);
  if (format === 'pdf' && options.out === undefined) {
    process.stderr.write('tikar report: --out FILE is required for PDF\n');
    return 2;
  }
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

export async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('tikar report')
    .description(
      'Posyandu reports: SKDN, KPM growth-mat recap, prevalence, lists, F2, KPM 2.B (docs/reports.md)',
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const kinds: [ReportKind, string][] = [
    ['skdn', 'SKDN (S, K, D, N, T, O, B and ratios) for a posyandu and month'],
    ['recap', 'KPM growth-mat recap: monthly list 0–23 months and the 3-monthly colour table'],
    [
      'prevalence',
      'stunting, severe stunting, wasting, underweight with 95 % Wilson intervals, coverage, 12-month trend',
    ],
    ...listKinds.map((kind): [ReportKind, string] => [kind, listSummaries[kind]]),
  ];
  kinds.push(['paud', 'PAUD list of a measuring day: children 60-84 months, WHO 2007, Permenkes 5-18']);
  for (const [kind, summary] of kinds) {
    const command = program
      .command(kind)
      .description(summary)
      .requiredOption('--db <file>', "the gateway's or village record's SQLite file")
      .option('--posyandu <id>', 'posyandu id (default: every child in the file, e.g. a village record)');
    if (kind === 'paud')
      command.requiredOption('--date <YYYY-MM-DD>', 'the measuring day', dateOption('--date'));
    else command.requiredOption('--month <YYYY-MM>', 'report month', monthOption('--month'));
    command
      .option(
        '--format <format>',
        'csv, html (printable A4) or pdf (default: from the --out extension, else csv)',
        choiceOption('--format', formats),
      )
      .option('--pdf', 'same as --format pdf')
      .option('--out <file>', 'output file, created 0600 (default: standard output)')
      .option('--force', 'replace an existing --out file (never a database or an input)')
      .option('--decimal-comma', "CSV with decimal comma and ';' between fields")
      .option(
        '--settings <file>',
        'JSON with kbmTable, matColours, ageRule, kpmRoutineMonths (docs/reports.md)',
      )
      .option('--place <file>', 'JSON with posyanduName, villageName for the heading')
      .option(
        '--table <table>',
        'recap CSV table: monthly, quarter or quarter-children',
        choiceOption('--table', recapTables),
        'monthly',
      )
      .exitOverride()
      .action(async (options: ReportOptions) => {
        exitCode = await produce(kind, options);
      });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError || error instanceof OutputFileError) {
      process.stderr.write(`tikar report: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`tikar report: ${(error as Error).message}\n`);
    return 1;
  }
  return exitCode;
}
