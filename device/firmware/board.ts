// The mat's board: StandardFirmata spoken by firmata-io over a byte transport we open ourselves (the project's
// serialport, or an in-memory stream), handed to johnny-five as its `io`. johnny-five then never loads its own
// Firmata or serialport. A board that answers wrongly or not at all is a clear error naming the port.
import firmataIo, { type FirmataTransport } from 'firmata-io';
import five from 'johnny-five';

/** StandardFirmata's baud rate. */
export const FIRMATA_BAUD = 57_600;
/** A board that has not finished the Firmata handshake by then is reported (an Uno takes ~3 s after reset). */
export const HANDSHAKE_TIMEOUT_MS = 6000;
/** Ask for the version this soon: a board that did not reset on open never volunteers it. */
const ASK_VERSION_AFTER_MS = 250;

export type Firmata = InstanceType<typeof firmataIo.Firmata>;
export type { FirmataTransport };

export interface ConnectedBoard {
  board: five.Board;
  io: Firmata;
  /** E.g. "StandardFirmata.ino 2.5". */
  firmware: string;
}

/** What a board sent instead of Firmata, for the error message: printable text, else a few hex bytes. */
function describeHeard(heard: readonly number[]): string {
  const text = Buffer.from(heard)
    .toString('latin1')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim();
  if (text.length >= 4) return `it sent "${text.slice(0, 60)}"`;
  const hex = heard
    .slice(0, 12)
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join(' ');
  return `it sent ${heard.length} bytes (${hex}…)`;
}

function handshakeError(portName: string, heard: readonly number[], io: Firmata, timeoutMs: number): Error {
  const seconds = `${timeoutMs / 1000} s`;
  if (heard.length === 0) {
    return new Error(
      `board on ${portName} sent nothing in ${seconds}: is StandardFirmata flashed on it, and is this the mat's board?`,
    );
  }
  if (!io.versionReceived) {
    return new Error(
      `board on ${portName} is not running StandardFirmata (${describeHeard(heard)}): flash StandardFirmata (deploy/README.md)`,
    );
  }
  return new Error(
    `board on ${portName} speaks Firmata ${io.version.major}.${io.version.minor} but did not finish the handshake in ${seconds}`,
  );
}

/**
 * Waits for the Firmata handshake on an open transport, then makes a johnny-five Board of it. Rejects with the
 * port in the message when the board is silent, runs other firmware, or the transport closes first.
 */
export async function connectBoard(
  transport: FirmataTransport,
  options: { portName: string; timeoutMs?: number },
): Promise<ConnectedBoard> {
  const { portName } = options;
  const timeoutMs = options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const heard: number[] = [];
  const listen = (chunk: Buffer) => {
    for (const byte of chunk.subarray(0, Math.max(0, 256 - heard.length))) heard.push(byte);
  };
  transport.on('data', listen);
  const io = new firmataIo.Firmata(transport, { reportVersionTimeout: ASK_VERSION_AFTER_MS });
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        transport.off('close', closed);
        reject(error);
      };
      const closed = () => fail(new Error(`board on ${portName}: the port closed during the handshake`));
      const timer = setTimeout(() => fail(handshakeError(portName, heard, io, timeoutMs)), timeoutMs);
      transport.once('close', closed);
      io.once('error', (error: Error) => fail(new Error(`board on ${portName}: ${error.message}`)));
      io.once('ready', () => {
        clearTimeout(timer);
        transport.off('close', closed);
        resolve();
      });
    });
  } finally {
    transport.off('data', listen);
  }
  // The expandos johnny-five sets on the Firmata it makes itself.
  io.name = 'Firmata';
  io.defaultLed = 13;
  io.port = portName;
  // sigint false: johnny-five would otherwise end the whole process (the gateway) on Ctrl-C.
  const board = new five.Board({ io, repl: false, debug: false, sigint: false } as five.BoardOption);
  await new Promise<void>((resolve) => board.on('ready', () => resolve()));
  // A port that fails (unplugged mid-write) is the mat program's to handle, through the transport's own events;
  // unheard, firmata-io's and johnny-five's re-emitted 'error' would end the process.
  const ignore = () => undefined;
  io.on('error', ignore);
  board.on('error', ignore);
  const name = io.firmware.name ?? 'Firmata';
  const version = io.firmware.version;
  return { board, io, firmware: version ? `${name} ${version.major}.${version.minor}` : name };
}
