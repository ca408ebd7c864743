// @ts-check
// "Laporan" (bidan, admin): pick a report and a month, read it on screen, print it on A4, download CSV, and
// export the month for e-PPGBM and SATUSEHAT. The report itself is the gateway's printable page
// (GET /api/reports/:kind), shown in a frame; its choice lives in the hash: #/reports/<kind>/<YYYY-MM>.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { errorText, monthNames, t, todayIso } from '../i18n.js';
import { reportListsSection } from './report-lists.js';

/** @import { Key } from '../i18n.js' */

/** @type {readonly ('skdn' | 'recap' | 'prevalence')[]} */
const kinds = ['skdn', 'recap', 'prevalence'];
/** @type {[table: string, key: Key][]} */
const recapCsvTables = [
  ['monthly', 'reports.csv.monthly'],
  ['quarter', 'reports.csv.quarter'],
  ['quarter-children', 'reports.csv.quarterChildren'],
];
const monthPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;
const yearsBack = 5;

/**
 * @param {HTMLElement} root
 * @param {string | undefined} kindParam
 * @param {string | undefined} monthParam YYYY-MM
 */
export function renderReports(root, kindParam, monthParam) {
  let kind = kinds.find((k) => k === kindParam) ?? 'skdn';
  let month = monthParam !== undefined && monthPattern.test(monthParam) ? monthParam : todayIso().slice(0, 7);

  const about = h('p', { class: 'muted', id: 'report-about' });
  const quarterLine = h('p', { class: 'hint', id: 'report-quarter' });
  const error = h('p', { class: 'form-error', id: 'report-error', role: 'alert', hidden: true });
  const status = h('p', { class: 'hint', id: 'report-status', role: 'status' });
  const csvLinks = h('div', { class: 'report-downloads', id: 'report-csv' });
  const exportLinks = h('div', { class: 'report-downloads', id: 'report-exports' });
  const openLink = h('a', {
    class: 'btn btn-secondary',
    id: 'report-open',
    target: '_blank',
    rel: 'noopener',
  });
  const pdfLink = h('a', { class: 'btn btn-secondary', id: 'report-pdf', download: '' });
  const frame = h('iframe', { class: 'report-frame', id: 'report-frame' });
  const lists = reportListsSection();
  const printButton = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary',
      id: 'report-print',
      disabled: true,
      // The report page carries its own A4 print stylesheet; printing the frame prints only the report.
      onclick: () => frame.contentWindow?.print(),
    },
    t('reports.print'),
  );

  const kindTabs = kinds.map((value) =>
    h(
      'button',
      {
        type: 'button',
        class: 'tab',
        'data-kind': value,
        'aria-pressed': String(value === kind),
        onclick: () => {
          kind = value;
          update();
        },
      },
      t(`reports.${value}`),
    ),
  );

  const selectedYear = Number(month.slice(0, 4));
  const thisYear = Number(todayIso().slice(0, 4));
  const firstYear = Math.min(thisYear - yearsBack, selectedYear);
  const years = [];
  for (let year = Math.max(thisYear, selectedYear); year >= firstYear; year--) years.push(year);
  const monthSelect = h(
    'select',
    { id: 'report-month', onchange: pickMonth },
    monthNames().map((name, index) => {
      const value = String(index + 1).padStart(2, '0');
      return h('option', { value, selected: value === month.slice(5) }, name);
    }),
  );
  const yearSelect = h(
    'select',
    { id: 'report-year', onchange: pickMonth },
    years.map((year) => h('option', { value: String(year), selected: year === selectedYear }, String(year))),
  );
  function pickMonth() {
    month = `${yearSelect.value}-${monthSelect.value}`;
    update();
  }

  /** The report page in the frame, as update() asked for it (`frame.src` is the same made absolute). */
  let framed = reportUrl('html');
  frame.addEventListener('load', async () => {
    // A refused request (bad session, no reports) is blocked from framing: an error page not readable here.
    let href = '';
    /** @type {Document | null} */
    let shown = null;
    try {
      href = frame.contentWindow?.location.href ?? '';
      shown = frame.contentDocument?.querySelector('main h1') ? frame.contentDocument : null;
    } catch {
      shown = null;
    }
    // The empty frame's own about:blank load is not an answer.
    if (href === 'about:blank') return;
    const requested = frame.src;
    if (shown) {
      // Tall enough for the whole report: the page scrolls, not a small box inside it.
      frame.style.height = `${shown.documentElement.scrollHeight + 16}px`;
      status.textContent = '';
      printButton.disabled = false;
      return;
    }
    const result = await api('GET', framed);
    // Another report was asked for meanwhile: this answer is stale.
    if (frame.src !== requested) return;
    status.textContent = '';
    frame.hidden = true;
    error.hidden = false;
    error.textContent = result.ok ? t('reports.failed') : errorText(result);
  });

  /**
   * @param {'html' | 'csv' | 'pdf'} format
   * @param {string} [table] the recap's CSV table
   * @returns {`/api/reports/${string}`}
   */
  function reportUrl(format, table) {
    const query = new URLSearchParams({ month, format });
    if (table) query.set('table', table);
    return `/api/reports/${kind}?${query}`;
  }

  /**
   * @param {string} id
   * @param {string} href
   * @param {string} label
   */
  function link(id, href, label) {
    return h('a', { class: 'btn btn-secondary', id, href, download: '' }, `⤓ ${label}`);
  }

  function update() {
    history.replaceState(null, '', `#/reports/${kind}/${month}`);
    for (const tab of kindTabs) tab.setAttribute('aria-pressed', String(tab.dataset.kind === kind));
    about.textContent = t(`reports.about.${kind}`);
    quarterLine.hidden = kind !== 'recap';
    quarterLine.textContent = quarterText(month);
    mount(
      csvLinks,
      kind === 'recap'
        ? recapCsvTables.map(([table, key]) => link(`report-csv-${table}`, reportUrl('csv', table), t(key)))
        : link('report-csv-summary', reportUrl('csv'), t('reports.csv')),
    );
    const range = new URLSearchParams({ from: month }).toString();
    mount(
      exportLinks,
      link('export-eppgbm-csv', `/api/exports/eppgbm?${range}`, t('reports.eppgbmCsv')),
      link('export-eppgbm-xlsx', `/api/exports/eppgbm?${range}&format=xlsx`, t('reports.eppgbmXlsx')),
      link('export-fhir', `/api/exports/fhir?${range}`, t('reports.fhir')),
    );
    openLink.href = reportUrl('html');
    openLink.textContent = `↗ ${t('reports.open')}`;
    pdfLink.href = reportUrl('pdf');
    pdfLink.textContent = `⤓ ${t('reports.pdf')}`;
    const name = t(`reports.${kind}`);
    frame.title = t('reports.frame', { name, month: monthText(month) });
    error.hidden = true;
    frame.hidden = false;
    printButton.disabled = true;
    status.textContent = t('reports.loading');
    framed = reportUrl('html');
    frame.src = framed;
    void lists.setMonth(month);
  }

  mount(
    root,
    h(
      'section',
      { class: 'page reports-page' },
      h('h1', {}, t('reports.title')),
      h('div', { class: 'tabs', role: 'group', 'aria-label': t('reports.kind') }, kindTabs),
      about,
      h(
        'div',
        { class: 'report-period' },
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('reports.month')), monthSelect),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('reports.year')), yearSelect),
      ),
      quarterLine,
      h('div', { class: 'report-actions' }, printButton, openLink, pdfLink),
      csvLinks,
      status,
      error,
      frame,
      h('p', { class: 'hint' }, t('reports.language')),
      lists.element,
      h(
        'details',
        { class: 'card report-exports' },
        h('summary', {}, t('reports.exports')),
        h('p', { class: 'hint' }, t('reports.exports.note')),
        exportLinks,
      ),
    ),
  );
  update();
}

/**
 * "November 2026".
 * @param {string} yearMonth YYYY-MM
 */
function monthText(yearMonth) {
  const [year = 0, monthNumber = 0] = yearMonth.split('-').map(Number);
  return `${monthNames()[monthNumber - 1]} ${year}`;
}

/** The quarter the recap's 3-monthly table covers, e.g. "Triwulan IV: Oktober – Desember 2026". */
/** @param {string} yearMonth YYYY-MM */
function quarterText(yearMonth) {
  const [year = 0, monthNumber = 0] = yearMonth.split('-').map(Number);
  const quarter = Math.floor((monthNumber - 1) / 3);
  const names = monthNames();
  return t('reports.quarter', {
    q: ['I', 'II', 'III', 'IV'][quarter] ?? '',
    from: names[quarter * 3] ?? '',
    to: names[quarter * 3 + 2] ?? '',
    y: year,
  });
}
