// `tikar export`'s work, loaded once its options are parsed (cli/export.ts): the rows from the database, the
// e-PPGBM rows or the FHIR Bundle, and the file.
import { addMonths } from '../gateway/clock/calendar.ts';
import { eppgbmCsv, eppgbmRows } from '../gateway/reports/eppgbm.ts';
import { buildFhirBundle } from '../gateway/reports/fhir.ts';
import { eppgbmFormats } from '../gateway/reports/kinds.ts';
import { createProgress } from '../gateway/reports/progress.ts';
import type { EppgbmCliOptions, FhirCliOptions, RangeOptions } from './export.ts';
import { chooseOutput, type OutputRules } from './output-file.ts';
import { ConfigError, emit, loadFromDb, loadPlace, loadSettings } from './report-files.ts';

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

export async function exportEppgbm(options: EppgbmCliOptions): Promise<number> {
  const rules = outputRules(options, options.settings, options.place);
  const format = await chooseOutput({
    command: 'tikar export eppgbm',
    out: options.out,
    asked: options.format,
    allowed: eppgbmFormats,
    fallback: 'csv',
    rules,
    fileOnly: 'xlsx',
  });
  if (format === undefined) return 2;
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

export async function exportFhir(options: FhirCliOptions): Promise<number> {
  const rules = outputRules(options);
  await chooseOutput({
    command: 'tikar export fhir',
    out: options.out,
    asked: 'json',
    allowed: ['json'],
    fallback: 'json',
    rules,
  });
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
