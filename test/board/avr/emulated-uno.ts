// An Arduino Uno running a HEX (StandardFirmata by default) on avr8js in a worker thread. `plug()` gives its
// USB serial side as a byte stream (an in-memory transport for firmata-io, or bridged to a PTY by
// pty-bridge.ts); analog voltages and switches are set from outside, output pins are read back.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadFirmataProgram } from './firmata-hex.ts';
import { type FromUno, PIN_COUNT, type ToUno, type UnoWorkerData } from './uno-messages.ts';

export interface EmulatedUnoOptions {
  /** Flash image; default the committed StandardFirmata. */
  program?: Uint16Array;
  /** Default true: MCU time keeps pace with wall time. */
  paced?: boolean;
}

interface UnoEvents {
  /** An output pin changed: pin (0-19), level, MCU ms. */
  pin: [number, 0 | 1, number];
  /** Bytes the board sent. */
  tx: [Buffer];
}

export class EmulatedUno extends EventEmitter<UnoEvents> {
  #cable: Duplex | undefined;
  readonly #worker: Worker;
  readonly #levels: (0 | 1 | null)[] = Array(PIN_COUNT).fill(null);
  readonly #toggles: number[] = Array(PIN_COUNT).fill(0);
  #mcuMs = 0;
  #exited: Promise<void>;

  constructor(options: EmulatedUnoOptions = {}) {
    super();
    const data: UnoWorkerData = {
      program: options.program ?? loadFirmataProgram(),
      paced: options.paced ?? true,
    };
    // The worker is TypeScript: test/helpers/ts-worker.mjs registers tsx for it.
    this.#worker = new Worker(new URL('../../helpers/ts-worker.mjs', import.meta.url), {
      argv: [fileURLToPath(new URL('./uno-worker.ts', import.meta.url))],
      workerData: data,
    });
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('message', (message: FromUno) => this.#receive(message));
    this.#worker.on('error', (error) => this.#cable?.destroy(error));
  }

  /**
   * Plugs a cable into the board's USB serial port: write = bytes to the board, read = bytes from it. Destroying
   * the stream unplugs it (it emits 'close'); bytes the board sends meanwhile are lost, as on a real wire.
   */
  plug(): Duplex {
    this.#cable?.destroy();
    const cable = new Duplex({
      read() {},
      write: (chunk: Buffer, _encoding, callback) => {
        this.#send({ t: 'rx', bytes: [...chunk] });
        callback();
      },
    });
    cable.once('close', () => {
      if (this.#cable === cable) this.#cable = undefined;
    });
    this.#cable = cable;
    return cable;
  }

  #send(message: ToUno): void {
    this.#worker.postMessage(message);
  }

  #receive(message: FromUno): void {
    this.#mcuMs = 'mcuMs' in message ? message.mcuMs : this.#mcuMs;
    if (message.t === 'tx') {
      const bytes = Buffer.from(message.bytes);
      this.#cable?.push(bytes);
      this.emit('tx', bytes);
    } else if (message.t === 'pins') {
      for (const [pin, level, mcuMs] of message.changes) {
        if (this.#levels[pin] !== null && this.#levels[pin] !== level)
          this.#toggles[pin] = (this.#toggles[pin] ?? 0) + 1;
        this.#levels[pin] = level;
        this.emit('pin', pin, level, mcuMs);
      }
    }
  }

  /** Voltage on analog input A`channel` (0-5 V; the ADC reads against AVCC = 5 V). */
  setAnalog(channel: number, volts: number): void {
    this.#send({ t: 'adc', channel, volts });
  }

  /** A push button between `pin` and ground: pressed pulls the pin low, released leaves it to the pull-up. */
  setButton(pin: number, pressed: boolean): void {
    this.#send({ t: 'wire', pin, level: pressed ? 'low' : 'open' });
  }

  /** Level of an output pin (null: the pin is an input). */
  outputLevel(pin: number): 0 | 1 | null {
    return this.#levels[pin] ?? null;
  }

  /** How many times an output pin changed level so far. */
  toggles(pin: number): number {
    return this.#toggles[pin] ?? 0;
  }

  /** Emulated time since the first power-on, ms (updated a few times a second). */
  get mcuMs(): number {
    return this.#mcuMs;
  }

  async stop(): Promise<void> {
    this.#send({ t: 'stop' });
    const timer = setTimeout(() => void this.#worker.terminate(), 2000);
    await this.#exited;
    clearTimeout(timer);
    this.#cable?.destroy();
  }
}
