// A byte link over an in-process Duplex stream: how the gateway talks to the simulated mat by default, and to
// the mat program it runs on the board (`--board`), through the very same wire protocol as over a serial port.
// The simulator's link is up from the start; the board's only while the program has its board (`switch`), as a
// serial link is up only while its port is there.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { ByteLink, ByteLinkEvents } from './byte-link.ts';

export class StreamLink extends EventEmitter<ByteLinkEvents> implements ByteLink {
  readonly name: string;
  readonly #stream: Duplex;
  #up = false;
  #everUp = false;
  #downSinceMs: number | null = null;

  /** `startsUp` false: down until the first `switch(true)`. */
  constructor(stream: Duplex, name: string, options: { startsUp?: boolean } = {}) {
    super();
    this.#stream = stream;
    this.name = name;
    stream.on('data', (chunk: Buffer | string) => this.emit('data', Buffer.from(chunk)));
    stream.on('end', () => this.switch(false, 'stream ended'));
    stream.on('error', (error: Error) => this.switch(false, error.message));
    if (options.startsUp ?? true) queueMicrotask(() => this.switch(true));
  }

  get isUp(): boolean {
    return this.#up;
  }

  /** The far end arrived (true) or went away (false, with the reason). */
  switch(up: boolean, reason = ''): void {
    if (up === this.#up || (up && this.#stream.destroyed)) return;
    this.#up = up;
    if (up) {
      const gapMs = this.#everUp && this.#downSinceMs !== null ? Date.now() - this.#downSinceMs : null;
      this.#everUp = true;
      this.#downSinceMs = null;
      this.emit('up', { gapMs });
    } else {
      this.#downSinceMs = Date.now();
      this.emit('down', { reason });
    }
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
