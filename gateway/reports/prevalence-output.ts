// Prevalence as CSV (one row per month and indicator over the trend) and as a printable page with the chart.
import { type CsvOptions, round, toCsv } from './csv.ts';
import { escapeHtml, formatMonth, formatPercent, renderPage, renderTable } from './html.ts';
import { type PrevalenceReport, prevalenceIndicators, prevalenceLabels } from './prevalence.ts';
import { placeLine } from './skdn-output.ts';
import { renderTrendSvg } from './trend-chart.ts';
import type { ReportPlace } from './types.ts';

const snake: Record<(typeof prevalenceIndicators)[number], string> = {
  stunting: 'stunting',
  severeStunting: 'severe_stunting',
  wasting: 'wasting',
  underweight: 'underweight',
};

export function prevalenceCsv(report: PrevalenceReport, options: CsvOptions = {}): string {
  const rows = report.trend.flatMap((month) =>
    prevalenceIndicators.map((name) => {
      const cell = month.cells[name];
      return [
        report.posyanduId ?? 'all',
        month.month,
        snake[name],
        cell.cases,
        cell.measured,
        round(cell.interval && cell.interval.proportion * 100, 2),
        round(cell.interval && cell.interval.lower * 100, 2),
        round(cell.interval && cell.interval.upper * 100, 2),
        month.s,
        round(cell.coveragePct, 1),
      ];
    }),
  );
  return toCsv(
    [
      'posyandu_id',
      'month',
      'indicator',
      'cases',
      'measured',
      'percent',
      'wilson95_lower_pct',
      'wilson95_upper_pct',
      's',
      'coverage_pct',
    ],
    rows,
    options,
  );
}

export function renderPrevalenceHtml(
  report: PrevalenceReport,
  place: ReportPlace,
  generatedAt?: Date,
): string {
  const current = renderTable(
    ['Indikator', 'Batas', 'Kasus', 'Diukur', 'Prevalensi', 'IK 95 % (Wilson)', 'Cakupan (diukur/S)'],
    prevalenceIndicators.map((name) => {
      const cell = report.current.cells[name];
      const interval = cell.interval;
      return [
        escapeHtml(prevalenceLabels[name].id),
        escapeHtml(prevalenceLabels[name].rule),
        String(cell.cases),
        String(cell.measured),
        formatPercent(interval && interval.proportion * 100),
        interval ? `${formatPercent(interval.lower * 100)} – ${formatPercent(interval.upper * 100)}` : '–',
        `${cell.measured}/${report.current.s} (${formatPercent(cell.coveragePct)})`,
      ];
    }),
    { numeric: new Set([2, 3, 4, 5, 6]), wrap: new Set([0, 6]), stack: true },
  );
  const trendRows = report.trend.map((month) => [
    escapeHtml(formatMonth(month.month, true)),
    ...prevalenceIndicators.map((name) => {
      const cell = month.cells[name];
      return cell.interval
        ? `${cell.cases}/${cell.measured} (${formatPercent(cell.interval.proportion * 100)}; cakupan ${formatPercent(cell.coveragePct, 0)})`
        : '–';
    }),
  ]);
  const trendTable = renderTable(
    ['Bulan', ...prevalenceIndicators.map((name) => prevalenceLabels[name].short)],
    trendRows,
    // Each cell holds cases/measured, the rate and the coverage: wrapped, so 12 months fit a tablet.
    { numeric: new Set([1, 2, 3, 4]), wrap: new Set([1, 2, 3, 4]), stack: true },
  );
  const body = `<h2>Bulan ${escapeHtml(formatMonth(report.month))}</h2>
${current}
<p class="note">Anak 0–59 bulan yang diukur bulan ini; per anak dipakai pengukuran terakhir bulan itu. Z-skor WHO 2006,
kategori Permenkes 2/2020. Nilai yang ditandai tidak masuk akal (WHO) tidak dihitung. Anak dengan edema dihitung
di bawah −3 SD untuk wasting dan underweight (aturan WHO). Interval kepercayaan 95 % Wilson.
S = ${report.current.s}${report.current.s === report.current.registered ? ' balita terdaftar' : ` (sasaran; terdaftar ${report.current.registered})`}; cakupan = diukur / S.</p>
<h2>Tren 12 bulan</h2>
<div class="wide-only">${renderTrendSvg(report.trend)}</div>
<div class="narrow-only">${renderTrendSvg(report.trend, { narrow: true })}</div>
${trendTable}`;
  return renderPage({
    title: `Prevalensi stunting, wasting, underweight ${formatMonth(report.month)}`,
    meta: placeLine(place, `bulan ${formatMonth(report.month)}`),
    body,
    ...(generatedAt ? { generatedAt } : {}),
  });
}
