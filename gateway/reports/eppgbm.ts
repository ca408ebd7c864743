// e-PPGBM per-child export: one row per effective measurement, in the column layout seen in practice
// (DOMAIN.md). Each column names its source in the table below, which docs/reports.md repeats.
// What the gateway does not hold (birth weight and length, address, LiLA) is left empty for the
// puskesmas to complete; nothing is invented.
import { classifyZ, type StatusIndex } from '../growth/index.ts';
import { ageText, parseMonth } from './calendar.ts';
import { type CsvCell, type CsvOptions, csvRow, round } from './csv.ts';
import { buildHistories, usableWflZ, usableZ } from './history.ts';
import type { ReportSettings } from './settings.ts';
import { type WeighOutcome, type WeighStatus, weighOutcome } from './skdn.ts';
import type { ReportChild, ReportData, ReportMeasurement } from './types.ts';

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
  measurement: ReportMeasurement;
  /** N/T/O/B when this row is the month's last weighing; undefined otherwise. */
  weighStatus?: WeighStatus;
}

interface Column {
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
  bbu: (m: ReportMeasurement) => usableZ(m.zwei, m.fwei),
  tbu: (m: ReportMeasurement) => usableZ(m.zlen, m.flen),
  bbtb: usableWflZ,
};

export const eppgbmColumns: readonly Column[] = [
  { header: 'NIK', source: 'children.nik (empty when not recorded)', value: (r) => r.child.nik },
  { header: 'Nama', source: 'children.name', value: (r) => r.child.name },
  { header: 'JK', source: 'children.sex: 1 → L, 2 → P', value: (r) => (r.child.sex === 1 ? 'L' : 'P') },
  { header: 'Tgl Lahir', source: 'children.birth_date (YYYY-MM-DD)', value: (r) => r.child.birthDate },
  { header: 'BB Lahir', source: 'not held by the gateway: empty', value: () => undefined },
  { header: 'TB Lahir', source: 'not held by the gateway: empty', value: () => undefined },
  { header: 'Nama Ortu', source: 'children.mother_name', value: (r) => r.child.motherName },
  { header: 'Prov', source: 'place settings: provinsi', value: (_, p) => p.provinsi },
  { header: 'Kab/Kota', source: 'place settings: kabupatenKota', value: (_, p) => p.kabupatenKota },
  { header: 'Kec', source: 'place settings: kecamatan', value: (_, p) => p.kecamatan },
  { header: 'Puskesmas', source: 'place settings: puskesmas', value: (_, p) => p.puskesmas },
  { header: 'Desa/Kel', source: 'place settings: desaKelurahan', value: (_, p) => p.desaKelurahan },
  {
    header: 'Posyandu',
    source: 'place settings: posyandu, else measurements.posyandu_id',
    value: (r, p) => p.posyandu ?? r.measurement.posyanduId,
  },
  { header: 'RT', source: 'not held by the gateway: empty', value: () => undefined },
  { header: 'RW', source: 'not held by the gateway: empty', value: () => undefined },
  { header: 'Alamat', source: 'not held by the gateway: empty', value: () => undefined },
  {
    header: 'Tanggal Pengukuran',
    source: 'measurements.measured_on (YYYY-MM-DD)',
    value: (r) => r.measurement.measuredOn,
  },
  {
    header: 'Usia Saat Ukur',
    source: 'children.birth_date → measurements.measured_on, calendar "X Tahun - Y Bulan - Z Hari"',
    value: (r) => ageText(r.child.birthDate, r.measurement.measuredOn),
  },
  { header: 'Berat', source: 'measurements.weight_kg (kg)', digits: 2, value: (r) => r.measurement.weightKg },
  {
    header: 'Tinggi',
    source: 'measurements.lenhei_cm as measured (cm), not position-corrected: Cara Ukur says how',
    digits: 1,
    value: (r) => r.measurement.lenheiCm,
  },
  {
    header: 'Cara Ukur',
    source: "measurements.position: 'l' → terlentang, 'h' → berdiri (empty without a length)",
    value: (r) =>
      r.measurement.lenheiCm === null ? undefined : r.measurement.position === 'l' ? 'terlentang' : 'berdiri',
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

/** The cells of one row, numbers rounded to each column's decimals. */
export function eppgbmCells(row: EppgbmRow, place: EppgbmPlace): CsvCell[] {
  return eppgbmColumns.map((column) => {
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

/** Rows for measurements taken in [fromMonth, toMonth], by date then pseudo id. */
export function eppgbmRows(data: ReportData, options: EppgbmOptions): EppgbmRow[] {
  const rows: EppgbmRow[] = [];
  for (const { child, measurements } of buildHistories(data, options.posyanduId).values()) {
    // One N/T/O/B per child and month, carried by that month's last weighing only.
    const outcomes = new Map<string, WeighOutcome | undefined>();
    for (const m of measurements) {
      const month = m.measuredOn.slice(0, 7);
      if (month < options.fromMonth || month > options.toMonth) continue;
      if (!outcomes.has(month)) {
        // A malformed date (the schema checks only its shape) gets no N/T/O/B rather than an exception.
        const valid = parseMonth(month) !== undefined;
        outcomes.set(month, valid ? weighOutcome(child, measurements, month, options.settings) : undefined);
      }
      const outcome = outcomes.get(month);
      rows.push(
        outcome?.weighed.id === m.id
          ? { child, measurement: m, weighStatus: outcome.status }
          : { child, measurement: m },
      );
    }
  }
  return rows.sort(
    (a, b) =>
      a.measurement.measuredOn.localeCompare(b.measurement.measuredOn) ||
      a.child.pseudoId.localeCompare(b.child.pseudoId) ||
      a.measurement.measuredAt.localeCompare(b.measurement.measuredAt),
  );
}

export type Tick = (done: number) => void;

export function eppgbmCsv(
  rows: readonly EppgbmRow[],
  place: EppgbmPlace,
  options: CsvOptions = {},
  tick?: Tick,
): string {
  const parts = [
    options.bom ? '\uFEFF' : '',
    csvRow(
      eppgbmColumns.map((c) => c.header),
      options,
    ),
  ];
  rows.forEach((row, index) => {
    parts.push(csvRow(eppgbmCells(row, place), options));
    tick?.(index + 1);
  });
  return parts.join('');
}
