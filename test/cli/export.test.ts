import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/export.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../reports/db-fixture.ts';
import { fhirValidator } from '../reports/fhir-schema.ts';
import { skdnFixture } from '../reports/fixtures.ts';

describe('tikar export', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let db: string;
  beforeAll(async () => {
    dir = await tmpDir('tikar-export-cli-');
    db = join(dir.path, 'gateway.db');
    await (await writeFixtureDb(db, skdnFixture())).close();
  });
  afterAll(async () => dir.cleanup());

  const base = () => ['--db', db, '--posyandu', 'pos-1'];

  it('exports e-PPGBM CSV with the place columns, 0600', async () => {
    const place = join(dir.path, 'place.json');
    await writeFile(place, JSON.stringify({ provinsi: 'NTT', puskesmas: 'Tarus', posyandu: 'Mawar' }));
    const out = join(dir.path, 'eppgbm.csv');
    expect(await run(['eppgbm', ...base(), '--month', '2026-11', '--place', place, '--out', out])).toBe(0);
    const lines = (await readFile(out, 'utf8')).split('\r\n').filter((line) => line.length > 0);
    expect(lines[0]?.startsWith('\uFEFFNIK,Nama,JK,Tgl Lahir')).toBe(true);
    // November at pos-1: A B C D F G K(fixed) L = 8 rows (K's superseded row is not exported)
    expect(lines).toHaveLength(1 + 8);
    expect(lines.find((line) => line.includes('Anak K'))).toContain(',NTT,,,Tarus,,Mawar,');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('exports e-PPGBM XLSX over a range', async () => {
    const out = join(dir.path, 'eppgbm.xlsx');
    expect(
      await run([
        'eppgbm',
        ...base(),
        '--from',
        '2026-10',
        '--to',
        '2026-11',
        '--format',
        'xlsx',
        '--out',
        out,
      ]),
    ).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    // Oct: A B E F G K L = 7, Nov: 8 -> 15 rows after the header
    expect(workbook.getWorksheet('e-PPGBM')?.rowCount).toBe(16);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('exports a FHIR Bundle that the official R4 schema accepts', async () => {
    const out = join(dir.path, 'bundle.json');
    expect(
      await run(['fhir', ...base(), '--month', '2026-11', '--bundle-type', 'transaction', '--out', out]),
    ).toBe(0);
    const bundle = JSON.parse(await readFile(out, 'utf8')) as { type: string; entry: unknown[] };
    expect(bundle.type).toBe('transaction');
    const validate = fhirValidator();
    expect(validate(bundle), JSON.stringify(validate.errors)).toBe(true);
    // 8 children measured in November (Patients) + 7 weights + 1 length (L, no z)
    expect(bundle.entry).toHaveLength(8 + 8);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('refuses contradictory ranges with exit code 2', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect(await run(['fhir', ...base(), '--from', '2026-11', '--to', '2026-10'])).toBe(2);
      expect(await run(['eppgbm', ...base(), '--month', '2026-11', '--from', '2026-10'])).toBe(2);
      expect(await run(['eppgbm', ...base(), '--format', 'xlsx'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toContain('--from 2026-11 is after --to 2026-10');
    expect(errors.join('')).toContain('either --month or --from/--to');
    expect(errors.join('')).toContain('--out FILE is required for XLSX');
  });
});
