// `tikar calibrate`: the calibration wizard (reference rods or masses → least-squares profile), and
// `tikar calibrate --check`: one reference rod against the active profile; a failed check blocks the mat.
// The options only: the wizard (cli/calibrate-run.ts) is loaded once they are parsed.
import { Command } from 'commander';
import type { CalibrationChannel } from '../calibration/index.ts';
import { DEFAULT_CALIBRATION_DIR } from '../gateway/store/calibration-dir.ts';
import { integerIn, numberIn, numberList, parseArgv } from './options.ts';

export interface CalibrateOptions {
  port?: string;
  baud: number;
  sim?: boolean;
  scenario: string;
  seed: number;
  simMinutes: number;
  channel: CalibrationChannel;
  refs?: number[];
  by: string;
  dir: string;
  check?: boolean;
  ref?: number;
  settle: number;
  yes?: boolean;
}

function parse(argv: string[]): CalibrateOptions | number {
  const program = new Command('tikar calibrate')
    .description('Calibrate a mat against reference rods (mm) or masses (g), or --check it with one rod.')
    .option('--port <path>', "the mat's serial port")
    .option('--baud <n>', 'baud rate', integerIn('--baud', 1200, 4_000_000), 115_200)
    .option('--sim', 'use the simulated mat in-process (training, tests)')
    .option('--scenario <name>', 'simulator scenario with --sim', 'calm')
    .option('--seed <n>', 'simulator seed with --sim', integerIn('--seed', 0, 2 ** 32 - 1), 1)
    .option(
      '--sim-minutes <n>',
      'let the simulated mat run this long first (e.g. to show drift)',
      numberIn('--sim-minutes', 0),
      0,
    )
    .option('--channel <name>', 'length or weight', 'length')
    .option('--refs <list>', 'reference lengths in mm (or masses in g), e.g. 400,700,1000', numberList)
    .option('--by <name>', 'who calibrates (stored in the profile)', 'technician')
    .option('--dir <path>', 'where profiles are stored', DEFAULT_CALIBRATION_DIR)
    .option('--check', 'check the active calibration with one reference')
    .option('--ref <value>', 'the reference for --check, mm or g', numberIn('--ref', 0))
    .option('--settle <s>', 'seconds to wait for the reading to settle', numberIn('--settle', 0), 3)
    .option('--yes', 'do not wait for Enter between references');
  const stopped = parseArgv(program, argv);
  if (stopped !== undefined) return stopped;
  const options = program.opts<CalibrateOptions>();
  const problem =
    (options.channel !== 'length' &&
      options.channel !== 'weight' &&
      `--channel must be length or weight, not '${options.channel}'`) ||
    (!options.sim && !options.port && 'give --port PATH (the mat) or --sim') ||
    (options.check &&
      options.ref === undefined &&
      '--check needs --ref, the reference length in mm (or mass in g)');
  if (problem) {
    process.stderr.write(`tikar calibrate: ${problem}\n`);
    return 2;
  }
  return options;
}

export async function run(argv: string[]): Promise<number> {
  const options = parse(argv);
  if (typeof options === 'number') return options;
  return (await import('./calibrate-run.ts')).calibrateOrCheck(options);
}
