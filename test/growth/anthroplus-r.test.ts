// The 2007 core against WHO's own software: test/growth/fixtures/r-anthroplus.csv holds 2,908
// observations scored by WHO's R package anthroplus (scripts/r-anthroplus-fixture.R): random decimal
// ages, whole months, both ends of every range and just past them, no age, oedema, missing values and
// values past every flag. Every row must give anthroplus's 2-decimal z and flags, and its unrounded z to
// 6 decimals; where anthroplus gives nothing for the age, the core must refuse the age.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  emptyGrowthResult,
  GROWTH_ERRORS,
  type GrowthInput,
  roundZ,
  tryComputeGrowth2007,
} from '../../gateway/growth/index.ts';

const lines = readFileSync(new URL('./fixtures/r-anthroplus.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'));
const names = (lines[0] ?? '').split(',');
const records = lines.slice(1).map((line) => {
  const cells = line.split(',');
  return Object.fromEntries(names.map((name, at) => [name, cells[at] ?? ''])) as Record<string, string>;
});

/** A fixture number: NaN for an empty cell (R's NA). */
const value = (text: string | undefined) => (text === undefined || text === '' ? Number.NaN : Number(text));

function input(record: Record<string, string>): GrowthInput {
  const observation: GrowthInput = { sex: record.sex === '1' ? 1 : 2, oedema: record.oedema === 'y' };
  if (record.age_months !== '') observation.ageMonths = Number(record.age_months);
  if (record.height_cm !== '') observation.lenheiCm = Number(record.height_cm);
  if (record.weight_kg !== '') observation.weightKg = Number(record.weight_kg);
  return observation;
}

const COLUMNS = [
  ['zlen', 'flen', 'zhfa', 'fhfa'],
  ['zwei', 'fwei', 'zwfa', 'fwfa'],
  ['zbmi', 'fbmi', 'zbfa', 'fbfa'],
] as const;

describe('the 2007 core against WHO anthroplus', () => {
  it('covers what it should: ends of the ranges, ages outside, oedema, flags, missing values', () => {
    expect(records.length).toBe(2908);
    const ages = new Set(records.map((r) => r.age_months));
    for (const end of ['60', '120', '120.0001', '228', '227.9999', '59.9999', '228.0001']) {
      expect(ages.has(end)).toBe(true);
    }
    expect(records.filter((r) => r.age_months === '').length).toBe(20);
    expect(records.filter((r) => r.oedema === 'y').length).toBeGreaterThan(50);
    expect(records.filter((r) => r.fhfa === '1').length).toBeGreaterThan(50);
    expect(records.filter((r) => r.fwfa === '1').length).toBeGreaterThan(5);
    expect(records.filter((r) => r.fbfa === '1').length).toBeGreaterThan(50);
    expect(records.filter((r) => r.zwfa === '' && Number(r.age_months) > 120).length).toBeGreaterThan(1000);
  });

  it('gives anthroplus’s z (2 and 6 decimals) and flags on every row, and refuses the ages it skips', () => {
    const out = emptyGrowthResult();
    const differences: string[] = [];
    let scored = 0;
    records.forEach((record, row) => {
      const error = tryComputeGrowth2007(input(record), out);
      const where = `row ${row + 1} (age ${record.age_months})`;
      if (error !== 0) {
        // anthroplus gives no z at all for such an age; the core names the problem instead.
        const code = GROWTH_ERRORS[error]?.code;
        if (!['age_under_60_months', 'age_over_228_months', 'age_missing'].includes(code ?? ''))
          differences.push(`${where}: error ${code}`);
        for (const [, , r] of COLUMNS)
          if (record[r] !== '') differences.push(`${where}: refused, anthroplus ${r} ${record[r]}`);
        return;
      }
      scored++;
      for (const [z, flag, r, rFlag] of COLUMNS) {
        const ours = out[z];
        const expected = value(record[r]);
        if (Number.isNaN(expected) !== Number.isNaN(ours)) {
          differences.push(`${where} ${z}: ours ${ours}, anthroplus ${record[r]}`);
          continue;
        }
        if (Number.isNaN(ours)) {
          if (!Number.isNaN(out[flag])) differences.push(`${where} ${flag}: ours ${out[flag]} without z`);
          continue;
        }
        if (roundZ(ours) + 0 !== expected + 0)
          differences.push(`${where} ${z}: ours ${roundZ(ours)}, R ${expected}`);
        if (Math.abs(ours - value(record[`${r}6`])) > 5e-7 + 1e-12)
          differences.push(`${where} ${z}: ours ${ours}, R ${record[`${r}6`]} (6 decimals)`);
        if (out[flag] !== value(record[rFlag]))
          differences.push(`${where} ${flag}: ours ${out[flag]}, R ${record[rFlag]}`);
      }
    });
    expect(differences).toEqual([]);
    expect(scored).toBeGreaterThan(2800);
  });
});
