// The byte formatters of the CSV engine agree with each other: the table path for clenhei
// writes exactly what the general fixed-decimal writer writes.
import { describe, expect, it } from 'vitest';
import { writeFixed } from '../../gateway/growth/batch/bytes.ts';
import { MAX_THOUSANDTHS, writeThousandths } from '../../gateway/growth/batch/z-text.ts';

function viaFixed(thousandths: number): string {
  const buf = Buffer.alloc(32);
  return buf.toString('latin1', 0, writeFixed(buf, 0, thousandths / 1000, 3, true));
}

function viaThousandths(thousandths: number): string {
  const buf = Buffer.alloc(32);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  return buf.toString('latin1', 0, writeThousandths(view, 0, thousandths));
}

describe('writeThousandths', () => {
  it('writes trailing zeros and a bare point dropped', () => {
    expect(viaThousandths(74500)).toBe('74.5');
    expect(viaThousandths(85899)).toBe('85.899');
    expect(viaThousandths(100000)).toBe('100');
    expect(viaThousandths(1)).toBe('0.001');
    expect(viaThousandths(120)).toBe('0.12');
  });

  it('matches writeFixed(k / 1000, 3, trimmed) for every k it takes, 0 to 999.999', () => {
    for (let k = 0; k <= MAX_THOUSANDTHS; k++)
      if (viaThousandths(k) !== viaFixed(k)) expect(viaThousandths(k)).toBe(viaFixed(k));
  });
});
