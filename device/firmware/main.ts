// Runs the mat firmware on a real board: `node bin/run-ts.mjs device/firmware/main.ts --config mat.json`
// (add --check to only validate the configuration). The board runs StandardFirmata; frames go to the
// configured serial port, or to standard output (commands then come from standard input).
import type { Readable, Writable } from 'node:stream';
import five from 'johnny-five';
import { openSerialPort } from '../serial-port.ts';
import { readFirmwareConfig } from './config.ts';
import { startFirmware } from './firmware.ts';

async function main(argv: string[]): Promise<number> {
  const configAt = argv.indexOf('--config');
  const path = configAt >= 0 ? argv[configAt + 1] : undefined;
  if (!path) {
    process.stderr.write('usage: device/firmware/main.ts --config FILE [--check]\n');
    return 2;
  }
  const result = await readFirmwareConfig(path);
  if (!result.ok) {
    process.stderr.write(`mat firmware: configuration is wrong:\n  ${result.errors.join('\n  ')}\n`);
    return 2;
  }
  const config = result.config;
  if (argv.includes('--check')) {
    process.stderr.write(`mat firmware: ${path} is valid\n`);
    return 0;
  }
  let link: { input: Readable; output: Writable };
  if (config.output === 'stdout') {
    link = { input: process.stdin, output: process.stdout };
  } else {
    const port = await openSerialPort(config.output.port, config.output.baud);
    link = { input: port, output: port };
  }
  const board = new five.Board({
    repl: false,
    debug: false,
    ...(config.boardPort ? { port: config.boardPort } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    board.on('ready', () => resolve());
    board.on('error', (error: Error) => reject(new Error(`board: ${error.message}`)));
  });
  const firmware = startFirmware({ config, board, output: link.output });
  for (const driver of firmware.drivers) process.stderr.write(`mat firmware: ${driver.description}\n`);
  link.input.on('data', (chunk: Buffer) => firmware.receive(chunk));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  firmware.stop();
  return 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`mat firmware: ${error.message}\n`);
  return 1;
});
process.exit();
