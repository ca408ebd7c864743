// Find a child by name (the gateway tolerates spelling variants) or register a new one.
import { api } from '../api.js';
import { navigate, state } from '../app.js';
import { h, mount } from '../dom.js';
import { errorText, fmtAge, fmtDate, monthNames, t, todayIso } from '../i18n.js';

export function renderSearch(root) {
  const results = h('div', { class: 'results', id: 'search-results', 'aria-live': 'polite' });
  const registerSlot = h('div');
  let timer;
  let latestQuery = 0;

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
        : matches.map(({ child }) => childRow(child)),
    );
  }

  const canMeasure = state.role === 'kader' || state.role === 'bidan';
  function childRow(child) {
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
        h('p', { class: 'muted' }, t('child.mother', { name: child.mother_name })),
      ),
      h(
        'div',
        { class: 'child-row-actions' },
        canMeasure &&
          h('a', { class: 'btn btn-primary', href: `#/measure/${child.id}` }, t('search.measure')),
        h('a', { class: 'btn btn-secondary', href: `#/child/${child.id}` }, t('search.open')),
      ),
    );
  }

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

  function showRegister() {
    registerButton.hidden = true;
    mount(
      registerSlot,
      registerForm(input.value.trim(), () => {
        registerButton.hidden = false;
        mount(registerSlot);
      }),
    );
  }

  mount(
    root,
    h(
      'section',
      { class: 'page' },
      h('h1', {}, t('search.title')),
      h('label', { for: 'search', class: 'field-label' }, t('search.label')),
      input,
      h('p', { class: 'hint' }, t('search.hint')),
      results,
      canMeasure && registerButton,
      registerSlot,
    ),
  );
  input.focus();
  void search();
  return () => clearTimeout(timer);
}

function field(id, label, control, hint) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, class: 'field-label' }, label),
    control,
    hint && h('p', { class: 'hint' }, hint),
  );
}

function registerForm(initialName, onCancel) {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const name = h('input', {
    id: 'reg-name',
    name: 'name',
    required: true,
    maxlength: 100,
    value: initialName,
    autocomplete: 'off',
  });
  const birth = birthDateInput();
  const nik = h('input', {
    id: 'reg-nik',
    name: 'nik',
    inputmode: 'numeric',
    pattern: '[0-9]{16}',
    maxlength: 16,
    autocomplete: 'off',
  });
  const mother = h('input', {
    id: 'reg-mother',
    name: 'mother_name',
    required: true,
    maxlength: 100,
    autocomplete: 'off',
  });
  const kia = h('input', { id: 'reg-kia', name: 'has_kia', type: 'checkbox' });
  const sexInputs = [1, 2].map((value) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'sex', value, required: true, id: `reg-sex-${value}` }),
      h('span', {}, value === 1 ? `♂ ${t('register.boy')}` : `♀ ${t('register.girl')}`),
    ),
  );
  return h(
    'form',
    {
      class: 'card register-card',
      id: 'register-form',
      onsubmit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        const sex = Number(new FormData(event.target).get('sex'));
        if (!birth.value()) {
          error.textContent = t('register.badDate');
          return;
        }
        const body = {
          name: name.value,
          sex,
          birth_date: birth.value(),
          mother_name: mother.value,
          has_kia: kia.checked,
        };
        if (nik.value.trim()) body.nik = nik.value.trim();
        const result = await api('POST', '/api/children', body);
        if (result.ok) navigate(`#/measure/${result.data.id}`);
        else error.textContent = errorText(result);
      },
    },
    h('h2', {}, t('register.title')),
    field('reg-name', t('register.name'), name),
    h(
      'fieldset',
      { class: 'field' },
      h('legend', { class: 'field-label' }, t('register.sex')),
      h('div', { class: 'choices' }, sexInputs),
    ),
    birth.element,
    field('reg-mother', t('register.mother'), mother),
    field('reg-nik', t('register.nik'), nik),
    h('label', { class: 'choice' }, kia, h('span', {}, t('register.kia'))),
    error,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: onCancel }, t('register.cancel')),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'register-submit' }, t('register.submit')),
    ),
  );
}

/**
 * Birth date as day, month name and year: what a kader reads off a birth certificate or the Buku KIA, in the
 * order Indonesians write it (a native date picker shows the phone's own format and is slow to go back
 * years). Shows the resulting age as a check.
 */
function birthDateInput() {
  const day = h('input', {
    id: 'reg-birth-day',
    inputmode: 'numeric',
    pattern: '[0-9]*',
    maxlength: 2,
    placeholder: t('register.day'),
    'aria-label': t('register.day'),
    class: 'date-day',
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
  });
  const preview = h('p', { class: 'hint', id: 'reg-birth-age', 'aria-live': 'polite' });

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
  const update = () => {
    const iso = value();
    preview.textContent = iso ? `${fmtDate(iso)} · ${t('result.age')}: ${fmtAge(iso, todayIso())}` : '';
  };
  for (const control of [day, month, year]) control.addEventListener('input', update);
  const element = h(
    'fieldset',
    { class: 'field' },
    h('legend', { class: 'field-label' }, t('register.birth')),
    h('div', { class: 'date-row' }, day, month, year),
    preview,
  );
  return { element, value };
}
