// A byte link to a mat: a serial port (serial-link.ts) or an in-process stream (the simulated mat).

import type { EventEmitter } from 'node:events';

export interface ByteLinkEvents {
  data: [Buffer];
  /** The link is (again) open; `gapMs` is how long it was down (null on the first open). */
  up: [{ gapMs: number | null }];
  down: [{ reason: string }];
}

export interface ByteLink extends EventEmitter<ByteLinkEvents> {
  /** A name for status screens: the serial path, or "sim". */
  readonly name: string;
  readonly isUp: boolean;
  /** Writes one line (a newline is appended); false when the link is down. */
  writeLine(line: string): boolean;
  close(): Promise<void>;
}
