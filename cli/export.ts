// `tikar export eppgbm|fhir`: per-child records for the national systems. e-PPGBM as CSV or XLSX,
// FHIR R4 as a Bundle (JSON) for SATUSEHAT. Files hold personal data: created 0600. A progress bar is
// drawn on stderr when it is a terminal. The options only: the work (cli/export-run.ts) is loaded once they
// are parsed.
import { Command } from 'commander';
import { type EppgbmLayout, eppgbmFormats, eppgbmLayouts } from '../gateway/reports/kinds.ts';
import { choiceOption, commandRunner, monthOption } from './options.ts';

export interface RangeOptions {
  db: string;
  posyandu?: string;
  month?: string;
  from?: string;
  to?: string;
  out?: string;
  force?: boolean;
}

export interface EppgbmCliOptions extends RangeOptions {
  format?: (typeof eppgbmFormats)[number];
  layout: EppgbmLayout;
  decimalComma?: boolean;
  place?: string;
  settings?: string;
}

export interface FhirCliOptions extends RangeOptions {
  withNik?: boolean;
  bundleType: 'collection' | 'transaction';
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
  const runner = commandRunner('tikar export', async (error) =>
    (await import('./report-files.ts')).isUsageError(error),
  );
  const program = new Command('tikar export')
    .description('Per-child exports: e-PPGBM CSV/XLSX and FHIR R4 Bundle for SATUSEHAT (docs/reports.md)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  common(program.command('eppgbm').description('e-PPGBM rows, one per measurement'))
    .option(
      '--format <format>',
      'csv or xlsx (default: from the --out extension, else csv)',
      choiceOption('--format', eppgbmFormats),
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
    .action(
      runner.action(async (options: EppgbmCliOptions) =>
        (await import('./export-run.ts')).exportEppgbm(options),
      ),
    );
  common(program.command('fhir').description('FHIR R4 Bundle of Patient and Observation resources'))
    .option('--with-nik', 'put NIK and name into Patient where the child has a NIK (default: pseudonymous)')
    .option(
      '--bundle-type <type>',
      'collection or transaction',
      choiceOption('--bundle-type', ['collection', 'transaction'] as const),
      'collection',
    )
    .action(
      runner.action(async (options: FhirCliOptions) => (await import('./export-run.ts')).exportFhir(options)),
    );
  return runner.run(program, argv);
}
