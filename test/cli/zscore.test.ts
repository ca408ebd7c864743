import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/zscore.ts';
import { OUTPUT_COLUMNS, ZscoreCsvTransformer, zscoreCsv } from '../../gateway/growth/batch/zscore-csv.ts';
import { computeGrowth, roundZ } from '../../gateway/growth/index.ts';
import { generateObservations, observationsCsv } from '../growth/observations.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tmpDir('tikar-zscore-');
});
afterAll(async () => {
  await dir.cleanup();
});

/** Runs `tikar zscore` in-process on a CSV text; returns exit code, output rows and stderr. */
async function zscore(csv: string | Buffer, ...args: string[]) {
  const input = join(dir.path, 'in.csv');
  const output = join(dir.path, 'out.csv');
  writeFileSync(input, csv);
  writeFileSync(output, 'stale', { mode: 0o644 });
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    const code = await run(['--in', input, '--out', output, '--force', ...args]);
    const text = code === 2 ? '' : readFileSync(output, 'utf8');
    return { code, text, stderr, output };
  } finally {
    spy.mockRestore();
  }
}

/** Data lines of an output CSV (header dropped). */
function rows(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .slice(1);
}

/** Output rows as records by column name (test rows have no quoted commas). */
function records(text: string): Record<string, string>[] {
  const names = (text.split('\n')[0] ?? '').split(',');
  return rows(text).map((line) => {
    const values = line.split(',');
    return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
  });
}

describe('tikar zscore on the shipped example', () => {
  it('computes every good row, names the problem of every bad one, exits 0 and summarises', async () => {
    const example = readFileSync(new URL('../../examples/children.csv', import.meta.url));
    const { code, text, stderr } = await zscore(example);
    expect(code).toBe(0);
    const header = text.split('\n')[0] ?? '';
    expect(header).toBe(
      `child,sex,birth_date,date,weight_kg,lenhei_cm,measure,oedema,headc_cm,${OUTPUT_COLUMNS.join(',')}`,
    );
    const out = records(text);
    expect(out).toHaveLength(20);
    const a01 = out[0] ?? {};
    // A01: boy, 2024-03-14 -> 2025-06-10 = 453 days, lying 76.4 cm, 9.2 kg, head 45.9 cm.
    const expected = computeGrowth({
      sex: 1,
      ageDays: 453,
      weightKg: 9.2,
      lenheiCm: 76.4,
      measure: 'l',
      headcCm: 45.9,
    });
    expect(a01.zlen).toBe(roundZ(expected.zlen).toFixed(2));
    expect(a01.zwei).toBe(roundZ(expected.zwei).toFixed(2));
    expect(a01.zwfl).toBe(roundZ(expected.zwfl).toFixed(2));
    expect(a01.zhc).toBe(roundZ(expected.zhc).toFixed(2));
    expect(a01.status_tbu).toBe('Normal');
    expect(a01.error).toBe('');
    // A19, 6 years 2 months, is scored by the WHO 2007 reference.
    expect(out[18]?.reference).toBe('who2007');
    expect(stderr).toContain('20 rows, 16 ok, 4 with errors');
    expect(stderr).toContain("row 16: sex: 'X' is not 1/2, M/F or L/P");
  });

  it('--strict turns row errors into exit code 1', async () => {
    const example = readFileSync(new URL('../../examples/children.csv', import.meta.url));
    expect((await zscore(example, '--strict')).code).toBe(1);
    expect((await zscore('sex,age_days,weight_kg\n1,100,6\n', '--strict')).code).toBe(0);
  });
});

describe('column contract', () => {
  it('matches header names case-insensitively in any order and keeps unknown columns', async () => {
    const { text } = await zscore('Weight_KG,note,AGE_DAYS,Sex,LenHei_Cm\n9,hi,400,L,75\n');
    const row = records(text)[0] ?? {};
    expect(row.note).toBe('hi');
    const expected = computeGrowth({ sex: 1, ageDays: 400, weightKg: 9, lenheiCm: 75 });
    expect(row.zwfl).toBe(roundZ(expected.zwfl).toFixed(2));
    expect(row.clenhei).toBe('75');
  });

  it('prints clenhei after the 0.7 cm adjustment, c9mo_flag, empty z and flags where WHO gives none', async () => {
    const { text } = await zscore(
      'sex,age_days,lenhei_cm,measure,weight_kg,oedema\n1,800,90.5,l,12,n\n2,200,65,h,7,y\n',
    );
    const [lying, young] = records(text);
    expect(lying?.clenhei).toBe('89.8');
    expect(lying?.c9mo_flag).toBe('0');
    expect(young?.clenhei).toBe('65');
    expect(young?.c9mo_flag).toBe('1');
    // Oedema: no weight-based z, no flag, no status; length still there.
    expect([young?.zwei, young?.zwfl, young?.zbmi, young?.fwei, young?.status_bbu]).toEqual([
      '',
      '',
      '',
      '',
      '',
    ]);
    expect(young?.zlen).not.toBe('');
    expect(young?.zhc).toBe('');
    expect(young?.fhc).toBe('');
  });

  it('--precision N prints N decimals; flags still use 2', async () => {
    const { text } = await zscore('sex,age_days,weight_kg\n2,300,7.3\n', '--precision', '5');
    const row = records(text)[0] ?? {};
    expect(row.zwei).toMatch(/^-?\d+\.\d{5}$/);
    const z = computeGrowth({ sex: 2, ageDays: 300, weightKg: 7.3 }).zwei;
    expect(Number(row.zwei)).toBeCloseTo(z, 5);
    expect((await zscore('sex\n1\n', '--precision', '11')).code).toBe(2);
  });

  it("computes the age from each row's own dates when the measurement date changes", async () => {
    const { text } = await zscore(
      'sex,birth_date,date,weight_kg\n1,2025-01-01,2025-06-01,7\n1,2025-01-01,2025-07-01,7\n1,2025-01-01,2025-06-01,7\n1,2025-01-01,2025-13-01,7\n',
    );
    const out = records(text);
    const zwei = (ageDays: number) => roundZ(computeGrowth({ sex: 1, ageDays, weightKg: 7 }).zwei).toFixed(2);
    expect(out.map((row) => row.zwei)).toEqual([zwei(151), zwei(181), zwei(151), '']);
    expect(out[3]?.error).toBe(`"date: '2025-13-01' is not a YYYY-MM-DD date"`);
  });

  it('prints z-scores beyond +-20 (outside the precomputed text table), flagged and without a status', async () => {
    const { text } = await zscore('sex,age_days,weight_kg,lenhei_cm\n1,100,60,20\n');
    const row = records(text)[0] ?? {};
    const expected = computeGrowth({ sex: 1, ageDays: 100, weightKg: 60, lenheiCm: 20 });
    expect(expected.zwei).toBeGreaterThan(20);
    expect(expected.zlen).toBeLessThan(-20);
    expect(row.zwei).toBe(roundZ(expected.zwei).toFixed(2));
    expect(row.zlen).toBe(roundZ(expected.zlen).toFixed(2));
    // Flagged implausible: no Permenkes label (docs/reports.md, Usable z), nor BB/TB or IMT/U from the length.
    expect([row.fwei, row.flen, row.status_bbu, row.status_tbu, row.status_bbtb, row.status_imtu]).toEqual([
      '1',
      '1',
      '',
      '',
      '',
      '',
    ]);
  });

  it('gives an error, never Infinity or a status, for values no child can have (issue 11)', async () => {
    const { text } = await zscore(
      'sex,age_days,weight_kg,lenhei_cm\n1,800,1e308,\n1,800,,1234.5\n1,800,300,250\n1,800,300.01,\n',
    );
    const rows = records(text);
    expect(rows.map((row) => row.error === '')).toEqual([false, false, true, false]);
    expect(rows[0]?.error).toContain('weight_kg');
    expect(rows[1]?.error).toContain('lenhei_cm');
    for (const row of rows) expect(Object.values(row).join(',')).not.toContain('Infinity');
    expect(rows[0]?.status_bbu).toBe('');
  });

  it('accepts sex as 1/2, M/F and L/P, measure and oedema in any case, blanks around values', async () => {
    const { text } = await zscore(
      'sex,age_days,weight_kg,measure,oedema\nm,100,6,L,N\nF,100,6,H,Y\n p ,100, 6 ,l,1\n',
    );
    const out = records(text);
    expect(out.map((row) => row.error)).toEqual(['', '', '']);
    expect(out[1]?.zwei).toBe('');
    expect(out[2]?.zwei).toBe('');
    expect(out[0]?.zwei).not.toBe('');
  });
});

describe('RFC 4180 input', () => {
  it('handles quotes, commas and line breaks in quoted fields, escaped quotes, CRLF, a BOM and no final newline', async () => {
    const csv = '\uFEFFid,sex,age_days,weight_kg\r\n"a, ""b""\r\nc",2,300,"7,3"\r\n\r\n"plain",1,10,3.9';
    const { text, code } = await zscore(csv);
    expect(code).toBe(0);
    const lines = text.split('\n');
    expect(lines[0]?.startsWith('id,sex,age_days,weight_kg,clenhei')).toBe(true);
    expect(text).toContain('"a, ""b""\r\nc",2,300,"7,3",');
    const z = computeGrowth({ sex: 2, ageDays: 300, weightKg: 7.3 }).zwei;
    expect(text).toContain(`"7,3",,,${roundZ(z).toFixed(2)},`);
    expect(text).toContain('"plain",1,10,3.9,');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('gives the same output whatever the chunk boundaries', () => {
    const csv = Buffer.from(
      'id,SEX,birth_date,date,weight_kg,lenhei_cm\r\n"x,1",L,2024-01-31,2025-02-01,9.9,77.7\r\n' +
        '"q""uote",P,2023-05-05,2025-02-01,10.2,84.1\n' +
        'bad,X,2024-01-01,2025-01-01,,\n' +
        '"multi\nline",1,2022-02-02,2025-02-01,14,95\n',
    );
    const whole = zscoreCsv(csv).output.toString('utf8');
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: csv.length - 1 }), { maxLength: 12 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), csv.length];
        const transformer = new ZscoreCsvTransformer();
        const parts: Buffer[] = [];
        for (let i = 1; i < bounds.length; i++)
          parts.push(...transformer.push(csv.subarray(bounds[i - 1], bounds[i])));
        parts.push(...transformer.end());
        expect(Buffer.concat(parts).toString('utf8')).toBe(whole);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('bad rows get an error naming the column and the problem', () => {
  const cases: [string, string, string][] = [
    ['1,100,6,,', 'row: has 5 fields but the header has 8', 'short row'],
    [',100,6,,,,,', 'sex: missing', 'missing sex'],
    ['7,100,6,,,,,', "sex: '7' is not 1/2, M/F or L/P", 'bad sex'],
    ['1,abc,6,,,,,', "age_days: 'abc' is not a number", 'bad age'],
    ['1,-3,6,,,,,', 'age_days: age in days is negative', 'negative age'],
    ['1,7000,6,,,,,', 'age_days: age is over 228 months', 'too old'],
    ['1,,6,2024-13-01,2025-01-01,,,', "birth_date: '2024-13-01' is not a YYYY-MM-DD date", 'bad birth date'],
    ['1,,6,2024-01-01,1/2/2025,,,', "date: '1/2/2025' is not a YYYY-MM-DD date", 'bad date'],
    ['1,,6,2024-01-01,,,,', 'date: missing while birth_date is given', 'date missing'],
    ['1,,6,,2024-01-01,,,', 'birth_date: missing while date is given', 'birth date missing'],
    ['1,,6,2025-01-02,2025-01-01,,,', 'birth_date: birth date is after the measurement date', 'future birth'],
    ['1,,6,2000-01-01,2025-01-01,,,', 'birth_date/date: age is over 228 months', 'too old by dates'],
    ['1,100,0,,,,,', 'weight_kg: weight must be greater than 0', 'zero weight'],
    ['1,100,6kg,,,,,', "weight_kg: '6kg' is not a number", 'weight with unit'],
    ['1,100,6,,,80,x,', "measure: 'x' is not 'l' (lying) or 'h' (standing)", 'bad measure'],
    ['1,100,6,,,,,maybe', "oedema: 'maybe' is not 'y' or 'n'", 'bad oedema'],
    ['1,100,6,,,-80,,', 'lenhei_cm: length/height must be greater than 0', 'negative length'],
  ];
  const header = 'sex,age_days,weight_kg,birth_date,date,lenhei_cm,measure,oedema\n';

  for (const [row, message, what] of cases) {
    it(what, async () => {
      const { code, text, stderr } = await zscore(`${header}${row}\n1,100,6,,,,,\n`);
      expect(code).toBe(0);
      const [bad, good] = rows(text);
      expect(bad?.startsWith(row)).toBe(true);
      expect(bad).toContain(message);
      // Every output column is present and empty before the error.
      expect(bad?.slice(row.length)).toMatch(
        new RegExp(`^,{${header.split(',').length - row.split(',').length}}`),
      );
      expect(good?.endsWith(',,who2006')).toBe(true);
      expect(bad?.endsWith('",')).toBe(true);
      expect(stderr).toContain('2 rows, 1 ok, 1 with errors');
    });
  }
});

describe('fatal problems stop with exit code 2', () => {
  it('no sex column, a duplicated column, output columns in the input, empty input, unclosed quote', async () => {
    for (const [csv, message] of [
      ['age_days,weight_kg\n100,6\n', "no 'sex' column"],
      ['sex,SEX\n1,1\n', "'sex' appears twice"],
      ['sex,zlen\n1,0\n', "output column 'zlen'"],
      ['', 'empty'],
      ['sex,birth_date\n1,2024-01-01\n', "'birth_date' and 'date' must come together"],
      ['sex,age_days\n"1,100\n', 'never closed'],
    ] as const) {
      const result = await zscore(csv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('a missing input file', async () => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += chunk.toString();
      return true;
    });
    const code = await run(['--in', join(dir.path, 'nope.csv')]);
    spy.mockRestore();
    expect(code).toBe(2);
    expect(stderr).toContain('nope.csv');
  });
});

describe('files and pipes', () => {
  it('writes the output file owner-only (it holds children’s data)', async () => {
    const { output } = await zscore('sex,age_days,weight_kg\n1,100,6\n');
    expect(statSync(output).mode & 0o777).toBe(0o600);
  });

  it('stops quietly with exit code 0 when the reader of standard output goes away', async () => {
    const input = join(dir.path, 'many.csv');
    writeFileSync(input, observationsCsv(generateObservations(60_000, 8)));
    const child = spawn(process.execPath, ['bin/tikar.mjs', 'zscore', '--in', input], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(0);
    expect(stderr).not.toContain('EPIPE');
  });

  it('reads standard input and writes standard output through the real tikar command', () => {
    const result = spawnSync(process.execPath, ['bin/tikar.mjs', 'zscore'], {
      input: 'sex,age_days,lenhei_cm\nP,400,70\n',
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const [header, row] = result.stdout.split('\n');
    expect(header).toBe(`sex,age_days,lenhei_cm,${OUTPUT_COLUMNS.join(',')}`);
    const z = computeGrowth({ sex: 2, ageDays: 400, lenheiCm: 70 }).zlen;
    expect(row?.startsWith(`P,400,70,70,${roundZ(z).toFixed(2)},`)).toBe(true);
    expect(result.stderr).toContain('1 row, 1 ok');
  });
});
