// `tikar sim`: the simulated mat on a PTY, a serial port or stdout, speaking the wire protocol (protocol/README.md).
import { createWriteStream } from 'node:fs';
import type { Duplex, Writable } from 'node:stream';
import { Command } from 'commander';
import { SIM_DEVICE_ID } from '../calibration/sim-default.ts';
import type { PtyLink } from '../device/serial-port.ts';
import { scenarioNames, scenarios } from '../device/sim/scenarios.ts';
import type { FrameWriter } from '../protocol/index.ts';
import { numberIn, parseArgv } from './options.ts';
import { stopSignal } from './stop-signal.ts';

interface SimOptions {
  pty?: string | boolean;
  port?: string;
  stdout?: boolean;
  scenario: string;
  seed: number;
  rate: number;
  device: string;
  noise?: number;
  speed: number;
  duration?: number;
  truth?: string;
  auto?: boolean;
  list?: boolean;
}

function parse(argv: string[]): SimOptions | number {
  const program = new Command('tikar sim')
    .description('A simulated growth mat speaking the Tikar wire protocol (no hardware needed).')
    .option(
      '--pty [link]',
      'create a PTY pair with socat and print the gateway-side path (optionally at [link])',
    )
    .option('--port <path>', 'write to this serial port')
    .option('--stdout', 'write to standard output and read commands from standard input (the default)')
    .option('--scenario <name>', `one of: ${scenarioNames.join(', ')}`, 'calm')
    .option('--seed <n>', 'random seed', numberIn('--seed', 0, 2 ** 32 - 1), 1)
    .option('--rate <hz>', 'samples per second per channel', numberIn('--rate', 1, 100), 25)
    .option('--device <id>', 'device id', SIM_DEVICE_ID)
    .option(
      '--noise <mm>',
      "length sensor noise σ in mm (overrides the scenario's)",
      numberIn('--noise', 0, 50),
    )
    .option(
      '--speed <x>',
      'run device time this many times faster than real time',
      numberIn('--speed', 0.1, 1000),
      1,
    )
    .option('--duration <s>', 'stop after this many seconds of device time', numberIn('--duration', 0.1, 1e7))
    .option(
      '--truth <file>',
      'write the true length/weight of each reading as JSON lines to this file (default: stderr)',
    )
    .option('--auto', 'act as its own gateway: start, second reading, stop, next child, in a loop (demos)')
    .option('--list', 'list the scenarios and exit');
  const stopped = parseArgv(program, argv);
  if (stopped !== undefined) return stopped;
  const options = program.opts<SimOptions>();
  const outputs = [options.pty !== undefined, options.port !== undefined, options.stdout === true].filter(
    Boolean,
  );
  if (outputs.length > 1) {
    process.stderr.write('tikar sim: choose one of --pty, --port, --stdout\n');
    return 2;
  }
  if (!scenarios[options.scenario]) {
    process.stderr.write(
      `tikar sim: unknown --scenario '${options.scenario}'; one of: ${scenarioNames.join(', ')}\n`,
    );
    return 2;
  }
  return options;
}

/** The wire end the mat writes to and reads commands from. */
async function openOutput(
  options: SimOptions,
): Promise<{ link: Duplex | { in: NodeJS.ReadStream; out: Writable }; pty?: PtyLink }> {
  if (options.pty === undefined && options.port === undefined) {
    return { link: { in: process.stdin, out: process.stdout } };
  }
  // Loaded only for a serial line: `tikar sim --help` and `--stdout` do not load serialport.
  const { openPtyLink, openSerialPort } = await import('../device/serial-port.ts');
  if (options.pty !== undefined) {
    const pty = await openPtyLink(typeof options.pty === 'string' ? options.pty : undefined);
    process.stdout.write(`${pty.gatewayPath}\n`);
    process.stderr.write(`tikar sim: mat on ${pty.matPath}; connect the gateway to ${pty.gatewayPath}\n`);
    return { link: await openSerialPort(pty.matPath), pty };
  }
  return { link: await openSerialPort(options.port as string) };
}

export async function run(argv: string[]): Promise<number> {
  const options = parse(argv);
  if (typeof options === 'number') return options;
  if (options.list) {
    for (const name of scenarioNames)
      process.stdout.write(`${name.padEnd(10)} ${scenarios[name]?.description}\n`);
    return 0;
  }
  const stopped = stopSignal();
  let output: Awaited<ReturnType<typeof openOutput>>;
  try {
    output = await openOutput(options);
  } catch (error) {
    process.stderr.write(`tikar sim: ${(error as Error).message}\n`);
    return 1;
  }
  const truthOut: Writable = options.truth
    ? createWriteStream(options.truth, { flags: 'a' })
    : process.stderr;
  const [{ createSimulatedMat }, { FrameWriter }] = await Promise.all([
    import('../device/sim/index.ts'),
    import('../protocol/index.ts'),
  ]);
  const mat = createSimulatedMat({
    scenario: options.scenario,
    seed: options.seed,
    rateHz: options.rate,
    deviceId: options.device,
    timeScale: options.speed,
    ...(options.duration === undefined ? {} : { stopAtMs: options.duration * 1000 }),
    ...(options.noise === undefined ? {} : { noiseMm: options.noise }),
  });
  mat.on('truth', (truth) => truthOut.write(`${JSON.stringify({ truth })}\n`));

  const { link } = output;
  const wireOut: Writable = 'out' in link ? link.out : link;
  mat.stream.pipe(wireOut);
  if ('in' in link) {
    // The end of the command input is not the end of the mat: it keeps sending until told to stop.
    if (!link.in.isTTY) link.in.pipe(mat.stream, { end: false });
  } else {
    link.pipe(mat.stream, { end: false });
  }

  const timers: NodeJS.Timeout[] = [];
  if (options.auto) {
    const writer = new FrameWriter(options.device, (line) => mat.stream.write(`${line}\n`));
    timers.push(autoGateway(writer, options.speed));
  }

  let wireBroken = false;
  const exitCode = await new Promise<number>((resolve) => {
    const finish = () => resolve(0);
    void stopped.then(finish);
    mat.stream.once('end', finish);
    // A reader that goes away (`| head`, a closed port) ends the simulation instead of crashing it.
    wireOut.on('error', () => {
      wireBroken = true;
      finish();
    });
  });
  for (const timer of timers) clearTimeout(timer);
  mat.stop();
  truthOut.write(`${JSON.stringify({ wire: mat.stats() })}\n`);
  await new Promise<void>((resolve) =>
    wireOut === process.stdout && !wireBroken ? wireOut.write('', () => resolve()) : resolve(),
  );
  if (truthOut !== process.stderr) await new Promise<void>((resolve) => truthOut.end(resolve));
  if ('in' in link) link.in.unpipe(mat.stream);
  else {
    // Close the port without waiting for a flush: nobody may be reading the other end any more.
    await new Promise<void>((resolve) => {
      link.once('close', resolve);
      link.destroy();
    });
  }
  await output.pty?.close();
  // A write blocked in the serial driver (nobody reads the other end) would keep the process alive for ever:
  // if anything still holds it after a moment, leave anyway. Unref'd, so a clean exit is not delayed.
  setTimeout(() => process.exit(exitCode), 1000).unref();
  if ('in' in link) link.in.destroy();
  return exitCode;
}

/** `--auto`: a minimal gateway inside the simulator, so a demo shows readings without one. */
function autoGateway(writer: FrameWriter, speed: number): NodeJS.Timeout {
  const steps = ['start', 'start', 'stop'] as const;
  let step = 0;
  const send = () => {
    writer.send(steps[step % steps.length] ?? 'stop', {});
    step++;
  };
  send();
  return setInterval(send, 6000 / speed);
}
