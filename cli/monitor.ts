// `tikar monitor`: the technician's view of the mat wire. Decodes every line, prints one JSON object per frame
// or per rejected line (with the reason), and a summary on exit. Reads a serial port or standard input.
// The options only: the decoding (cli/monitor-run.ts) is loaded once they are parsed.
import { Command } from 'commander';
import { integerIn, numberIn, parseArgv } from './options.ts';

export interface MonitorOptions {
  port?: string;
  baud: number;
  duration?: number;
  count?: number;
  quiet?: boolean;
}

function parse(argv: string[]): MonitorOptions | number {
  const program = new Command('tikar monitor')
    .description('Decode the mat wire live: one JSON object per frame or rejected line, a summary on exit.')
    .option('--port <path>', 'serial port to read (default: standard input)')
    .option('--baud <n>', 'baud rate of --port', integerIn('--baud', 1200, 4_000_000), 115_200)
    .option('--duration <s>', 'stop after this many seconds', numberIn('--duration', 0.1))
    .option('--count <n>', 'stop after this many lines', integerIn('--count', 1))
    .option('--quiet', 'print only the summary');
  const stopped = parseArgv(program, argv);
  if (stopped !== undefined) return stopped;
  return program.opts<MonitorOptions>();
}

export async function run(argv: string[]): Promise<number> {
  const options = parse(argv);
  if (typeof options === 'number') return options;
  return (await import('./monitor-run.ts')).watch(options);
}
