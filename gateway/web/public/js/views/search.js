// @ts-check
// Find a child by name (the gateway tolerates spelling variants) or register a new one.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { errorText, fmtAge, fmtDate, monthNames, t, todayIso } from '../i18n.js';
import { navigate, state } from '../state.js';

/** @import { Child, ChildMatch, RegisterChildInput } from '../contract' */
/**
 * What a registration form holds as typed (a new one starts from the searched name).
 * @typedef {{ name?: string, sex?: number, birth_day?: string, birth_month?: string, birth_year?: string,
 *   mother_name?: string, nik?: string, has_kia?: boolean }} Draft
 */

/**
 * What was typed in an open registration form, kept across a redraw (the language toggle).
 * @type {Draft | null}
 */
let draft = null;

/** @param {HTMLElement} root */
export function renderSearch(root) {
  const results = h('div', { class: 'results', id: 'search-results', 'aria-live': 'polite' });
  const registerSlot = h('div', { id: 'register-slot' });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let latestQuery = 0;
  /** @type {ReturnType<typeof registerForm> | null} */
  let form = null;

  const input = h('input', {
    id: 'search',
    type: 'search',
    class: 'search-input',
    placeholder: t('search.placeholder'),
    autocomplete: 'off',
    maxlength: 100,
    oninput: () => {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    },
  });

  async function search() {
    const query = input.value.trim();
    const ticket = ++latestQuery;
    const result = await api('GET', `/api/children?q=${encodeURIComponent(query)}&limit=20`);
    if (ticket !== latestQuery) return;
    if (!result.ok) {
      mount(results, h('p', { class: 'form-error' }, errorText(result)));
      return;
    }
    const matches = result.data.matches;
    mount(
      results,
      matches.length === 0
        ? h('p', { class: 'muted' }, t('search.none'))
        : matches.map((match) => childRow(match.child, match.matched_on)),
    );
  }

  const canMeasure = state.role === 'kader' || state.role === 'bidan';

  const registerButton = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-secondary btn-block',
      id: 'register-open',
      onclick: () => showRegister(),
    },
    t('search.register'),
  );

  /** @param {Draft} [values] */
  function showRegister(values) {
    registerButton.hidden = true;
    form = registerForm(values ?? { name: input.value.trim() }, () => {
      registerButton.hidden = false;
      form = null;
      mount(registerSlot);
    });
    mount(registerSlot, form.element);
    // The form opens where the kader is looking, ready to type.
    form.element.scrollIntoView({ block: 'start' });
    form.focus();
  }

  mount(
    root,
    h(
      'section',
      { class: 'page' },
      h('h1', {}, t('search.title')),
      canMeasure && registerButton,
      registerSlot,
      h('label', { for: 'search', class: 'field-label' }, t('search.label')),
      input,
      h('p', { class: 'hint' }, t('search.hint')),
      results,
    ),
  );
  if (draft && canMeasure) showRegister(draft);
  else input.focus();
  draft = null;
  void search();
  return (/** @type {{ rerender?: boolean }} */ { rerender } = {}) => {
    clearTimeout(timer);
    if (rerender && form) draft = form.read();
  };
}

/**
 * @param {Child} child
 * @param {ChildMatch['matched_on']} matchedOn
 */
function childRow(child, matchedOn) {
  const canMeasure = state.role === 'kader' || state.role === 'bidan';
  return h(
    'article',
    { class: 'child-row', 'data-child-id': child.id },
    h(
      'div',
      { class: 'child-row-main' },
      h('h3', { class: 'child-name' }, child.name),
      h(
        'p',
        { class: 'muted' },
        `${t(`sex.${child.sex}`)} · ${fmtAge(child.birth_date, todayIso())} · ${fmtDate(child.birth_date, 'short')}`,
      ),
      h(
        'p',
        { class: matchedOn === 'mother_name' ? 'matched-mother' : 'muted' },
        t('child.mother', { name: child.mother_name }),
        matchedOn === 'mother_name' ? ` ✔ ${t('search.byMother')}` : '',
      ),
    ),
    h(
      'div',
      { class: 'child-row-actions' },
      canMeasure && h('a', { class: 'btn btn-primary', href: `#/measure/${child.id}` }, t('search.measure')),
      h('a', { class: 'btn btn-secondary', href: `#/child/${child.id}` }, t('search.open')),
    ),
  );
}

/**
 * A labelled field with its own error line (the app's messages, never the browser's bubbles).
 * @param {string} id
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(id, label, control, hint) {
  const error = h('p', { class: 'form-error field-error', id: `${id}-error`, role: 'alert' });
  control.setAttribute('aria-describedby', `${id}-error`);
  return {
    error,
    element: h(
      'div',
      { class: 'field' },
      h('label', { for: id, class: 'field-label' }, label),
      control,
      hint && h('p', { class: 'hint' }, hint),
      error,
    ),
  };
}

/**
 * @param {Draft} initial
 * @param {() => void} onCancel
 */
function registerForm(initial, onCancel) {
  const error = h('p', { class: 'form-error', role: 'alert', id: 'register-error' });
  const duplicateSlot = h('div', { id: 'register-duplicate' });
  const name = h('input', {
    id: 'reg-name',
    name: 'name',
    maxlength: 100,
    value: initial.name ?? '',
    autocomplete: 'off',
  });
  const birth = birthDateInput(initial);
  const nik = h('input', {
    id: 'reg-nik',
    name: 'nik',
    inputmode: 'numeric',
    maxlength: 16,
    autocomplete: 'off',
    value: initial.nik ?? '',
  });
  const mother = h('input', {
    id: 'reg-mother',
    name: 'mother_name',
    maxlength: 100,
    autocomplete: 'off',
    value: initial.mother_name ?? '',
  });
  const kia = h('input', { id: 'reg-kia', name: 'has_kia', type: 'checkbox' });
  kia.checked = Boolean(initial.has_kia);
  const sexRadios = [1, 2].map((value) => {
    const radio = h('input', { type: 'radio', name: 'sex', value, id: `reg-sex-${value}` });
    radio.checked = initial.sex === value;
    return radio;
  });
  const sexInputs = sexRadios.map((radio) =>
    h(
      'label',
      { class: 'choice' },
      radio,
      h('span', {}, radio.value === '1' ? `♂ ${t('register.boy')}` : `♀ ${t('register.girl')}`),
    ),
  );
  const sexError = h('p', { class: 'form-error field-error', id: 'reg-sex-error', role: 'alert' });
  const nameField = field('reg-name', t('register.name'), name);
  const motherField = field('reg-mother', t('register.mother'), mother);
  const nikField = field('reg-nik', t('register.nik'), nik, t('register.nikHint'));
  nik.addEventListener('input', () => {
    nikField.error.textContent = '';
  });

  const sexValue = () => Number(sexRadios.find((radio) => radio.checked)?.value ?? 0);

  /** Every field checked here, in the app's words; the first bad one gets the focus. */
  function check() {
    /** @type {HTMLElement[]} */
    const problems = [];
    /**
     * @param {HTMLElement} errorEl
     * @param {string} text
     * @param {HTMLElement | undefined} control
     */
    const say = (errorEl, text, control) => {
      errorEl.textContent = text;
      if (text && control) problems.push(control);
    };
    say(nameField.error, name.value.trim() ? '' : t('register.needName'), name);
    say(sexError, sexValue() ? '' : t('register.needSex'), sexRadios[0]);
    const birthProblem = birth.problem(true);
    if (birthProblem) problems.push(birth.first);
    say(motherField.error, mother.value.trim() ? '' : t('register.needMother'), mother);
    const digits = nik.value.trim();
    say(
      nikField.error,
      digits && !/^\d{16}$/.test(digits) ? t('register.nikBad', { n: digits.length }) : '',
      nik,
    );
    problems[0]?.focus();
    return problems.length === 0;
  }

  /** @param {boolean} confirmDuplicate register even though the same child is registered */
  async function submit(confirmDuplicate) {
    error.textContent = '';
    const sex = sexValue();
    const birthDate = birth.value();
    // Changed after the check (the duplicate's "register anyway"): say again what is wrong.
    if ((sex !== 1 && sex !== 2) || birthDate === undefined) {
      check();
      return;
    }
    /** @type {RegisterChildInput} */
    const body = {
      name: name.value.trim(),
      sex,
      birth_date: birthDate,
      mother_name: mother.value.trim(),
      has_kia: kia.checked,
    };
    if (nik.value.trim()) body.nik = nik.value.trim();
    if (!confirmDuplicate) {
      const query = new URLSearchParams({
        name: body.name,
        birth_date: body.birth_date,
        mother_name: body.mother_name,
      });
      const same = await api('GET', `/api/children/same?${query}`);
      const existing = same.ok ? same.data.matches[0] : undefined;
      if (existing) {
        showDuplicate(existing);
        return;
      }
    } else body.confirm_duplicate = true;
    const result = await api('POST', '/api/children', body);
    if (result.ok) navigate(`#/measure/${result.data.id}`);
    else error.textContent = errorText(result);
  }

  // The same child is already registered: open it instead, or (really another child) register anyway.
  /** @param {Child} existing */
  function showDuplicate(existing) {
    mount(
      duplicateSlot,
      h(
        'div',
        { class: 'banner banner-warn duplicate-box', role: 'alert' },
        h('p', {}, h('strong', {}, `⚠ ${t('register.duplicate')}`)),
        h(
          'p',
          {},
          `${existing.name} · ${t(`sex.${existing.sex}`)} · ${t('child.born', { date: fmtDate(existing.birth_date) })} · ${t('child.mother', { name: existing.mother_name })}`,
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'a',
            { class: 'btn btn-primary', href: `#/measure/${existing.id}`, id: 'duplicate-open' },
            t('register.duplicateOpen'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-secondary',
              id: 'duplicate-register',
              onclick: () => submit(true),
            },
            t('register.duplicateAnyway'),
          ),
        ),
      ),
    );
    duplicateSlot.scrollIntoView({ block: 'center' });
  }

  const element = h(
    'form',
    {
      class: 'card register-card',
      id: 'register-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        mount(duplicateSlot);
        if (check()) await submit(false);
      },
    },
    h('h2', {}, t('register.title')),
    nameField.element,
    h(
      'fieldset',
      { class: 'field' },
      h('legend', { class: 'field-label' }, t('register.sex')),
      h('div', { class: 'choices' }, sexInputs),
      sexError,
    ),
    birth.element,
    motherField.element,
    nikField.element,
    h('label', { class: 'choice' }, kia, h('span', {}, t('register.kia'))),
    error,
    duplicateSlot,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: onCancel }, t('register.cancel')),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'register-submit' }, t('register.submit')),
    ),
  );
  return {
    element,
    focus: () => name.focus({ preventScroll: true }),
    read: () => ({
      name: name.value,
      sex: sexValue() || undefined,
      ...birth.read(),
      mother_name: mother.value,
      nik: nik.value,
      has_kia: kia.checked,
    }),
  };
}

/**
 * Birth date as day, month name and year: what a kader reads off a birth certificate or the Buku KIA, in the
 * order Indonesians write it (a native date picker shows the phone's own format and is slow to go back
 * years). Shows the resulting age as a check.
 */
/** @param {Draft} [initial] */
function birthDateInput(initial = {}) {
  const day = h('input', {
    id: 'reg-birth-day',
    inputmode: 'numeric',
    pattern: '[0-9]*',
    maxlength: 2,
    placeholder: t('register.day'),
    'aria-label': t('register.day'),
    class: 'date-day',
    value: initial.birth_day ?? '',
  });
  const month = h(
    'select',
    { id: 'reg-birth-month', 'aria-label': t('register.month'), class: 'date-month' },
    h('option', { value: '' }, t('register.month')),
    monthNames().map((name, index) => h('option', { value: String(index + 1).padStart(2, '0') }, name)),
  );
  const year = h('input', {
    id: 'reg-birth-year',
    inputmode: 'numeric',
    pattern: '[0-9]*',
    maxlength: 4,
    placeholder: t('register.year'),
    'aria-label': t('register.year'),
    class: 'date-year',
    value: initial.birth_year ?? '',
  });
  month.value = initial.birth_month ?? '';
  const preview = h('p', { class: 'hint', id: 'reg-birth-age', 'aria-live': 'polite' });
  const error = h('p', { class: 'form-error field-error', id: 'reg-birth-error', role: 'alert' });

  /** The date as YYYY-MM-DD when it is a real day, not in the future; otherwise undefined. */
  function value() {
    const d = Number(day.value);
    const y = Number(year.value);
    if (!Number.isInteger(d) || !Number.isInteger(y) || !month.value || y < 1900) return undefined;
    const iso = `${String(y).padStart(4, '0')}-${month.value}-${String(d).padStart(2, '0')}`;
    const parsed = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso || iso > todayIso())
      return undefined;
    return iso;
  }
  /** What is wrong with the date, in the app's words (also written under the field); '' when it is fine. */
  /** @param {boolean} submitting judge an incomplete date too */
  function problem(submitting) {
    const iso = value();
    let text = '';
    if (!iso) {
      // While typing, only a complete date is judged.
      const complete = day.value && month.value && year.value.length === 4;
      if (submitting || complete) text = t('register.badDate');
    } else if (state.maxAgeDays !== null && ageDays(iso) > state.maxAgeDays) {
      text = t('register.tooOld', { m: Math.round(state.maxAgeDays / 30.4375) });
    }
    error.textContent = text;
    return text;
  }
  const update = () => {
    const iso = value();
    preview.textContent = iso ? `${fmtDate(iso)} · ${t('result.age')}: ${fmtAge(iso, todayIso())}` : '';
    problem(false);
  };
  for (const control of [day, month, year]) control.addEventListener('input', update);
  const element = h(
    'fieldset',
    { class: 'field' },
    h('legend', { class: 'field-label' }, t('register.birth')),
    h('div', { class: 'date-row' }, day, month, year),
    preview,
    error,
  );
  update();
  return {
    element,
    value,
    problem,
    first: day,
    read: () => ({ birth_day: day.value, birth_month: month.value, birth_year: year.value }),
  };
}

/** Days from a YYYY-MM-DD birth date to the phone's today. */
/** @param {string} iso */
function ageDays(iso) {
  return Math.round((Date.parse(`${todayIso()}T00:00:00Z`) - Date.parse(`${iso}T00:00:00Z`)) / 86_400_000);
}
