// e-PPGBM per-child export: one row per effective measurement, in the column layout seen in practice
// (DOMAIN.md). Each column names its source in the table below, which docs/reports.md repeats.
// What the gateway does not hold (birth weight and length, address, LiLA) is left empty for the
// puskesmas to complete; nothing is invented.

import { ageText, monthNamesId, parseMonth } from '../clock/calendar.ts';
import { classifyZ, type StatusIndex } from '../growth/index.ts';
import type { ChildAddressRow, MeasurementRow, VisitNoteRow } from '../model/records.ts';
import { type CsvCell, type CsvOptions, csvRow, round } from './csv.ts';
import { buildHistories, usableWflZ, usableZ } from './history.ts';
import type { EppgbmLayout } from './kinds.ts';
import type { ReportSettings } from './settings.ts';
import { type WeighOutcome, type WeighStatus, weighOutcome } from './skdn.ts';
import type { ReportChild, ReportData } from './types.ts';

/** The administrative names e-PPGBM repeats on every row; from the village record or a settings file. */
export interface EppgbmPlace {
  provinsi?: string;
  kabupatenKota?: string;
  kecamatan?: string;
  puskesmas?: string;
  desaKelurahan?: string;
  posyandu?: string;
}

export interface EppgbmRow {
  child: ReportChild;
  measurement: MeasurementRow;
  /** N/T/O/B when this row is the month's last weighing; undefined otherwise. */
  weighStatus?: WeighStatus;
  /** The child's address for home visits (gateway only), when recorded. */
  address?: ChildAddressRow;
  /** Vitamin A doses recorded in the measurement's year up to its date; undefined when none is recorded. */
  vitaminADoses?: number;
}

export interface Column {
  header: string;
  /** Where the value comes from, for docs/reports.md. */
  source: string;
  /** Decimals when the value is a number. */
  digits?: number;
  value(row: EppgbmRow, place: EppgbmPlace): CsvCell;
}

function statusLabel(index: StatusIndex, z: number | undefined): string | undefined {
  return z === undefined ? undefined : classifyZ(index, z)?.id;
}

const zOf = {
  bbu: (m: MeasurementRow) => usableZ(m.zwei, m.fwei),
  tbu: (m: MeasurementRow) => usableZ(m.zlen, m.flen),
  bbtb: usableWflZ,
};

const addressColumns: readonly Column[] = [
  { header: 'RT', source: 'child_addresses.rt (empty when not recorded)', value: (r) => r.address?.rt },
  { header: 'RW', source: 'child_addresses.rw (empty when not recorded)', value: (r) => r.address?.rw },
  {
    header: 'Alamat',
    source: 'child_addresses.dusun (empty when not recorded)',
    value: (r) => (r.address?.dusun ? `Dusun ${r.address.dusun}` : undefined),
  },
];

export const eppgbmColumns: readonly Column[] = [
  { header: 'NIK', source: 'children.nik (empty when not recorded)', value: (r) => r.child.nik },
  { header: 'Nama', source: 'children.name', value: (r) => r.child.name },
  { header: 'JK', source: 'children.sex: 1 → L, 2 → P', value: (r) => (r.child.sex === 1 ? 'L' : 'P') },
  { header: 'Tgl Lahir', source: 'children.birth_date (YYYY-MM-DD)', value: (r) => r.child.birth_date },
  { header: 'BB Lahir', source: 'not held by the gateway: empty', value: () => undefined },
  { header: 'TB Lahir', source: 'not held by the gateway: empty', value: () => undefined },
  { header: 'Nama Ortu', source: 'children.mother_name', value: (r) => r.child.mother_name },
  { header: 'Prov', source: 'place settings: provinsi', value: (_, p) => p.provinsi },
  { header: 'Kab/Kota', source: 'place settings: kabupatenKota', value: (_, p) => p.kabupatenKota },
  { header: 'Kec', source: 'place settings: kecamatan', value: (_, p) => p.kecamatan },
  { header: 'Puskesmas', source: 'place settings: puskesmas', value: (_, p) => p.puskesmas },
  { header: 'Desa/Kel', source: 'place settings: desaKelurahan', value: (_, p) => p.desaKelurahan },
  {
    header: 'Posyandu',
    source: 'place settings: posyandu, else measurements.posyandu_id',
    value: (r, p) => p.posyandu ?? r.measurement.posyandu_id,
  },
  ...addressColumns,
  {
    header: 'Tanggal Pengukuran',
    source: 'measurements.measured_on (YYYY-MM-DD)',
    value: (r) => r.measurement.measured_on,
  },
  {
    header: 'Usia Saat Ukur',
    source: 'children.birth_date → measurements.measured_on, calendar "X Tahun - Y Bulan - Z Hari"',
    value: (r) => ageText(r.child.birth_date, r.measurement.measured_on),
  },
  {
    header: 'Berat',
    source: 'measurements.weight_kg (kg)',
    digits: 2,
    value: (r) => r.measurement.weight_kg,
  },
  {
    header: 'Tinggi',
    source: 'measurements.lenhei_cm as measured (cm), not position-corrected: Cara Ukur says how',
    digits: 1,
    value: (r) => r.measurement.lenhei_cm,
  },
  {
    header: 'Cara Ukur',
    source: "measurements.position: 'l' → terlentang, 'h' → berdiri (empty without a length)",
    value: (r) =>
      r.measurement.lenhei_cm === null
        ? undefined
        : r.measurement.position === 'l'
          ? 'terlentang'
          : 'berdiri',
  },
  { header: 'LiLA', source: 'not measured by the mat: empty', value: () => undefined },
  {
    header: 'BB/U',
    source: 'Permenkes 2/2020 label of zwei (growth core classifyZ)',
    value: (r) => statusLabel('bbu', zOf.bbu(r.measurement)),
  },
  {
    header: 'ZS BB/U',
    source: 'measurements.zwei (empty when WHO-flagged implausible)',
    digits: 2,
    value: (r) => zOf.bbu(r.measurement),
  },
  {
    header: 'TB/U',
    source: 'Permenkes 2/2020 label of zlen (growth core classifyZ)',
    value: (r) => statusLabel('tbu', zOf.tbu(r.measurement)),
  },
  {
    header: 'ZS TB/U',
    source: 'measurements.zlen (empty when WHO-flagged implausible)',
    digits: 2,
    value: (r) => zOf.tbu(r.measurement),
  },
  {
    header: 'BB/TB',
    source: 'Permenkes 2/2020 label of zwfl (growth core classifyZ)',
    value: (r) => statusLabel('bbtb', zOf.bbtb(r.measurement)),
  },
  {
    header: 'ZS BB/TB',
    source: 'measurements.zwfl (empty when WHO-flagged implausible, or from a flagged length)',
    digits: 2,
    value: (r) => zOf.bbtb(r.measurement),
  },
  {
    header: 'Naik Berat Badan',
    source: "SKDN outcome of the month's last weighing: N, T, O or B (empty for other rows)",
    value: (r) => r.weighStatus,
  },
];

const byHeader = (header: string): Column => eppgbmColumns.find((c) => c.header === header) as Column;
const notHeld = (header: string): Column => ({
  header,
  source: 'not held by the gateway: empty',
  value: () => undefined,
});

/** A Permenkes label, or "Outlier" when the z is WHO-flagged implausible, as e-PPGBM exports show it. */
function labelOrOutlier(
  index: StatusIndex,
  flagged: (m: MeasurementRow) => boolean,
  z: (m: MeasurementRow) => number | undefined,
) {
  return (r: EppgbmRow): CsvCell =>
    flagged(r.measurement) ? 'Outlier' : statusLabel(index, z(r.measurement));
}

/**
 * The column order of real e-PPGBM by-name exports (DOMAIN.md: seen in practice, the official template was not
 * found). Columns Tikar does not hold stay empty.
 */
export const eppgbmByNameColumns: readonly Column[] = [
  ...['NIK', 'Nama', 'JK', 'Tgl Lahir', 'BB Lahir', 'TB Lahir', 'Nama Ortu', 'Prov', 'Kab/Kota', 'Kec'].map(
    byHeader,
  ),
  {
    header: 'Pukesmas',
    source: 'place settings: puskesmas (the exports spell it Pukesmas)',
    value: (_, p) => p.puskesmas,
  },
  ...['Desa/Kel', 'Posyandu', 'RT', 'RW', 'Alamat', 'Usia Saat Ukur', 'Tanggal Pengukuran'].map(byHeader),
  {
    header: 'Bulan Pengukuran',
    source: "measurements.measured_on: the month's Indonesian name (unverified format)",
    value: (r) => monthNamesId[Number(r.measurement.measured_on.slice(5, 7)) - 1],
  },
  notHeld('Status Bulan'),
  notHeld('status tahun'),
  ...['Berat', 'Tinggi', 'Cara Ukur', 'LiLA'].map(byHeader),
  {
    header: 'BB/U',
    source: 'Permenkes 2/2020 label of zwei; "Outlier" when WHO-flagged implausible',
    value: labelOrOutlier('bbu', (m) => m.fwei === 1, zOf.bbu),
  },
  byHeader('ZS BB/U'),
  {
    header: 'TB/U',
    source: 'Permenkes 2/2020 label of zlen; "Outlier" when WHO-flagged implausible',
    value: labelOrOutlier('tbu', (m) => m.flen === 1, zOf.tbu),
  },
  byHeader('ZS TB/U'),
  {
    header: 'BB/TB',
    source: 'Permenkes 2/2020 label of zwfl; "Outlier" when it or its length is WHO-flagged',
    value: labelOrOutlier('bbtb', (m) => m.fwfl === 1 || m.flen === 1, zOf.bbtb),
  },
  byHeader('ZS BB/TB'),
  byHeader('Naik Berat Badan'),
  notHeld('PMT Diterima (kg)'),
  {
    header: 'Jml Vit A',
    source:
      'visit_notes: vitamin A doses recorded in the year up to the measurement (empty when none recorded)',
    value: (r) => r.vitaminADoses,
  },
  notHeld('KPSP'),
  {
    header: 'KIA',
    source: "children.has_kia: 'Ya' / 'Tidak'",
    value: (r) => (r.child.has_kia ? 'Ya' : 'Tidak'),
  },
  notHeld('Detail Status'),
];

export { type EppgbmLayout, eppgbmLayouts } from './kinds.ts';

/** The columns of a layout: Tikar's (as before) or the order of real e-PPGBM by-name exports. */
export function eppgbmColumnsOf(layout: EppgbmLayout = 'tikar'): readonly Column[] {
  return layout === 'eppgbm' ? eppgbmByNameColumns : eppgbmColumns;
}

/** The cells of one row, numbers rounded to each column's decimals. */
export function eppgbmCells(row: EppgbmRow, place: EppgbmPlace, layout: EppgbmLayout = 'tikar'): CsvCell[] {
  return eppgbmColumnsOf(layout).map((column) => {
    const value = column.value(row, place);
    return typeof value === 'number' && column.digits !== undefined ? round(value, column.digits) : value;
  });
}

export interface EppgbmOptions {
  posyanduId?: string; // undefined: every child in the data (a village record)
  /** Inclusive months 'YYYY-MM'. */
  fromMonth: string;
  toMonth: string;
  settings: ReportSettings;
}

/** Vitamin A doses (given in February and August) recorded in `on`'s year up to `on`; undefined if none recorded. */
function vitaminADoses(notes: readonly VisitNoteRow[] | undefined, on: string): number | undefined {
  if (!notes || notes.length === 0) return undefined;
  const year = on.slice(0, 4);
  return notes.filter((n) => n.vitamin_a === 1 && n.visit_on.slice(0, 4) === year && n.visit_on <= on).length;
}

/** Rows for measurements taken in [fromMonth, toMonth], by date then pseudo id. */
export function eppgbmRows(data: ReportData, options: EppgbmOptions): EppgbmRow[] {
  const rows: EppgbmRow[] = [];
  const notesByChild = new Map<string, VisitNoteRow[]>();
  for (const note of data.visitNotes ?? []) {
    if (note.vitamin_a === null) continue;
    notesByChild.set(note.child_id, [...(notesByChild.get(note.child_id) ?? []), note]);
  }
  for (const { child, measurements } of buildHistories(data, options.posyanduId).values()) {
    const address = data.addresses?.get(child.id);
    const notes = notesByChild.get(child.id);
    // One N/T/O/B per child and month, carried by that month's last weighing only.
    const outcomes = new Map<string, WeighOutcome | undefined>();
    for (const m of measurements) {
      const month = m.measured_on.slice(0, 7);
      if (month < options.fromMonth || month > options.toMonth) continue;
      if (!outcomes.has(month)) {
        // A malformed date (the schema checks only its shape) gets no N/T/O/B rather than an exception.
        const valid = parseMonth(month) !== undefined;
        outcomes.set(month, valid ? weighOutcome(child, measurements, month, options.settings) : undefined);
      }
      const outcome = outcomes.get(month);
      const doses = vitaminADoses(notes, m.measured_on);
      rows.push({
        child,
        measurement: m,
        ...(outcome?.weighed.id === m.id ? { weighStatus: outcome.status } : {}),
        ...(address ? { address } : {}),
        ...(doses === undefined ? {} : { vitaminADoses: doses }),
      });
    }
  }
  return rows.sort(
    (a, b) =>
      a.measurement.measured_on.localeCompare(b.measurement.measured_on) ||
      a.child.pseudo_id.localeCompare(b.child.pseudo_id) ||
      a.measurement.measured_at.localeCompare(b.measurement.measured_at),
  );
}

export type Tick = (done: number) => void;

export function eppgbmCsv(
  rows: readonly EppgbmRow[],
  place: EppgbmPlace,
  options: CsvOptions = {},
  tick?: Tick,
  layout: EppgbmLayout = 'tikar',
): string {
  const parts = [
    options.bom ? '\uFEFF' : '',
    csvRow(
      eppgbmColumnsOf(layout).map((c) => c.header),
      options,
    ),
  ];
  rows.forEach((row, index) => {
    parts.push(csvRow(eppgbmCells(row, place, layout), options));
    tick?.(index + 1);
  });
  return parts.join('');
}
