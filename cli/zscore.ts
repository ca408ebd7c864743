// `tikar zscore`: WHO z-scores (2006 standards under 5 years, 2007 reference 5-19 years) and Permenkes
// 2/2020 status for a CSV of children.
// Column contract and rules: docs/growth.md. The CSV work is done by the engine in
// gateway/growth/batch/ (on worker threads for large inputs); this file only opens files and pipes,
// draws the progress bar and prints the summary. Its options are parsed by node:util's parseArgs, not
// commander as elsewhere: loading and running commander was about 22 M instructions, 4 ms, of every run
// (cachegrind), and this command is often run on small files.
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { engineBundle } from '../gateway/growth/batch/engine-bundle.ts';
import { transformCsv } from '../gateway/growth/batch/zscore-parallel.ts';
import type { ZscoreCsvSummary } from '../gateway/growth/batch/zscore-summary.ts';
import { openOutputFile, outputFormat, type PendingOutput } from './output-file.ts';
import { FileSink, fileChunks } from './zscore-files.ts';

interface ZscoreOptions {
  in?: string;
  out?: string;
  force?: boolean;
  precision: number;
  strict?: boolean;
  threads?: number;
}

/** Inputs at least this big get a progress bar (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 8 << 20;
const PROGRESS_EVERY_MS = 200;
const CHUNK_BYTES = 1 << 20;
/**
 * Output the file sink may hold before `write` waits for it: a few batches, so that the disk write of
 * one batch overlaps the computation of the next instead of stalling it (the default is 16 KB).
 */
const SINK_BUFFER_BYTES = 16 << 20;
/** Inputs at least this big are shared out to worker threads. */
const PARALLEL_MIN_BYTES = 8 << 20;
/**
 * The output file is synced to disk every this many bytes while it is written, so that the sync before its
 * rename (output-file.ts) finds little left: for a million rows (150 MB) it took 0.3-54 ms in three runs
 * without (whatever the kernel had not yet written back; 80-130 ms for a file written all at once), 8 ms with.
 */
const SYNC_EVERY_BYTES = 32 << 20;
/**
 * TurboFan's budget for inlining into one function (V8's default is 920 bytes of bytecode): the engine's row
 * code is larger, so its small z-score helpers were called instead, each double passed boxed in a new heap
 * number (330 -> 250 bytes of garbage per row). Counted on one thread (cachegrind): 13 % fewer instructions
 * per row, but about 330 M more once (bigger compiles, later), which pays back after some 250,000 rows per
 * thread: raised for files of LARGE_INPUT_BYTES or more only.
 */
const LARGE_INPUT_INLINING = '--max-inlined-bytecode-size-cumulative=3000';
const LARGE_INPUT_BYTES = 32 << 20;

/** Bytes read before the worker threads start (Infinity: never). */
function workersFromBytes(totalBytes: number | undefined): number {
  if (totalBytes === undefined) return PARALLEL_MIN_BYTES / 4;
  return totalBytes >= PARALLEL_MIN_BYTES ? 0 : Number.POSITIVE_INFINITY;
}

const HELP = `Usage: tikar zscore [options]

WHO z-scores (2006 standards to 59.99 months, as WHO anthro 1.1.0; 2007
reference 60-228 months, as WHO anthroplus) and Permenkes 2/2020 status for a
CSV of children.

Options:
  --in <file>      input CSV (default: standard input)
  --out <file>     output CSV, created 0600 (default: standard output)
  --force          replace an existing --out file (never the input or a
                   database)
  --precision <n>  decimals printed for z-scores (flags always use 2) (default:
                   2)
  --strict         exit with code 1 when any row has an error
  --threads <n>    worker threads for large inputs (default: one per core
                   besides the first, at most 3, none on 2 cores; 0: none)
  -h, --help       display help for command

Input columns, by header name in any order and any case (others are passed through):
  sex (1/2, M/F, L/P), age_days or age_months or birth_date + date (YYYY-MM-DD), weight_kg,
  lenhei_cm, measure (l lying / h standing), oedema (y/n), headc_cm. Empty cells are missing values.
Output: the input columns, then clenhei, zlen zwei zwfl zbmi zhc, flen fwei fwfl fbmi fhc,
  c9mo_flag, status_tbu status_bbu status_bbtb status_imtu, error, reference (who2006/who2007).
From 60 months: height-for-age, weight-for-age (to 120 months) and BMI-for-age of the WHO 2007
  reference, with the Permenkes 5-18 labels. See docs/growth.md.
`;

class UsageError extends Error {}

/** A whole number from `min` to `max` given to `option`, or a UsageError that says so. */
function integerOption(option: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, not '${text}'`);
  }
  return value;
}

/** The options, or the exit code when there is nothing to run (--help: 0; a usage error, said: 2). */
function parse(argv: string[]): ZscoreOptions | number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        precision: { type: 'string' },
        strict: { type: 'boolean' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    return {
      ...(values.in === undefined ? {} : { in: values.in }),
      ...(values.out === undefined ? {} : { out: values.out }),
      force: values.force === true,
      precision: values.precision === undefined ? 2 : integerOption('--precision', values.precision, 0, 10),
      strict: values.strict === true,
      ...(values.threads === undefined ? {} : { threads: integerOption('--threads', values.threads, 0, 64) }),
    };
  } catch (error) {
    // parseArgs's own errors (an unknown option, a missing value, an argument) carry an ERR_PARSE_ARGS code.
    const code = (error as NodeJS.ErrnoException).code;
    if (!(error instanceof UsageError) && !code?.startsWith('ERR_PARSE_ARGS')) throw error;
    process.stderr.write(
      `tikar zscore: ${(error as Error).message}\n(tikar zscore --help lists the options)\n`,
    );
    return 2;
  }
}

class ProgressBar {
  private lastDrawMs = 0;
  private drawn = false;

  constructor(
    private readonly totalBytes: number | undefined,
    private readonly enabled: boolean,
  ) {}

  update(bytes: number, rows: number): void {
    if (!this.enabled || (this.totalBytes === undefined && bytes < PROGRESS_MIN_BYTES)) return;
    const now = Date.now();
    if (now - this.lastDrawMs < PROGRESS_EVERY_MS) return;
    this.lastDrawMs = now;
    this.drawn = true;
    const rowsText = `${rows.toLocaleString('en-US')} rows`;
    if (this.totalBytes === undefined) {
      process.stderr.write(`\rtikar zscore: ${(bytes / 1048576).toFixed(0)} MB, ${rowsText}`);
      return;
    }
    const fraction = Math.min(1, bytes / this.totalBytes);
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    process.stderr.write(`\rtikar zscore [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${rowsText}`);
  }

  finish(): void {
    if (this.drawn) process.stderr.write('\n');
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function summaryText(summary: ZscoreCsvSummary): string {
  const ok = summary.rows - summary.errorRows;
  const lines = [
    `tikar zscore: ${plural(summary.rows, 'row')}, ${ok} ok, ${summary.errorRows} with errors, ${plural(summary.flagged, 'z-score')} flagged implausible`,
  ];
  const byColumn = Object.entries(summary.errorsByColumn)
    .map(([column, count]) => `${column} ${count}`)
    .join(', ');
  if (byColumn) lines.push(`  errors by column: ${byColumn}`);
  for (const error of summary.firstErrors) lines.push(`  row ${error.row}: ${error.message}`);
  if (summary.errorRows > summary.firstErrors.length) {
    lines.push(
      `  ... see the 'error' column for the other ${summary.errorRows - summary.firstErrors.length}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const options = parse(argv);
  if (typeof options === 'number') return options;
  // The engine loads while the files are opened (transformCsv gets the same load; its errors are reported there).
  void engineBundle().catch(() => undefined);
  let totalBytes: number | undefined;
  let file: FileSink | undefined;
  let output: PendingOutput | undefined;
  try {
    if (options.in) totalBytes = statSync(options.in).size;
    // Before any of the engine's code is optimized (that happens after its first rows).
    if (totalBytes !== undefined && totalBytes >= LARGE_INPUT_BYTES)
      (await import('node:v8')).setFlagsFromString(LARGE_INPUT_INLINING);
    // The output may hold children's measurements: an owner-only file, written beside its target and renamed
    // at the end, never over the input.
    if (options.out) {
      outputFormat(options.out, 'csv', ['csv'] as const, 'csv');
      output = await openOutputFile(options.out, { inputs: [options.in], force: options.force === true });
      file = await FileSink.open(output.path, SINK_BUFFER_BYTES, SYNC_EVERY_BYTES);
    }
  } catch (error) {
    await output?.abort();
    process.stderr.write(`tikar zscore: ${(error as Error).message}\n`);
    return 2;
  }
  const source: AsyncIterable<Buffer> = options.in ? fileChunks(options.in, CHUNK_BYTES) : process.stdin;
  const progress = new ProgressBar(
    totalBytes,
    process.stderr.isTTY === true && (totalBytes === undefined || totalBytes >= PROGRESS_MIN_BYTES),
  );
  let stdoutError: Error | undefined;
  const sink = file;
  const write = sink
    ? (bytes: Uint8Array) => sink.write(bytes)
    : async (bytes: Uint8Array) => {
        if (stdoutError) throw stdoutError;
        if (!process.stdout.write(bytes)) await once(process.stdout, 'drain');
      };
  if (!sink) {
    process.stdout.on('error', (error) => {
      stdoutError = error;
    });
  }
  let summary: ZscoreCsvSummary;
  try {
    ({ summary } = await transformCsv(
      source,
      write,
      {
        precision: options.precision,
        workers: options.threads,
        // Worker threads pay off from a few megabytes on (they take a moment to start): a file known
        // to be that big starts them at once; a pipe, once its first megabytes have come.
        workersFromBytes: workersFromBytes(totalBytes),
        // Output memory used again once written: fresh memory was a page fault per 4 KB of output.
        ...(sink ? { spareOutput: () => sink.spare() } : {}),
      },
      (bytes, rows) => progress.update(bytes, rows),
    ));
    await file?.close();
    await output?.commit();
  } catch (error) {
    await file?.close().catch(() => undefined);
    await output?.abort();
    progress.finish();
    // The reader went away (`tikar zscore ... | head`): stop quietly, as Unix filters do.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(`tikar zscore: ${(error as Error).message}\n`);
    return 2;
  }
  progress.finish();
  process.stderr.write(summaryText(summary));
  return options.strict && summary.errorRows > 0 ? 1 : 0;
}
