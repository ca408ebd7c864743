// `tikar zscore` end to end (CSV file in -> CSV file out) on a generated one-million-row CSV, against
// a straightforward string-based implementation (split lines and commas, Number(), computeGrowth,
// join) measured in the same run on the same file. The CSV is generated into a temp dir, never git.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../cli/zscore.ts';
import { classifyGrowth, computeGrowth, emptyGrowthResult, roundZ } from '../../gateway/growth/index.ts';
import { generateObservations, mixedAgeCsv, observationsCsv } from '../growth/observations.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { loadText } from './growth.bench.ts';

const ROWS = 1_000_000;
const GOAL_ROWS_PER_SECOND = 1_000_000;

/**
 * Runs `tikar zscore` in this process with stderr quiet; returns seconds. The output file of the run
 * before is removed first, untimed: every run writes a new file, as a user's usually does (truncating
 * the last run's 140 MB would add its page-cache freeing to the figure).
 */
async function inProcess(args: string[], output: string): Promise<number> {
  rmSync(output, { force: true });
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true;
  try {
    const start = performance.now();
    const code = await run(args);
    if (code !== 0) throw new Error(`tikar zscore exited with ${code}`);
    return (performance.now() - start) / 1000;
  } finally {
    process.stderr.write = write;
  }
}

/** The obvious way, for comparison: strings everywhere, no RFC 4180 quoting. */
function stringBased(input: string, output: string): number {
  const start = performance.now();
  const lines = readFileSync(input, 'utf8').split('\n');
  const names = (lines[0] ?? '').split(',');
  const at = (name: string) => names.indexOf(name);
  const [sex, birth, date, weight, lenhei, measure, oedema, headc] = [
    'sex',
    'birth_date',
    'date',
    'weight_kg',
    'lenhei_cm',
    'measure',
    'oedema',
    'headc_cm',
  ].map(at) as number[];
  const result = emptyGrowthResult();
  const out = [`${lines[0]},clenhei,zlen,zwei,zwfl,zbmi,zhc,status_tbu,status_bbu,status_bbtb,status_imtu`];
  const z = (value: number) => (Number.isNaN(value) ? '' : roundZ(value).toFixed(2));
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const cells = line.split(',');
    const cell = (index: number | undefined) => cells[index ?? -1] ?? '';
    const ageDays = (Date.parse(cell(date)) - Date.parse(cell(birth))) / 86_400_000;
    computeGrowth(
      {
        sex: cell(sex) === 'L' ? 1 : 2,
        ageDays,
        weightKg: Number(cell(weight)),
        lenheiCm: Number(cell(lenhei)),
        headcCm: Number(cell(headc)),
        measure: cell(measure) === 'l' ? 'l' : 'h',
        oedema: cell(oedema) === 'y',
      },
      result,
    );
    const status = classifyGrowth(result);
    out.push(
      `${line},${result.clenheiCm},${z(result.zlen)},${z(result.zwei)},${z(result.zwfl)},${z(result.zbmi)},${z(result.zhc)},${status.tbu?.id ?? ''},${status.bbu?.id ?? ''},${status.bbtb?.id ?? ''},${status.imtu?.id ?? ''}`,
    );
  }
  writeFileSync(output, `${out.join('\n')}\n`);
  return (performance.now() - start) / 1000;
}

function line(name: string, seconds: number, goal?: number): number {
  const perSecond = ROWS / seconds;
  const verdict =
    goal === undefined
      ? ''
      : `  goal ${(goal / 1e6).toFixed(2)} M/s: ${perSecond >= goal ? 'met' : 'NOT met'}`;
  process.stdout.write(
    `${name.padEnd(52)} ${seconds.toFixed(2).padStart(6)} s ${(perSecond / 1e6).toFixed(2).padStart(6)} M rows/s${verdict}\n`,
  );
  return perSecond;
}

export default async function zscoreCliBench(): Promise<void> {
  const dir = await tmpDir('tikar-bench-');
  try {
    const input = join(dir.path, 'children-1m.csv');
    const output = join(dir.path, 'out.csv');
    writeFileSync(input, observationsCsv(generateObservations(ROWS, 424242)));
    const megabytes = readFileSync(input).length / 1048576;
    process.stdout.write(`${loadText()}\n`);
    process.stdout.write(
      `${ROWS.toLocaleString('en-US')} generated rows, ${megabytes.toFixed(0)} MB of CSV\n`,
    );

    // Best of three: the first run also bundles the worker code and warms the JIT (a new process's
    // figure is printed below); the shared 2-core machines here vary by tens of percent minute to minute.
    const best = async (args: string[]) =>
      Math.min(await inProcess(args, output), await inProcess(args, output), await inProcess(args, output));
    const parallel = line(
      'tikar zscore, file -> file (worker threads)',
      await best(['--in', input, '--out', output]),
      GOAL_ROWS_PER_SECOND,
    );
    const single = line(
      'tikar zscore, file -> file (--threads 0)',
      await best(['--in', input, '--out', output, '--threads', '0']),
    );
    // Children of every age, 0-19 years, row by row: the 2006 standards and the 2007 reference mixed.
    const mixed = join(dir.path, 'children-0-19y-1m.csv');
    writeFileSync(mixed, mixedAgeCsv(ROWS, 424243));
    line(
      'tikar zscore, 0-19 years mixed (worker threads)',
      await best(['--in', mixed, '--out', output]),
      GOAL_ROWS_PER_SECOND,
    );
    line(
      'tikar zscore, 0-19 years mixed (--threads 0)',
      await best(['--in', mixed, '--out', output, '--threads', '0']),
    );
    rmSync(mixed, { force: true });
    const naive = line(
      'string-based split/Number/join, same job',
      stringBased(input, join(dir.path, 'naive.csv')),
    );
    process.stdout.write(
      `ratio tikar zscore / string-based: ${(parallel / naive).toFixed(1)}x (one thread: ${(single / naive).toFixed(1)}x)\n`,
    );

    // A new process, as a user runs it, is in startup.bench.ts.
  } finally {
    await dir.cleanup();
  }
}
