// `tikar export eppgbm|fhir`: per-child records for the national systems. e-PPGBM as CSV or XLSX,
// FHIR R4 as a Bundle (JSON) for SATUSEHAT. Files hold personal data: created 0600. A progress bar is
// drawn on stderr when it is a terminal.
import { Command, CommanderError } from 'commander';
import { addMonths } from '../gateway/clock/calendar.ts';
import { type EppgbmLayout, eppgbmCsv, eppgbmLayouts, eppgbmRows } from '../gateway/reports/eppgbm.ts';
import { buildFhirBundle } from '../gateway/reports/fhir.ts';
import { createProgress } from '../gateway/reports/progress.ts';
import { checkOutputPath, OutputFileError, type OutputRules, outputFormat } from './output-file.ts';
import {
  ConfigError,
  choiceOption,
  emit,
  loadFromDb,
  loadPlace,
  loadSettings,
  monthOption,
} from './report-options.ts';

interface RangeOptions {
  db: string;
  posyandu?: string;
  month?: string;
  from?: string;
  to?: string;
  out?: string;
  force?: boolean;
}

interface EppgbmCliOptions extends RangeOptions {
  format?: 'csv' | 'xlsx';
  layout: EppgbmLayout;
  decimalComma?: boolean;
  place?: string;
  settings?: string;
}

interface FhirCliOptions extends RangeOptions {
  withNik?: boolean;
  bundleType: 'collection' | 'transaction';
}

/** --month M, or --from/--to (either alone means that month to itself); default: last month. */
function range(options: RangeOptions): { fromMonth: string; toMonth: string } {
  if (options.month !== undefined) {
    if (options.from !== undefined || options.to !== undefined) {
      throw new ConfigError('give either --month or --from/--to, not both');
    }
    return { fromMonth: options.month, toMonth: options.month };
  }
  const fallback = addMonths(new Date().toISOString().slice(0, 7), -1);
  const fromMonth = options.from ?? options.to ?? fallback;
  const toMonth = options.to ?? options.from ?? fallback;
  if (fromMonth > toMonth) throw new ConfigError(`--from ${fromMonth} is after --to ${toMonth}`);
  return { fromMonth, toMonth };
}

/** The output rules for a command reading `db` and the given option files. */
function outputRules(options: RangeOptions, ...files: (string | undefined)[]): OutputRules {
  return { inputs: [options.db, ...files], force: options.force === true };
}

async function exportEppgbm(options: EppgbmCliOptions): Promise<number> {
  const format = outputFormat(options.out, options.format, ['csv', 'xlsx'] as const, 'csv');
  const rules = outputRules(options, options.settings, options.place);
  if (options.out !== undefined) await checkOutputPath(options.out, rules);
  if (format === 'xlsx' && options.out === undefined) {
    process.stderr.write('tikar export eppgbm: --out FILE is required for XLSX\n');
    return 2;
  }
  const settings = await loadSettings(options.settings);
  const place = await loadPlace(options.place);
  const data = await loadFromDb(options.db, options.posyandu);
  const rows = eppgbmRows(data, { posyanduId: options.posyandu, ...range(options), settings });
  const progress = createProgress('e-PPGBM', rows.length);
  const tick = (done: number) => progress.tick(done);
  if (format === 'xlsx') {
    const { eppgbmXlsx } = await import('../gateway/reports/eppgbm-xlsx.ts');
    await emit(options.out, await eppgbmXlsx(rows, place, tick, options.layout), rules);
  } else {
    await emit(
      options.out,
      eppgbmCsv(
        rows,
        place,
        { decimalComma: options.decimalComma === true, bom: true },
        tick,
        options.layout,
      ),
      rules,
    );
  }
  progress.finish();
  if (options.out !== undefined)
    process.stderr.write(`tikar export eppgbm: ${rows.length} rows to ${options.out}\n`);
  return 0;
}

async function exportFhir(options: FhirCliOptions): Promise<number> {
  outputFormat(options.out, 'json', ['json'] as const, 'json');
  const rules = outputRules(options);
  if (options.out !== undefined) await checkOutputPath(options.out, rules);
  const data = await loadFromDb(options.db, options.posyandu);
  const { fromMonth, toMonth } = range(options);
  const total = data.measurements.filter((m) => {
    const month = m.measured_on.slice(0, 7);
    return month >= fromMonth && month <= toMonth;
  }).length;
  const progress = createProgress('FHIR', total);
  const exported = buildFhirBundle(
    data,
    {
      posyanduId: options.posyandu,
      fromMonth,
      toMonth,
      withNik: options.withNik === true,
      bundleType: options.bundleType,
    },
    (done) => progress.tick(done),
  );
  progress.finish();
  await emit(options.out, `${JSON.stringify(exported.bundle, null, 2)}\n`, rules);
  for (const skip of exported.skipped) {
    process.stderr.write(`tikar export fhir: skipped measurement ${skip.measurementId}: ${skip.reason}\n`);
  }
  process.stderr.write(
    `tikar export fhir: ${exported.resourceCount} resources${options.out ? ` to ${options.out}` : ''}, ${exported.skipped.length} measurements skipped\n`,
  );
  return 0;
}

function common(command: Command): Command {
  return command
    .requiredOption('--db <file>', "the gateway's or village record's SQLite file")
    .option('--posyandu <id>', 'posyandu id (default: every child in the file, e.g. a village record)')
    .option('--month <YYYY-MM>', 'one month', monthOption('--month'))
    .option('--from <YYYY-MM>', 'first month (inclusive)', monthOption('--from'))
    .option('--to <YYYY-MM>', 'last month (inclusive)', monthOption('--to'))
    .option('--out <file>', 'output file, created 0600 (default: standard output)')
    .option('--force', 'replace an existing --out file (never a database or an input)')
    .exitOverride();
}

export async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('tikar export')
    .description('Per-child exports: e-PPGBM CSV/XLSX and FHIR R4 Bundle for SATUSEHAT (docs/reports.md)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  common(program.command('eppgbm').description('e-PPGBM rows, one per measurement'))
    .option(
      '--format <format>',
      'csv or xlsx (default: from the --out extension, else csv)',
      choiceOption('--format', ['csv', 'xlsx'] as const),
    )
    .option(
      '--layout <layout>',
      "tikar (Tikar's columns) or eppgbm (the column order of e-PPGBM by-name exports)",
      choiceOption('--layout', eppgbmLayouts),
      'tikar',
    )
    .option('--decimal-comma', "CSV with decimal comma and ';' between fields")
    .option(
      '--place <file>',
      'JSON with provinsi, kabupatenKota, kecamatan, puskesmas, desaKelurahan, posyandu',
    )
    .option('--settings <file>', 'JSON with kbmTable (for the Naik Berat Badan column)')
    .action(async (options: EppgbmCliOptions) => {
      exitCode = await exportEppgbm(options);
    });
  common(program.command('fhir').description('FHIR R4 Bundle of Patient and Observation resources'))
    .option('--with-nik', 'put NIK and name into Patient where the child has a NIK (default: pseudonymous)')
    .option(
      '--bundle-type <type>',
      'collection or transaction',
      choiceOption('--bundle-type', ['collection', 'transaction'] as const),
      'collection',
    )
    .action(async (options: FhirCliOptions) => {
      exitCode = await exportFhir(options);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`tikar export: ${(error as Error).message}\n`);
    return error instanceof ConfigError || error instanceof OutputFileError ? 2 : 1;
  }
  return exitCode;
}
