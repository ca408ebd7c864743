// The growth chart as SVG, drawn from the growth core's own WHO 2006 tables (sdCurve): SD lines at
// −3, −2, 0, +2, +3 (BB/U adds +1, the Permenkes "risiko BB lebih" cut-off), KMS-like shaded bands, the child's points joined over time, and the lying/standing
// switch at 24 months (731 days, where the length table becomes the height table, 0.7 cm lower).
// For PAUD children, 5–7 years (60–84 months) from the WHO Reference 2007 (sdCurve2007): height-for-age
// ('hfa2007') and BMI-for-age ('bfa2007').
import { sdCurve, sdCurve2007 } from '../../growth/index.ts';

export type ChartIndicator = 'lhfa' | 'wfa' | 'wfl' | 'wfh' | 'hfa2007' | 'bfa2007';

/** The PAUD chart's age span: 60 to 84 months. */
const PAUD_FIRST_MONTH = 60;
const PAUD_LAST_MONTH = 84;

/** The SD line of a chart indicator (x in days or cm). */
function chartCurve(indicator: ChartIndicator, sex: 1 | 2, z: number) {
  if (indicator === 'hfa2007') return sdCurve2007('hfa', sex, z, PAUD_FIRST_MONTH, PAUD_LAST_MONTH);
  if (indicator === 'bfa2007') return sdCurve2007('bfa', sex, z, PAUD_FIRST_MONTH, PAUD_LAST_MONTH);
  return sdCurve(indicator, sex, z);
}
export type Lang = 'id' | 'en';

export interface ChartPoint {
  /** Age in days (lhfa, wfa) or length/height in cm (wfl, wfh). */
  x: number;
  /** cm (lhfa, hfa2007), kg (wfa, wfl, wfh) or kg/m² (bfa2007). */
  y: number;
  /** The z-score the growth core gave this point (shown in the tooltip, checked by tests). */
  z: number | null;
  measuredOn: string;
  measurementId: string;
}

export interface ChartOptions {
  indicator: ChartIndicator;
  sex: 1 | 2;
  points: readonly ChartPoint[];
  lang: Lang;
  /** Age axis end in days (lhfa, wfa): 731 for a baby's 0–24 month chart, 1826 for 0–60 months. */
  maxAgeDays?: number;
  /**
   * A phone's chart: a narrower, taller drawing whose text stays readable when fitted to a 360 px screen
   * (no sideways swipe). Default false: the tablet's and the printed page's 800 × 560.
   */
  narrow?: boolean;
}

const daysPerMonth = 30.4375;
const switchDay = 731;
const sdLines: readonly number[] = [-3, -2, 0, 2, 3];
/** BB/U adds +1 SD: above it Permenkes 2/2020 says "risiko berat badan lebih". */
const wfaLines: readonly number[] = [-3, -2, 0, 1, 2, 3];
const linesFor = (indicator: ChartIndicator): readonly number[] => (indicator === 'wfa' ? wfaLines : sdLines);

/** The drawing's size and plot area (SVG units; the page scales it to its width). */
function layout(narrow: boolean) {
  const width = narrow ? 420 : 800;
  const height = narrow ? 500 : 560;
  const top = narrow ? 70 : 56;
  return { width, height, plot: { left: 56, top, right: width - 40, bottom: height - 60 } };
}

const text = {
  id: {
    lhfa: 'Panjang/tinggi badan menurut umur (PB/U, TB/U)',
    wfa: 'Berat badan menurut umur (BB/U)',
    wfl: 'Berat badan menurut panjang badan (BB/PB)',
    wfh: 'Berat badan menurut tinggi badan (BB/TB)',
    boy: 'Laki-laki',
    girl: 'Perempuan',
    ageMonths: 'Umur (bulan)',
    lengthCm: 'Panjang/tinggi badan (cm)',
    heightCm: 'Tinggi badan (cm)',
    lenCm: 'Panjang badan (cm)',
    weightKg: 'Berat badan (kg)',
    switch: '24 bln: terlentang → berdiri (−0,7 cm)',
    reference: 'Standar WHO 2006',
    hfa2007: 'Tinggi badan menurut umur (TB/U), 5–7 tahun',
    bfa2007: 'IMT menurut umur (IMT/U), 5–7 tahun',
    bmi: 'IMT (kg/m²)',
    reference2007: 'WHO Reference 2007',
  },
  en: {
    lhfa: 'Length/height-for-age',
    wfa: 'Weight-for-age',
    wfl: 'Weight-for-length',
    wfh: 'Weight-for-height',
    boy: 'Boys',
    girl: 'Girls',
    ageMonths: 'Age (months)',
    lengthCm: 'Length/height (cm)',
    heightCm: 'Height (cm)',
    lenCm: 'Length (cm)',
    weightKg: 'Weight (kg)',
    switch: '24 mo: lying → standing (−0.7 cm)',
    reference: 'WHO 2006 standard',
    hfa2007: 'Height-for-age, 5–7 years',
    bfa2007: 'BMI-for-age, 5–7 years',
    bmi: 'BMI (kg/m²)',
    reference2007: 'WHO Reference 2007',
  },
} as const;

/** Band fills between SD lines, from below −3 to above +3 (as the KMS colours them). */
const bands = [
  { from: -Infinity, to: -3, className: 'band-severe', fill: '#f6c9c4' },
  { from: -3, to: -2, className: 'band-moderate', fill: '#fbe0b8' },
  { from: -2, to: 2, className: 'band-normal', fill: '#d3ecd0' },
  { from: 2, to: 3, className: 'band-high', fill: '#f3efc0' },
  { from: 3, to: Infinity, className: 'band-very-high', fill: '#f7f0d4' },
] as const;
/** BB/U: normal ends at +1 SD (Permenkes 2/2020), so +1 to +2 is shaded as a risk band. */
const wfaBands = [
  bands[0],
  bands[1],
  { from: -2, to: 1, className: 'band-normal', fill: '#d3ecd0' },
  { from: 1, to: 2, className: 'band-risk', fill: '#eaf0c4' },
  bands[3],
  bands[4],
] as const;

const lineStyle: Record<number, { stroke: string; width: number; dash?: string }> = {
  [-3]: { stroke: '#8a1c12', width: 1.6 },
  [-2]: { stroke: '#c25400', width: 1.6, dash: '6 4' },
  0: { stroke: '#1d6b2b', width: 2.2 },
  1: { stroke: '#7a6a00', width: 1.4, dash: '2 3' },
  2: { stroke: '#c25400', width: 1.6, dash: '6 4' },
  3: { stroke: '#8a1c12', width: 1.6 },
};

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Curve {
  x: Float64Array;
  y: Float64Array;
}

/** Indices of the curve points within [xMin, xMax], thinned to about `target` points, keeping the 730/731 step. */
function sampleIndices(curve: Curve, xMin: number, xMax: number, target: number): number[] {
  const inRange: number[] = [];
  for (let i = 0; i < curve.x.length; i++) {
    const x = curve.x[i] as number;
    if (x >= xMin - 1e-9 && x <= xMax + 1e-9) inRange.push(i);
  }
  const step = Math.max(1, Math.ceil(inRange.length / target));
  const keep = new Set<number>();
  inRange.forEach((index, k) => {
    const x = curve.x[index] as number;
    if (k % step === 0 || k === inRange.length - 1 || x === switchDay - 1 || x === switchDay) keep.add(index);
  });
  return [...keep].sort((a, b) => a - b);
}

/** Value of a curve at x by linear interpolation between its table points (x ascending). */
export function curveAt(curve: Curve, x: number): number {
  const n = curve.x.length;
  if (n === 0) return Number.NaN;
  if (x <= (curve.x[0] as number)) return curve.y[0] as number;
  if (x >= (curve.x[n - 1] as number)) return curve.y[n - 1] as number;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((curve.x[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  const x0 = curve.x[lo] as number;
  const x1 = curve.x[hi] as number;
  const y0 = curve.y[lo] as number;
  const y1 = curve.y[hi] as number;
  return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

function niceStep(span: number, approxTicks: number): number {
  const raw = span / approxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= raw) return factor * magnitude;
  return 10 * magnitude;
}

function fmt(value: number, decimals: number, lang: Lang): string {
  const s = value.toFixed(decimals);
  return lang === 'id' ? s.replace('.', ',') : s;
}

/** Renders the chart. Every text is escaped; the root carries the axis mapping as data attributes. */
export function renderGrowthChart(options: ChartOptions): string {
  const narrow = options.narrow === true;
  const { width, height, plot } = layout(narrow);
  const { indicator, sex, lang } = options;
  const t = text[lang];
  const is2007 = indicator === 'hfa2007' || indicator === 'bfa2007';
  const byAge = indicator === 'lhfa' || indicator === 'wfa' || is2007;
  const lines = linesFor(indicator);
  const curves = new Map<number, Curve>(lines.map((z) => [z, chartCurve(indicator, sex, z)]));
  const median = curves.get(0) as Curve;
  const tableMin = median.x[0] as number;
  const tableMax = median.x[median.x.length - 1] as number;
  const xMin = tableMin;
  const xMax = byAge && !is2007 ? Math.min(tableMax, options.maxAgeDays ?? tableMax) : tableMax;
  const points = options.points.filter((p) => p.x >= xMin && p.x <= xMax && Number.isFinite(p.y));

  // y range: the −3 and +3 lines over the x range, widened to keep every point inside.
  const low = curves.get(-3) as Curve;
  const high = curves.get(3) as Curve;
  let yLow = Infinity;
  let yHigh = -Infinity;
  for (let i = 0; i < low.x.length; i++) {
    const x = low.x[i] as number;
    if (x < xMin || x > xMax) continue;
    yLow = Math.min(yLow, low.y[i] as number);
    yHigh = Math.max(yHigh, high.y[i] as number);
  }
  for (const p of points) {
    yLow = Math.min(yLow, p.y);
    yHigh = Math.max(yHigh, p.y);
  }
  const yStep = niceStep(yHigh - yLow, 10);
  const yMin = Math.floor(yLow / yStep) * yStep;
  const yMax = Math.ceil(yHigh / yStep) * yStep;

  const sx = (x: number) => plot.left + ((x - xMin) / (xMax - xMin)) * (plot.right - plot.left);
  const sy = (y: number) => plot.bottom - ((y - yMin) / (yMax - yMin)) * (plot.bottom - plot.top);
  const r2 = (v: number) => Math.round(v * 100) / 100;

  const out: string[] = [];
  const title = `${t[indicator]} — ${sex === 1 ? t.boy : t.girl} — ${is2007 ? t.reference2007 : t.reference}`;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" class="growth-chart" role="img"` +
      ` aria-label="${escapeXml(title)}" data-indicator="${indicator}" data-sex="${sex}"` +
      ` data-x-min="${xMin}" data-x-max="${xMax}" data-y-min="${yMin}" data-y-max="${yMax}"` +
      ` data-plot-left="${plot.left}" data-plot-right="${plot.right}" data-plot-top="${plot.top}" data-plot-bottom="${plot.bottom}">`,
  );
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<clipPath id="plot-area"><rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}"/></clipPath>`,
  );

  // Bands: polygons between consecutive lines (the outer ones reach the plot edge).
  const indices = sampleIndices(median, xMin, xMax, 240);
  const edgeValue = (z: number, i: number): number => {
    if (z === -Infinity) return yMin;
    if (z === Infinity) return yMax;
    return (curves.get(z) as Curve).y[i] as number;
  };
  out.push('<g clip-path="url(#plot-area)">');
  for (const band of indicator === 'wfa' ? wfaBands : bands) {
    const upper = indices.map((i) => `${r2(sx(median.x[i] as number))},${r2(sy(edgeValue(band.to, i)))}`);
    const lower = indices
      .slice()
      .reverse()
      .map((i) => `${r2(sx(median.x[i] as number))},${r2(sy(edgeValue(band.from, i)))}`);
    out.push(
      `<polygon class="${band.className}" fill="${band.fill}" points="${[...upper, ...lower].join(' ')}"/>`,
    );
  }
  out.push('</g>');

  // Grid and axes.
  out.push('<g class="grid" stroke="#9aa5a0" stroke-width="0.5" opacity="0.6">');
  const xTicks: { value: number; label: string }[] = [];
  if (byAge) {
    const months = Math.round(xMax / daysPerMonth);
    const firstMonth = Math.round(xMin / daysPerMonth);
    const labelEvery = (months - firstMonth > 24 ? 6 : 3) * (narrow ? 2 : 1);
    for (let m = firstMonth; m <= months; m++) {
      const x = sx(m * daysPerMonth);
      out.push(
        `<line x1="${r2(x)}" y1="${plot.top}" x2="${r2(x)}" y2="${plot.bottom}"${m % labelEvery ? ' opacity="0.4"' : ''}/>`,
      );
      if (m % labelEvery === 0) xTicks.push({ value: x, label: String(m) });
    }
  } else {
    for (let cm = Math.ceil(xMin / 5) * 5; cm <= xMax; cm += 5) {
      const x = sx(cm);
      out.push(`<line x1="${r2(x)}" y1="${plot.top}" x2="${r2(x)}" y2="${plot.bottom}"/>`);
      if (!narrow || cm % 10 === 0) xTicks.push({ value: x, label: String(cm) });
    }
  }
  const yTicks: { value: number; label: string }[] = [];
  for (let y = yMin; y <= yMax + yStep / 1000; y += yStep) {
    out.push(`<line x1="${plot.left}" y1="${r2(sy(y))}" x2="${plot.right}" y2="${r2(sy(y))}"/>`);
    yTicks.push({ value: sy(y), label: fmt(y, yStep < 1 ? 1 : 0, lang) });
  }
  out.push('</g>');
  out.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#33403a" stroke-width="1"/>`,
  );
  out.push('<g class="ticks" font-family="sans-serif" font-size="13" fill="#22302a">');
  for (const tick of xTicks)
    out.push(`<text x="${r2(tick.value)}" y="${plot.bottom + 18}" text-anchor="middle">${tick.label}</text>`);
  for (const tick of yTicks)
    out.push(`<text x="${plot.left - 8}" y="${r2(tick.value + 4)}" text-anchor="end">${tick.label}</text>`);
  const xTitle = byAge ? t.ageMonths : indicator === 'wfl' ? t.lenCm : t.heightCm;
  const yTitle =
    indicator === 'lhfa'
      ? t.lengthCm
      : indicator === 'hfa2007'
        ? t.heightCm
        : indicator === 'bfa2007'
          ? t.bmi
          : t.weightKg;
  out.push(
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 20}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(xTitle)}</text>`,
  );
  out.push(
    `<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(yTitle)}</text>`,
  );
  if (narrow) {
    // Two lines: the indicator's name, then its abbreviation, the sex and the reference.
    const [what = '', ...rest] = title.split(' — ');
    const cut = what.indexOf(' (');
    const head = cut > 0 ? what.slice(0, cut) : what;
    const tail = [cut > 0 ? what.slice(cut + 1) : '', ...rest].filter(Boolean).join(' · ');
    out.push(`<text x="8" y="24" font-size="16" font-weight="bold">${escapeXml(head)}</text>`);
    out.push(`<text x="8" y="46" font-size="13">${escapeXml(tail)}</text>`);
  } else {
    out.push(`<text x="${plot.left}" y="28" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  }
  out.push('</g>');

  // SD lines, each labelled at its right end (the label, not only the colour, says which line it is).
  out.push('<g class="sd-lines" fill="none" clip-path="url(#plot-area)">');
  for (const z of lines) {
    const curve = curves.get(z) as Curve;
    const style = lineStyle[z] as { stroke: string; width: number; dash?: string };
    const d = indices
      .map((i, k) => {
        const x = curve.x[i] as number;
        const prev = k > 0 ? (curve.x[indices[k - 1] as number] as number) : undefined;
        // Break the line at the length→height switch: the two tables are different measurements.
        const move =
          k === 0 || (indicator === 'lhfa' && prev !== undefined && prev < switchDay && x >= switchDay);
        return `${move ? 'M' : 'L'}${r2(sx(x))} ${r2(sy(curve.y[i] as number))}`;
      })
      .join('');
    out.push(
      `<path class="sd-line" data-z="${z}" d="${d}" stroke="${style.stroke}" stroke-width="${style.width}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`,
    );
  }
  out.push('</g>');
  out.push('<g class="sd-labels" font-family="sans-serif" font-size="13" font-weight="bold">');
  for (const z of lines) {
    const curve = curves.get(z) as Curve;
    const y = sy(curveAt(curve, xMax));
    const label = z > 0 ? `+${z}` : z < 0 ? `−${-z}` : '0';
    out.push(
      `<text x="${plot.right + 6}" y="${r2(y + 4)}" fill="${(lineStyle[z] as { stroke: string }).stroke}">${label}</text>`,
    );
  }
  out.push('</g>');

  if (indicator === 'lhfa' && xMax >= switchDay) {
    const x = r2(sx(switchDay));
    const nearRightEdge = plot.right - x < (narrow ? 100 : 240);
    out.push(
      `<g class="position-switch"><line x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="#33403a" stroke-width="1.4" stroke-dasharray="3 3"/>` +
        `<text x="${nearRightEdge ? x - 4 : x + 4}" y="${plot.top + 16}" text-anchor="${nearRightEdge ? 'end' : 'start'}" font-family="sans-serif" font-size="${narrow ? 11 : 12}" fill="#22302a">${escapeXml(t.switch)}</text></g>`,
    );
  }

  // The child's points, oldest first, joined.
  const ordered = [...points].sort((a, b) => a.x - b.x);
  if (ordered.length > 1) {
    const path = ordered.map((p, k) => `${k === 0 ? 'M' : 'L'}${r2(sx(p.x))} ${r2(sy(p.y))}`).join('');
    out.push(`<path class="child-line" d="${path}" fill="none" stroke="#1a2a6c" stroke-width="2.5"/>`);
  }
  out.push('<g class="child-points">');
  for (const p of ordered) {
    const zText = p.z === null ? '' : ` z=${fmt(p.z, 2, lang)}`;
    const unit =
      indicator === 'lhfa' || indicator === 'hfa2007' ? 'cm' : indicator === 'bfa2007' ? 'kg/m²' : 'kg';
    const label = `${p.measuredOn}: ${fmt(p.y, unit === 'kg' ? 2 : 1, lang)} ${unit}${zText}`;
    out.push(
      `<circle class="child-point" cx="${r2(sx(p.x))}" cy="${r2(sy(p.y))}" r="6" fill="#1a2a6c" stroke="#ffffff" stroke-width="2"` +
        ` data-x="${p.x}" data-y="${p.y}" data-z="${p.z ?? ''}" data-measurement-id="${escapeXml(p.measurementId)}"><title>${escapeXml(label)}</title></circle>`,
    );
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}
