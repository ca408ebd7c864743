// @ts-check
// On a child's page: where to find the child for a home visit (dusun, RT/RW, phone) and today's visit notes
// (vitamin A given, ASI eksklusif for 0–6 months), kept on the gateway only, never sent over MQTT.
// Self-contained: its own words in both languages.
import { api } from '../api.js';
import { h } from '../dom.js';
import { errorText, getLang, todayIso } from '../i18n.js';

/** @typedef {typeof words.id} Words */

const words = {
  id: {
    title: 'Alamat (kunjungan rumah) dan catatan kunjungan',
    dusun: 'Dusun',
    rt: 'RT',
    rw: 'RW',
    phone: 'Nomor telepon',
    saveAddress: 'Simpan alamat',
    saved: 'Tersimpan.',
    private: 'Hanya disimpan di gateway posyandu, tidak dikirim ke desa.',
    today: 'Kunjungan hari ini',
    vitaminA: 'Vitamin A diberikan (Februari / Agustus)',
    asi: 'ASI eksklusif (0–6 bulan)',
    unknown: 'tidak dicatat',
    yes: 'ya',
    no: 'tidak',
    saveNotes: 'Simpan catatan',
  },
  en: {
    title: 'Address (home visits) and visit notes',
    dusun: 'Hamlet (dusun)',
    rt: 'RT',
    rw: 'RW',
    phone: 'Phone number',
    saveAddress: 'Save address',
    saved: 'Saved.',
    private: 'Kept on the posyandu gateway only, never sent to the village.',
    today: "Today's visit",
    vitaminA: 'Vitamin A given (February / August)',
    asi: 'Exclusive breastfeeding (0–6 months)',
    unknown: 'not recorded',
    yes: 'yes',
    no: 'no',
    saveNotes: 'Save notes',
  },
};

/**
 * @param {string} label
 * @param {HTMLElement} input
 */
function field(label, input) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input);
}

/**
 * A yes / no / not recorded choice; its value() is true, false or null.
 * @param {string} id
 * @param {string} label
 * @param {Words} w
 */
function choice(id, label, w) {
  const select = h(
    'select',
    { id },
    h('option', { value: '' }, w.unknown),
    h('option', { value: 'y' }, w.yes),
    h('option', { value: 'n' }, w.no),
  );
  return {
    element: field(label, select),
    set: (/** @type {boolean | null} */ value) => {
      select.value = value === true ? 'y' : value === false ? 'n' : '';
    },
    value: () => (select.value === '' ? null : select.value === 'y'),
  };
}

/** @param {string} childId */
export function childDetailsSection(childId) {
  const w = words[getLang()];
  const id = encodeURIComponent(childId);
  const input = (/** @type {string} */ name, /** @type {Record<string, string>} */ attrs) =>
    h('input', { id: `address-${name}`, ...attrs });
  const dusun = input('dusun', { maxlength: '60', autocomplete: 'off' });
  const rt = input('rt', { inputmode: 'numeric', maxlength: '3', pattern: '[0-9]{1,3}' });
  const rw = input('rw', { inputmode: 'numeric', maxlength: '3', pattern: '[0-9]{1,3}' });
  const phone = input('phone', {
    type: 'tel',
    maxlength: '16',
    pattern: '\\+?[0-9]{8,15}',
    autocomplete: 'off',
  });
  const addressStatus = h('p', { class: 'hint', id: 'address-status', role: 'status' });
  const vitaminA = choice('visit-vitamin-a', w.vitaminA, w);
  const asi = choice('visit-asi', w.asi, w);
  const notesStatus = h('p', { class: 'hint', id: 'visit-status', role: 'status' });
  const today = todayIso();
  const orNull = (/** @type {HTMLInputElement} */ el) => (el.value.trim() === '' ? null : el.value.trim());

  const addressForm = h(
    'form',
    {
      id: 'address-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { dusun: orNull(dusun), rt: orNull(rt), rw: orNull(rw), phone: orNull(phone) };
        const result = await api('PUT', `/api/children/${id}/address`, body);
        addressStatus.textContent = result.ok ? w.saved : errorText(result);
      },
    },
    field(w.dusun, dusun),
    h('div', { class: 'report-period' }, field(w.rt, rt), field(w.rw, rw)),
    field(w.phone, phone),
    h('p', { class: 'hint' }, w.private),
    h('button', { type: 'submit', class: 'btn btn-secondary' }, w.saveAddress),
    addressStatus,
  );
  const notesForm = h(
    'form',
    {
      id: 'visit-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { visit_on: today, vitamin_a: vitaminA.value(), asi_eksklusif: asi.value() };
        const result = await api('PUT', `/api/children/${id}/visit-notes`, body);
        notesStatus.textContent = result.ok ? w.saved : errorText(result);
      },
    },
    h('h3', {}, w.today),
    vitaminA.element,
    asi.element,
    h('button', { type: 'submit', class: 'btn btn-secondary' }, w.saveNotes),
    notesStatus,
  );

  async function load() {
    const [address, notes] = await Promise.all([
      api('GET', `/api/children/${id}/address`),
      api('GET', `/api/children/${id}/visit-notes`),
    ]);
    const a = address.ok ? address.data.address : null;
    dusun.value = a?.dusun ?? '';
    rt.value = a?.rt ?? '';
    rw.value = a?.rw ?? '';
    phone.value = a?.phone ?? '';
    const note = notes.ok ? notes.data.notes.find((n) => n.visit_on === today) : undefined;
    vitaminA.set(note?.vitamin_a ?? null);
    asi.set(note?.asi_eksklusif ?? null);
  }

  const element = h(
    'details',
    { class: 'card child-details-card no-print', id: 'child-details' },
    h('summary', {}, w.title),
    addressForm,
    notesForm,
  );
  // Read when first opened: the folded section costs the child page nothing (and moves nothing while it loads).
  let loaded = false;
  element.addEventListener('toggle', () => {
    if (!element.open || loaded) return;
    loaded = true;
    void load();
  });
  return element;
}
