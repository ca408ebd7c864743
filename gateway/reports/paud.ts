// The PAUD list of a measuring day: the children of 60-84 months measured with the posyandu's (the
// district's "pengukuran serentak anak PAUD"), scored by the WHO Reference 2007 and labelled by Permenkes
// 2/2020 for 5-18 years (TB/U, IMT/U). These rows never enter SKDN, the recap or prevalence (balita).
// Pure: built from ReportData.paud (load.ts); CSV and a printable A4 page.

import { ageInCompletedMonths } from '../clock/calendar.ts';
import { STATUS_LABELS, type StatusIndex } from '../growth/index.ts';
import type { MeasurementRow } from '../model/records.ts';
import { type CsvCell, type CsvOptions, round, toCsv } from './csv.ts';
import { escapeHtml, formatDecimal, renderPage, renderTable } from './html.ts';
import { placeLine } from './skdn-output.ts';
import type { ReportChild, ReportData, ReportPlace } from './types.ts';

export interface PaudRow {
  child: ReportChild;
  measurement: MeasurementRow;
  /** Completed months on the measuring day. */
  ageMonths: number;
  bmi: number | null;
  /** Indonesian labels (Permenkes 2/2020, 5-18 years); null without a z. */
  tbu: string | null;
  imtu: string | null;
  /** A WHO implausible-value flag: measure again. */
  implausible: boolean;
}

export interface PaudList {
  posyanduId: string | undefined;
  /** The measuring day, YYYY-MM-DD. */
  date: string;
  rows: PaudRow[];
}

function labelOf(index: StatusIndex, code: string | null): string | null {
  if (code === null) return null;
  return STATUS_LABELS.find((label) => label.index === index && label.code === code)?.id ?? code;
}

/** The day's current (not corrected away) PAUD measurements at a posyandu, by child name. */
export function computePaudList(data: ReportData, scope: { posyanduId?: string; date: string }): PaudList {
  const children = new Map(data.children.map((child) => [child.id, child]));
  const rows: PaudRow[] = [];
  const paud = data.paud ?? [];
  // A correction replaces the row it names (the same rule as every report, history.ts).
  const superseded = new Set(paud.flatMap((m) => (m.supersedes_id === null ? [] : [m.supersedes_id])));
  for (const m of paud) {
    if (superseded.has(m.id) || m.measured_on !== scope.date) continue;
    if (scope.posyanduId !== undefined && m.posyandu_id !== scope.posyanduId) continue;
    const child = children.get(m.child_id);
    if (!child) continue;
    const heightM = m.clenhei_cm === null ? null : m.clenhei_cm / 100;
    rows.push({
      child,
      measurement: m,
      ageMonths: ageInCompletedMonths(child.birth_date, m.measured_on),
      bmi: heightM === null || m.weight_kg === null ? null : m.weight_kg / (heightM * heightM),
      tbu: labelOf('tbu', m.status_tbu),
      imtu: labelOf('imtu_5_18', m.status_imtu),
      implausible: m.flen === 1 || m.fwei === 1 || m.fbmi === 1,
    });
  }
  rows.sort((a, b) => a.child.name.localeCompare(b.child.name, 'id') || a.child.id.localeCompare(b.child.id));
  return { posyanduId: scope.posyanduId, date: scope.date, rows };
}

/** "5 th 3 bl": years and months as the KMS and the PAUD teacher say them. */
export function ageText(completedMonths: number): string {
  return `${Math.floor(completedMonths / 12)} th ${completedMonths % 12} bl`;
}

const header = [
  'pseudo_id',
  'name',
  'sex',
  'birth_date',
  'age',
  'age_months',
  'measured_on',
  'height_cm',
  'weight_kg',
  'bmi_kg_m2',
  'zlen_tbu',
  'status_tbu',
  'zbmi_imtu',
  'status_imtu',
  'zwei_bbu',
  'implausible',
  'reference',
];

export function paudCsv(list: PaudList, options: CsvOptions = {}): string {
  return toCsv(
    header,
    list.rows.map((row): CsvCell[] => {
      const m = row.measurement;
      return [
        row.child.pseudo_id,
        row.child.name,
        row.child.sex === 1 ? 'L' : 'P',
        row.child.birth_date,
        ageText(row.ageMonths),
        row.ageMonths,
        m.measured_on,
        round(m.clenhei_cm, 1),
        round(m.weight_kg, 2),
        round(row.bmi, 1),
        round(m.zlen, 2),
        row.tbu,
        round(m.zbmi, 2),
        row.imtu,
        round(m.zwei, 2),
        row.implausible ? 1 : 0,
        'WHO 2007',
      ];
    }),
    options,
  );
}

function formatDate(iso: string): string {
  return `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
}

export function renderPaudHtml(list: PaudList, place: ReportPlace): string {
  const cells = list.rows.map((row, index) => {
    const m = row.measurement;
    const z = (value: number | null, label: string | null) =>
      `${formatDecimal(value, 2)}${label === null ? '' : ` ${escapeHtml(label)}`}`;
    return [
      String(index + 1),
      escapeHtml(row.child.name),
      row.child.sex === 1 ? 'L' : 'P',
      escapeHtml(ageText(row.ageMonths)),
      formatDecimal(m.clenhei_cm, 1),
      formatDecimal(m.weight_kg, 2),
      formatDecimal(row.bmi, 1),
      z(m.zlen, row.tbu),
      z(m.zbmi, row.imtu),
      row.implausible ? 'ukur ulang' : '',
    ];
  });
  const table =
    list.rows.length === 0
      ? '<p>Tidak ada anak PAUD (60–84 bulan) yang diukur pada hari ini.</p>'
      : renderTable(
          [
            'No',
            'Nama',
            'JK',
            'Umur',
            'TB (cm)',
            'BB (kg)',
            'IMT (kg/m²)',
            'TB/U (SD)',
            'IMT/U (SD)',
            'Catatan',
          ],
          cells,
          { numeric: new Set([0, 4, 5, 6]), wrap: new Set([1, 7, 8]) },
        );
  const note =
    '<p class="note">Anak umur 60–84 bulan, dinilai dengan WHO Reference 2007 (5–19 tahun) dan Permenkes RI No. 2 ' +
    'Tahun 2020 untuk umur 5–18 tahun: IMT/U gizi buruk &lt; −3 SD, gizi kurang −3 s.d. &lt; −2 SD, gizi baik −2 s.d. ' +
    '+1 SD, gizi lebih &gt; +1 s.d. +2 SD, obesitas &gt; +2 SD; TB/U dengan batas yang sama seperti balita. ' +
    'Data ini tidak masuk SKDN, rekap tikar pertumbuhan maupun prevalensi balita.</p>';
  return renderPage({
    title: `Daftar pengukuran anak PAUD, ${formatDate(list.date)}`,
    meta: placeLine(place, `${list.rows.length} anak umur 60–84 bulan`),
    body: `${table}\n${note}`,
  });
}
