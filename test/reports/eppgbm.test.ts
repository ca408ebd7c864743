import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { eppgbmByNameColumns, eppgbmColumns, eppgbmCsv, eppgbmRows } from '../../gateway/reports/eppgbm.ts';
import { eppgbmXlsx } from '../../gateway/reports/eppgbm-xlsx.ts';
import { defaultReportSettings } from '../../gateway/reports/settings.ts';
import { address, child, measurement, skdnFixture, visitNote } from './fixtures.ts';

const place = {
  provinsi: 'Nusa Tenggara Timur',
  kabupatenKota: 'Kupang',
  kecamatan: 'Kupang Tengah',
  puskesmas: 'Tarus',
  desaKelurahan: 'Noelbaki',
  posyandu: 'Mawar',
};

const headers = [
  'NIK',
  'Nama',
  'JK',
  'Tgl Lahir',
  'BB Lahir',
  'TB Lahir',
  'Nama Ortu',
  'Prov',
  'Kab/Kota',
  'Kec',
  'Puskesmas',
  'Desa/Kel',
  'Posyandu',
  'RT',
  'RW',
  'Alamat',
  'Tanggal Pengukuran',
  'Usia Saat Ukur',
  'Berat',
  'Tinggi',
  'Cara Ukur',
  'LiLA',
  'BB/U',
  'ZS BB/U',
  'TB/U',
  'ZS TB/U',
  'BB/TB',
  'ZS BB/TB',
  'Naik Berat Badan',
];

function data() {
  const children = [
    child({ id: 'Z', birth_date: '2024-08-31', sex: 2, nik: '5301010101010001', name: 'Siti, "Ani"' }),
  ];
  const measurements = [
    measurement({ child_id: 'Z', measured_on: '2026-10-05', weight_kg: 10.1 }),
    // Born 2024-08-31, measured 2026-11-09: 2 years 2 months 9 days (Oct has 30 days: Oct 31 -> Nov 9)
    measurement({
      child_id: 'Z',
      measured_on: '2026-11-09',
      weight_kg: 10.35,
      lenhei_cm: 83.15,
      position: 'h',
      zwei: -1.234,
      fwei: 0,
      zlen: -2.5,
      flen: 0,
      zwfl: -0.3,
      fwfl: 0,
    }),
  ];
  return { children, measurements };
}

/**
 * "| column | source |" rows of docs/reports.md before or after the by-name layout's heading (the formatter
 * pads cells; "\\|" is a literal bar inside a cell).
 */
async function documentedSources(
  where: 'before' | 'after',
): Promise<Map<string | undefined, string | undefined>> {
  const whole = await readFile(new URL('../../docs/reports.md', import.meta.url), 'utf8');
  const at = whole.indexOf('### e-PPGBM by-name layout');
  return new Map(
    (where === 'before' ? whole.slice(0, at) : whole.slice(at))
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) =>
        line
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((cell) => cell.trim().replaceAll('\\|', '|')),
      )
      .map((cells) => [cells[0], cells[1]]),
  );
}

const options = {
  posyanduId: 'pos-1',
  fromMonth: '2026-11',
  toMonth: '2026-11',
  settings: defaultReportSettings,
};

describe('e-PPGBM export', () => {
  it('has the documented columns in order, each with its source in docs/reports.md', async () => {
    expect(eppgbmColumns.map((c) => c.header)).toEqual(headers);
    // Tikar's layout table only (the by-name layout's own table follows its heading).
    const documented = await documentedSources('before');
    for (const column of eppgbmColumns) expect(documented.get(column.header)).toBe(column.source);
  });

  it('writes a row with age text, position, labels, z and weight gain', () => {
    const csv = eppgbmCsv(eppgbmRows(data(), options), place);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(headers.join(','));
    // Gain 10.10 -> 10.35 = 250 g at 26 months, KBM 200 g -> N
    expect(lines[1]).toBe(
      '5301010101010001,"Siti, ""Ani""",P,2024-08-31,,,Ibu Z,Nusa Tenggara Timur,Kupang,Kupang Tengah,Tarus,Noelbaki,' +
        'Mawar,,,,2026-11-09,2 Tahun - 2 Bulan - 9 Hari,10.35,83.2,berdiri,,Berat badan normal,-1.23,Pendek,-2.5,' +
        'Gizi baik,-0.3,N',
    );
    expect(lines).toHaveLength(3);
  });

  it('offers decimal comma with ; between fields and a BOM', () => {
    const csv = eppgbmCsv(eppgbmRows(data(), options), place, { decimalComma: true, bom: true });
    expect(csv.startsWith('\uFEFFNIK;Nama;JK')).toBe(true);
    expect(csv).toContain(';10,35;83,2;berdiri;;Berat badan normal;-1,23;Pendek;-2,5;Gizi baik;-0,3;N\r\n');
    expect(csv).toContain(';"Siti, ""Ani""";'); // quotes inside still need quoting
  });

  it('marks only the month’s last weighing with N/T/O/B', () => {
    const rows = eppgbmRows(skdnFixture(), { ...options, fromMonth: '2026-10' });
    const k = rows.filter((r) => r.child.id === 'K').map((r) => [r.measurement.id, r.weighStatus]);
    expect(k).toEqual([
      [expect.any(String), 'B'], // October: K's first weighing
      ['k-fixed', 'N'],
    ]);
    const l = rows.filter((r) => r.child.id === 'L').map((r) => r.weighStatus);
    expect(l).toEqual(['B', undefined]); // November was length only
  });

  it('writes XLSX with the same cells, numbers as numbers and NIK as text', async () => {
    const bytes = await eppgbmXlsx(eppgbmRows(data(), options), place);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const sheet = workbook.getWorksheet('e-PPGBM');
    expect(sheet?.getRow(1).values).toEqual([undefined, ...headers]);
    const row = sheet?.getRow(2);
    expect(row?.getCell(1).value).toBe('5301010101010001');
    expect(row?.getCell(18).value).toBe('2 Tahun - 2 Bulan - 9 Hari');
    expect(row?.getCell(19).value).toBe(10.35);
    expect(row?.getCell(26).value).toBe(-2.5);
    expect(row?.getCell(29).value).toBe('N');
    expect(sheet?.rowCount).toBe(2);
  });
});

describe('e-PPGBM by-name layout', () => {
  // The column order of real by-name exports (DOMAIN.md), Tikar's values where it holds them.
  const byNameHeaders = [
    'NIK',
    'Nama',
    'JK',
    'Tgl Lahir',
    'BB Lahir',
    'TB Lahir',
    'Nama Ortu',
    'Prov',
    'Kab/Kota',
    'Kec',
    'Pukesmas',
    'Desa/Kel',
    'Posyandu',
    'RT',
    'RW',
    'Alamat',
    'Usia Saat Ukur',
    'Tanggal Pengukuran',
    'Bulan Pengukuran',
    'Status Bulan',
    'status tahun',
    'Berat',
    'Tinggi',
    'Cara Ukur',
    'LiLA',
    'BB/U',
    'ZS BB/U',
    'TB/U',
    'ZS TB/U',
    'BB/TB',
    'ZS BB/TB',
    'Naik Berat Badan',
    'PMT Diterima (kg)',
    'Jml Vit A',
    'KPSP',
    'KIA',
    'Detail Status',
  ];

  it('has the columns of real exports in order, each documented', async () => {
    expect(eppgbmByNameColumns.map((c) => c.header)).toEqual(byNameHeaders);
    const documented = await documentedSources('after');
    // Columns shared with Tikar's layout are documented in its table ("as in Tikar's layout" here).
    const own = eppgbmByNameColumns.filter((column) => !eppgbmColumns.includes(column));
    expect(own.map((c) => c.header)).toContain('Jml Vit A');
    for (const column of own) expect(documented.get(column.header), column.header).toBe(column.source);
  });

  it('fills address, month name, vitamin A doses, KIA and "Outlier" for a flagged value', () => {
    // Child Z (has a Buku KIA): address Dusun Oeleta RT 004 RW 002; vitamin A recorded 2026-02-10 (given) and
    // 2026-08-12 (given), and 2025-08-11 (last year: not counted) -> 2 doses by 2026-11-09.
    // A second visit 2026-11-20 with a length flagged implausible: TB/U "Outlier", and BB/TB "Outlier" as its
    // BB/TB comes from that length.
    const base = data();
    const flagged = measurement({
      child_id: 'Z',
      measured_on: '2026-11-20',
      weight_kg: 10.4,
      lenhei_cm: 60.0,
      zlen: -9.1,
      flen: 1,
      zwfl: 3.2,
      fwfl: 0,
      zwei: -1.2,
      fwei: 0,
    });
    const withDetails = {
      ...base,
      measurements: [...base.measurements, flagged],
      addresses: new Map([['Z', address('Z', { dusun: 'Oeleta', rt: '004', rw: '002', phone: null })]]),
      visitNotes: [
        visitNote('Z', '2025-08-11', { vitamin_a: 1 }),
        visitNote('Z', '2026-02-10', { vitamin_a: 1 }),
        visitNote('Z', '2026-08-12', { vitamin_a: 1 }),
      ],
    };
    const lines = eppgbmCsv(eppgbmRows(withDetails, options), place, {}, undefined, 'eppgbm').split('\r\n');
    expect(lines[0]).toBe(byNameHeaders.join(','));
    const cells = (line: string | undefined) =>
      Object.fromEntries(
        byNameHeaders.map((h, i) => [h, (line ?? '').split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)[i]]),
      );
    const first = cells(lines[1]);
    expect(first).toMatchObject({
      Pukesmas: 'Tarus',
      RT: '004',
      RW: '002',
      Alamat: 'Dusun Oeleta',
      'Bulan Pengukuran': 'November',
      'Jml Vit A': '2',
      KIA: 'Ya',
      'TB/U': 'Pendek',
      'PMT Diterima (kg)': '',
    });
    const second = cells(lines[2]);
    expect(second).toMatchObject({ 'TB/U': 'Outlier', 'ZS TB/U': '', 'BB/TB': 'Outlier', 'ZS BB/TB': '' });
    // Tikar's layout is unchanged apart from the address it now holds.
    expect(eppgbmCsv(eppgbmRows(withDetails, options), place).split('\r\n')[0]).toBe(headers.join(','));
  });
});
