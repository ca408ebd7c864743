// Worker side of the parallel CSV engine: turns batches of whole rows into output rows. It is also the
// entry of the engine's bundle (engine-bundle.ts), so it hands processBatch to the main thread too.
import { parentPort, workerData } from 'node:worker_threads';
import { processBatch } from './zscore-csv.ts';

export { processBatch };

export interface WorkerSetup {
  header: Uint8Array;
  precision: number;
}
export type WorkerRequest = { seq: number; batch: Uint8Array };
export type WorkerReply =
  | { ready: true }
  | { seq: number; output: Uint8Array; summary: ReturnType<typeof processBatch>['summary'] }
  | { seq: number; fatal: string };

const port = parentPort;
if (port) {
  const setup = workerData as WorkerSetup;
  const header = Buffer.from(setup.header);
  port.on('message', (request: WorkerRequest) => {
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
