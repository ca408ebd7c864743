// The file side of `tikar zscore` without streams (cli/zscore-files.ts), and its options without commander.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/zscore.ts';
import { FileSink, fileChunks } from '../../cli/zscore-files.ts';
import { processBatch, zscoreCsv } from '../../gateway/growth/batch/zscore-csv.ts';
import { generateObservations, observationsCsv } from '../growth/observations.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tmpDir('tikar-zscore-files-');
});
afterAll(async () => {
  await dir.cleanup();
});

/** Bytes 0..n-1 of a pattern that shows any byte out of place. */
function pattern(n: number, seed: number): Buffer {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

describe('fileChunks', () => {
  it('reads a file whole, in chunks of the size asked, the last one shorter, in two buffers by turns', async () => {
    const path = join(dir.path, 'in.bin');
    const content = pattern(10_000, 7);
    writeFileSync(path, content);
    const chunks: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    for await (const chunk of fileChunks(path, 4096)) {
      memory.add(chunk.buffer);
      chunks.push(Buffer.from(chunk)); // a chunk's memory is read into again after the next one
    }
    expect(chunks.map((chunk) => chunk.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    expect(memory.size).toBe(2);
  });

  it('an empty file gives no chunk; a missing one is an error naming it', async () => {
    const empty = join(dir.path, 'empty.bin');
    writeFileSync(empty, '');
    const chunks: Buffer[] = [];
    for await (const chunk of fileChunks(empty, 4096)) chunks.push(chunk);
    expect(chunks).toEqual([]);
    const missing = join(dir.path, 'missing.bin');
    await expect(fileChunks(missing, 4096).next()).rejects.toThrow('missing.bin');
  });
});

describe('FileSink', () => {
  it('writes every buffer in order with many in flight', async () => {
    const path = join(dir.path, 'out.bin');
    writeFileSync(path, 'stale content, longer than nothing');
    const sink = await FileSink.open(path, 3000, 5000);
    const parts = Array.from({ length: 40 }, (_, i) => pattern(100 + i * 37, i));
    for (const part of parts) await sink.write(part);
    await sink.close();
    expect(readFileSync(path).equals(Buffer.concat(parts))).toBe(true);
  });

  it('hands back the memory of big finished writes, never of small ones', async () => {
    const path = join(dir.path, 'spare.bin');
    writeFileSync(path, '');
    const sink = await FileSink.open(path, 64 << 20, 1 << 30);
    const big = Buffer.allocUnsafeSlow(2 << 20).fill(1);
    await sink.write(big.subarray(0, 1000));
    await sink.write(Buffer.from('small'));
    await sink.close();
    const spare = sink.spare();
    expect(spare?.buffer).toBe(big.buffer);
    expect(spare?.length).toBe(big.length);
    expect(sink.spare()).toBeUndefined();
    expect(readFileSync(path).length).toBe(1005);
  });

  it('reports a failed write (a full disk) on the next write or at close', async () => {
    if (!existsSync('/dev/full')) return;
    const sink = await FileSink.open('/dev/full', 1 << 20, 1 << 30);
    const failed = (async () => {
      for (let i = 0; i < 100; i++) await sink.write(pattern(1000, i));
      await sink.close();
    })();
    await expect(failed).rejects.toThrow(/ENOSPC/);
  });
});

describe('tikar zscore options', () => {
  async function withOutput(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString();
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    });
    try {
      return { code: await run(argv), stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }

  it('--help and -h print the options and the column contract', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout } = await withOutput([flag]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: tikar zscore \[options\]/);
      for (const option of ['--in', '--out', '--force', '--precision', '--strict', '--threads'])
        expect(stdout).toContain(option);
      expect(stdout).toContain('See docs/growth.md');
    }
  });

  it('an unknown option, a missing value, a stray argument or a bad number stop with exit code 2', async () => {
    for (const [argv, said] of [
      [['--bogus'], "'--bogus'"],
      [['--in'], "'--in <value>' argument missing"],
      [['extra.csv'], "'extra.csv'"],
      [['--precision', '11'], "--precision must be an integer from 0 to 10, not '11'"],
      [['--precision', '2.5'], '--precision must be an integer'],
      [['--threads', 'many'], "--threads must be an integer from 0 to 64, not 'many'"],
    ] as const) {
      const { code, stderr } = await withOutput([...argv]);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toContain(said);
      expect(stderr).toContain('tikar zscore --help');
    }
  });
});

describe('memory used again', () => {
  it('a batch writes into the memory it is given, when big enough, and the same bytes as into its own', () => {
    const csv = Buffer.from(observationsCsv(generateObservations(200, 3)));
    const headerEnd = csv.indexOf(10) + 1;
    const [header, rows] = [csv.subarray(0, headerEnd), csv.subarray(headerEnd)];
    const own = processBatch(header, rows, 2).output;
    const given = Buffer.allocUnsafeSlow(rows.length * 8).fill(0xff);
    const into = processBatch(header, rows, 2, given).output;
    expect(into.buffer).toBe(given.buffer);
    expect(Buffer.from(into).equals(Buffer.from(own))).toBe(true);
    const tooSmall = Buffer.alloc(16);
    expect(processBatch(header, rows, 2, tooSmall).output.buffer).not.toBe(tooSmall.buffer);
  });

  it('a file of several chunks through tikar zscore: the same output as the engine on the whole input', async () => {
    const input = join(dir.path, 'chunks.csv');
    const output = join(dir.path, 'chunks-out.csv');
    const csv = Buffer.from(observationsCsv(generateObservations(60_000, 11))); // about 3 MB: 1 MB chunks
    writeFileSync(input, csv);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['--in', input, '--out', output, '--threads', '0'])).toBe(0);
    } finally {
      err.mockRestore();
    }
    expect(readFileSync(output).equals(zscoreCsv(csv).output)).toBe(true);
  });
});
