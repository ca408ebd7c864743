// The built command as a user starts it: a new process each time, against a bare `node -e 0` start-up timed
// in the same run. Best of several runs of each, taken in rounds (the shared machine varies by tens of percent).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateObservations, observationsCsv } from '../growth/observations.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { loadText } from './growth.bench.ts';

const root = join(import.meta.dirname, '..', '..');
const tikar = join(root, 'bin', 'tikar.mjs');

interface Timed {
  args: string[];
  /** Runs of it (the others are skipped in the later rounds). */
  runs: number;
  /** Untimed, ahead of each run. */
  before?: () => void;
  /** Seconds of its fastest run so far. */
  best: number;
}

/**
 * Times every command in rounds, one run of each per round, keeping each one's fastest: a load change on the
 * shared machine then hits all of them alike, and their ratios to bare node hold (one command after another,
 * a quiet minute for one and a busy one for the next made ratios of 0.9x and 1.6x for the same build).
 */
function timeInRounds(commands: Timed[]): void {
  const rounds = Math.max(...commands.map((command) => command.runs));
  for (let round = 0; round < rounds; round++) {
    for (const command of commands) {
      if (round >= command.runs) continue;
      command.before?.();
      const start = performance.now();
      const result = spawnSync(process.execPath, command.args, {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const seconds = (performance.now() - start) / 1000;
      if (result.status !== 0) throw new Error(`node ${command.args.join(' ')} failed: ${result.stderr}`);
      command.best = Math.min(command.best, seconds);
    }
  }
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

    const timed = (args: string[], runs: number, before?: () => void): Timed => ({
      args,
      runs,
      best: Number.POSITIVE_INFINITY,
      ...(before ? { before } : {}),
    });
    // Every subcommand `tikar --help` lists: its --help loads the option parser, not what the command runs.
    const listed = spawnSync(process.execPath, [tikar, '--help'], { encoding: 'utf8' }).stdout;
    const commands = [...listed.matchAll(/^ {2}(\w+) /gm)].map((match) => match[1] as string);
    const bareRun = timed(['-e', '0'], 9);
    const helpRun = timed([tikar, '--help'], 9);
    const subHelpRuns = commands.map((command) => ({ command, run: timed([tikar, command, '--help'], 5) }));
    const smallRun = timed([tikar, 'zscore', '--in', small, '--out', output], 9, removeOutput);
    const largeRun = timed([tikar, 'zscore', '--in', large, '--out', output], 3, removeOutput);
    timeInRounds([bareRun, helpRun, ...subHelpRuns.map(({ run }) => run), smallRun, largeRun]);
    const bare = bareRun.best;
    const help = helpRun.best;
    const subHelp = subHelpRuns.map(({ command, run }) => ({ command, seconds: run.best }));
    const zscoreSmall = smallRun.best;
    const zscoreLarge = largeRun.best;

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
