// The growth core against the same rules computed in R: test/growth/fixtures/r-zscores.csv holds 4,000
// observations scored by scripts/r-zscore-fixture.R with R's own `^`, round() and doubles on WHO anthro
// 1.1.0's tables (fractional and missing ages, both positions and none, standing before 9 months,
// oedema, outliers beyond +-5 SD), confirmed row by row by WHO's own anthro (scripts/r-anthro-fixture.R).
// Every printed z, flag, c9mo_flag and clenhei must be R's and anthro's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeGrowth, type GrowthInput, type GrowthResult, roundZ } from '../../gateway/growth/index.ts';

const lines = readFileSync(new URL('./fixtures/r-zscores.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'));
const names = (lines[0] ?? '').split(',');
const records = lines.slice(1).map((line) => {
  const cells = line.split(',');
  return Object.fromEntries(names.map((name, at) => [name, cells[at] ?? ''])) as Record<string, string>;
});

/** A fixture number: NaN for an empty cell (R's NA). */
const value = (text: string | undefined) => (text === undefined || text === '' ? Number.NaN : Number(text));
const optional = (text: string | undefined) => (text === undefined || text === '' ? undefined : Number(text));

function ours(record: Record<string, string>): GrowthResult {
  const input: GrowthInput = { sex: record.sex === '1' ? 1 : 2, oedema: record.oedema === 'y' };
  const ageDays = optional(record.age_days);
  if (ageDays !== undefined) input.ageDays = ageDays;
  input.weightKg = Number(record.weight_kg);
  input.lenheiCm = Number(record.lenhei_cm);
  input.headcCm = Number(record.headc_cm);
  if (record.measure === 'l' || record.measure === 'h') input.measure = record.measure;
  return computeGrowth(input);
}

const Z = ['zlen', 'zwei', 'zwfl', 'zbmi', 'zhc'] as const;
const FLAGS = ['flen', 'fwei', 'fwfl', 'fbmi', 'fhc'] as const;

describe('the growth core against R', () => {
  it('covers what it should: missing ages, standing before 9 months, oedema, flags, missing z', () => {
    expect(records.length).toBe(4000);
    expect(records.filter((r) => r.age_days === '').length).toBeGreaterThan(100);
    expect(records.filter((r) => r.c9mo_flag === '1').length).toBeGreaterThan(100);
    expect(records.filter((r) => r.oedema === 'y').length).toBeGreaterThan(50);
    expect(records.filter((r) => r.fwei === '1').length).toBeGreaterThan(50);
    expect(records.filter((r) => r.fwfl === '1').length).toBeGreaterThan(100);
    expect(records.filter((r) => r.zwfl === '').length).toBeGreaterThan(50);
  });

  it('gives R’s clenhei, 2-decimal z, flags and c9mo_flag on every row', () => {
    const differences: string[] = [];
    records.forEach((record, row) => {
      const result = ours(record);
      const check = (what: string, got: number, expected: number) => {
        if (!Object.is(got, expected) && !(Number.isNaN(got) && Number.isNaN(expected)))
          differences.push(`row ${row + 1} ${what}: ours ${got}, R ${expected}`);
      };
      check('clenhei', result.clenheiCm, value(record.clenhei));
      for (const z of Z) check(z, roundZ(result[z]) + 0, value(record[z]) + 0);
      for (const flag of FLAGS) check(flag, result[flag], value(record[flag]));
      check('c9mo_flag', result.c9moFlag ? 1 : 0, value(record.c9mo_flag));
    });
    expect(differences).toEqual([]);
  });
});
