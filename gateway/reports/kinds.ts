// The names of the reports' lists, recap tables and e-PPGBM layouts, apart from the code that makes them: the
// command line's options name them, and `tikar report --help` must not load the reports (and the WHO tables).

/** What a report is written as: CSV, printable A4 HTML, or PDF (from the HTML). */
export type ReportFormat = 'csv' | 'html' | 'pdf';
export const reportFormats: readonly ReportFormat[] = ['csv', 'html', 'pdf'];

export const listKinds = ['rujukan', 'kunjungan', 'f2', 'kpm2b'] as const;
export type ListKind = (typeof listKinds)[number];

export const listSummaries: Record<ListKind, string> = {
  rujukan: 'daftar rujukan: T, 2T, BGM, gizi kurang/buruk, pendek/sangat pendek, with the reasons',
  kunjungan: 'daftar kunjungan rumah: children in S not weighed this month, with address',
  f2: 'SKDN in the F2 layout: every letter by age group and sex, D/K, 2T, BGM/D',
  kpm2b: 'KPM form 2.B: children 0–23 months, status gizi, weighed, length, mat colour, scorecard indicators',
};

export type RecapTable = 'monthly' | 'quarter' | 'quarter-children';
export const recapTables: readonly RecapTable[] = ['monthly', 'quarter', 'quarter-children'];

/** What an e-PPGBM export is written as. */
export const eppgbmFormats = ['csv', 'xlsx'] as const;

export type EppgbmLayout = 'tikar' | 'eppgbm';
export const eppgbmLayouts: readonly EppgbmLayout[] = ['tikar', 'eppgbm'];
