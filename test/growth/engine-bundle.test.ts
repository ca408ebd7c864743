// The built CSV engine (dist/): top-level bindings back to const only where nothing reassigns them, the
// tables stored beside it are the bytes the sources compute, and the bundle computes exactly what the sources
// compute, with the same error class.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineBundle, engineBundleUrl } from '../../gateway/growth/batch/engine-bundle.ts';
import { CsvFatalError, processBatch } from '../../gateway/growth/batch/zscore-csv.ts';
import { computedTables } from '../../gateway/growth/prebuilt.ts';
import { keepTopLevelConst } from '../../scripts/build.ts';
import { generateObservations, observationsCsv } from './observations.ts';

describe('keepTopLevelConst', () => {
  it('makes never-reassigned top-level bindings const and leaves the others var', () => {
    const code = [
      'var TABLE = new Uint8Array(4);',
      'var LIMIT = 2e3;',
      'var counter = 0;',
      'var total = 0;',
      'var next = 1;',
      'var last = 1;',
      'var later;',
      'function f(x) {',
      '  if (x === LIMIT || x == TABLE.length) counter++;',
      '  total += x;',
      '  ++next;',
      '  last = x;',
      '  later = x;',
      '  TABLE[0] = x;',
      '  obj.LIMIT = 3;',
      '  return counter;',
      '}',
      '  var nested = 1;',
    ].join('\n');
    const kept = keepTopLevelConst(code).split('\n');
    expect(kept.slice(0, 7)).toEqual([
      'const TABLE = new Uint8Array(4);',
      'const LIMIT = 2e3;',
      'var counter = 0;',
      'var total = 0;',
      'var next = 1;',
      'var last = 1;',
      'var later;',
    ]);
    expect(kept.at(-1)).toBe('  var nested = 1;');
  });
});

describe('the engine bundle', () => {
  it('gives byte for byte what the sources give, and throws the same CsvFatalError', async () => {
    // dist/zscore-engine.mjs, as `npm run build` (run by `npm test` before vitest) writes it.
    const engine = await engineBundle();
    const lines = observationsCsv(generateObservations(3000, 5)).split('\n');
    lines[100] = '"bad\nrow",X,2024-01-01,2025-06-10,9,75,l,n,45';
    lines[200] = '7,P,2024-01-01,2025-06-10,6kg,70,l,n,44';
    const [header = '', ...rows] = lines;
    const head = Buffer.from(`${header}\n`);
    const body = Buffer.from(rows.join('\n'));
    const fromBundle = engine.processBatch(head, body, 2);
    const fromSources = processBatch(head, body, 2);
    expect(Buffer.from(fromBundle.output).equals(Buffer.from(fromSources.output))).toBe(true);
    expect(fromBundle.summary).toEqual(fromSources.summary);
    expect(fromBundle.summary.errorRows).toBe(2);
    expect(() => engine.processBatch(head, Buffer.from('"1,300\n'), 2)).toThrow(CsvFatalError);
  }, 30_000);
});

describe('the tables stored beside the engine bundle', () => {
  it('are every table the sources compute, byte for byte', () => {
    // Loading the engine's sources (above) computed each of its tables here.
    const bundleUrl = engineBundleUrl();
    const line = /^const PREBUILT = (\{.*\});$/m.exec(readFileSync(bundleUrl, 'utf8'));
    expect(line, 'npm run build writes where the tables are into dist/zscore-engine.mjs').not.toBeNull();
    const index = JSON.parse(line?.[1] ?? '{}') as {
      file: string;
      tables: Record<string, [string, number, number]>;
    };
    const stored = readFileSync(new URL(index.file, bundleUrl));
    expect(Object.keys(index.tables).sort()).toEqual([...computedTables.keys()].sort());
    expect(computedTables.size).toBeGreaterThanOrEqual(15);
    for (const [name, { kind, bytes }] of computedTables) {
      const [storedKind, offset, length] = index.tables[name] ?? ['', 0, 0];
      expect(storedKind, name).toBe(kind);
      expect(offset % 8, name).toBe(0);
      expect(Buffer.compare(stored.subarray(offset, offset + length), Buffer.from(bytes)), name).toBe(0);
    }
  });
});
