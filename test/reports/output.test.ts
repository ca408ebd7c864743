import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageText,
  type CalendarDate,
  calendarAge,
  parseDate,
  quarterOf,
} from '../../gateway/clock/calendar.ts';
import { csvCell, toCsv } from '../../gateway/reports/csv.ts';
import { writePrivateFile } from '../../gateway/reports/private-file.ts';
import { createProgress } from '../../gateway/reports/progress.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

describe('calendar ages', () => {
  it('counts years, months and days as a person does', () => {
    expect(ageText('2024-08-31', '2026-11-09')).toBe('2 Tahun - 2 Bulan - 9 Hari');
    expect(ageText('2024-01-31', '2024-03-01')).toBe('0 Tahun - 1 Bulan - 1 Hari');
    expect(ageText('2026-11-09', '2026-11-09')).toBe('0 Tahun - 0 Bulan - 0 Hari');
    expect(ageText('2024-02-29', '2025-02-28')).toBe('0 Tahun - 11 Bulan - 30 Hari');
    expect(ageText('2026-11-10', '2026-11-09')).toBe('');
    expect(ageText('2026-02-30', '2026-11-09')).toBe('');
  });

  it('never gives a negative or too-large part, and grows with the date', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000));
    const date = (d: Date) => parseDate(d.toISOString().slice(0, 10)) as CalendarDate;
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 2000 }), (birth, span) => {
        const on = new Date(birth.getTime() + span * 86_400_000);
        const age = calendarAge(date(birth), date(on));
        if (!age) return false;
        const months = age.years * 12 + age.months;
        const next = calendarAge(date(birth), date(new Date(on.getTime() + 86_400_000)));
        return (
          age.months < 12 &&
          age.days >= 0 &&
          age.days < 31 &&
          next !== undefined &&
          next.years * 12 + next.months >= months
        );
      }),
      { seed: 11, numRuns: 400 },
    );
  });

  it('names quarters T1..T4', () => {
    expect(quarterOf('2026-01')).toEqual({ label: '2026-T1', months: ['2026-01', '2026-02', '2026-03'] });
    expect(quarterOf('2026-12').label).toBe('2026-T4');
  });
});

describe('CSV', () => {
  it('quotes, doubles quotes and guards formula-like text', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2.5)).toBe('-2.5');
    expect(csvCell(-2.5, { decimalComma: true })).toBe('-2,5');
    expect(csvCell(Number.NaN)).toBe('');
    expect(toCsv(['a', 'b'], [[1, null]])).toBe('a,b\r\n1,\r\n');
  });
});

describe('export files', () => {
  it('are created 0600, and an existing wider file is narrowed', async () => {
    const dir = await tmpDir();
    try {
      const fresh = join(dir.path, 'fresh.csv');
      await writePrivateFile(fresh, 'x');
      expect((await stat(fresh)).mode & 0o777).toBe(0o600);
      const existing = join(dir.path, 'existing.csv');
      await writeFile(existing, 'old', { mode: 0o644 });
      await writePrivateFile(existing, 'new');
      expect((await stat(existing)).mode & 0o777).toBe(0o600);
    } finally {
      await dir.cleanup();
    }
  });
});

describe('progress bar', () => {
  it('draws only on a terminal', () => {
    const written: string[] = [];
    const pipe = { isTTY: false, write: (s: string) => written.push(s) > 0 };
    const quiet = createProgress('ekspor', 10, pipe);
    quiet.tick(5);
    quiet.finish();
    expect(written).toEqual([]);
    const tty = { isTTY: true, write: (s: string) => written.push(s) > 0 };
    const bar = createProgress('ekspor', 10, tty);
    bar.tick(5);
    bar.finish();
    expect(written[0]).toContain('50% 5/10');
    expect(written.at(-2)).toContain('100% 10/10');
    expect(written.at(-1)).toBe('\n');
  });
});
