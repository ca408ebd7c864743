// `tikar mat`: the mat program alone (two-box layout), on a small computer beside the mat's board: it reads the
// board (StandardFirmata) and writes the wire protocol to a serial cable towards the gateway, or to stdout.
import type { Readable } from 'node:stream';
import { Command } from 'commander';
import { integerIn, parseArgv } from './options.ts';
import { stopSignal } from './stop-signal.ts';

interface MatOptions {
  config: string;
  board?: string;
  out?: string;
  baud?: number;
  stdout?: boolean;
  pty?: string | boolean;
  check?: boolean;
}

export async function run(argv: string[]): Promise<number> {
  const program = new Command('tikar mat')
    .description(
      "Run the mat program: read the mat's board (StandardFirmata) and speak the wire protocol to the gateway.",
    )
    .requiredOption(
      '--config <file>',
      'the mat configuration, mat.json (device/firmware/example-config.json)',
    )
    .option('--board <path>', "serial port of the mat's board (default: boardPort in the configuration)")
    .option('--out <path>', 'serial port towards the gateway (default: output in the configuration)')
    .option(
      '--baud <rate>',
      'baud rate of --out (default: output.baud, else 115200)',
      integerIn('--baud', 1200, 4_000_000),
    )
    .option('--stdout', 'write frames to standard output and read commands from standard input')
    .option(
      '--pty [link]',
      'speak on a new PTY pair (socat) and print the other end, e.g. for tikar calibrate --port on the same Pi',
    )
    .option('--check', 'only check the configuration');
  const exit = parseArgv(program, argv);
  if (exit !== undefined) return exit;
  const options = program.opts<MatOptions>();
  if (
    [options.out !== undefined, options.stdout === true, options.pty !== undefined].filter(Boolean).length > 1
  ) {
    process.stderr.write('tikar mat: choose one of --out, --stdout, --pty\n');
    return 2;
  }
  // Loaded only to run: `tikar mat --help` loads neither johnny-five nor serialport.
  const { readFirmwareConfig } = await import('../device/firmware/config.ts');
  // The whole configuration, pins included, is checked before the board is touched.
  const read = await readFirmwareConfig(options.config);
  if (!read.ok) {
    process.stderr.write(`tikar mat: configuration is wrong:\n  ${read.errors.join('\n  ')}\n`);
    return 2;
  }
  const config = read.config;
  const boardPort = options.board ?? config.boardPort;
  if (boardPort === undefined) {
    process.stderr.write(`tikar mat: ${options.config} has no boardPort; give --board PATH\n`);
    return 2;
  }
  if (options.check) {
    process.stderr.write(`tikar mat: ${options.config} is valid (board ${boardPort})\n`);
    return 0;
  }

  const [{ serialBoardTransport, startMatProgram }, { openPtyLink, openSerialPort }] = await Promise.all([
    import('../device/firmware/mat-program.ts'),
    import('../device/serial-port.ts'),
  ]);
  let input: Readable;
  let write: (chunk: Buffer) => void;
  let closeOutput = async () => {};
  const stopped = stopSignal();
  const outPath =
    options.out ?? (options.stdout || config.output === 'stdout' ? undefined : config.output.port);
  try {
    if (options.pty !== undefined) {
      const pty = await openPtyLink(typeof options.pty === 'string' ? options.pty : undefined);
      const port = await openSerialPort(pty.matPath);
      process.stdout.write(`${pty.gatewayPath}\n`);
      input = port;
      write = (chunk) => port.write(chunk);
      closeOutput = async () => {
        await new Promise<void>((resolve) => port.close(() => resolve()));
        await pty.close();
      };
    } else if (outPath === undefined) {
      input = process.stdin;
      write = (chunk) => process.stdout.write(chunk);
    } else {
      const baud = options.baud ?? (config.output === 'stdout' ? 115_200 : config.output.baud);
      const port = await openSerialPort(outPath, baud);
      input = port;
      write = (chunk) => port.write(chunk);
      closeOutput = () => new Promise<void>((resolve) => port.close(() => resolve()));
    }
  } catch (error) {
    process.stderr.write(`tikar mat: ${(error as Error).message}\n`);
    return 1;
  }

  const mat = startMatProgram({
    config,
    portName: boardPort,
    openTransport: () => serialBoardTransport(boardPort),
  });
  mat.on('board', (state) =>
    process.stderr.write(
      state.up
        ? `tikar mat: board on ${state.port} ready (${state.firmware}); mat ${config.deviceId} running\n`
        : `tikar mat: ${state.reason}; retrying\n`,
    ),
  );
  mat.stream.on('data', (chunk: Buffer) => write(chunk));
  input.on('data', (chunk: Buffer) => mat.stream.write(chunk));
  await stopped;
  await mat.stop();
  await closeOutput();
  if (input === process.stdin) process.stdin.destroy();
  return 0;
}
