// lmsZFast against the pow formula anthro uses: close everywhere on the WHO tables, and exactly pow's
// answer wherever the difference could change a rounded z or the restricted-LMS switch at +-3.
import { describe, expect, it } from 'vitest';
import { lmsValue, lmsZ, roundZ } from '../../gateway/growth/index.ts';
import { lmsZFast } from '../../gateway/growth/lms.ts';
import { BFA, type LmsTable, WFA, WFH, WFL } from '../../gateway/growth/who-2006/tables.ts';

/** The tables the restricted LMS (and so lmsZFast) serves; every row of both sexes. */
function* rows(): Generator<[l: number, m: number, s: number, where: string]> {
  for (const table of [WFA, BFA, WFL, WFH] as LmsTable[]) {
    for (let row = 0; row < table.rows * 2; row++) {
      const at = row * 3;
      yield [
        table.lms[at] as number,
        table.lms[at + 1] as number,
        table.lms[at + 2] as number,
        `${table.name} row ${row}`,
      ];
    }
  }
}

describe('lmsZFast', () => {
  it('stays within 2e-12 of pow and rounds to the same 2 decimals on every table row, -5..+5 SD', () => {
    let worst = 0;
    let compared = 0;
    for (const [l, m, s, where] of rows()) {
      for (let sd = -5; sd <= 5; sd += 0.37) {
        // A measurement as recorded: grams or millimetres.
        const y = Math.round(lmsValue(sd, l, m, s) * 1000) / 1000;
        const exact = lmsZ(y, l, m, s);
        const fast = lmsZFast(y, l, m, s);
        worst = Math.max(worst, Math.abs(fast - exact));
        if (roundZ(fast) !== roundZ(exact)) throw new Error(`${where}, y ${y}: ${fast} vs ${exact}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100_000);
    expect(worst).toBeLessThan(2e-12);
  });

  it('gives pow exactly at rounding ties and at +-3 SD, where an ulp decides', () => {
    let differedFromExp = 0;
    for (const [l, m, s] of rows()) {
      for (const sd of [-3, 3, -2.005, 1.235, 0.015, -0.445]) {
        const y = lmsValue(sd, l, m, s);
        const exact = lmsZ(y, l, m, s);
        expect(lmsZFast(y, l, m, s)).toBe(exact);
        if ((Math.exp(l * Math.log(y / m)) - 1) / (s * l) !== exact) differedFromExp++;
      }
    }
    // The fallback matters: the cheap formula alone would have differed somewhere.
    expect(differedFromExp).toBeGreaterThan(0);
  });
});
