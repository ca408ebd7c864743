// `tikar report skdn|recap|prevalence|rujukan|kunjungan|f2|kpm2b`: a report for one posyandu and month, as CSV,
// printable A4 HTML or PDF (headless Chromium); `tikar report paud`: the PAUD list of one measuring day.
// Definitions: docs/reports.md. Output files are created 0600. The options only: the work (cli/report-run.ts)
// is loaded once they are parsed, so `tikar report --help` loads no report and no WHO table.
import { Command } from 'commander';
import {
  type ListKind,
  listKinds,
  listSummaries,
  type RecapTable,
  type ReportFormat,
  recapTables,
  reportFormats,
} from '../gateway/reports/kinds.ts';
import { choiceOption, commandRunner, dateOption, monthOption } from './options.ts';

export interface ReportOptions {
  db: string;
  posyandu?: string;
  month: string;
  /** The measuring day (paud only). */
  date: string;
  format?: ReportFormat;
  pdf?: boolean;
  out?: string;
  force?: boolean;
  decimalComma?: boolean;
  settings?: string;
  place?: string;
  table: RecapTable;
}

export type ReportKind = 'skdn' | 'recap' | 'prevalence' | 'paud' | ListKind;

export async function run(argv: string[]): Promise<number> {
  const runner = commandRunner('tikar report', async (error) =>
    (await import('./report-files.ts')).isUsageError(error),
  );
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
        choiceOption('--format', reportFormats),
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
      .action(
        runner.action(async (options: ReportOptions) =>
          (await import('./report-run.ts')).produce(kind, options),
        ),
      );
  }
  return runner.run(program, argv);
}
