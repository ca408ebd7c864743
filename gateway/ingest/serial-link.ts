// The gateway side's only serialport import. Opens the mat's serial port and keeps it open: when the port
// vanishes (USB unplugged) it tries again every `retryMs`, so the link is back within ~retryMs of the port
// returning, and reports how long it was gone. The technician's commands (`tikar monitor`, `tikar calibrate`)
// open a port once, with `openSerialPort`.

import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { Logger } from '../log/logger.ts';
import type { ByteLink, ByteLinkEvents } from './byte-link.ts';

export interface SerialLinkOptions {
  path: string;
  baudRate: number;
  /** Default 500 ms: a replugged mat is read again well within 2 s. */
  retryMs?: number;
  /**
   * Silence longer than this means the link is dead even if the port looks open (a replugged PTY or USB
   * adapter can leave us on a dead descriptor): reported down and reopened. Default 3 s, three of the mat's
   * 1 s status heartbeats.
   */
  silenceMs?: number;
  log: Logger;
}

/** Opens a serial port (or a PTY) once, for a command that fails when it is missing; the path is in the error. */
export function openSerialPort(path: string, baudRate: number): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((error) =>
      error ? reject(new Error(`serial port ${path}: ${error.message}`)) : resolve(port),
    );
  });
}

export class SerialLink extends EventEmitter<ByteLinkEvents> implements ByteLink {
  readonly name: string;
  readonly #options: SerialLinkOptions;
  #port: SerialPort | undefined;
  #downSinceMs: number | null = null;
  #everUp = false;
  #closing = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  /** When the last byte came, or the port was last opened. */
  #lastActivityMs = Date.now();
  /** Went down for silence: up again only once bytes flow (an open port is not proof). */
  #silent = false;

  constructor(options: SerialLinkOptions) {
    super();
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
      throw new RangeError(`baud must be a positive integer, got ${options.baudRate}`);
    }
    this.#options = options;
    this.name = options.path;
    this.#open();
    const silenceMs = options.silenceMs ?? 3000;
    this.#watchdog = setInterval(() => this.#checkSilence(silenceMs), Math.max(50, silenceMs / 4));
    this.#watchdog.unref();
  }

  get isUp(): boolean {
    return (this.#port?.isOpen ?? false) && !this.#silent;
  }

  #checkSilence(silenceMs: number): void {
    const port = this.#port;
    if (!port?.isOpen || Date.now() - this.#lastActivityMs <= silenceMs) return;
    if (!this.#silent) {
      this.#silent = true;
      // The gap began with the last byte, not when we noticed.
      this.#downSinceMs = this.#lastActivityMs;
      this.#options.log.warn({ path: this.name, silenceMs }, 'mat silent: reopening its serial port');
      this.emit('down', { reason: 'silent' });
    }
    this.#port = undefined;
    port.close(() => this.#open());
  }

  #open(): void {
    if (this.#closing) return;
    const port = new SerialPort({
      path: this.#options.path,
      baudRate: this.#options.baudRate,
      autoOpen: false,
    });
    port.open((error) => {
      if (error) {
        if (!this.#everUp && this.#downSinceMs === null) {
          this.#options.log.warn(
            { path: this.name, err: error.message },
            'mat serial port not available yet',
          );
        }
        this.#downSinceMs ??= Date.now();
        this.#scheduleRetry();
        return;
      }
      this.#port = port;
      this.#lastActivityMs = Date.now();
      if (this.#silent) return; // up again with the first byte
      this.#announceUp();
    });
    port.on('data', (chunk: Buffer) => {
      this.#lastActivityMs = Date.now();
      if (this.#silent) {
        this.#silent = false;
        this.#announceUp();
      }
      this.emit('data', chunk);
    });
    port.on('error', (error) =>
      this.#options.log.warn({ path: this.name, err: error.message }, 'serial error'),
    );
    port.on('close', () => {
      if (this.#port !== port) return;
      this.#port = undefined;
      if (this.#closing) return;
      if (this.#silent) {
        this.#scheduleRetry();
        return; // already reported down
      }
      this.#downSinceMs = Date.now();
      this.#options.log.warn({ path: this.name }, 'mat serial port closed (unplugged?)');
      this.emit('down', { reason: 'port closed' });
      this.#scheduleRetry();
    });
  }

  #announceUp(): void {
    const gapMs = this.#everUp && this.#downSinceMs !== null ? Date.now() - this.#downSinceMs : null;
    this.#everUp = true;
    this.#downSinceMs = null;
    this.#options.log.info({ path: this.name, gapMs }, 'mat serial port open');
    this.emit('up', { gapMs });
  }

  #scheduleRetry(): void {
    if (this.#closing || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#open();
    }, this.#options.retryMs ?? 500);
  }

  writeLine(line: string): boolean {
    const port = this.#port;
    if (!port?.isOpen) return false;
    port.write(`${line}\n`);
    return true;
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    clearInterval(this.#watchdog);
    const port = this.#port;
    this.#port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
