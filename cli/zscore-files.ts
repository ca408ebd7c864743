// The input and output files of `tikar zscore`, read and written with node:fs's plain calls on the thread
// pool rather than through streams: a file stream loads node:stream and its helpers (about 25 M instructions,
// 5 ms, of a small run's start-up, counted with cachegrind) for what is here a loop of reads and writes.
import { close, fdatasync, open, read, write } from 'node:fs';

/** Opens `path` with `flags`; the file descriptor. */
export function openFile(path: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, flags, (error, fd) => (error ? reject(error) : resolve(fd)));
  });
}

function closeFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    close(fd, (error) => (error ? reject(error) : resolve()));
  });
}

/** The next bytes of the file into `buffer`, as much as it holds; an empty view at the end. */
function readChunk(fd: number, buffer: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, buffer.length, null, (error, bytesRead) =>
      error ? reject(error) : resolve(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)),
    );
  });
}

/**
 * The file's bytes in chunks of `size`, the next read already under way while a chunk is processed. Two
 * buffers take turns (fresh memory costs a page fault per 4 KB): a chunk's memory is read into again once
 * the next chunk is asked for, so the reader must copy what it keeps. The file is closed when the chunks end
 * or the reader stops.
 */
export async function* fileChunks(path: string, size: number): AsyncGenerator<Buffer> {
  const fd = await openFile(path, 'r');
  let reading: Buffer = Buffer.allocUnsafeSlow(size);
  let spare: Buffer = Buffer.allocUnsafeSlow(size);
  let next = readChunk(fd, reading);
  try {
    for (;;) {
      const chunk = await next;
      if (chunk.length === 0) return;
      [reading, spare] = [spare, reading];
      next = readChunk(fd, reading);
      yield chunk;
    }
  } finally {
    // Never close the file under a read still running on it.
    await next.catch(() => undefined);
    await closeFile(fd);
  }
}

/** Written buffers at least this big are kept for reuse (Node's shared pool hands out 8 KB at most). */
const RECYCLE_MIN_BYTES = 1 << 20;
/** Written buffers kept for reuse at most. */
const MAX_SPARES = 8;

/**
 * Writes to a file at increasing offsets, several writes in flight up to `maxInFlight` bytes before `write`
 * waits: the disk write of one batch overlaps the computation of the next (a write that waited for the one
 * before made a million rows a third slower). Syncs to disk every `syncEvery` bytes in the background, so
 * that the sync before the file is renamed into place finds little left. The caller gives up a buffer it gave to
 * `write`: once written, its memory may come back from `spare`.
 */
export class FileSink {
  private position = 0;
  private inFlight = 0;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly spares: Buffer[] = [];

  private constructor(
    private readonly fd: number,
    private readonly maxInFlight: number,
    private readonly syncEvery: number,
  ) {}

  /** Opens an existing file for writing from its start. */
  static async open(path: string, maxInFlight: number, syncEvery: number): Promise<FileSink> {
    return new FileSink(await openFile(path, 'r+'), maxInFlight, syncEvery);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.error) throw this.error;
    this.inFlight += bytes.length;
    this.writeAt(bytes, 0, this.position);
    this.position += bytes.length;
    this.unsynced += bytes.length;
    if (this.unsynced >= this.syncEvery && this.syncing === undefined) {
      this.unsynced = 0;
      // Errors are the final sync's to report (output-file.ts syncs before the rename).
      this.syncing = new Promise<void>((resolve) => fdatasync(this.fd, () => resolve())).finally(() => {
        this.syncing = undefined;
      });
    }
    while (this.inFlight > this.maxInFlight && !this.error) await this.settled();
    if (this.error) throw this.error;
  }

  /**
   * Memory of a finished write, to be written into again (whole buffers of RECYCLE_MIN_BYTES or more: never a
   * piece of Node's shared buffer pool); undefined when there is none.
   */
  spare(): Buffer | undefined {
    return this.spares.pop();
  }

  /** Waits for every write (and a running sync), then closes the file; throws the first write error. */
  async close(): Promise<void> {
    // Every write, a failed one's siblings too: the file is never closed under a write.
    while (this.inFlight > 0) await this.settled();
    await this.syncing;
    await closeFile(this.fd);
    if (this.error) throw this.error;
  }

  private settled(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Writes bytes[from..] at `position`, again after a short write, until all are written or one fails. */
  private writeAt(bytes: Uint8Array, from: number, position: number): void {
    write(this.fd, bytes, from, bytes.length - from, position, (error, written) => {
      const rest = bytes.length - from - written;
      if (!error && rest > 0 && written > 0) {
        this.writeAt(bytes, from + written, position + written);
        return;
      }
      if (error) this.error ??= error;
      else if (rest > 0) this.error ??= new Error(`a write of ${rest} bytes wrote nothing`);
      else if (
        bytes.byteOffset === 0 &&
        bytes.buffer.byteLength >= RECYCLE_MIN_BYTES &&
        this.spares.length < MAX_SPARES
      ) {
        this.spares.push(Buffer.from(bytes.buffer));
      }
      this.inFlight -= bytes.length;
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
  }
}
