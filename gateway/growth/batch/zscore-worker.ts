// Worker side of the parallel CSV engine: turns batches of whole rows into output rows. Built into its own
// module (dist/zscore-worker.mjs) that imports the engine's bundle beside it (engine-bundle.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { processBatch } from './zscore-csv.ts';

export interface WorkerSetup {
  precision: number;
}
/** The input's header line first (a worker may start before it is read), then batches of rows. */
export type WorkerRequest = { header: Uint8Array } | { seq: number; batch: Uint8Array };
export type WorkerReply =
  | { ready: true }
  | { seq: number; output: Uint8Array; summary: ReturnType<typeof processBatch>['summary'] }
  | { seq: number; fatal: string };

const port = parentPort;
if (port) {
  const setup = workerData as WorkerSetup;
  let header = Buffer.alloc(0);
  port.on('message', (request: WorkerRequest) => {
    if ('header' in request) {
      header = Buffer.from(request.header);
      return;
    }
    let reply: WorkerReply;
    try {
      const batch = Buffer.from(request.batch.buffer, request.batch.byteOffset, request.batch.byteLength);
      const { output, summary } = processBatch(header, batch, setup.precision);
      reply = { seq: request.seq, output, summary };
      port.postMessage(reply, [output.buffer as ArrayBuffer]);
    } catch (error) {
      reply = { seq: request.seq, fatal: (error as Error).message };
      port.postMessage(reply);
    }
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
}
