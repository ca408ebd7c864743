// Every SD line of every WHO table must evaluate to its own z: the strongest end-to-end check that
// the tables, the formulas and the table look-up of the core fit together.
import { beforeAll, describe, expect, it } from 'vitest';
import { computeGrowth, lmsZ, restrictedLmsZ, type Sex } from '../../gateway/growth/index.ts';
import { needs } from '../helpers/prerequisite.ts';
import { HAS_WHO_DIR, readExpanded, WHO_MISSING } from './who-shared.ts';

const SD_LEVELS = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
const RESTRICTED = new Set(['wfa', 'bfa', 'wfl', 'wfh']);
const SEXES: [Sex, 'boys' | 'girls'][] = [
  [1, 'boys'],
  [2, 'girls'],
];

beforeAll(() => needs(HAS_WHO_DIR, WHO_MISSING));

/** Largest |z - level| over every row and SD column of one table, with the formula WHO applies. */
function worstDeviation(table: string, formula: typeof lmsZ): number {
  let worst = 0;
  for (const [, file] of SEXES) {
    for (const row of readExpanded(table, file)) {
      row.sd.forEach((value, column) => {
        const level = SD_LEVELS[column] as number;
        worst = Math.max(worst, Math.abs(formula(value, row.l, row.m, row.s) - level));
      });
    }
  }
  return worst;
}

describe('WHO SD lines evaluate to their own z', () => {
  for (const table of ['lhfa', 'hcfa', 'wfa', 'bfa', 'wfl', 'wfh']) {
    const formula = RESTRICTED.has(table) ? restrictedLmsZ : lmsZ;
    it(`${table}: -4..+4 within 0.01 with the ${RESTRICTED.has(table) ? 'restricted' : 'plain'} LMS formula`, () => {
      expect(worstDeviation(table, formula)).toBeLessThan(0.01);
    });
  }

  it('the restricted rule is what makes +-4 fit for wfa, bfa, wfl and wfh', () => {
    for (const table of RESTRICTED) expect(worstDeviation(table, lmsZ)).toBeGreaterThan(0.01);
  });

  it('through computeGrowth: every age-table SD line -3..+3 for days 0-1826', () => {
    const out = computeGrowth({ sex: 1 });
    let checked = 0;
    for (const [sex, file] of SEXES) {
      const lhfa = readExpanded('lhfa', file);
      const wfa = readExpanded('wfa', file);
      const hcfa = readExpanded('hcfa', file);
      for (let day = 0; day <= 1826; day++) {
        for (let column = 1; column <= 7; column++) {
          const level = SD_LEVELS[column] as number;
          // Measured in the position the table expects at that age, so no 0.7 cm correction.
          computeGrowth(
            {
              sex,
              ageDays: day,
              lenheiCm: lhfa[day]?.sd[column],
              measure: day < 731 ? 'l' : 'h',
              weightKg: wfa[day]?.sd[column],
              headcCm: hcfa[day]?.sd[column],
            },
            out,
          );
          expect(Math.abs(out.zlen - level)).toBeLessThan(0.01);
          expect(Math.abs(out.zwei - level)).toBeLessThan(0.01);
          expect(Math.abs(out.zhc - level)).toBeLessThan(0.01);
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 1827 * 7);
  });

  it('through computeGrowth: every BMI-for-age SD line -3..+3 (weight chosen for a 100 cm child)', () => {
    const out = computeGrowth({ sex: 1 });
    for (const [sex, file] of SEXES) {
      const bfa = readExpanded('bfa', file);
      for (let day = 0; day <= 1826; day += 1) {
        for (let column = 1; column <= 7; column++) {
          const bmi = bfa[day]?.sd[column] as number;
          computeGrowth(
            { sex, ageDays: day, lenheiCm: 100, measure: day < 731 ? 'l' : 'h', weightKg: bmi },
            out,
          );
          expect(Math.abs(out.zbmi - (SD_LEVELS[column] as number))).toBeLessThan(0.01);
        }
      }
    }
  });

  it('through computeGrowth: every weight-for-length/height SD line -4..+4 at each 0.1 cm', () => {
    const out = computeGrowth({ sex: 1 });
    for (const [table, measure] of [
      ['wfl', 'l'],
      ['wfh', 'h'],
    ] as const) {
      for (const [sex, file] of SEXES) {
        for (const row of readExpanded(table, file)) {
          row.sd.forEach((weightKg, column) => {
            // No age: the table follows the position.
            computeGrowth({ sex, lenheiCm: row.key, measure, weightKg }, out);
            expect(out.wflTable).toBe(table);
            expect(Math.abs(out.zwfl - (SD_LEVELS[column] as number))).toBeLessThan(0.01);
          });
        }
      }
    }
  });
});
