// Issue 11 item 5: `--out` of report, export and zscore never overwrites an input or a database, replaces an
// ordinary file only with --force, is never half-written, and its format follows its extension.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as exportRun } from '../../cli/export.ts';
import { run as reportRun } from '../../cli/report.ts';
import { run as zscoreRun } from '../../cli/zscore.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { writeFixtureDb } from '../reports/db-fixture.ts';
import { skdnFixture } from '../reports/fixtures.ts';

async function quietly(work: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    return { code: await work(), stderr };
  } finally {
    spy.mockRestore();
  }
}

describe('--out safety', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let db: string;
  let dbBytes: Buffer;
  beforeAll(async () => {
    dir = await tmpDir('tikar-out-');
    db = join(dir.path, 'gateway.db');
    await (await writeFixtureDb(db, skdnFixture())).close();
    dbBytes = await readFile(db);
  });
  afterAll(async () => dir.cleanup());

  const report = (...args: string[]) =>
    quietly(() => reportRun(['skdn', '--db', db, '--posyandu', 'pos-1', '--month', '2026-11', ...args]));
  const exportEppgbm = (...args: string[]) =>
    quietly(() => exportRun(['eppgbm', '--db', db, '--posyandu', 'pos-1', '--month', '2026-11', ...args]));

  it('never writes over the database it reads, or any other database, even with --force', async () => {
    for (const attempt of [
      await report('--out', db),
      await report('--out', db, '--force'),
      await exportEppgbm('--out', db, '--force'),
      await quietly(() => exportRun(['fhir', '--db', db, '--month', '2026-11', '--out', db, '--force'])),
    ]) {
      expect(attempt.code).toBe(2);
      expect(attempt.stderr).toMatch(/input|database/);
    }
    const other = join(dir.path, 'other.csv');
    await writeFile(other, dbBytes); // a database whatever its name
    expect((await report('--out', other, '--force')).code).toBe(2);
    expect(await readFile(db)).toEqual(dbBytes);
  });

  it('replaces an existing ordinary file only with --force, atomically and 0600', async () => {
    const out = join(dir.path, 'skdn.csv');
    await writeFile(out, 'keep me', { mode: 0o644 });
    const refused = await report('--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(await readFile(out, 'utf8')).toBe('keep me');
    expect((await report('--out', out, '--force')).code).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/^posyandu_id,month/);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir.path)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('takes the format from the extension, and refuses a mismatch', async () => {
    const xlsx = join(dir.path, 'e.xlsx');
    expect((await exportEppgbm('--out', xlsx)).code).toBe(0);
    expect((await readFile(xlsx)).subarray(0, 2).toString('latin1')).toBe('PK'); // a zip, not CSV
    const mismatch = await exportEppgbm('--out', join(dir.path, 'f.xlsx'), '--format', 'csv');
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('XLSX');
    const html = join(dir.path, 'skdn.html');
    expect((await report('--out', html)).code).toBe(0);
    expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('zscore --in X --out X leaves X alone', async () => {
    const input = join(dir.path, 'children.csv');
    const csv = 'sex,age_days,weight_kg\n1,100,6\n';
    await writeFile(input, csv);
    const result = await quietly(() => zscoreRun(['--in', input, '--out', input, '--force']));
    expect(result.code).toBe(2);
    expect(await readFile(input, 'utf8')).toBe(csv);
    expect((await quietly(() => zscoreRun(['--in', input, '--out', join(dir.path, 'z.xlsx')]))).code).toBe(2);
  });
});
