// The 12-month prevalence trend as an inline SVG: one line per indicator (colour and dash pattern, so
// it still reads on a black-and-white printer), a whisker per point for its 95 % Wilson interval, and a
// gap where nobody was measured that month.
import { escapeHtml, formatMonth } from './html.ts';
import {
  type PrevalenceIndicator,
  type PrevalenceMonth,
  prevalenceIndicators,
  prevalenceLabels,
} from './prevalence.ts';

const style: Record<PrevalenceIndicator, { colour: string; dash: string }> = {
  stunting: { colour: '#c0392b', dash: '' },
  severeStunting: { colour: '#7b241c', dash: '6 3' },
  wasting: { colour: '#1f618d', dash: '2 3' },
  underweight: { colour: '#b9770e', dash: '10 3 2 3' },
};

/**
 * `narrow`: a phone's drawing (360 wide, legend one per line, every third month labelled) that stays
 * readable when fitted to a 360 px screen; the default is the A4 page's 720 × 360.
 */
export function renderTrendSvg(
  trend: readonly PrevalenceMonth[],
  options: { narrow?: boolean } = {},
): string {
  const narrow = options.narrow === true;
  const width = narrow ? 360 : 720;
  const height = narrow ? 380 : 360;
  const margin = { left: 40, right: narrow ? 26 : 12, top: narrow ? 84 : 52, bottom: narrow ? 54 : 46 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  let highestPct = 10;
  for (const month of trend) {
    for (const name of prevalenceIndicators) {
      const upper = month.cells[name].interval?.upper;
      if (upper !== undefined) highestPct = Math.max(highestPct, upper * 100);
    }
  }
  const yMaxPct = Math.min(100, Math.ceil(highestPct / 10) * 10);
  const x = (index: number): number =>
    margin.left + (trend.length <= 1 ? plotWidth / 2 : (index * plotWidth) / (trend.length - 1));
  const y = (pct: number): number => margin.top + plotHeight - (pct / yMaxPct) * plotHeight;
  const f = (n: number): string => n.toFixed(1);

  const parts: string[] = [];
  for (let pct = 0; pct <= yMaxPct; pct += yMaxPct <= 20 ? 2 : 10) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${f(y(pct))}" y2="${f(y(pct))}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${f(y(pct) + 4)}" text-anchor="end">${pct}%</text>`,
    );
  }
  const labelEvery = narrow ? 3 : 1;
  trend.forEach((month, index) => {
    // Counted from the newest month, so the report's own month is always labelled.
    if ((trend.length - 1 - index) % labelEvery !== 0) return;
    parts.push(
      `<text x="${f(x(index))}" y="${height - margin.bottom + 16}" text-anchor="middle">${escapeHtml(narrow ? formatMonth(month.month, true).replace(/ \d\d(\d\d)$/, ' $1') : formatMonth(month.month, true))}</text>`,
    );
  });
  prevalenceIndicators.forEach((name, seriesIndex) => {
    const { colour, dash } = style[name];
    const dashAttr = dash ? ` stroke-dasharray="${dash}"` : '';
    let segment: string[] = [];
    const segments: string[][] = [];
    trend.forEach((month, index) => {
      const interval = month.cells[name].interval;
      if (!interval) {
        if (segment.length > 0) segments.push(segment);
        segment = [];
        return;
      }
      // Whiskers side by side so four intervals in one month do not hide each other.
      const px = x(index) + (seriesIndex - 1.5) * 3;
      segment.push(`${f(px)},${f(y(interval.proportion * 100))}`);
      parts.push(
        `<line x1="${f(px)}" x2="${f(px)}" y1="${f(y(interval.lower * 100))}" y2="${f(y(interval.upper * 100))}" stroke="${colour}" stroke-width="1" opacity="0.6"/>`,
        `<circle cx="${f(px)}" cy="${f(y(interval.proportion * 100))}" r="2.6" fill="${colour}"/>`,
      );
    });
    if (segment.length > 0) segments.push(segment);
    for (const points of segments) {
      parts.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dashAttr}/>`,
      );
    }
    // Legend in two rows of two (one per line on a phone): the labels are too long for one row.
    const legendX = narrow ? 8 : margin.left + (seriesIndex % 2) * 330;
    const legendY = narrow ? 12 + seriesIndex * 17 : 12 + Math.floor(seriesIndex / 2) * 16;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 26}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dashAttr}/>`,
      `<text x="${legendX + 31}" y="${legendY + 4}">${escapeHtml(`${prevalenceLabels[name].short} (${prevalenceLabels[name].rule})`)}</text>`,
    );
  });
  parts.push(
    narrow
      ? `<text x="${width / 2}" y="${height - 22}" text-anchor="middle">garis tegak: interval</text><text x="${width / 2}" y="${height - 8}" text-anchor="middle">kepercayaan 95 % (Wilson)</text>`
      : `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">bulan (garis tegak: interval kepercayaan 95 % Wilson)</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" font-family="DejaVu Sans, Arial, sans-serif" font-size="${narrow ? 12 : 10}">
<title>Tren prevalensi 12 bulan</title>
${parts.join('\n')}
</svg>`;
}
