// The built command as a user starts it: a new process each time, against a bare `node -e 0` start-up timed
// in the same run. Best of several runs of each (the shared machine varies by tens of percent).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateObservations, observationsCsv } from '../growth/observations.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { loadText } from './growth.bench.ts';

const root = join(import.meta.dirname, '..', '..');
const tikar = join(root, 'bin', 'tikar.mjs');

/** Seconds of the fastest of `runs` runs of `node args…`; `before` runs untimed ahead of each. */
function bestOf(runs: number, args: string[], before?: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    before?.();
    const start = performance.now();
    const result = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const seconds = (performance.now() - start) / 1000;
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
    best = Math.min(best, seconds);
  }
  return best;
}

export default async function bench(): Promise<void> {
  const dir = await tmpDir('tikar-bench-startup-');
  try {
    process.stdout.write(`${loadText()}\n`);
    const small = join(dir.path, 'small.csv');
    const large = join(dir.path, 'large.csv');
    const output = join(dir.path, 'out.csv');
    writeFileSync(small, observationsCsv(generateObservations(10_000, 7)));
    writeFileSync(large, observationsCsv(generateObservations(1_000_000, 8)));
    const removeOutput = () => rmSync(output, { force: true });

    const bare = bestOf(9, ['-e', '0']);
    const help = bestOf(9, [tikar, '--help']);
    // Every subcommand `tikar --help` lists: its --help loads the option parser, not what the command runs.
    const listed = spawnSync(process.execPath, [tikar, '--help'], { encoding: 'utf8' }).stdout;
    const commands = [...listed.matchAll(/^ {2}(\w+) /gm)].map((match) => match[1] as string);
    const subHelp = commands.map((command) => ({ command, seconds: bestOf(5, [tikar, command, '--help']) }));
    const zscoreSmall = bestOf(9, [tikar, 'zscore', '--in', small, '--out', output], removeOutput);
    const zscoreLarge = bestOf(3, [tikar, 'zscore', '--in', large, '--out', output], removeOutput);

    const row = (name: string, seconds: number, goal?: number) => {
      const ratio = seconds / bare;
      const verdict = goal === undefined ? '' : `  goal <= ${goal}x: ${ratio <= goal ? 'met' : 'NOT met'}`;
      process.stdout.write(
        `${name.padEnd(44)} ${(seconds * 1000).toFixed(0).padStart(6)} ms  ${ratio.toFixed(2)}x node${verdict}\n`,
      );
    };
    row('node -e 0 (bare start-up)', bare);
    row('tikar --help', help, 1.5);
    for (const { command, seconds } of subHelp) row(`tikar ${command} --help`, seconds);
    row('tikar zscore, 10,000 rows', zscoreSmall, 2.5);
    const rate = 1_000_000 / zscoreLarge;
    process.stdout.write(
      `${'tikar zscore, 1,000,000 rows'.padEnd(44)} ${(zscoreLarge * 1000).toFixed(0).padStart(6)} ms  ` +
        `${(rate / 1e6).toFixed(2)} M rows/s  goal >= 1 M rows/s: ${rate >= 1e6 ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await dir.cleanup();
  }
}
