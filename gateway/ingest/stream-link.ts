// A byte link over an in-process Duplex stream: how the gateway talks to the simulated mat by default,
// through the very same wire protocol as over a serial port.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { ByteLink, ByteLinkEvents } from './byte-link.ts';

export class StreamLink extends EventEmitter<ByteLinkEvents> implements ByteLink {
  readonly name: string;
  readonly #stream: Duplex;
  #up = true;

  constructor(stream: Duplex, name: string) {
    super();
    this.#stream = stream;
    this.name = name;
    stream.on('data', (chunk: Buffer | string) => this.emit('data', Buffer.from(chunk)));
    stream.on('end', () => this.#down('stream ended'));
    stream.on('error', (error: Error) => this.#down(error.message));
    queueMicrotask(() => this.emit('up', { gapMs: null }));
  }

  get isUp(): boolean {
    return this.#up;
  }

  #down(reason: string): void {
    if (!this.#up) return;
    this.#up = false;
    this.emit('down', { reason });
  }

  writeLine(line: string): boolean {
    if (!this.#up || this.#stream.writableEnded) return false;
    this.#stream.write(`${line}\n`);
    return true;
  }

  async close(): Promise<void> {
    this.#up = false;
    this.#stream.destroy();
  }
}
