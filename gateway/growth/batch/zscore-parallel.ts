// Runs the CSV engine on every core for large inputs. The main thread reads, cuts the input into
// batches of whole rows (with the engine's own RFC 4180 row scanner, so quoted line breaks never
// split a row), hands them to worker threads and writes their output back in input order. While the
// workers start, the main thread processes the batches itself, so small inputs never wait for them,
// and afterwards whenever every worker is busy. The main thread and the workers all run the engine's
// bundle (engine-bundle.ts); the workers start on it while the main thread is still loading it.
import type { Worker } from 'node:worker_threads';
import { type EngineBundle, engineBundle, workerBundleUrl } from './engine-bundle.ts';
import {
  CsvFatalError,
  emptySummary,
  MAX_ROW_BYTES,
  mergeSummary,
  type ZscoreCsvSummary,
} from './zscore-summary.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './zscore-worker.ts';

export interface ParallelOptions {
  precision: number;
  /** Worker threads to start (0: the main thread does everything; undefined: defaultWorkerCount()). */
  workers: number | undefined;
  /** Start the workers once this many bytes were read (small inputs do not need them). */
  workersFromBytes: number;
  /**
   * Memory that `write` is done with, for the main thread's next batch to write its output into (fresh memory
   * costs a page fault per 4 KB written); undefined when there is none.
   */
  spareOutput?: () => Buffer | undefined;
}

/**
 * Worker threads worth starting: one per core besides the main thread's (which works too), at most 3, but none
 * on two cores. There the main thread's reading, writing and merging and the kernel's copy of the output keep
 * the second core busy: a million rows in a new process took 0.87-1.30 s with --threads 0 and 0.89-1.25 s with
 * the one worker, for 1.0-1.6 CPU seconds against 1.5-2.2 (docs/growth.md). Asked only when they start (a
 * small input loads neither node:os nor worker_threads).
 */
export async function defaultWorkerCount(): Promise<number> {
  const { availableParallelism } = await import('node:os');
  const cores = availableParallelism();
  return cores <= 2 ? 0 : Math.min(3, cores - 1);
}

/** Batches queued per worker: enough to keep it busy while the main thread reads. */
const QUEUE_PER_WORKER = 2;

interface BatchResult {
  output: Uint8Array;
  summary: ZscoreCsvSummary;
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  inFlight: number;
}

export interface TransformResult {
  summary: ZscoreCsvSummary;
  /** Batches processed by worker threads (the rest ran on the main thread). */
  workerBatches: number;
}

/**
 * Transforms `source` into output written with `write`, in input order.
 * Throws CsvFatalError for input that cannot be processed at all. Nothing of a chunk of `source` is kept once
 * the next is asked for (what is kept is copied): a file source reads into the same memory again.
 */
export async function transformCsv(
  source: AsyncIterable<Buffer>,
  write: (bytes: Uint8Array) => Promise<void>,
  options: ParallelOptions,
  onProgress: (bytesRead: number, rows: number) => void = () => undefined,
): Promise<TransformResult> {
  // Loading starts now, while the first chunk is being read.
  const loading = engineBundle();
  loading.catch(() => undefined); // awaited below; not an unhandled rejection before that
  let engine: EngineBundle | undefined;
  const summary = emptySummary();
  const results = new Map<number, BatchResult>();
  const pool: PoolWorker[] = [];
  let header: Buffer | undefined;
  let pending: Buffer | undefined;
  let nextSeq = 0;
  let nextToWrite = 0;
  let failure: CsvFatalError | undefined;
  let wake: (() => void) | undefined;
  let bytesRead = 0;
  let poolStarted = false;
  /** Set when the run ends. */
  let closed = false;
  let workerBatches = 0;

  const settle = (seq: number, result: BatchResult) => {
    results.set(seq, result);
    wake?.();
  };

  const flush = async () => {
    for (let result = results.get(nextToWrite); result !== undefined; result = results.get(nextToWrite)) {
      results.delete(nextToWrite);
      nextToWrite++;
      mergeSummary(summary, result.summary);
      await write(result.output);
    }
    onProgress(bytesRead, summary.rows);
  };

  /** Starts the workers: on the bundle's URL, each loading it on its own thread, even before the header. */
  const startPool = async () => {
    poolStarted = true;
    const workers = options.workers ?? (await defaultWorkerCount());
    if (workers === 0) return;
    const url = workerBundleUrl();
    // Loaded only here: a small input never loads worker_threads.
    const threads = await import('node:worker_threads');
    for (let i = 0; i < workers; i++) {
      const worker = new threads.Worker(url, {
        workerData: { precision: options.precision } satisfies WorkerSetup,
      });
      if (header !== undefined) worker.postMessage({ header } satisfies WorkerRequest);
      const member: PoolWorker = { worker, ready: false, inFlight: 0 };
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          member.ready = true;
        } else {
          member.inFlight--;
          if ('fatal' in reply) failure ??= new CsvFatalError(reply.fatal);
          else settle(reply.seq, { output: reply.output, summary: reply.summary });
        }
        wake?.();
      });
      worker.on('error', (error) => {
        failure ??= new CsvFatalError(`worker failed: ${error.message}`);
        wake?.();
      });
      worker.on('exit', (code) => {
        // A worker that stops with batches in hand would leave the output incomplete.
        if (!closed && member.inFlight > 0)
          failure ??= new CsvFatalError(`worker stopped (exit code ${code})`);
        wake?.();
      });
      pool.push(member);
    }
  };

  const waitForEvent = () =>
    new Promise<void>((resolve) => {
      wake = () => {
        wake = undefined;
        resolve();
      };
    });

  /**
   * `batch` goes to the main thread's engine or to an idle worker; `owned`: nothing else uses its memory, so it
   * is handed over as it is (transferred) instead of copied.
   */
  const dispatch = (main: EngineBundle, batch: Buffer, owned: boolean) => {
    if (failure) throw failure;
    const seq = nextSeq++;
    const idle = pool.find((member) => member.ready && member.inFlight < QUEUE_PER_WORKER);
    if (idle === undefined) {
      // Every worker busy or still starting: the main thread takes this batch itself.
      settle(seq, main.processBatch(header as Buffer, batch, options.precision, options.spareOutput?.()));
      return;
    }
    let sent: Uint8Array = batch;
    if (!owned) {
      sent = new Uint8Array(batch.length);
      sent.set(batch);
    }
    idle.inFlight++;
    workerBatches++;
    idle.worker.postMessage({ seq, batch: sent } satisfies WorkerRequest, [sent.buffer as ArrayBuffer]);
  };

  try {
    // A file known to be large: the workers start before anything is read.
    if (options.workersFromBytes <= 0) await startPool();
    let scanner: ReturnType<EngineBundle['scanner']> | undefined;
    for await (const chunk of source) {
      bytesRead += chunk.length;
      // A chunk that continues a row: joined into memory of its own (never Node's shared pool), which the
      // batch then takes to a worker without another copy.
      const owned = pending !== undefined;
      let data = chunk;
      if (pending !== undefined) {
        data = Buffer.allocUnsafeSlow(pending.length + chunk.length);
        pending.copy(data, 0);
        chunk.copy(data, pending.length);
      }
      pending = undefined;
      engine ??= await loading;
      scanner ??= engine.scanner();
      if (header === undefined) {
        const headerEnd = scanner.headerEnd(data);
        if (headerEnd < 0) {
          pending = Buffer.from(data);
          if (pending.length > MAX_ROW_BYTES)
            throw new CsvFatalError(`header: longer than ${MAX_ROW_BYTES} bytes`);
          continue;
        }
        header = Buffer.from(data.subarray(0, headerEnd));
        for (const member of pool) member.worker.postMessage({ header } satisfies WorkerRequest);
        // The header line of the output, from the engine itself.
        await write(engine.zscoreCsv(header, { precision: options.precision }).output);
        data = data.subarray(headerEnd);
      }
      if (!poolStarted && bytesRead >= options.workersFromBytes) await startPool();
      const end = scanner.lastRowEnd(data);
      if (end < data.length) {
        // A copy: the batch before it may leave for a worker with the memory they share.
        pending = Buffer.from(data.subarray(end));
        if (pending.length > MAX_ROW_BYTES) {
          throw new CsvFatalError(
            `row ${summary.rows + 1}: longer than ${MAX_ROW_BYTES} bytes (unclosed quote?)`,
          );
        }
      }
      if (end > 0) dispatch(engine, data.subarray(0, end), owned);
      await flush();
    }
    if (header === undefined) {
      // No complete header line: let the engine decide (a header without a line break, or nothing).
      engine ??= await loading;
      const only = engine.zscoreCsv(pending ?? Buffer.alloc(0), { precision: options.precision });
      await write(only.output);
      return { summary: only.summary, workerBatches };
    }
    while (nextToWrite < nextSeq) {
      if (failure) throw failure;
      if (!results.has(nextToWrite)) await waitForEvent();
      await flush();
    }
    // The last row may lack its line break, or hold an unclosed quote: done here, after all the
    // others, so that a fatal error can name the row by its number in the whole input.
    if (pending !== undefined && pending.length > 0) {
      const rowsBefore = summary.rows;
      try {
        settle(nextSeq++, (engine as EngineBundle).processBatch(header, pending, options.precision));
      } catch (error) {
        if (!(error instanceof CsvFatalError)) throw error;
        throw new CsvFatalError(
          error.message.replace(/^row (\d+)/, (_, row) => `row ${rowsBefore + Number(row)}`),
        );
      }
      await flush();
    }
    return { summary, workerBatches };
  } finally {
    closed = true;
    await Promise.all(pool.map((member) => member.worker.terminate()));
  }
}
