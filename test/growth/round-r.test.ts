// roundTo and roundZHundredths against R itself: test/growth/fixtures/r-round.csv holds R 4.2's
// round(x, digits) for exact decimal ties, values a few ulps beside them, random and tiny values
// (scripts/r-round-fixture.R). WHO anthro prints and flags every z with R's round(z, 2).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roundTo, roundZHundredths } from '../../gateway/growth/index.ts';

const rows = readFileSync(new URL('./fixtures/r-round.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('digits'))
  .map((line) => {
    const [digits, x, rounded] = line.split(',').map(Number) as [number, number, number];
    return { digits, x, rounded };
  });

describe("rounding as R's round(x, digits)", () => {
  it('the fixture covers ties, near-ties and all the digit counts', () => {
    expect(rows.length).toBeGreaterThan(4800);
    expect(new Set(rows.map((row) => row.digits))).toEqual(new Set([0, 1, 2, 3, 4, 6]));
    // Near-ties where the exact decimal value and R disagree are in it (R compares in doubles).
    expect(rows.some((row) => row.digits === 2 && row.x === 9.795 && row.rounded === 9.8)).toBe(true);
  });

  it('roundTo gives what R gives, -0 included, for every row', () => {
    const wrong = rows.filter((row) => !Object.is(roundTo(row.x, row.digits), row.rounded));
    expect(wrong).toEqual([]);
  });

  it('roundZHundredths gives R round(z, 2) * 100 for every 2-decimal row', () => {
    const wrong = rows
      .filter((row) => row.digits === 2)
      .filter((row) => roundZHundredths(row.x) / 100 !== row.rounded);
    expect(wrong).toEqual([]);
  });
});
