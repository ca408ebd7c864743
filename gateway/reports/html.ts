// The printable page around every report: A4 portrait, a print stylesheet (no screen chrome, table
// headers repeated on each page, rows not split), Indonesian number formatting. Self-contained: no
// external fonts, scripts or images, so it prints offline at the posyandu and renders the same in PDF.
import { monthNamesId } from '../clock/calendar.ts';

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => entities[ch] as string);
}

/** Indonesian decimal comma with a fixed number of digits; '–' for a missing value. */
export function formatDecimal(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits).replace('.', ',').replace(/^-/, '−');
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  const text = formatDecimal(value, digits);
  return text === '–' ? text : `${text} %`;
}

/** "2026-12" → "Desember 2026" (short: "Des 2026"); anything else unchanged. */
export function formatMonth(yearMonth: string, short = false): string {
  const match = /^(\d{4})-(\d{2})$/.exec(yearMonth);
  const name = match ? monthNamesId[Number(match[2]) - 1] : undefined;
  if (!match || !name) return yearMonth;
  return `${short ? name.replace('Agustus', 'Agu').slice(0, 3) : name} ${match[1]}`;
}

/** "2026-12-03" → "3 Des 2026", as Indonesian tables write a date. */
export function formatDay(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  return `${Number(match[3])} ${formatMonth(`${match[1]}-${match[2]}`, true)}`;
}

export const reportStyles = `
@page { size: A4 portrait; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0; }
main { max-width: 186mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; }
p.meta { margin: 0 0 4mm; color: #333; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }
th, td { border: 0.3mm solid #555; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; white-space: nowrap; }
td.wrap, th.wrap { white-space: normal; min-width: 20mm; }
th { background: #e8e8e8; white-space: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
.swatch { display: inline-block; width: 3mm; height: 3mm; border: 0.2mm solid #333; margin-right: 1.5mm; }
.hijau { background: #2e9b47; } .kuning { background: #f2c318; } .merah { background: #d33b30; }
.tidak-diukur { background: #fff; }
p.note { font-size: 8.5pt; color: #333; }
footer { font-size: 8pt; color: #555; margin-top: 6mm; }
svg { width: 100%; height: auto; }
td.id { font-size: 7.5pt; color: #444; white-space: normal; word-break: break-all; min-width: 14mm; }
.narrow-only { display: none; }
/* A phone (or a frame as narrow): each row of a list becomes a card of label–value lines, so nothing is cut. */
@media screen and (max-width: 600px) {
  main { padding: 3mm 2mm; }
  h1 { font-size: 13pt; }
  table.stack thead { display: none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack tr { border: 0.3mm solid #555; margin: 0 0 2mm; }
  table.stack td { border: 0; border-bottom: 0.2mm solid #ddd; display: flex; gap: 2mm; white-space: normal;
    text-align: left; }
  table.stack td::before { content: attr(data-label); font-weight: bold; flex: 0 0 38%; }
  table.stack td.id { min-width: 0; }
  table.stack td:first-child { font-weight: bold; background: #f0f0f0; }
  .wide-only { display: none; }
  .narrow-only { display: block; }
}
@media print {
  main { padding: 0; max-width: none; }
  thead { display: table-header-group; }
  tr, svg { break-inside: avoid; }
  h2 { break-after: avoid; }
  th, .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

export interface PageParts {
  title: string;
  meta: string; // one line under the title: place, period
  body: string; // trusted HTML built by the report renderers (every value escaped there)
  generatedAt?: Date;
}

export function renderPage(parts: PageParts): string {
  const generated = (parts.generatedAt ?? new Date()).toISOString().slice(0, 16).replace('T', ' ');
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
<style>${reportStyles}</style>
</head>
<body>
<main>
<h1>${escapeHtml(parts.title)}</h1>
<p class="meta">${escapeHtml(parts.meta)}</p>
${parts.body}
<footer>Dibuat oleh Tikar, ${escapeHtml(generated)} UTC. Berisi data pribadi anak: simpan dan bagikan seperlunya.</footer>
</main>
</body>
</html>
`;
}

export interface TableColumns {
  /** Right-aligned numeric columns. */
  numeric?: ReadonlySet<number>;
  /** Columns allowed to wrap (names, explanations); the others keep one line (dates, numbers). */
  wrap?: ReadonlySet<number>;
  /** Record ids: small print that may break anywhere. */
  id?: ReadonlySet<number>;
  /** A list of records: on a phone each row is shown as a card (the header becomes each cell's label). */
  stack?: boolean;
}

/** A table from header cells and rows of already-escaped cell HTML. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  columns: TableColumns = {},
  totalRow?: readonly string[],
): string {
  const cls = (index: number): string => {
    const names = [
      columns.numeric?.has(index) ? 'num' : '',
      columns.wrap?.has(index) ? 'wrap' : '',
      columns.id?.has(index) ? 'id' : '',
    ].filter(Boolean);
    return names.length > 0 ? ` class="${names.join(' ')}"` : '';
  };
  const head = header.map((cell, index) => `<th${cls(index)}>${escapeHtml(cell)}</th>`).join('');
  const label = (index: number): string =>
    columns.stack ? ` data-label="${escapeHtml(header[index] ?? '')}"` : '';
  const line = (row: readonly string[], rowClass = ''): string =>
    `<tr${rowClass}>${row.map((cell, index) => `<td${cls(index)}${label(index)}>${cell}</td>`).join('')}</tr>`;
  const body = rows.map((row) => line(row)).join('\n');
  const total = totalRow ? `\n${line(totalRow, ' class="total"')}` : '';
  return `<table${columns.stack ? ' class="stack"' : ''}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}${total}\n</tbody>\n</table>`;
}
