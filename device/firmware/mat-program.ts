// The mat program: keeps the board connected and the firmware logic running on it. It opens the board's port,
// waits for StandardFirmata, runs `startFirmware`, and when the port closes or the board falls silent it stops
// the firmware and tries again, so a replugged board is read again within ~1 s of its port returning.
// `stream` is the wire towards the gateway (readable: frames; writable: command lines), as the simulator's.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { openSerialPort } from '../serial-port.ts';
import { type ConnectedBoard, connectBoard, FIRMATA_BAUD, type FirmataTransport } from './board.ts';
import type { FirmwareConfig } from './config.ts';
import { type RunningFirmware, startFirmware } from './firmware.ts';

/** An open byte transport to the board; `close` releases it (a serial port, or an in-memory stream). */
export interface BoardTransport {
  stream: FirmataTransport;
  close(): Promise<void>;
}

export interface MatProgramOptions {
  config: FirmwareConfig;
  /** For messages: the board's port (a path, or a name for an in-memory board). */
  portName: string;
  /** Opens the board's port; rejects (naming the port) when it is absent. */
  openTransport: () => Promise<BoardTransport>;
  /** Pause between attempts; default 500 ms. */
  retryMs?: number;
  /** Firmata handshake limit; default HANDSHAKE_TIMEOUT_MS. */
  handshakeTimeoutMs?: number;
  /** A board silent this long while connected is taken as lost; default 3000 ms (it reports every ~20 ms). */
  silenceMs?: number;
}

export type BoardState =
  | { up: true; port: string; firmware: string }
  | { up: false; port: string; reason: string };

export interface MatProgram extends EventEmitter<{ board: [BoardState] }> {
  /** Readable: the frames the mat sends. Writable: the gateway's command lines. */
  readonly stream: Duplex;
  readonly state: BoardState;
  stop(): Promise<void>;
}

export function startMatProgram(options: MatProgramOptions): MatProgram {
  const retryMs = options.retryMs ?? 500;
  const silenceMs = options.silenceMs ?? 3000;
  const emitter = new EventEmitter<{ board: [BoardState] }>();
  let state: BoardState = { up: false, port: options.portName, reason: 'not connected yet' };
  let stopped = false;
  let firmware: RunningFirmware | undefined;
  let transport: BoardTransport | undefined;
  let wake: (() => void) | undefined;

  const stream = new Duplex({
    read() {},
    write(chunk: Buffer | string, _encoding, callback) {
      firmware?.receive(chunk); // no board: the command is lost, as on an unplugged mat (the gateway repeats)
      callback();
    },
  });
  // The firmware writes its frames here, only while it runs.
  const output = {
    write: (line: string) => {
      if (!stopped) stream.push(line);
      return true;
    },
  };

  // Told once per change: a board that stays absent is not reported again at every attempt.
  const setState = (next: BoardState) => {
    const repeated = !next.up && !state.up && next.reason === state.reason;
    state = next;
    if (!repeated) emitter.emit('board', next);
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** Resolves when the board is lost: its port closes or errs, or it stops talking. */
  const lost = (open: BoardTransport) =>
    new Promise<string>((resolve) => {
      let lastDataMs = performance.now();
      const onData = () => {
        lastDataMs = performance.now();
      };
      const finish = (reason: string) => {
        clearInterval(watchdog);
        open.stream.off('data', onData);
        wake = undefined;
        resolve(reason);
      };
      const watchdog = setInterval(() => {
        if (performance.now() - lastDataMs > silenceMs)
          finish(`board on ${options.portName} fell silent (reset or hung?)`);
      }, 500);
      open.stream.on('data', onData);
      open.stream.once('close', () => finish(`board on ${options.portName} was unplugged (port closed)`));
      open.stream.once('error', (error: Error) =>
        finish(`board on ${options.portName} was unplugged or failed (${error.message})`),
      );
      wake = () => finish('stopped');
    });

  const run = async () => {
    while (!stopped) {
      try {
        transport = await options.openTransport();
      } catch (error) {
        setState({ up: false, port: options.portName, reason: (error as Error).message });
        await pause(retryMs);
        continue;
      }
      const open = transport;
      if (stopped) break;
      // Errors reach lost() and firmata-io through their own listeners; one that comes after we let go of the
      // port (a write to an unplugged board) must not end the process.
      open.stream.on('error', () => undefined);
      let connected: ConnectedBoard;
      try {
        connected = await connectBoard(open.stream, {
          portName: options.portName,
          ...(options.handshakeTimeoutMs === undefined ? {} : { timeoutMs: options.handshakeTimeoutMs }),
        });
      } catch (error) {
        await open.close().catch(() => undefined);
        transport = undefined;
        if (stopped) break;
        setState({ up: false, port: options.portName, reason: (error as Error).message });
        await pause(retryMs);
        continue;
      }
      if (stopped) break;
      const running = startFirmware({ config: options.config, board: connected.board, output });
      firmware = running;
      setState({ up: true, port: options.portName, firmware: connected.firmware });
      const reason = await lost(open);
      running.stop();
      firmware = undefined;
      await open.close().catch(() => undefined);
      transport = undefined;
      if (stopped) break;
      setState({ up: false, port: options.portName, reason });
      await pause(retryMs);
    }
  };
  const loop = run();

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // A pause or a running board's watch ends now (the loop stops the firmware, then closes the port); a
    // handshake in progress ends when its port closes.
    wake?.();
    if (!firmware) await transport?.close().catch(() => undefined);
    await loop;
    stream.push(null);
  };
  // A getter for the state (Object.assign would copy its value once).
  return Object.defineProperty(Object.assign(emitter, { stream, stop }), 'state', {
    get: () => state,
  }) as MatProgram;
}

/** The board's serial port at StandardFirmata's 57600 baud. */
export async function serialBoardTransport(path: string): Promise<BoardTransport> {
  const port = await openSerialPort(path, FIRMATA_BAUD);
  return {
    stream: port,
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
