// The lists and the F2 table by name, for `tikar report` and the Laporan page: each kind computes from the
// rows and renders as CSV or a printable page.
import type { CsvOptions } from './csv.ts';
import { computeF2 } from './f2.ts';
import { computeHomeVisits } from './home-visits.ts';
import type { ListKind } from './kinds.ts';
import { computeKpm2b } from './kpm-2b.ts';
import {
  f2Csv,
  homeVisitCsv,
  kpm2bCsv,
  referralCsv,
  renderF2Html,
  renderHomeVisitHtml,
  renderKpm2bHtml,
  renderReferralHtml,
} from './lists-output.ts';
import { computeReferrals, type ListOptions } from './referrals.ts';
import type { ReportData, ReportPlace } from './types.ts';

export { type ListKind, listKinds, listSummaries } from './kinds.ts';

export interface RenderedList {
  csv: (options: CsvOptions) => string;
  html: (place: ReportPlace) => string;
}

export function renderList(kind: ListKind, data: ReportData, options: ListOptions): RenderedList {
  if (kind === 'rujukan') {
    const list = computeReferrals(data, options);
    return { csv: (o) => referralCsv(list, o), html: (p) => renderReferralHtml(list, p) };
  }
  if (kind === 'kunjungan') {
    const list = computeHomeVisits(data, options);
    return { csv: (o) => homeVisitCsv(list, o), html: (p) => renderHomeVisitHtml(list, p) };
  }
  if (kind === 'f2') {
    const report = computeF2(data, options);
    return { csv: (o) => f2Csv(report, o), html: (p) => renderF2Html(report, p) };
  }
  const report = computeKpm2b(data, options);
  return { csv: (o) => kpm2bCsv(report, o), html: (p) => renderKpm2bHtml(report, p) };
}
