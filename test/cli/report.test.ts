import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/report.ts';
import { run as runSasaran } from '../../cli/sasaran.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../reports/db-fixture.ts';
import { skdnFixture } from '../reports/fixtures.ts';

const exec = promisify(execFile);

describe('tikar report', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let db: string;
  beforeAll(async () => {
    dir = await tmpDir('tikar-report-cli-');
    db = join(dir.path, 'gateway.db');
    await (await writeFixtureDb(db, skdnFixture())).close();
  });
  afterAll(async () => dir.cleanup());

  const base = () => ['--db', db, '--posyandu', 'pos-1', '--month', '2026-11'];

  it('uses the sasaran set with tikar sasaran as S (village record: summed with the registered elsewhere)', async () => {
    const village = join(dir.path, 'village.db');
    await (await writeFixtureDb(village, skdnFixture())).close();
    const sasaran = (...args: string[]) =>
      runSasaran(['--db', village, '--posyandu', 'pos-1', '--month', '2026-11', ...args]);
    expect(await sasaran('--balita', '12')).toBe(0);
    expect(await sasaran()).toBe(2); // neither --balita nor --clear
    expect(await sasaran('--balita', 'dua belas')).toBe(2);
    const out = join(dir.path, 'village-skdn.csv');
    // All posyandu: pos-1's sasaran 12 + pos-2's one registered balita (J) = 13; 10 registered in all.
    expect(await run(['skdn', '--db', village, '--month', '2026-11', '--out', out])).toBe(0);
    expect((await readFile(out, 'utf8')).split('\r\n')[1]).toMatch(/^all,2026-11,13,8,7,4,1,1,1,5,.*,10,/);
    expect(await sasaran('--clear')).toBe(0);
    // The same --out again: replacing an existing report file takes --force (issue 11).
    expect(await run(['skdn', '--db', village, '--month', '2026-11', '--out', out, '--force'])).toBe(0);
    expect((await readFile(out, 'utf8')).split('\r\n')[1]).toMatch(/^all,2026-11,10,/);
  });

  it('writes the referral list and the F2 table (F is 2T in the SKDN fixture)', async () => {
    const out = join(dir.path, 'rujukan.csv');
    expect(await run(['rujukan', ...base(), '--out', out])).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^P-F,Anak F,L,2021-11-15,60,Ibu F,2026-11-09,12\.1,T,,,,0,2t$/);
    const f2 = join(dir.path, 'f2.html');
    expect(await run(['f2', ...base(), '--format', 'html', '--out', f2])).toBe(0);
    expect(await readFile(f2, 'utf8')).toContain('Rekapitulasi hasil penimbangan bayi balita (F2)');
  });

  it('writes the SKDN CSV to a 0600 file', async () => {
    const out = join(dir.path, 'skdn.csv');
    expect(await run(['skdn', ...base(), '--out', out])).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('pos-1,2026-11,9,7,6,3,1,1,1,4,77.8,66.7,50,75,33.3');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('covers every posyandu in the file when --posyandu is left out (a village record)', async () => {
    // The fixture plus J (pos-2, 21 months, 10.0 -> 10.5 kg = +500 g >= 200) -> N:
    // S 10, K 8, D 7, N 3, T 2, O 1, B 1, D' 5
    const out = join(dir.path, 'skdn-village.csv');
    expect(await run(['skdn', '--db', db, '--month', '2026-11', '--out', out])).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('\r\nall,2026-11,10,8,7,4,1,1,1,5,');
    const page = join(dir.path, 'skdn-village.html');
    expect(await run(['skdn', '--db', db, '--month', '2026-11', '--format', 'html', '--out', page])).toBe(0);
    expect(await readFile(page, 'utf8')).toContain('Semua posyandu · bulan November 2026');
  });

  it('writes the recap and prevalence pages as HTML, with place names from --place', async () => {
    const place = join(dir.path, 'place.json');
    await writeFile(place, JSON.stringify({ posyanduName: 'Mawar', villageName: 'Noelbaki' }));
    const recap = join(dir.path, 'recap.html');
    expect(await run(['recap', ...base(), '--format', 'html', '--place', place, '--out', recap])).toBe(0);
    expect(await readFile(recap, 'utf8')).toContain('Posyandu Mawar (pos-1), Desa/Kel. Noelbaki');
    const prevalence = join(dir.path, 'prevalence.html');
    expect(await run(['prevalence', ...base(), '--format', 'html', '--out', prevalence])).toBe(0);
    expect(await readFile(prevalence, 'utf8')).toContain('<svg');
  });

  it('refuses bad options with exit code 2 and names the option', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect(await run(['skdn', '--db', db, '--posyandu', 'pos-1', '--month', '2026-13'])).toBe(2);
      expect(await run(['skdn', ...base(), '--format', 'docx'])).toBe(2);
      expect(await run(['skdn', ...base(), '--pdf'])).toBe(2); // PDF needs --out
      const settings = join(dir.path, 'bad-settings.json');
      await writeFile(settings, JSON.stringify({ matColours: { greenMinZ: -3, yellowMinZ: -2 } }));
      expect(await run(['recap', ...base(), '--settings', settings])).toBe(2);
      expect(
        await run(['skdn', '--db', join(dir.path, 'missing.db'), '--posyandu', 'p', '--month', '2026-11']),
      ).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    const text = errors.join('');
    expect(text).toContain("--month must be a month as YYYY-MM, got '2026-13'");
    expect(text).toContain("--format must be one of csv, html, pdf, got 'docx'");
    expect(text).toContain('--out FILE is required for PDF');
    expect(text).toContain('--settings');
    expect(text).toContain('cannot open database');
  });

  it('prints a PDF through headless Chromium (bin/tikar.mjs, --pdf)', async () => {
    const out = join(dir.path, 'skdn.pdf');
    await exec('node', ['bin/tikar.mjs', 'report', 'skdn', ...base(), '--pdf', '--out', out], {
      timeout: 60_000,
    });
    const pdf = await readFile(out);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 59[45]\.\d* 84[12]\.\d*\]/); // A4 in points
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });
});
