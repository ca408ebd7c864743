// @ts-check
// The district dashboard's screen: login, then for a chosen month the district's figures, a sortable table of
// villages and of posyandu, the posyandu not heard from for N days, and the 12-month trend; CSV of every table.
// Bahasa Indonesia first, English on the toggle. DOM built with textContent only.

/** @import { DashboardAnswer, ErrorBody, Overview, PlaceRow, Rate } from './contract' */
/**
 * A column of the tables: `value` sorts (and is the cell unless `cell` draws it); `text` aligns left.
 * @typedef {{ key: string, label: Key, text?: boolean, value: (row: PlaceRow) => string | number | null | undefined,
 *   cell?: (row: PlaceRow) => HTMLElement }} Column
 */

const words = {
  id: {
    title: 'Dasbor kabupaten',
    loading: 'Memuat…',
    logout: 'Keluar',
    login: 'Masuk',
    password: 'Kata sandi atau PIN',
    wrong: 'Kata sandi salah.',
    month: 'Bulan',
    days: 'Belum melapor sejak (hari)',
    village: 'Desa',
    posyandu: 'Posyandu',
    allVillages: 'Semua desa',
    kabupaten: 'Kabupaten',
    villages: 'Desa',
    posyanduTable: 'Posyandu',
    stale: 'Posyandu yang belum melapor {n} hari atau lebih',
    noneStale: 'Semua posyandu melapor dalam {n} hari terakhir.',
    trend: 'Tren 12 bulan',
    csv: 'Unduh CSV',
    never: 'belum pernah',
    S: 'S',
    D: 'D',
    DS: 'D/S %',
    ND: 'N/D %',
    stunting: 'Stunting %',
    wasting: 'Wasting %',
    underweight: 'BB kurang %',
    coverage: 'Cakupan TB/U %',
    hijau: 'Hijau',
    kuning: 'Kuning',
    merah: 'Merah',
    tidak: 'Tidak diukur',
    homeVisit: 'Kunjungan rumah',
    referral: 'Rujukan',
    lastDays: 'Hari posyandu terakhir (hari lalu)',
    count: 'Jml posyandu',
    note: 'Z-skor menurut Standar Pertumbuhan Anak WHO 2006; status menurut Permenkes RI No. 2 Tahun 2020. Prevalensi: persen anak 0–59 bulan yang diukur bulan ini, dengan selang kepercayaan 95 % (Wilson) dalam kurung. Stunting: TB/U < −2 SD; wasting: BB/TB < −2 SD; BB kurang: BB/U < −2 SD. Warna tikar: anak 0–23 bulan.',
    kpiS: 'Balita terdaftar (S)',
    kpiDS: 'Ditimbang (D/S)',
    kpiStunting: 'Prevalensi stunting',
    kpiStale: 'Posyandu belum melapor',
    kpiReferral: 'Anak perlu dirujuk',
    kpiHome: 'Anak perlu dikunjungi',
  },
  en: {
    title: 'District dashboard',
    loading: 'Loading…',
    logout: 'Log out',
    login: 'Log in',
    password: 'Password or PIN',
    wrong: 'Wrong password.',
    month: 'Month',
    days: 'Not reported for (days)',
    village: 'Village',
    posyandu: 'Posyandu',
    allVillages: 'All villages',
    kabupaten: 'District',
    villages: 'Villages',
    posyanduTable: 'Posyandu',
    stale: 'Posyandu not reported for {n} days or more',
    noneStale: 'Every posyandu reported in the last {n} days.',
    trend: '12-month trend',
    csv: 'Download CSV',
    never: 'never',
    S: 'S',
    D: 'D',
    DS: 'D/S %',
    ND: 'N/D %',
    stunting: 'Stunting %',
    wasting: 'Wasting %',
    underweight: 'Underweight %',
    coverage: 'HAZ coverage %',
    hijau: 'Green',
    kuning: 'Yellow',
    merah: 'Red',
    tidak: 'Not measured',
    homeVisit: 'Home visits',
    referral: 'Referrals',
    lastDays: 'Last posyandu day (days ago)',
    count: 'Posyandu',
    note: 'Z-scores by the WHO Child Growth Standards (2006); status by Permenkes RI No. 2/2020. Prevalence: percent of children 0–59 months measured this month, 95 % Wilson interval in brackets. Stunting: HAZ < −2 SD; wasting: WHZ < −2 SD; underweight: WAZ < −2 SD. Mat colours: children 0–23 months.',
    kpiS: 'Children registered (S)',
    kpiDS: 'Weighed (D/S)',
    kpiStunting: 'Stunting prevalence',
    kpiStale: 'Posyandu not reporting',
    kpiReferral: 'Children to refer',
    kpiHome: 'Children to visit',
  },
};

/** @typedef {keyof typeof words.id} Key a word of the page */
/** @type {Record<'id' | 'en', Record<Key, string>>} both languages have every word */
const dictionaries = words;

/** @type {'id' | 'en'} */
let lang = localStorage.getItem('tikar.lang') === 'en' ? 'en' : 'id';
const t = (/** @type {Key} */ key, /** @type {Record<string, string | number>} */ vars = {}) =>
  dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
const number = (/** @type {number | null | undefined} */ value, digits = 1) =>
  value === null || value === undefined
    ? '–'
    : value.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', {
        maximumFractionDigits: digits,
        minimumFractionDigits: digits,
      });

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | null | undefined | ((event: Event) => unknown)>} [attrs]
 *   false, null and undefined leave an attribute out; a function under an `on…` name is a listener
 * @param {...(Node | string | number | false | null | undefined | (Node | string | number | false | null | undefined)[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    } else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat())
    if (child !== null && child !== undefined && child !== false)
      el.append(child instanceof Node ? child : String(child));
  return el;
}

/**
 * An element of the page's fixed frame (index.html); a missing one is a fault of the page, said at once.
 * @param {string} id
 */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the dashboard page has no #${id}`);
  return el;
}

const app = byId('app');
const langToggle = byId('lang-toggle');
const logoutButton = byId('logout');
/**
 * @type {{ month: string, days: number, village: string, view: Overview | null,
 *   sort: Record<string, { key: string, direction: 'ascending' | 'descending' }> }}
 */
const state = { month: new Date().toISOString().slice(0, 7), days: 30, village: '', view: null, sort: {} };

/**
 * @template {string} P
 * @param {P} path
 * @param {RequestInit} [options]
 * @returns {Promise<{ ok: true, status: number, body: DashboardAnswer<P> } | { ok: false, status: number, body?: ErrorBody }>}
 *   no body on 401 (not logged in)
 */
async function api(path, options = {}) {
  const response = await fetch(path, { headers: { 'content-type': 'application/json' }, ...options });
  if (response.status === 401) return { ok: false, status: 401 };
  // The dashboard answers by its contract: DashboardAnswer when ok, ErrorBody otherwise.
  const body = await response.json();
  return response.ok
    ? { ok: true, status: response.status, body }
    : { ok: false, status: response.status, body };
}

/**
 * @param {string} key
 * @returns {key is Key}
 */
function isKey(key) {
  return Object.hasOwn(words.id, key);
}

function translateStatic() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    // The page's own words (index.html): one the dictionary lacks keeps its Indonesian text.
    const key = el.getAttribute('data-i18n') ?? '';
    if (isKey(key)) el.textContent = t(key);
  }
  langToggle.textContent = lang === 'id' ? 'EN' : 'ID';
}

/** @param {string} [error] */
function showLogin(error) {
  logoutButton.hidden = true;
  const input = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    id: 'password',
  });
  const form = h(
    'form',
    {
      class: 'card login',
      onsubmit: async (event) => {
        event.preventDefault();
        const result = await api('/api/login', {
          method: 'POST',
          body: JSON.stringify({ password: input.value }),
        });
        if (result.ok) void load();
        else showLogin(result.status === 429 && result.body ? result.body.error.message : t('wrong'));
      },
    },
    h('h1', {}, t('title')),
    h('label', {}, t('password'), input),
    error ? h('p', { class: 'error', role: 'alert' }, error) : null,
    h('button', { type: 'submit', class: 'primary' }, t('login')),
  );
  app.replaceChildren(form);
  input.focus();
}

const rateCell = (/** @type {Rate} */ rate) =>
  h(
    'td',
    {},
    number(rate.pct),
    rate.pct === null ? null : h('span', { class: 'ci' }, ` (${number(rate.lower)}–${number(rate.upper)})`),
  );

/** @type {Column[]} */
const columns = [
  { key: 's', label: 'S', value: (r) => r.s },
  { key: 'd', label: 'D', value: (r) => r.d },
  { key: 'ds', label: 'DS', value: (r) => r.d_over_s, cell: (r) => h('td', {}, number(r.d_over_s)) },
  { key: 'nd', label: 'ND', value: (r) => r.n_over_d, cell: (r) => h('td', {}, number(r.n_over_d)) },
  {
    key: 'stunting',
    label: 'stunting',
    value: (r) => r.rates.stunting.pct,
    cell: (r) => rateCell(r.rates.stunting),
  },
  {
    key: 'wasting',
    label: 'wasting',
    value: (r) => r.rates.wasting.pct,
    cell: (r) => rateCell(r.rates.wasting),
  },
  {
    key: 'underweight',
    label: 'underweight',
    value: (r) => r.rates.underweight.pct,
    cell: (r) => rateCell(r.rates.underweight),
  },
  {
    key: 'coverage',
    label: 'coverage',
    value: (r) => r.coverage,
    cell: (r) => h('td', {}, number(r.coverage)),
  },
  {
    key: 'hijau',
    label: 'hijau',
    value: (r) => r.mat_hijau,
    cell: (r) => h('td', { class: 'hijau' }, r.mat_hijau),
  },
  {
    key: 'kuning',
    label: 'kuning',
    value: (r) => r.mat_kuning,
    cell: (r) => h('td', { class: 'kuning' }, r.mat_kuning),
  },
  {
    key: 'merah',
    label: 'merah',
    value: (r) => r.mat_merah,
    cell: (r) => h('td', { class: 'merah' }, r.mat_merah),
  },
  { key: 'tidak', label: 'tidak', value: (r) => r.mat_tidak_diukur },
  { key: 'home', label: 'homeVisit', value: (r) => r.home_visit },
  { key: 'referral', label: 'referral', value: (r) => r.referral },
  {
    key: 'silent',
    label: 'lastDays',
    value: (r) => r.days_silent ?? Number.POSITIVE_INFINITY,
    cell: (r) =>
      h(
        'td',
        { class: r.days_silent === null || r.days_silent >= state.days ? 'silent' : '' },
        r.days_silent === null ? t('never') : r.days_silent,
      ),
  },
];

/**
 * @param {string} id
 * @param {PlaceRow[]} rows
 * @param {Column[]} leading
 */
function sortedRows(id, rows, leading) {
  const sort = state.sort[id];
  if (!sort) return rows;
  const all = [...leading, ...columns];
  const column = all.find((c) => c.key === sort.key);
  if (!column) return rows;
  const direction = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = column.value(a) ?? Number.NEGATIVE_INFINITY;
    const y = column.value(b) ?? Number.NEGATIVE_INFINITY;
    return (x < y ? -1 : x > y ? 1 : 0) * direction;
  });
}

/**
 * @param {string} id
 * @param {PlaceRow[]} rows
 * @param {Column[]} leading
 * @param {string} csvTable
 * @param {HTMLElement} [footer]
 */
function table(id, rows, leading, csvTable, footer) {
  const all = [...leading, ...columns];
  const head = all.map((column) => {
    const sort = state.sort[id];
    return h(
      'th',
      {
        scope: 'col',
        class: column.text ? 'text' : null,
        'aria-sort': sort?.key === column.key ? sort.direction : 'none',
      },
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            const current = state.sort[id];
            state.sort[id] = {
              key: column.key,
              direction:
                current?.key === column.key && current.direction === 'ascending' ? 'descending' : 'ascending',
            };
            render();
          },
        },
        t(column.label),
      ),
    );
  });
  const body = sortedRows(id, rows, leading).map((row) =>
    h(
      'tr',
      {},
      all.map((column) =>
        column.cell ? column.cell(row) : h('td', { class: column.text ? 'text' : null }, column.value(row)),
      ),
    ),
  );
  const csv = `/api/csv?table=${csvTable}&month=${state.month}&days=${state.days}`;
  return [
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id },
        h('thead', {}, h('tr', {}, head)),
        h('tbody', {}, body),
        footer ? h('tfoot', {}, footer) : null,
      ),
    ),
    h(
      'a',
      { class: 'csv', href: csv, download: `tikar-${csvTable}-${state.month}.csv` },
      `${t('csv')} (${csvTable})`,
    ),
  ];
}

/** @type {Column} */
const villageColumn = { key: 'village', label: 'village', text: true, value: (r) => r.village_id };
/** @type {Column} */
const posyanduColumn = { key: 'posyandu', label: 'posyandu', text: true, value: (r) => r.posyandu_id };
/** @type {Column} */
const countColumn = { key: 'count', label: 'count', value: (r) => r.posyandu_count };

/**
 * @param {string} label
 * @param {string} value
 */
function kpi(label, value) {
  return h('div', { class: 'kpi' }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
}

function render() {
  const view = state.view;
  if (!view) return;
  const d = view.district;
  const villageSelect = h(
    'select',
    {
      id: 'village',
      onchange: (event) => {
        if (event.target instanceof HTMLSelectElement) state.village = event.target.value;
        render();
      },
    },
    h('option', { value: '' }, t('allVillages')),
    view.villages.map((v) =>
      h('option', { value: v.village_id, selected: v.village_id === state.village }, v.village_id),
    ),
  );
  const posyandu = state.village
    ? view.posyandu.filter((p) => p.village_id === state.village)
    : view.posyandu;
  const districtRow = h(
    'tr',
    {},
    h('th', { scope: 'row', class: 'text' }, t('kabupaten')),
    h('td', {}, d.posyandu_count),
    columns.map((column) => (column.cell ? column.cell(d) : h('td', {}, column.value(d)))),
  );
  const trendSrc = `/api/trend.svg?month=${state.month}${state.village ? `&village=${encodeURIComponent(state.village)}` : ''}`;
  app.replaceChildren(
    ...[
      h('h1', {}, `${t('title')} — ${state.month}`),
      h(
        'div',
        { class: 'card controls' },
        h(
          'label',
          {},
          t('month'),
          h('input', {
            type: 'month',
            id: 'month',
            value: state.month,
            onchange: (event) => {
              if (event.target instanceof HTMLInputElement) state.month = event.target.value;
              void load();
            },
          }),
        ),
        h(
          'label',
          {},
          t('days'),
          h('input', {
            type: 'number',
            id: 'days',
            min: 1,
            max: 366,
            value: state.days,
            onchange: (event) => {
              if (event.target instanceof HTMLInputElement) state.days = Number(event.target.value) || 30;
              void load();
            },
          }),
        ),
        h('label', {}, t('village'), villageSelect),
      ),
      h(
        'div',
        { class: 'kpis' },
        kpi(t('kpiS'), d.s.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB')),
        kpi(t('kpiDS'), `${number(d.d_over_s)} %`),
        kpi(t('kpiStunting'), `${number(d.rates.stunting.pct)} %`),
        kpi(t('kpiStale'), String(view.stale.length)),
        kpi(t('kpiReferral'), String(d.referral)),
        kpi(t('kpiHome'), String(d.home_visit)),
      ),
      h('p', { class: 'note' }, t('note')),
      h('h2', {}, t('stale', { n: state.days })),
      view.stale.length === 0
        ? h('p', {}, t('noneStale', { n: state.days }))
        : table('stale-table', view.stale, [villageColumn, posyanduColumn], 'stale'),
      h('h2', {}, t('villages')),
      table('village-table', view.villages, [villageColumn, countColumn], 'villages', districtRow),
      h('h2', {}, `${t('posyanduTable')}${state.village ? ` — ${state.village}` : ''}`),
      table('posyandu-table', posyandu, [villageColumn, posyanduColumn], 'posyandu'),
      h('h2', {}, `${t('trend')} — ${state.village || t('kabupaten')}`),
      h(
        'div',
        { class: 'trend' },
        h('img', { src: trendSrc, alt: t('trend'), width: 720, height: 360, id: 'trend' }),
      ),
      h(
        'a',
        {
          class: 'csv',
          href: `/api/csv?table=trend&month=${state.month}`,
          download: `tikar-trend-${state.month}.csv`,
        },
        `${t('csv')} (trend)`,
      ),
    ].flat(),
  );
}

let loads = 0;

async function load() {
  // Only the newest request may draw: an older answer arriving late would undo a newer choice.
  const mine = ++loads;
  const result = await api(`/api/overview?month=${state.month}&days=${state.days}`);
  if (mine !== loads) return;
  if (result.status === 401) return showLogin();
  if (!result.ok) {
    app.replaceChildren(
      h('p', { class: 'error', role: 'alert' }, result.body?.error.message ?? String(result.status)),
    );
    return;
  }
  logoutButton.hidden = false;
  state.view = result.body;
  render();
}

langToggle.addEventListener('click', () => {
  lang = lang === 'id' ? 'en' : 'id';
  localStorage.setItem('tikar.lang', lang);
  translateStatic();
  if (state.view) render();
  else showLogin();
});
logoutButton.addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST' });
  state.view = null;
  showLogin();
});
translateStatic();
void load();
