// A byte link over an in-process stream whose far end comes and goes: the wire of the mat program that runs
// in this process (board layout). The stream carries the wire protocol exactly as a serial port would; the
// link is up only while the program has its board, as a serial link is up only while its port is there.

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { ByteLink, ByteLinkEvents } from './byte-link.ts';

export class SwitchedLink extends EventEmitter<ByteLinkEvents> implements ByteLink {
  readonly name: string;
  readonly #stream: Duplex;
  #up = false;
  #everUp = false;
  #downSinceMs: number | null = null;

  constructor(stream: Duplex, name: string) {
    super();
    this.#stream = stream;
    this.name = name;
    stream.on('data', (chunk: Buffer | string) => this.emit('data', Buffer.from(chunk)));
    stream.on('end', () => this.switch(false, 'the mat program ended'));
    stream.on('error', (error: Error) => this.switch(false, error.message));
  }

  get isUp(): boolean {
    return this.#up;
  }

  /** The far end arrived (true) or went away (false, with the reason). */
  switch(up: boolean, reason = ''): void {
    if (up === this.#up) return;
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
