// `tikar zscore` with children of every age: the 2006 standards up to 1,826 days, the WHO 2007
// reference from 60 months to 19 years, the `reference` column, `age_months` input, and 2006 output
// unchanged byte for byte (apart from the new last column) against the engine before the 2007 reference.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTPUT_COLUMNS, zscoreCsv } from '../../gateway/growth/batch/zscore-csv.ts';
import {
  classifyGrowth,
  computeGrowth,
  computeGrowth2007,
  computeGrowthForAge,
  type GrowthInput,
  roundZ,
} from '../../gateway/growth/index.ts';

/** Output records by column name (test rows have no quoted commas). */
function records(csv: string): Record<string, string>[] {
  const text = zscoreCsv(Buffer.from(csv)).output.toString('utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  const names = (lines[0] ?? '').split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((name, at) => [name, cells[at] ?? '']));
  });
}

const z = (value: number) => (Number.isNaN(value) ? '' : roundZ(value).toFixed(2));

describe('tikar zscore across 0-19 years', () => {
  it('scores 1,826 days by the 2006 standards and 1,827 by the 2007 reference, saying which', () => {
    const [under, over] = records(
      'sex,age_days,weight_kg,lenhei_cm,measure,headc_cm\n2,1826,17.5,108.2,h,50\n2,1827,17.5,108.2,h,50\n',
    );
    const r2006 = computeGrowth({
      sex: 2,
      ageDays: 1826,
      weightKg: 17.5,
      lenheiCm: 108.2,
      measure: 'h',
      headcCm: 50,
    });
    expect(under?.reference).toBe('who2006');
    expect([under?.zlen, under?.zwei, under?.zwfl, under?.zbmi, under?.zhc]).toEqual(
      [r2006.zlen, r2006.zwei, r2006.zwfl, r2006.zbmi, r2006.zhc].map(z),
    );
    const r2007 = computeGrowth2007({ sex: 2, ageMonths: 1827 / 30.4375, weightKg: 17.5, lenheiCm: 108.2 });
    expect(over?.reference).toBe('who2007');
    expect([over?.zlen, over?.zwei, over?.zbmi]).toEqual([r2007.zlen, r2007.zwei, r2007.zbmi].map(z));
    // No weight-for-height or head circumference in the 2007 reference, and no BB/U or BB/TB category.
    expect([over?.zwfl, over?.zhc, over?.fwfl, over?.fhc, over?.status_bbu, over?.status_bbtb]).toEqual([
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
    expect([over?.flen, over?.fwei, over?.fbmi, over?.c9mo_flag, over?.error]).toEqual([
      '0',
      '0',
      '0',
      '0',
      '',
    ]);
    expect(over?.clenhei).toBe('108.2');
  });

  it('takes age_months as WHO AnthroPlus does; age_days wins when both are filled', () => {
    const [months, young, both] = records(
      'sex,age_months,age_days,weight_kg,lenhei_cm\n1,61.5,,19,112\n1,30,,12.5,89\n1,61.5,400,9,75\n',
    );
    expect(months?.zlen).toBe('0.32'); // anthroplus's own example (../shared/who-r/SOURCES.md)
    const r2007 = computeGrowth2007({ sex: 1, ageMonths: 61.5, weightKg: 19, lenheiCm: 112 });
    expect([months?.zwei, months?.zbmi, months?.reference]).toEqual([
      z(r2007.zwei),
      z(r2007.zbmi),
      'who2007',
    ]);
    // Under 60 months: the 2006 standards at months x 30.4375 days (913.125 -> day 913).
    const r2006 = computeGrowth({ sex: 1, ageDays: 913.125, weightKg: 12.5, lenheiCm: 89 });
    expect([young?.zlen, young?.zwfl, young?.reference]).toEqual([z(r2006.zlen), z(r2006.zwfl), 'who2006']);
    expect(both?.zlen).toBe(z(computeGrowth({ sex: 1, ageDays: 400, lenheiCm: 75 }).zlen));
  });

  it('weight-for-age to 120 months only; no age, and ages past 228 months, as before', () => {
    const [at120, past120, noAge, old, oldDays] = records(
      'sex,age_months,age_days,weight_kg,lenhei_cm\n2,120,,30,138\n2,121,,30,138\n2,,,12,85\n2,229,,50,160\n2,,7000,50,160\n',
    );
    expect(at120?.zwei).not.toBe('');
    expect([past120?.zwei, past120?.fwei]).toEqual(['', '']);
    expect(past120?.zbmi).not.toBe('');
    // No age: the 2006 weight-for-length/height, as tikar zscore always did.
    expect([noAge?.reference, noAge?.zlen]).toEqual(['who2006', '']);
    expect(noAge?.zwfl).not.toBe('');
    expect(old?.error).toBe(
      '"age_months: age is over 228 months (the WHO 2007 reference covers 60-228 months',
    );
    expect(oldDays?.error?.startsWith('"age_days: age is over 228 months')).toBe(true);
    expect([old?.zlen, old?.zbmi]).toEqual(['', '']);
    const [bad] = records('sex,age_months,weight_kg\n1,six,20\n');
    expect(bad?.error).toBe('"age_months: \'six\' is not a number"');
    const [negative] = records('sex,age_months,weight_kg\n1,-2,20\n');
    expect(negative?.error).toBe('"age_months: age in months is negative"');
  });

  it('labels 5-18 years by Permenkes: IMT/U in five bands, TB/U as under five', () => {
    // BMI-for-age at 8 years for a 128 cm boy around +1.5, +2.8, -2.9 and -3.5 SD.
    const rows = [30.3, 36, 20.5, 19.5].map((w) => `1,96,${w},128`).join('\n');
    const out = records(`sex,age_months,weight_kg,lenhei_cm\n${rows}\n`);
    for (const row of out) {
      const r = computeGrowth2007({ sex: 1, ageMonths: 96, weightKg: Number(row.weight_kg), lenheiCm: 128 });
      const status = classifyGrowth(r);
      expect(row.status_imtu).toBe(status.imtu?.id);
      expect(row.status_tbu).toBe(status.tbu?.id);
    }
    expect(out.map((row) => row.status_imtu)).toEqual([
      'Gizi lebih',
      'Obesitas',
      'Gizi kurang',
      'Gizi buruk',
    ]);
  });

  it('agrees with the core on random children of every age, 0-19 years', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sex: fc.constantFrom<1 | 2>(1, 2),
            ageDays: fc.integer({ min: 0, max: 6940 }),
            lenheiCm: fc.integer({ min: 450, max: 1900 }).map((t) => t / 10),
            weightKg: fc.integer({ min: 200, max: 9000 }).map((g) => g / 100),
            oedema: fc.boolean(),
          }),
          { minLength: 1, maxLength: 300 },
        ),
        (children) => {
          const csv = children
            .map((c) => `${c.sex},${c.ageDays},${c.weightKg},${c.lenheiCm},${c.oedema ? 'y' : 'n'}`)
            .join('\n');
          const out = records(`sex,age_days,weight_kg,lenhei_cm,oedema\n${csv}\n`);
          children.forEach((child, i) => {
            const input: GrowthInput = { ...child };
            const r = computeGrowthForAge(input);
            const status = classifyGrowth(r);
            const row = out[i] ?? {};
            expect([row.zlen, row.zwei, row.zwfl, row.zbmi, row.reference]).toEqual([
              z(r.zlen),
              z(r.zwei),
              z(r.zwfl),
              z(r.zbmi),
              r.reference,
            ]);
            expect([row.status_tbu, row.status_bbu, row.status_bbtb, row.status_imtu]).toEqual([
              status.tbu?.id ?? '',
              status.bbu?.id ?? '',
              status.bbtb?.id ?? '',
              status.imtu?.id ?? '',
            ]);
          });
        },
      ),
      { seed: 16, numRuns: 60 },
    );
  });

  it('refuses an input that already has a reference column (an output of tikar zscore?)', () => {
    expect(OUTPUT_COLUMNS.at(-1)).toBe('reference');
    expect(() => zscoreCsv(Buffer.from('sex,reference\n1,x\n'))).toThrow(/output column 'reference'/);
  });
});

/**
 * A row of the engine before issue 14 with its one intended change applied: a flagged z has no Permenkes label,
 * nor have BB/TB and IMT/U from a flagged length. The row's tail is flen..fhc, c9mo_flag, four statuses and
 * an empty error (rows with an error have no statuses).
 */
function withoutFlaggedLabels(line: string): string {
  if (!line.endsWith(',')) return line;
  const cells = line.split(',');
  const tail = cells.slice(-11);
  const [flen, fwei, fwfl, fbmi] = tail;
  const clear = (offset: number) => {
    tail[offset] = '';
  };
  if (flen === '1') [6, 8, 9].forEach(clear);
  if (fwei === '1') clear(7);
  if (fwfl === '1') clear(8);
  if (fbmi === '1') clear(9);
  return [...cells.slice(0, -11), ...tail].join(',');
}

describe('2006 rows are unchanged', () => {
  it('byte for byte as the engine wrote them before the 2007 reference, apart from the new last column and no labels on flagged values', () => {
    // 1,200 varied rows (dates, half days, no age, both positions, oedema, bad cells, quoted notes) and
    // their output from the engine at commit 85fd05a, before the 2007 reference.
    const input = readFileSync(new URL('./fixtures/zscore-2006.in.csv', import.meta.url));
    const before = readFileSync(new URL('./fixtures/zscore-2006.before.csv', import.meta.url), 'utf8');
    const after = zscoreCsv(input).output.toString('utf8');
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    expect(afterLines.length).toBe(beforeLines.length);
    expect(afterLines[0]).toBe(`${beforeLines[0]},reference`);
    const stripped = afterLines.slice(1).map((line) => line.replace(/,(who2006)?$/, ''));
    expect(stripped.join('\n')).toBe(beforeLines.slice(1).map(withoutFlaggedLabels).join('\n'));
    expect(afterLines.filter((line) => line.endsWith(',who2006')).length).toBe(1185);
  });
});
