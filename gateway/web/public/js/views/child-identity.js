// @ts-check
// On a child's page: "Koreksi identitas". A bidan or the admin corrects the child's name, sex, birth date,
// NIK, mother's name or Buku KIA, with a reason; every correction stays in the history shown here (old and
// new values, who, when). A corrected sex or birth date re-scores the child's measurements.
// Self-contained: its own words in both languages.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { errorText, fmtDate, getLang } from '../i18n.js';

/**
 * @typedef {import('../contract').Child} Child
 * @typedef {import('../contract').ChildCorrection} Correction
 * @typedef {keyof Correction['after']} IdentityField
 * @typedef {import('../contract').ChildCorrectionBody} CorrectionBody
 */

const words = {
  id: {
    title: 'Koreksi identitas',
    lead: 'Untuk kesalahan data anak (nama, jenis kelamin, tanggal lahir, NIK, nama ibu). Nilai lama tetap tersimpan di riwayat.',
    onlyBidan: 'Hanya bidan atau admin yang dapat mengoreksi identitas anak.',
    name: 'Nama anak',
    sex: 'Jenis kelamin',
    male: 'Laki-laki',
    female: 'Perempuan',
    birth: 'Tanggal lahir',
    nik: 'NIK (16 angka, kosongkan bila tidak ada)',
    mother: 'Nama ibu',
    kia: 'Punya Buku KIA',
    reason: 'Alasan koreksi (wajib, mis. "sesuai akta kelahiran")',
    needReason: 'Tulis alasan koreksi.',
    nothing: 'Tidak ada yang berubah.',
    rescoreWarn:
      'Bila jenis kelamin atau tanggal lahir dikoreksi, z-score semua pengukuran anak ini dihitung ulang (yang lama tetap di riwayat).',
    save: 'Simpan koreksi identitas',
    saved: 'Identitas dikoreksi.',
    history: 'Riwayat koreksi',
    none: 'Belum pernah dikoreksi.',
    by: { bidan: 'bidan', admin: 'admin' },
    rescored: 'pengukuran dihitung ulang',
    yes: 'ya',
    no: 'tidak',
    empty: '(kosong)',
    fields: {
      name: 'Nama',
      sex: 'Jenis kelamin',
      birth_date: 'Tanggal lahir',
      nik: 'NIK',
      mother_name: 'Nama ibu',
      has_kia: 'Buku KIA',
    },
  },
  en: {
    title: 'Correct identity',
    lead: "For mistakes in the child's data (name, sex, birth date, NIK, mother's name). Old values stay in the history.",
    onlyBidan: "Only a bidan or the admin can correct a child's identity.",
    name: "Child's name",
    sex: 'Sex',
    male: 'Boy',
    female: 'Girl',
    birth: 'Birth date',
    nik: 'NIK (16 digits, empty if none)',
    mother: "Mother's name",
    kia: 'Has a Buku KIA',
    reason: 'Reason (required, e.g. "as on the birth certificate")',
    needReason: 'Write the reason for the correction.',
    nothing: 'Nothing changed.',
    rescoreWarn:
      "A corrected sex or birth date re-scores all this child's measurements (the old rows stay in the history).",
    save: 'Save identity correction',
    saved: 'Identity corrected.',
    history: 'Corrections',
    none: 'Never corrected.',
    by: { bidan: 'bidan', admin: 'admin' },
    rescored: 'measurements re-scored',
    yes: 'yes',
    no: 'no',
    empty: '(empty)',
    fields: {
      name: 'Name',
      sex: 'Sex',
      birth_date: 'Birth date',
      nik: 'NIK',
      mother_name: "Mother's name",
      has_kia: 'Buku KIA',
    },
  },
};

/** The child whose correction was just saved: its page is drawn again with this card open. */
let justCorrected = '';

/** @param {string} label @param {HTMLElement} input */
function field(label, input) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input);
}

/**
 * A value as the bidan reads it.
 * @param {IdentityField} name @param {unknown} value @param {typeof words.id} w
 */
function shown(name, value, w) {
  if (value === null || value === undefined || value === '') return w.empty;
  if (name === 'sex') return value === 1 ? w.male : w.female;
  if (name === 'has_kia') return value ? w.yes : w.no;
  if (name === 'birth_date') return fmtDate(String(value));
  return String(value);
}

/** @param {Correction[]} corrections @param {typeof words.id} w */
function historyList(corrections, w) {
  if (corrections.length === 0) return h('p', { class: 'muted' }, w.none);
  return h(
    'ol',
    { class: 'identity-history', id: 'identity-history' },
    corrections.map((c) =>
      h(
        'li',
        { 'data-correction-id': c.id },
        h('strong', {}, `${fmtDate(c.corrected_at.slice(0, 10))} · ${w.by[c.corrected_by]}`),
        ` — ${c.reason}`,
        h(
          'ul',
          {},
          /** @type {IdentityField[]} */ (Object.keys(c.after)).map((name) =>
            h(
              'li',
              {},
              `${w.fields[name]}: ${shown(name, c.before[name], w)} → ${shown(name, c.after[name], w)}`,
            ),
          ),
        ),
        c.rescored_measurements > 0
          ? h('p', { class: 'muted small' }, `${c.rescored_measurements} ${w.rescored}`)
          : null,
      ),
    ),
  );
}

/**
 * The "Koreksi identitas" card of a child's page, folded until opened.
 * @param {Child} child
 * @param {{ canCorrect: boolean, onCorrected: () => void | Promise<void> }} options
 * @returns {HTMLElement}
 */
export function childIdentitySection(child, { canCorrect, onCorrected }) {
  const w = getLang() === 'en' ? words.en : words.id;
  const id = encodeURIComponent(child.id);
  const historySlot = h('div', { id: 'identity-history-slot' });
  const status = h('p', { class: 'form-error', id: 'identity-status', role: 'alert' });

  /** @param {string} id @param {Record<string, string | number | boolean>} attrs */
  const input = (id, attrs) =>
    /** @type {HTMLInputElement} */ (h('input', { id, autocomplete: 'off', ...attrs }));
  const name = input('identity-name', { maxlength: 100, value: child.name });
  const sex = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'identity-sex' },
      h('option', { value: '1', selected: child.sex === 1 }, w.male),
      h('option', { value: '2', selected: child.sex === 2 }, w.female),
    )
  );
  const birth = input('identity-birth', { type: 'date', value: child.birth_date });
  const nik = input('identity-nik', {
    inputmode: 'numeric',
    maxlength: 16,
    pattern: '[0-9]{16}',
    value: child.nik ?? '',
  });
  const mother = input('identity-mother', { maxlength: 100, value: child.mother_name });
  const kia = input('identity-kia', { type: 'checkbox', checked: child.has_kia });
  const reason = input('identity-reason', { maxlength: 200, required: true });

  /** The fields the form changes, as the API takes them. */
  function changes() {
    /** @type {Omit<CorrectionBody, 'reason'>} */
    const body = {};
    if (name.value.trim() !== child.name) body.name = name.value.trim();
    if (Number(sex.value) !== child.sex) body.sex = sex.value === '1' ? 1 : 2;
    if (birth.value !== child.birth_date) body.birth_date = birth.value;
    const nikValue = nik.value.trim() === '' ? null : nik.value.trim();
    if (nikValue !== child.nik) body.nik = nikValue;
    if (mother.value.trim() !== child.mother_name) body.mother_name = mother.value.trim();
    if (kia.checked !== child.has_kia) body.has_kia = kia.checked;
    return body;
  }

  const form = h(
    'form',
    {
      id: 'identity-form',
      novalidate: true,
      onsubmit: async (/** @type {Event} */ event) => {
        event.preventDefault();
        const body = changes();
        if (Object.keys(body).length === 0) {
          status.textContent = w.nothing;
          return;
        }
        if (!reason.value.trim()) {
          status.textContent = w.needReason;
          reason.focus();
          return;
        }
        const result = await api('POST', `/api/children/${id}/identity`, {
          ...body,
          reason: reason.value.trim(),
        });
        if (!result.ok) {
          status.textContent = errorText(result);
          return;
        }
        justCorrected = child.id;
        await onCorrected();
      },
    },
    h('p', { class: 'hint' }, w.lead),
    field(w.name, name),
    field(w.sex, sex),
    field(w.birth, birth),
    h('p', { class: 'hint' }, w.rescoreWarn),
    field(w.nik, nik),
    field(w.mother, mother),
    h('label', { class: 'field field-check' }, kia, ` ${w.kia}`),
    field(w.reason, reason),
    status,
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'identity-save' }, w.save),
  );

  async function load() {
    const result = await api('GET', `/api/children/${id}/identity`);
    mount(
      historySlot,
      result.ok
        ? historyList(result.data.corrections, w)
        : h('p', { class: 'form-error' }, errorText(result)),
    );
  }

  const element = h(
    'details',
    { class: 'card identity-card no-print', id: 'child-identity' },
    h('summary', {}, w.title),
    canCorrect ? form : h('p', { class: 'hint' }, w.onlyBidan),
    h('h3', {}, w.history),
    historySlot,
  );
  let loaded = false;
  element.addEventListener('toggle', () => {
    if (!element.open || loaded) return;
    loaded = true;
    void load();
  });
  if (justCorrected === child.id) {
    justCorrected = '';
    mount(status, w.saved);
    status.setAttribute('role', 'status');
    status.className = 'hint';
    element.setAttribute('open', '');
    loaded = true;
    void load();
  }
  return element;
}
