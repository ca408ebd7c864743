// The byte formatters of the CSV engine agree with each other: the integer fast path for clenhei
// writes exactly what the general fixed-decimal writer writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeFixed, writeThousandths } from '../../gateway/growth/batch/bytes.ts';

function viaFixed(thousandths: number): string {
  const buf = Buffer.alloc(32);
  return buf.toString('latin1', 0, writeFixed(buf, 0, thousandths / 1000, 3, true));
}

function viaThousandths(thousandths: number): string {
  const buf = Buffer.alloc(32);
  return buf.toString('latin1', 0, writeThousandths(buf, 0, thousandths));
}

describe('writeThousandths', () => {
  it('writes trailing zeros and a bare point dropped', () => {
    expect(viaThousandths(74500)).toBe('74.5');
    expect(viaThousandths(85899)).toBe('85.899');
    expect(viaThousandths(100000)).toBe('100');
    expect(viaThousandths(1)).toBe('0.001');
    expect(viaThousandths(120)).toBe('0.12');
  });

  it('matches writeFixed(k / 1000, 3, trimmed) for every positive 32-bit k', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2147483647 }), (k) => viaThousandths(k) === viaFixed(k)),
      { seed: 11, numRuns: 5000 },
    );
    for (let k = 1; k <= 200_000; k++)
      if (viaThousandths(k) !== viaFixed(k)) expect(viaThousandths(k)).toBe(viaFixed(k));
  });
});
