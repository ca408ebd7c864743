// @ts-check
// On the Laporan page: the month's lists (daftar rujukan, kunjungan rumah, SKDN F2, KPM form 2.B), each to
// open as a printable page or download as CSV, and the month's sasaran (target count of balita in the area)
// that the SKDN then uses as S. Self-contained: its own words in both languages.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { errorText, getLang } from '../i18n.js';

const words = {
  id: {
    title: 'Daftar dan formulir bulan ini',
    rujukan: 'Daftar rujukan (T, 2T, BGM, gizi kurang/buruk, pendek)',
    kunjungan: 'Daftar kunjungan rumah (tidak ditimbang bulan ini)',
    f2: 'SKDN format F2 (umur × jenis kelamin)',
    kpm2b: 'KPM formulir 2.B (0–23 bulan)',
    eppgbm: 'e-PPGBM, urutan kolom ekspor by-name',
    open: 'Buka / cetak',
    csv: 'CSV',
    sasaran: 'Sasaran balita di wilayah posyandu (S) bulan ini',
    sasaranHint:
      'Bila diisi, S pada SKDN memakai sasaran ini; jumlah balita terdaftar ditampilkan di sampingnya.',
    save: 'Simpan sasaran',
    clear: 'Hapus',
    saved: 'Sasaran tersimpan.',
    cleared: 'Sasaran dihapus: S = balita terdaftar.',
    none: 'Belum ada sasaran: S = balita terdaftar.',
    invalid: 'Isi jumlah balita (angka bulat 0 atau lebih).',
  },
  en: {
    title: "This month's lists and forms",
    rujukan: 'Referral list (T, 2T, below the red line, wasted, stunted)',
    kunjungan: 'Home visits (not weighed this month)',
    f2: 'SKDN in the F2 layout (age × sex)',
    kpm2b: 'KPM form 2.B (0–23 months)',
    eppgbm: 'e-PPGBM in the by-name export column order',
    open: 'Open / print',
    csv: 'CSV',
    sasaran: "Target count of under-fives in the posyandu's area (S) this month",
    sasaranHint: 'When set, the SKDN uses it as S and shows the registered count beside it.',
    save: 'Save target',
    clear: 'Clear',
    saved: 'Target saved.',
    cleared: 'Target cleared: S = registered children.',
    none: 'No target set: S = registered children.',
    invalid: 'Enter the number of children (a whole number, 0 or more).',
  },
};
/** @type {('rujukan' | 'kunjungan' | 'f2' | 'kpm2b')[]} the lists of gateway/reports/lists.ts */
const listKinds = ['rujukan', 'kunjungan', 'f2', 'kpm2b'];

/** The section and a `setMonth(YYYY-MM)` the page calls whenever its month changes. */
export function reportListsSection() {
  const w = words[getLang()];
  let month = '';
  const links = h('ul', { class: 'report-lists', id: 'report-lists' });
  const input = h('input', {
    type: 'number',
    min: '0',
    step: '1',
    inputmode: 'numeric',
    id: 'sasaran-input',
  });
  const status = h('p', { class: 'hint', id: 'sasaran-status', role: 'status' });

  /** @param {number | null} balita null clears the month's sasaran */
  async function save(balita) {
    const result = await api('PUT', '/api/sasaran', { month, balita });
    status.textContent = result.ok ? (balita === null ? w.cleared : w.saved) : errorText(result);
    if (result.ok && balita === null) input.value = '';
  }
  const form = h(
    'form',
    {
      class: 'sasaran-form',
      onsubmit: (event) => {
        event.preventDefault();
        const value = Number(input.value);
        if (input.value === '' || !Number.isInteger(value) || value < 0) status.textContent = w.invalid;
        else void save(value);
      },
    },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, w.sasaran), input),
    h('p', { class: 'hint' }, w.sasaranHint),
    h(
      'div',
      { class: 'report-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'sasaran-save' }, w.save),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => void save(null) }, w.clear),
    ),
    status,
  );

  /** @param {string} next YYYY-MM */
  async function setMonth(next) {
    month = next;
    const url = (/** @type {string} */ kind, /** @type {string} */ format) =>
      `/api/lists/${kind}?${new URLSearchParams({ month, format })}`;
    const byName = (/** @type {string} */ format) =>
      `/api/exports/eppgbm?${new URLSearchParams({ from: month, layout: 'eppgbm', format })}`;
    mount(
      links,
      ...listKinds.map((kind) =>
        h(
          'li',
          { 'data-list': kind },
          h('span', {}, w[kind]),
          ' ',
          h(
            'a',
            { class: 'btn btn-secondary', href: url(kind, 'html'), target: '_blank', rel: 'noopener' },
            `↗ ${w.open}`,
          ),
          ' ',
          h('a', { class: 'btn btn-secondary', href: url(kind, 'csv'), download: '' }, `⤓ ${w.csv}`),
        ),
      ),
      h(
        'li',
        { 'data-list': 'eppgbm' },
        h('span', {}, w.eppgbm),
        ' ',
        h('a', { class: 'btn btn-secondary', href: byName('csv'), download: '' }, '⤓ CSV'),
        ' ',
        h('a', { class: 'btn btn-secondary', href: byName('xlsx'), download: '' }, '⤓ Excel'),
      ),
    );
    status.textContent = '';
    const current = await api('GET', `/api/sasaran?${new URLSearchParams({ month })}`);
    if (month !== next) return; // another month was picked meanwhile
    input.value = current.ok && current.data.balita !== null ? String(current.data.balita) : '';
    if (current.ok && current.data.balita === null) status.textContent = w.none;
  }

  const element = h('details', { class: 'card report-lists-card' }, h('summary', {}, w.title), links, form);
  return { element, setMonth };
}
