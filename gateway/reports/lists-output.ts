// The lists (rujukan, kunjungan rumah, KPM 2.B) and the F2 table as CSV and as printable A4 pages.
import { type CsvCell, type CsvOptions, round, toCsv } from './csv.ts';
import { type F2Letter, type F2Report, f2AgeGroups, f2LetterLabels, f2Letters } from './f2.ts';
import type { HomeVisitList } from './home-visits.ts';
import { escapeHtml, formatDecimal, formatPercent, renderPage, renderTable } from './html.ts';
import type { Kpm2bReport } from './kpm-2b.ts';
import { matColourLabels } from './recap.ts';
import { type ReferralList, referralReasonLabels } from './referrals.ts';
import { placeLine } from './skdn-output.ts';
import type { ReportChild, ReportPlace } from './types.ts';

const sexLetter = (sex: 1 | 2): string => (sex === 1 ? 'L' : 'P');

/** The columns every list's CSV starts with: who the child is, and its age (report age rule). */
const childHeader = ['pseudo_id', 'name', 'sex', 'birth_date', 'age_months'] as const;
const childCells = (child: ReportChild, ageMonths: number): CsvCell[] => [
  child.pseudo_id,
  child.name,
  sexLetter(child.sex),
  child.birth_date,
  ageMonths,
];
const yesNo = (value: boolean): string => (value ? 'ya' : 'tidak');
const page = (title: string, month: string, place: ReportPlace, body: string, generatedAt?: Date) =>
  renderPage({
    title: `${title} ${month}`,
    meta: placeLine(place, `bulan ${month}`),
    body,
    ...(generatedAt ? { generatedAt } : {}),
  });

export function referralCsv(list: ReferralList, options: CsvOptions = {}): string {
  return toCsv(
    [
      ...childHeader,
      'mother_name',
      'weighed_on',
      'weight_kg',
      'weigh_status',
      'zwei',
      'zwfl',
      'zlen',
      'oedema',
      'reasons',
    ],
    list.rows.map(({ child, ageMonths, signs }) => [
      ...childCells(child, ageMonths),
      child.mother_name,
      signs.outcome?.weighed.measured_on,
      round(signs.outcome?.weighed.weight_kg, 2),
      signs.outcome?.status,
      round(signs.zwei, 2),
      round(signs.zwfl, 2),
      round(signs.zlen, 2),
      signs.oedema ? 1 : 0,
      signs.reasons.join(' '),
    ]),
    options,
  );
}

export function renderReferralHtml(list: ReferralList, place: ReportPlace, generatedAt?: Date): string {
  const table = renderTable(
    ['Nama', 'JK', 'Umur (bln)', 'Nama ibu', 'BB (kg)', 'Status BB', 'Alasan rujuk'],
    list.rows.map(({ child, ageMonths, signs }) => [
      escapeHtml(child.name ?? child.pseudo_id),
      sexLetter(child.sex),
      String(ageMonths),
      escapeHtml(child.mother_name ?? '–'),
      formatDecimal(signs.outcome?.weighed.weight_kg, 2),
      signs.outcome?.status ?? '–',
      signs.reasons.map((r) => escapeHtml(referralReasonLabels[r])).join('<br>'),
    ]),
    { numeric: new Set([2, 4]), wrap: new Set([0, 3, 6]) },
  );
  const body = `<h2>Anak yang perlu dirujuk ke tenaga kesehatan (${list.rows.length})</h2>
${table}
<p class="note">Buku KIA 2023 "Rujuk bila": berat badan tidak naik (T, sekali pun), di bawah garis merah (BGM,
BB/U &lt; −3 SD). Juga 2T (dua bulan berturut-turut T, F2), gizi kurang/buruk (BB/TB &lt; −2 SD; edema = gizi
buruk) dan pendek/sangat pendek (TB/U &lt; −2 SD), Permenkes 2/2020, z-skor WHO 2006. Nilai "ukur ulang" tidak
menjadi alasan. Umur: kolom bulan KMS.</p>`;
  return page('Daftar rujukan', list.month, place, body, generatedAt);
}

export function homeVisitCsv(list: HomeVisitList, options: CsvOptions = {}): string {
  return toCsv(
    [
      ...childHeader,
      'mother_name',
      'dusun',
      'rw',
      'rt',
      'phone',
      'last_weighed_on',
      'months_since',
      'two_months_or_more',
    ],
    list.rows.map((row) => [
      ...childCells(row.child, row.ageMonths),
      row.child.mother_name,
      row.address?.dusun,
      row.address?.rw,
      row.address?.rt,
      row.address?.phone,
      row.lastWeighed?.measured_on,
      row.monthsSince,
      row.twoMonthsOrMore ? 1 : 0,
    ]),
    options,
  );
}

export function renderHomeVisitHtml(list: HomeVisitList, place: ReportPlace, generatedAt?: Date): string {
  const table = renderTable(
    ['Nama', 'JK', 'Umur (bln)', 'Nama ibu', 'Dusun', 'RT/RW', 'Telepon', 'Terakhir ditimbang', 'Catatan'],
    list.rows.map((row) => [
      escapeHtml(row.child.name ?? row.child.pseudo_id),
      sexLetter(row.child.sex),
      String(row.ageMonths),
      escapeHtml(row.child.mother_name ?? '–'),
      escapeHtml(row.address?.dusun ?? '–'),
      row.address?.rt || row.address?.rw
        ? `${escapeHtml(row.address.rt ?? '–')}/${escapeHtml(row.address.rw ?? '–')}`
        : '–',
      escapeHtml(row.address?.phone ?? '–'),
      row.lastWeighed ? escapeHtml(row.lastWeighed.measured_on) : 'belum pernah',
      row.twoMonthsOrMore ? '≥ 2 bulan tidak ditimbang' : '',
    ]),
    { numeric: new Set([2]), wrap: new Set([0, 3, 4, 8]) },
  );
  const long = list.rows.filter((r) => r.twoMonthsOrMore).length;
  const body = `<h2>Balita (S) yang tidak ditimbang bulan ini: ${list.rows.length}, di antaranya ${long} sudah 2 bulan atau lebih</h2>
${table}
<p class="note">Urut dusun, RW, RT untuk kunjungan rumah. Alamat dan telepon hanya disimpan di gateway posyandu.</p>`;
  return page('Daftar kunjungan rumah', list.month, place, body, generatedAt);
}

const f2Header = [
  'letter',
  ...f2AgeGroups.flatMap((g) => [`${g.label}_L`, `${g.label}_P`]),
  'total_L',
  'total_P',
  'total',
];

function f2Cells(report: F2Report, letter: F2Letter): number[] {
  return [...report.counts[letter].flat(), ...report.totals[letter]];
}

export function f2Csv(report: F2Report, options: CsvOptions = {}): string {
  return toCsv(
    f2Header,
    f2Letters.map((letter) => [
      letter === 'dPrime' ? 'd_prime' : letter === 'twoT' ? '2t' : letter,
      ...f2Cells(report, letter),
    ]),
    options,
  );
}

export function renderF2Html(report: F2Report, place: ReportPlace, generatedAt?: Date): string {
  const { skdn } = report;
  const head = ['', ...f2AgeGroups.flatMap((g) => [`${g.label} L`, `${g.label} P`]), 'L', 'P', 'L+P'];
  const numeric = new Set(head.map((_, i) => i).filter((i) => i > 0));
  const table = renderTable(
    head,
    f2Letters.map((letter) => [escapeHtml(f2LetterLabels[letter]), ...f2Cells(report, letter).map(String)]),
    { numeric },
  );
  const ratios = renderTable(
    ['Rasio', 'Nilai'],
    [
      ['K/S', formatPercent(skdn.ratios.kOverS)],
      ['D/S', formatPercent(skdn.ratios.dOverS)],
      ['D/K', formatPercent(report.ratios.dOverK)],
      ['N/D', formatPercent(skdn.ratios.nOverD)],
      ['BGM/D', formatPercent(report.ratios.bgmOverD)],
      ['2T', String(skdn.twoT)],
    ],
    { numeric: new Set([1]) },
  );
  const sasaran = skdn.sasaranUsed
    ? `<p class="note">S untuk rasio = sasaran ${skdn.s} balita (terdaftar ${skdn.registered}); tabel menghitung balita terdaftar.</p>`
    : '';
  const body = `<h2>Rekapitulasi hasil penimbangan bayi balita (F2) menurut umur (bulan) dan jenis kelamin</h2>
${table}
${ratios}
${sasaran}
<p class="note">Umur: kolom bulan KMS pada penimbangan bulan ini. 2T: tidak naik dua bulan berturut-turut.
BGM: di bawah garis merah, BB/U &lt; −3 SD (WHO 2006). Konfirmasi BGM dan 2T oleh tenaga kesehatan.</p>`;
  return page('SKDN (F2)', skdn.month, place, body, generatedAt);
}

export function kpm2bCsv(report: Kpm2bReport, options: CsvOptions = {}): string {
  return toCsv(
    [
      ...childHeader,
      'status_gizi',
      'weighed',
      'length_measured',
      'mat_colour',
      'weighed_routinely',
      'lengths_in_year',
    ],
    report.rows.map((row) => [
      ...childCells(row.child, row.ageMonths),
      row.statusGizi.join(' '),
      row.weighed ? 1 : 0,
      row.lengthMeasured ? 1 : 0,
      matColourLabels[row.mat.colour],
      row.weighedRoutinely ? 1 : 0,
      row.lengthsInYear,
    ]),
    options,
  );
}

export function renderKpm2bHtml(report: Kpm2bReport, place: ReportPlace, generatedAt?: Date): string {
  const table = renderTable(
    [
      'Nama',
      'JK',
      'Umur (bln)',
      'Status gizi',
      'Ditimbang',
      'PB/TB diukur',
      'Tikar',
      'Rutin',
      'PB/TB 12 bln',
    ],
    report.rows.map((row) => [
      escapeHtml(row.child.name ?? row.child.pseudo_id),
      sexLetter(row.child.sex),
      String(row.ageMonths),
      row.statusGizi.length > 0 ? row.statusGizi.join(', ') : '–',
      yesNo(row.weighed),
      yesNo(row.lengthMeasured),
      `<span class="swatch ${row.mat.colour}"></span>${escapeHtml(matColourLabels[row.mat.colour])}${row.mat.unusable ? ' (ukur ulang)' : ''}`,
      yesNo(row.weighedRoutinely),
      `${row.lengthsInYear}×`,
    ]),
    { numeric: new Set([2, 8]), wrap: new Set([0]) },
  );
  const i = report.indicators;
  const indicators = renderTable(
    ['Indikator (scorecard KPM)', 'Anak', 'dari', '%'],
    [
      [
        'Anak 0–23 bulan ditimbang rutin',
        String(i.weighedRoutinely),
        String(i.children),
        formatPercent(i.weighedRoutinelyPct),
      ],
      [
        'PB/TB diukur ≥ 2× setahun',
        String(i.lengthTwiceAYear),
        String(i.children),
        formatPercent(i.lengthTwiceAYearPct),
      ],
    ],
    { numeric: new Set([1, 2, 3]), wrap: new Set([0]) },
  );
  const body = `<h2>Formulir 2.B: anak 0–23 bulan</h2>
${table}
${indicators}
<p class="note">Status gizi: N normal, GK gizi kurang (BB/TB −3 s.d. &lt; −2 SD), GB gizi buruk (&lt; −3 SD atau edema),
S stunting (TB/U &lt; −2 SD), Permenkes 2/2020 dengan z-skor WHO 2006; "–" bila bulan ini tidak ada z yang layak.
Ditimbang rutin: ditimbang setiap bulan dalam 3 bulan terakhir (pengaturan). PB/TB 12 bln: hari pengukuran
panjang/tinggi dalam 12 bulan terakhir.</p>`;
  return page('KPM formulir 2.B', report.month, place, body, generatedAt);
}
