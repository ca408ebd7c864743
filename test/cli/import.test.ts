// `tikar import`, worked by hand on a posyandu's paper history (Tikar layout) and an e-PPGBM export.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/import.ts';
import { computeGrowth, roundZ } from '../../gateway/growth/index.ts';
import { eppgbmCsv, eppgbmRows } from '../../gateway/reports/eppgbm.ts';
import { loadReportData } from '../../gateway/reports/load.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { computeSkdn } from '../../gateway/reports/skdn.ts';
import { openDb } from '../../gateway/store/index.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { listsFixture } from '../reports/month-fixtures.ts';

// Lines of the file (line 1 is the header):
//  2–3  K01 Ani, girl born 2026-03-10, weighed 2026-09-08 (6,9 kg, 64,0 cm) and 2026-10-12 (7,50 kg, 66,1 cm)
//  4    K02 Budi, boy born 12/01/2025 (DD/MM/YYYY), NIK, no date: registers the child only
//  5    K03 Citra, girl born 2025-11-20, "9,0" kg with a decimal comma (quoted), measured terlentang, oedema y,
//       address dusun Krajan RT 3 RW 1, vitamin A given
//  6    K04 Dodi: sex 'X'                                 -> left out: line 6, column sex
//  7    K05 Eka: date 2026-13-01                          -> left out: line 7, column date
//  8    K06 Fajar: weight 0,3 kg                          -> left out: line 8, column weight_kg
//  9    K01 again with another birth date                 -> left out: line 9, column child_ref
// 10    K07 Gita born 2018-01-01, visit 2026-10-01: 105 months, past the 84 a posyandu measures (PAUD) -> line 10, birth_date
//       (the child itself is registered: the row is valid, the visit cannot be scored)
// Children added: K01 K02 K03 K07 = 4; visits added: 2 (K01) + 1 (K03) = 3; problems: 5 lines.
// SKDN October 2026 afterwards: Ani weighed in September and October, +600 g; KMS column 10 − 3 = 7 -> KBM
// 400 g -> N (without the import she would be B).
const history = [
  'child_ref,name,sex,birth_date,mother_name,has_kia,nik,date,weight_kg,lenhei_cm,measure,oedema,vitamin_a,dusun,rt,rw',
  'K01,Ani,P,2026-03-10,Siti,y,,2026-09-08,"6,9","64,0",l,,,,,',
  'K01,Ani,P,2026-03-10,Siti,y,,2026-10-12,7.50,66.1,l,,,,,',
  'K02,Budi,L,12/01/2025,Rina,n,3201234567890123,,,,,,,,,',
  'K03,Citra,P,2025-11-20,Dewi,y,,2026-10-10,"9,0",75.0,terlentang,y,y,Krajan,3,1',
  'K04,Dodi,X,2025-01-01,Lina,y,,2026-10-10,10.0,80.0,l,,,,,',
  'K05,Eka,P,2024-05-01,Maya,y,,2026-13-01,12.0,90.0,h,,,,,',
  'K06,Fajar,L,2024-05-01,Wati,y,,2026-10-01,"0,3",90.0,h,,,,,',
  'K01,Ani,P,2026-03-11,Siti,y,,2026-11-09,8.0,67.0,l,,,,,',
  'K07,Gita,P,2018-01-01,Ayu,y,,2026-10-01,25.0,130.0,h,,,,,',
].join('\r\n');

describe('tikar import', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let file: string;
  const stderr: string[] = [];
  beforeAll(async () => {
    dir = await tmpDir('tikar-import-');
    file = join(dir.path, 'history.csv');
    await writeFile(file, history);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await dir.cleanup();
  });

  const args = (db: string, ...more: string[]) => [
    '--db',
    db,
    '--posyandu',
    'pos-1',
    '--village',
    'desa-1',
    '--in',
    file,
    ...more,
  ];

  it('loads children and past weighings, reports each bad row by line and column, and adds nothing the second time', async () => {
    const db = join(dir.path, 'gateway.db');
    stderr.length = 0;
    expect(await run(args(db))).toBe(1); // done, with rows left out
    const report = stderr.join('');
    expect(report).toContain('history.csv:6: sex:');
    expect(report).toContain('history.csv:7: date:');
    expect(report).toContain('history.csv:8: weight_kg: 0.3 kg is outside 0.5–40 kg');
    expect(report).toContain('history.csv:9: child_ref: the same child as line 2 but with another birthDate');
    expect(report).toContain('history.csv:10: birth_date: child is older than 84 months');
    expect(report).toContain(
      'children 4 added, 0 already known; visits 3 added, 0 already stored; 5 rows left out',
    );

    const store = await openDb(db, { durable: false });
    try {
      const rows = await store.all<{ source: string; weight_kg: number; zwei: number; oedema: number }>(
        'SELECT source, weight_kg, zwei, oedema FROM measurements ORDER BY measured_on',
      );
      expect(rows.map((r) => r.source)).toEqual(['import', 'import', 'import']);
      // Scored like a saved measurement: Ani on 2026-09-08 is 182 days old.
      const ani = computeGrowth({ sex: 2, ageDays: 182, weightKg: 6.9, lenheiCm: 64, measure: 'l' });
      expect(rows[0]?.zwei).toBe(roundZ(ani.zwei));
      // Citra's oedema: no weight-based z (WHO), the weight itself kept with its decimal comma read.
      const citra = rows.find((r) => r.oedema === 1);
      expect(citra).toMatchObject({ weight_kg: 9, zwei: null });
      expect(await store.get('SELECT count(*) AS n FROM outbox')).toEqual({ n: 0 });
      expect(await store.get('SELECT dusun, rt, rw FROM child_addresses')).toEqual({
        dusun: 'Krajan',
        rt: '3',
        rw: '1',
      });
      expect(await store.get('SELECT vitamin_a FROM visit_notes')).toEqual({ vitamin_a: 1 });
      const budi = await store.get<{ birth_date: string; nik: string }>(
        "SELECT birth_date, nik FROM children WHERE name = 'Budi'",
      );
      expect(budi).toEqual({ birth_date: '2025-01-12', nik: '3201234567890123' });
      const skdn = computeSkdn(await loadReportData(store, 'pos-1'), {
        posyanduId: 'pos-1',
        month: '2026-10',
        settings: defaultReportSettings,
      });
      const status = Object.fromEntries(skdn.rows.map((r) => [r.child.name, r.outcome?.status]));
      expect(status.Ani).toBe('N');
    } finally {
      await store.close();
    }

    stderr.length = 0;
    expect(await run(args(db))).toBe(1);
    expect(stderr.join('')).toContain('children 0 added, 4 already known; visits 0 added, 3 already stored');
    const again = await openDb(db, { durable: false });
    try {
      expect(await again.get('SELECT count(*) AS n FROM measurements')).toEqual({ n: 3 });
      expect(await again.get('SELECT count(*) AS n FROM children')).toEqual({ n: 4 });
    } finally {
      await again.close();
    }
  });

  it('queues the imported rows for MQTT only with --publish', async () => {
    const db = join(dir.path, 'published.db');
    expect(await run(args(db, '--publish'))).toBe(1);
    const store = await openDb(db, { durable: false });
    try {
      expect(await store.all('SELECT kind, count(*) AS n FROM outbox GROUP BY kind ORDER BY kind')).toEqual([
        { kind: 'child', n: 4 },
        { kind: 'measurement', n: 3 },
      ]);
      // Citra's address (dusun Krajan, RT 3) and her vitamin A note stay on the gateway.
      const payloads = await store.all<{ payload: string }>('SELECT payload FROM outbox');
      for (const { payload } of payloads) {
        expect(payload).not.toContain('Krajan');
        expect(payload).not.toMatch(/vitamin|dusun|"rt"|phone/);
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a weighing dated in the future, naming its line', async () => {
    const db = join(dir.path, 'future.db');
    const future = join(dir.path, 'future.csv');
    await writeFile(
      future,
      `${history.split('\r\n')[0]}\r\nK01,Ani,P,2026-03-10,Siti,y,,2099-01-01,9.0,70.0,l,,,,,\r\n`,
    );
    stderr.length = 0;
    expect(await run(['--db', db, '--posyandu', 'pos-1', '--village', 'desa-1', '--in', future])).toBe(1);
    expect(stderr.join('')).toContain('future.csv:2: date: 2099-01-01 is in the future');
  });

  it('writes nothing when the file is unreadable', async () => {
    const db = join(dir.path, 'untouched.db');
    const broken = join(dir.path, 'broken.csv');
    await writeFile(broken, 'child_ref,name\r\nK01,"Ani');
    stderr.length = 0;
    expect(await run(['--db', db, '--posyandu', 'pos-1', '--village', 'desa-1', '--in', broken])).toBe(2);
    expect(stderr.join('')).toContain('broken.csv:2: a quoted field is not closed; nothing written');
    expect(await run(['--db', db, '--posyandu', 'pos-1', '--in', join(dir.path, 'missing.csv')])).toBe(2);
    const wrong = join(dir.path, 'wrong.csv');
    await writeFile(wrong, 'child_ref,name,sex\r\nK01,Ani,P\r\n');
    expect(await run(['--db', db, '--posyandu', 'pos-1', '--village', 'desa-1', '--in', wrong])).toBe(2);
    expect(stderr.join('')).toContain('the header lacks the column(s) birth_date, mother_name');
    expect(existsSync(db)).toBe(false);
  });

  it("reads back Tikar's own e-PPGBM by-name export (one visit per row, children by name and birth date)", async () => {
    // listsFixture: 14 measurements of 8 children (Fajar was never weighed), September to November 2026.
    const data = listsFixture();
    const rows = eppgbmRows(data, {
      fromMonth: '2026-09',
      toMonth: '2026-11',
      settings: defaultReportSettings,
    });
    const exported = join(dir.path, 'roundtrip.csv');
    await writeFile(exported, eppgbmCsv(rows, {}, { bom: true, decimalComma: true }, undefined, 'eppgbm'));
    const db = join(dir.path, 'roundtrip.db');
    expect(await run(['--db', db, '--posyandu', 'pos-1', '--village', 'desa-1', '--in', exported])).toBe(0);
    const store = await openDb(db, { durable: false });
    try {
      expect(await store.get('SELECT count(*) AS n FROM measurements')).toEqual({ n: rows.length });
      expect(await store.get('SELECT count(*) AS n FROM children')).toEqual({ n: 8 });
      expect(await store.get("SELECT weight_kg FROM measurements WHERE measured_on = '2026-11-12'")).toEqual({
        weight_kg: 7,
      });
    } finally {
      await store.close();
    }
  });

  it('reads an e-PPGBM by-name export (semicolons, decimal commas, DD/MM/YYYY)', async () => {
    const db = join(dir.path, 'eppgbm.db');
    const export_ = join(dir.path, 'eppgbm.csv');
    await writeFile(
      export_,
      '\uFEFFNIK;Nama;JK;Tgl Lahir;Nama Ortu;RT;RW;Tanggal Pengukuran;Berat;Tinggi;Cara Ukur\r\n' +
        '3201234567890123;Budi;L;12/01/2025;Rina;002;001;10/10/2026;10,2;79,5;terlentang\r\n' +
        '3201234567890123;Budi;L;12/01/2025;Rina;002;001;09/11/2026;10,5;80,1;terlentang\r\n' +
        ';Sari;P;01/02/2026;Nia;;;09/11/2026;7,1;64,2;terlentang\r\n',
    );
    expect(await run(['--db', db, '--posyandu', 'pos-1', '--village', 'desa-1', '--in', export_])).toBe(0);
    expect(await run(['--db', db, '--posyandu', 'pos-1', '--village', 'desa-1', '--in', export_])).toBe(0);
    const store = await openDb(db, { durable: false });
    try {
      expect(await store.get('SELECT count(*) AS n FROM measurements')).toEqual({ n: 3 });
      expect(
        await store.all(
          "SELECT weight_kg, position FROM measurements WHERE measured_on = '2026-11-09' ORDER BY weight_kg",
        ),
      ).toEqual([
        { weight_kg: 7.1, position: 'l' },
        { weight_kg: 10.5, position: 'l' },
      ]);
    } finally {
      await store.close();
    }
  });
});
