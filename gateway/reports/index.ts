// Reports and exports (docs/reports.md): pure functions over the store's rows, CSV and printable HTML for
// each report (the screens' Laporan page mounts the render* functions), e-PPGBM CSV/XLSX and FHIR R4.
// PDF (headless Chromium) lives in pdf.ts and XLSX in eppgbm-xlsx.ts, imported only where asked for.
export { addMonths, ageInCompletedMonths, ageText, quarterOf } from '../clock/calendar.ts';
export { type CsvOptions, toCsv } from './csv.ts';
export {
  type EppgbmOptions,
  type EppgbmPlace,
  type EppgbmRow,
  eppgbmColumns,
  eppgbmCsv,
  eppgbmRows,
} from './eppgbm.ts';
export { computeF2, type F2Report } from './f2.ts';
export { buildFhirBundle, type FhirExport, type FhirOptions } from './fhir.ts';
export { computeHomeVisits, type HomeVisitList } from './home-visits.ts';
export { escapeHtml, renderPage } from './html.ts';
export { computeKpm2b, type Kpm2bReport } from './kpm-2b.ts';
export { type ListKind, listKinds, renderList } from './lists.ts';
export { loadReportData } from './load.ts';
export {
  computePrevalence,
  type PrevalenceIndicator,
  type PrevalenceReport,
  prevalenceIndicators,
} from './prevalence.ts';
export { prevalenceCsv, renderPrevalenceHtml } from './prevalence-output.ts';
export { writePrivateFile } from './private-file.ts';
export { createProgress } from './progress.ts';
export { computeRecap, type MatResultRow, type RecapReport } from './recap.ts';
export { type RecapTable, recapCsv, recapTables, renderRecapHtml } from './recap-output.ts';
export { computeReferrals, type ReferralList, type ReferralReason } from './referrals.ts';
export {
  defaultReportSettings,
  type MatColour,
  matColour,
  type ReportSettings,
  validateReportSettings,
} from './settings.ts';
export { computeSkdn, type SkdnReport, type WeighOutcome, type WeighStatus, weighOutcome } from './skdn.ts';
export { renderSkdnHtml, skdnCsv } from './skdn-output.ts';
export { renderTrendSvg } from './trend-chart.ts';
export type { ReportChild, ReportData, ReportPlace } from './types.ts';
export { type ProportionInterval, wilsonInterval } from './wilson.ts';
