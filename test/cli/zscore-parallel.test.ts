// The parallel engine (worker threads) must write exactly what the single-threaded engine writes.
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFatalError, ZscoreCsvTransformer, zscoreCsv } from '../../gateway/growth/batch/zscore-csv.ts';
import { transformCsv } from '../../gateway/growth/batch/zscore-parallel.ts';
import { generateObservations, observationsCsv } from '../growth/observations.ts';

/** Yields `data` in chunks of `size` bytes, pausing so that worker threads get time to start. */
async function* slowly(data: Buffer, size: number, pauseMs: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) {
    yield data.subarray(at, at + size);
    await sleep(pauseMs);
  }
}

async function collect(source: AsyncIterable<Buffer>, workers: number) {
  const parts: Uint8Array[] = [];
  const result = await transformCsv(
    source,
    async (bytes) => {
      parts.push(bytes);
    },
    { precision: 2, workers, workersFromBytes: 0 },
  );
  return { output: Buffer.concat(parts), ...result };
}

describe('transformCsv with worker threads', () => {
  it('gives byte-identical output and the same summary as the single-threaded engine', async () => {
    const lines = observationsCsv(generateObservations(6000, 3)).split('\n');
    // Bad rows and quoted line breaks spread through the input, so they land in different batches.
    for (let i = 500; i < lines.length - 1; i += 700) {
      lines[i] = `"bad\nrow, ${i}",X,2024-01-01,2025-06-10,9,75,l,n,45`;
    }
    const input = Buffer.from(lines.join('\n'));
    const single = zscoreCsv(input);
    const parallel = await collect(slowly(input, 4096, 20), 2);
    expect(parallel.workerBatches).toBeGreaterThan(0);
    expect(parallel.output.equals(single.output)).toBe(true);
    expect(parallel.summary).toEqual(single.summary);
    expect(parallel.summary.errorRows).toBe(8);
    expect(parallel.summary.firstErrors[0]?.row).toBe(500);
  }, 60_000);

  it('names the right row when the last one has an unclosed quote', async () => {
    const input = Buffer.from('sex,age_days\n1,100\n2,200\n"1,300\n');
    const single = (() => {
      try {
        zscoreCsv(input);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    await expect(collect(slowly(input, 7, 0), 0)).rejects.toThrow(CsvFatalError);
    await expect(collect(slowly(input, 7, 0), 0)).rejects.toThrow(single);
    expect(single).toMatch(/^row 3: /);
  });
});

describe('cutting batches at row ends', () => {
  it('the quote-jumping lastRowEnd agrees with the full row scanner (LF and CRLF input)', () => {
    const scanner = new ZscoreCsvTransformer();
    const piece = fc.constantFrom('a', '1', ',', '"', '""', '\n', '\r\n', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const data = Buffer.from(pieces.join(''));
        expect(scanner.lastRowEnd(data)).toBe(scanner.lastRowEndByScan(data));
      }),
      { seed: 12, numRuns: 3000 },
    );
  });
});
