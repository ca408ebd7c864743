// KPM growth-mat recap as CSV (three tables) and as a printable A4 page.
import { type CsvCell, type CsvOptions, round, toCsv } from './csv.ts';
import { escapeHtml, formatDay, formatDecimal, formatMonth, renderPage, renderTable } from './html.ts';
import type { RecapTable } from './kinds.ts';
import {
  type MatResultRow,
  matColourHeadings,
  matColourLabels,
  matColours,
  type RecapReport,
} from './recap.ts';
import type { ReportSettings } from './settings.ts';
import { placeLine } from './skdn-output.ts';
import type { ReportPlace } from './types.ts';

export { type RecapTable, recapTables } from './kinds.ts';

const childHeader = [
  'pseudo_id',
  'name',
  'sex',
  'birth_date',
  'age_months',
  'measured_on',
  'position',
  'lenhei_cm',
  'zlen',
  'colour',
  'unusable',
];

function childCells(row: MatResultRow): CsvCell[] {
  const m = row.measurement;
  return [
    row.child.pseudo_id,
    row.child.name,
    row.child.sex === 1 ? 'L' : 'P',
    row.child.birth_date,
    row.ageMonths,
    m?.measured_on,
    m ? (m.position === 'l' ? 'terlentang' : 'berdiri') : undefined,
    round(m?.lenhei_cm, 1),
    round(row.zlen, 2),
    matColourLabels[row.colour],
    row.unusable ? 1 : 0,
  ];
}

export function recapCsv(report: RecapReport, table: RecapTable, options: CsvOptions = {}): string {
  if (table === 'monthly') return toCsv(childHeader, report.monthly.map(childCells), options);
  if (table === 'quarter-children') return toCsv(childHeader, report.quarter.rows.map(childCells), options);
  const { quarter } = report;
  return toCsv(
    ['posyandu_id', 'quarter', 'colour', 'count', 'total'],
    matColours.map((colour) => [
      report.posyanduId ?? 'all',
      quarter.label,
      matColourLabels[colour],
      quarter.counts[colour],
      quarter.total,
    ]),
    options,
  );
}

function childTable(rows: readonly MatResultRow[]): string {
  return renderTable(
    ['Nama', 'JK', 'Umur (bln)', 'Tgl ukur', 'Cara ukur', 'PB/TB (cm)', 'Z TB/U', 'Hasil', 'ID'],
    rows.map((row) => {
      const m = row.measurement;
      const label = matColourLabels[row.colour] + (row.unusable ? ' (z tidak layak)' : '');
      return [
        escapeHtml(row.child.name),
        row.child.sex === 1 ? 'L' : 'P',
        String(row.ageMonths),
        m ? escapeHtml(formatDay(m.measured_on)) : '–',
        m ? (m.position === 'l' ? 'terlentang' : 'berdiri') : '–',
        formatDecimal(m?.lenhei_cm, 1),
        formatDecimal(row.zlen, 2),
        `<span class="swatch ${row.colour}"></span>${escapeHtml(label)}`,
        escapeHtml(row.child.pseudo_id),
      ];
    }),
    { numeric: new Set([2, 5, 6]), wrap: new Set([0, 7]), id: new Set([8]), stack: true },
  );
}

export function renderRecapHtml(
  report: RecapReport,
  place: ReportPlace,
  settings: ReportSettings,
  generatedAt?: Date,
): string {
  const { quarter } = report;
  const { greenMinZ, yellowMinZ } = settings.matColours;
  const counts = renderTable(
    ['Hasil tikar pertumbuhan', 'Jumlah anak', '%'],
    matColours.map((colour) => [
      `<span class="swatch ${colour}"></span>${escapeHtml(matColourHeadings[colour])}`,
      String(quarter.counts[colour]),
      quarter.total === 0 ? '–' : formatDecimal((100 * quarter.counts[colour]) / quarter.total, 1),
    ]),
    { numeric: new Set([1, 2]), wrap: new Set([0]) },
    ['Jumlah', String(quarter.total), quarter.total === 0 ? '–' : '100,0'],
  );
  const body = `<h2>Rekap 3 bulanan ${escapeHtml(quarter.label)} (${escapeHtml(formatMonth(quarter.months[0]))} s.d. ${escapeHtml(formatMonth(quarter.months[2]))})</h2>
${counts}
<p class="note">Warna dari panjang/tinggi badan yang diukur dan z-skor TB/U (WHO 2006): Hijau z ≥ ${formatDecimal(greenMinZ, 1)},
Kuning ${formatDecimal(yellowMinZ, 1)} ≤ z &lt; ${formatDecimal(greenMinZ, 1)}, Merah z &lt; ${formatDecimal(yellowMinZ, 1)}
(pengaturan; tanda pada tikar pertumbuhan kertas edisi kabupaten yang menentukan). Tidak diukur: tidak ada pengukuran panjang dalam
3 bulan ini, atau z ditandai tidak layak (pengukuran perlu diulang). Anak 0–23 bulan pada triwulan ini.</p>
${childTable(quarter.rows)}
<h2>Daftar bulanan anak 0–23 bulan, ${escapeHtml(formatMonth(report.month))}</h2>
${childTable(report.monthly)}`;
  return renderPage({
    title: `Rekap tikar pertumbuhan (KPM) ${formatMonth(report.month)}`,
    meta: placeLine(place, `bulan ${formatMonth(report.month)}, triwulan ${quarter.label}`),
    body,
    ...(generatedAt ? { generatedAt } : {}),
  });
}
