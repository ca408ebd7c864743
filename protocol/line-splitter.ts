import { MAX_LINE_CHARS } from './frames.ts';

/**
 * Splits a byte/character stream into lines with a bounded buffer. A line that grows past `maxChars` without a
 * newline is handed on once, cut to `maxChars + 1` characters (so decodeFrame reports it as `too_long`), and
 * the rest of it up to the next newline is discarded. An unfinished line at the end is never handed on.
 */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  readonly #maxChars: number;
  #pending = '';
  #discarding = false;

  constructor(onLine: (line: string) => void, maxChars: number = MAX_LINE_CHARS) {
    this.#onLine = onLine;
    this.#maxChars = maxChars;
  }

  push(chunk: string | Buffer): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const piece = text.slice(start, newline);
      if (this.#discarding) this.#discarding = false;
      else if (this.#pending.length + piece.length > this.#maxChars) this.#onLine(this.#overlong(piece));
      else this.#onLine(this.#pending + piece);
      this.#pending = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (this.#discarding) return;
    this.#pending += text.slice(start);
    if (this.#pending.length > this.#maxChars) {
      this.#onLine(this.#overlong(''));
      this.#pending = '';
      this.#discarding = true;
    }
  }

  #overlong(piece: string): string {
    return (this.#pending + piece.slice(0, this.#maxChars + 1)).slice(0, this.#maxChars + 1);
  }
}
