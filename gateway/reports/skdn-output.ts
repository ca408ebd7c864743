// SKDN as CSV (one summary row, snake_case columns) and as a printable A4 page with the per-child list.
import { type CsvOptions, round, toCsv } from './csv.ts';
import { escapeHtml, formatDecimal, formatMonth, formatPercent, renderPage, renderTable } from './html.ts';
import type { SkdnReport } from './skdn.ts';
import type { ReportPlace } from './types.ts';

export const skdnCsvHeader = [
  'posyandu_id',
  'month',
  's',
  'k',
  'd',
  'n',
  't',
  'o',
  'b',
  'd_prime',
  'k_over_s_pct',
  'd_over_s_pct',
  'n_over_d_pct',
  'n_over_d_prime_pct',
  'n_over_s_pct',
  'registered',
  'd_over_k_pct',
  'two_t',
  'bgm',
  'bgm_over_d_pct',
] as const;

export function skdnCsv(report: SkdnReport, options: CsvOptions = {}): string {
  const { ratios } = report;
  return toCsv(
    skdnCsvHeader,
    [
      [
        report.posyanduId ?? 'all',
        report.month,
        report.s,
        report.k,
        report.d,
        report.n,
        report.t,
        report.o,
        report.b,
        report.dPrime,
        round(ratios.kOverS, 1),
        round(ratios.dOverS, 1),
        round(ratios.nOverD, 1),
        round(ratios.nOverDPrime, 1),
        round(ratios.nOverS, 1),
        report.registered,
        round(ratios.dOverK, 1),
        report.twoT,
        report.bgm,
        round(ratios.bgmOverD, 1),
      ],
    ],
    options,
  );
}

export function placeLine(place: ReportPlace, period: string): string {
  if (place.posyanduId === undefined) {
    return `Semua posyandu${place.villageName ? `, Desa/Kel. ${place.villageName}` : ''} · ${period}`;
  }
  const name = place.posyanduName ? `${place.posyanduName} (${place.posyanduId})` : place.posyanduId;
  return `Posyandu ${name}${place.villageName ? `, Desa/Kel. ${place.villageName}` : ''} · ${period}`;
}

export function renderSkdnHtml(report: SkdnReport, place: ReportPlace, generatedAt?: Date): string {
  const count = (n: number): string => String(n);
  const summary = renderTable(
    ['S', 'K', 'D', 'N', 'T', 'O', 'B', "D'"],
    [[report.s, report.k, report.d, report.n, report.t, report.o, report.b, report.dPrime].map(count)],
    { numeric: new Set([0, 1, 2, 3, 4, 5, 6, 7]) },
  );
  const { ratios } = report;
  const ratioTable = renderTable(
    ['Rasio', 'Arti', 'Nilai'],
    [
      ['K/S', 'cakupan Buku KIA / KMS', formatPercent(ratios.kOverS)],
      ['D/S', 'partisipasi penimbangan', formatPercent(ratios.dOverS)],
      ['D/K', 'kelangsungan penimbangan', formatPercent(ratios.dOverK)],
      ['N/D', 'naik di antara yang ditimbang', formatPercent(ratios.nOverD)],
      ["N/D'", 'naik di antara yang ditimbang bulan lalu dan bulan ini', formatPercent(ratios.nOverDPrime)],
      ['N/S', 'naik di antara semua balita', formatPercent(ratios.nOverS)],
      ['2T', 'tidak naik dua bulan berturut-turut (rujuk)', String(report.twoT)],
      [
        'BGM/D',
        'di bawah garis merah (BB/U < −3 SD) di antara yang ditimbang',
        `${report.bgm} (${formatPercent(ratios.bgmOverD)})`,
      ],
    ].map(([a, b, c]) => [escapeHtml(a as string), escapeHtml(b as string), escapeHtml(c as string)]),
    { numeric: new Set([2]), wrap: new Set([1]) },
  );
  const rows = report.rows.map(({ child, outcome, ageMonths, twoT }) => {
    // The name leads; the record id (for finding the row in an export) comes last, in small print.
    return [
      escapeHtml(child.name),
      String(ageMonths),
      formatDecimal(outcome?.weighed.weight_kg, 2),
      formatDecimal(outcome?.previous?.weight_kg, 2),
      formatDecimal(outcome?.gainG, 0),
      outcome?.kbmG === undefined ? '–' : String(outcome.kbmG),
      outcome ? outcome.status : 'tidak ditimbang',
      twoT ? '2T: rujuk' : '',
      escapeHtml(child.pseudo_id),
    ];
  });
  const children = renderTable(
    ['Nama', 'Umur (bln)', 'BB (kg)', 'BB bln lalu', 'Naik (g)', 'KBM (g)', 'Status', 'Catatan', 'ID'],
    rows,
    { numeric: new Set([1, 2, 3, 4, 5]), wrap: new Set([0, 3, 6, 7]), id: new Set([8]), stack: true },
  );
  const body = `<h2>Ringkasan SKDN</h2>
${summary}
${ratioTable}
<p class="note">${
    report.sasaranUsed
      ? `S = sasaran ${report.s} balita; terdaftar ${report.registered} (daftar anak di bawah)`
      : 'S balita terdaftar (0–59 bulan pada bulan ini)'
  } · K punya Buku KIA/KMS · D ditimbang bulan ini ·
N naik ≥ KBM sejak bulan lalu · T tidak naik · O tidak ditimbang bulan lalu · B baru pertama kali ditimbang ·
D' = N + T. D = N + T + O + B.</p>
<h2>Daftar anak</h2>
${children}`;
  return renderPage({
    title: `Laporan SKDN ${formatMonth(report.month)}`,
    meta: placeLine(place, `bulan ${formatMonth(report.month)}`),
    body,
    ...(generatedAt ? { generatedAt } : {}),
  });
}
