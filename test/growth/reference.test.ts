import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WHO_REFERENCE_FORMAT_VERSION } from '../../gateway/growth/index.ts';
import { TABLES, type TableName } from '../../gateway/growth/who-2006/tables.ts';
import { buildReferenceModule, GENERATED_MODULE_PATH } from '../../scripts/build-who-reference.ts';
import { needs } from '../helpers/prerequisite.ts';
import { HAS_WHO_DIR, REPO_ROOT, readExpanded, WHO_DIR, WHO_MISSING } from './who-shared.ts';

beforeAll(() => needs(HAS_WHO_DIR, WHO_MISSING));

function row(table: TableName, sex: 1 | 2, key: number): [number, number, number] {
  const t = TABLES[table];
  const at = ((sex - 1) * t.rows + key - t.firstKey) * 3;
  return [t.lms[at] as number, t.lms[at + 1] as number, t.lms[at + 2] as number];
}

describe('generated WHO 2006 reference data', () => {
  it('decodes to the values SOURCES.md quotes, with a versioned header naming WHO', () => {
    expect(row('lhfa', 1, 0)).toEqual([1, 49.8842, 0.03795]);
    expect(row('lhfa', 1, 1)[1]).toBe(50.0601);
    expect(row('wfa', 1, 0)).toEqual([0.3487, 3.3464, 0.14602]);
    // The switch from length to height at day 731 (boys' M drops by about 0.7 cm).
    expect(row('lhfa', 1, 730)[1]).toBe(87.8018);
    expect(row('lhfa', 1, 731)[1]).toBe(87.1303);
    const text = readFileSync(join(REPO_ROOT, GENERATED_MODULE_PATH), 'utf8');
    expect(text).toMatch(/^\/\/ GENERATED FILE/);
    expect(text).toContain('World Health Organization');
    expect(WHO_REFERENCE_FORMAT_VERSION).toBe(1);
    expect(TABLES.lhfa.rows).toBe(1857);
    expect(TABLES.wfl.rows).toBe(651);
    expect(TABLES.wfh.rows).toBe(551);
  });

  it('rebuilds byte for byte from ../shared/who', () => {
    const committed = readFileSync(join(REPO_ROOT, GENERATED_MODULE_PATH), 'utf8');
    expect(buildReferenceModule(WHO_DIR) === committed).toBe(true);
  });

  it('holds every published L, M and S of the expanded tables exactly', () => {
    for (const table of Object.keys(TABLES) as TableName[]) {
      for (const [sex, file] of [
        [1, 'boys'],
        [2, 'girls'],
      ] as const) {
        const rows = readExpanded(table, file);
        expect(rows.length).toBe(TABLES[table].rows);
        for (const published of rows) {
          const key = table === 'wfl' || table === 'wfh' ? Math.round(published.key * 10) : published.key;
          expect(row(table, sex, key)).toEqual([published.l, published.m, published.s]);
        }
      }
    }
  });

  it('agrees with a sample of rows of WHO anthro 1.1.0 tables (anthro/*.txt)', () => {
    const files: [TableName, string][] = [
      ['lhfa', 'lenanthro.txt'],
      ['wfa', 'weianthro.txt'],
      ['bfa', 'bmianthro.txt'],
      ['hcfa', 'hcanthro.txt'],
      ['wfl', 'wflanthro.txt'],
      ['wfh', 'wfhanthro.txt'],
    ];
    let compared = 0;
    for (const [table, file] of files) {
      const lines = readFileSync(join(WHO_DIR, 'anthro', file), 'ascii')
        .split('\r\n')
        .slice(1);
      // Every 37th row: spread over both sexes and the whole range, including the last rows.
      for (let i = 0; i < lines.length; i += i + 37 < lines.length ? 37 : 1) {
        const cells = (lines[i] ?? '').split('\t');
        if (cells.length < 5) continue;
        const sex = Number(cells[0]) as 1 | 2;
        const key = table === 'wfl' || table === 'wfh' ? Math.round(Number(cells[1]) * 10) : Number(cells[1]);
        expect(row(table, sex, key)).toEqual([Number(cells[2]), Number(cells[3]), Number(cells[4])]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });
});
