// The byte formatters of the CSV engine agree with each other: the table paths for clenhei and the
// z-scores write exactly what the general fixed-decimal writer writes.
import { describe, expect, it } from 'vitest';
import { writeFixed } from '../../gateway/growth/batch/bytes.ts';
import {
  MAX_THOUSANDTHS,
  STATUS_BAND,
  STATUS_COLUMNS,
  writeThousandths,
  Z_TABLE_ENTRIES,
  Z_TABLE_LIMIT,
  Z_TEXT,
  Z_TEXT_LENGTH,
  Z_TEXT_STRIDE,
} from '../../gateway/growth/batch/z-text.ts';
import { bandIndexOfRounded } from '../../gateway/growth/classify.ts';

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

describe('the z text table', () => {
  it('holds "," and writeFixed(k / 100, 2) for every rounded z from -20.00 to +20.00', () => {
    const buf = Buffer.alloc(32);
    for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++) {
      const entry = k + Z_TABLE_LIMIT;
      const at = entry * Z_TEXT_STRIDE;
      const table = Z_TEXT.toString('latin1', at, at + (Z_TEXT_LENGTH[entry] as number));
      const fixed = `,${buf.toString('latin1', 0, writeFixed(buf, 0, k / 100, 2, false))}`;
      if (table !== fixed) expect(table).toBe(fixed);
    }
    expect(Z_TEXT.toString('latin1', 0, Z_TEXT_LENGTH[0])).toBe(',-20.00');
    expect(Z_TEXT.toString('latin1', Z_TABLE_LIMIT * Z_TEXT_STRIDE, Z_TABLE_LIMIT * Z_TEXT_STRIDE + 5)).toBe(
      ',0.00',
    );
  });
});

describe('the status band table', () => {
  it("holds bandIndexOfRounded's band of every column for every rounded z it covers", () => {
    STATUS_COLUMNS.forEach((index, column) => {
      for (let k = -Z_TABLE_LIMIT; k <= Z_TABLE_LIMIT; k++) {
        const table = STATUS_BAND[column * Z_TABLE_ENTRIES + k + Z_TABLE_LIMIT];
        const band = bandIndexOfRounded(index, k / 100) & 0xff;
        if (table !== band) expect([index, k, table]).toEqual([index, k, band]);
      }
    });
  });
});
