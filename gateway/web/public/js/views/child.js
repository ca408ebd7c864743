// @ts-check
// A child's page: the growth chart (SVG drawn by the gateway from the WHO 2006 tables, or the WHO 2007
// reference for a PAUD child of 5–7 years) and the history, corrections shown beside the rows they replace.
// Printable on one A4 page.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { errorText, fmtAge, fmtDate, fmtNumber, getLang, parseNumber, t, todayIso } from '../i18n.js';
import { state } from '../state.js';
import { childDetailsSection } from './child-details.js';
import { childIdentitySection } from './child-identity.js';
import { severityBadge } from './result-card.js';

/** @import { ApiFailure, ChartIndicator, CorrectionInput, Measurement } from '../contract' */
/** @import { Key } from '../i18n.js' */

/**
 * @param {HTMLElement} root
 * @param {string | undefined} childId
 */
export async function renderChild(root, childId) {
  const id = encodeURIComponent(childId ?? '');
  const [childResult, measurementsResult] = await Promise.all([
    api('GET', `/api/children/${id}`),
    api('GET', `/api/children/${id}/measurements`),
  ]);
  const fail = (/** @type {ApiFailure} */ failed) =>
    mount(root, h('section', { class: 'page' }, h('p', { class: 'form-error' }, errorText(failed))));
  if (!childResult.ok) return fail(childResult);
  if (!measurementsResult.ok) return fail(measurementsResult);
  const child = childResult.data;
  const measurements = measurementsResult.data.measurements;
  const newestAgeDays = Math.max(0, ...measurements.map((m) => m.age_days));
  // A PAUD child measured from 60 months (WHO Reference 2007) also has the 5–7-year charts, shown first.
  const paud = measurements.some((m) => m.reference === 'who2007');
  /** @type {ChartIndicator[]} */
  const under5 = ['lhfa', 'wfa', newestAgeDays < 731 ? 'wfl' : 'wfh'];
  /** @type {ChartIndicator[]} */
  const indicators = paud ? ['hfa2007', 'bfa2007', ...under5] : under5;
  let indicator = indicators[0];
  const chartEl = h('div', { class: 'chart', id: 'chart' });

  async function loadChart() {
    // A phone gets the narrow drawing, fitted to its width (no sideways swipe); print uses the same.
    const size = window.matchMedia('(max-width: 600px)').matches ? 'narrow' : 'wide';
    const response = await fetch(
      `/api/children/${id}/chart.svg?indicator=${indicator}&lang=${getLang()}&size=${size}`,
      {
        credentials: 'same-origin',
      },
    );
    if (!response.ok) {
      mount(chartEl, h('p', { class: 'form-error' }, t('error.generic', { msg: String(response.status) })));
      return;
    }
    // Parsed as XML, not HTML, and adopted: the gateway escapes every text it puts in the SVG.
    const doc = new DOMParser().parseFromString(await response.text(), 'image/svg+xml');
    mount(chartEl, document.importNode(doc.documentElement, true));
  }

  const tabs = indicators.map((value) =>
    h(
      'button',
      {
        type: 'button',
        class: 'tab',
        'data-indicator': value,
        'aria-pressed': String(value === indicator),
        onclick: () => {
          indicator = value;
          for (const tab of tabs)
            tab.setAttribute('aria-pressed', String(tab.dataset.indicator === indicator));
          void loadChart();
        },
      },
      t(`chart.${value}`),
    ),
  );

  const lang = getLang();
  const canMeasure = state.role === 'kader' || state.role === 'bidan';
  const rows = measurements.map((m) =>
    h(
      'tr',
      { class: m.superseded_by ? 'superseded' : '', 'data-measurement-id': m.id },
      h(
        'td',
        {},
        fmtDate(m.measured_on, 'short'),
        m.superseded_by ? h('span', { class: 'chip' }, ` ${t('child.corrected')}`) : null,
      ),
      h('td', {}, fmtAge(child.birth_date, m.measured_on, 'short')),
      h('td', {}, m.lenhei_cm === null ? '—' : `${fmtNumber(m.lenhei_cm, 1)} cm ${t(`abbr.${m.position}`)}`),
      h('td', {}, m.weight_kg === null ? '—' : `${fmtNumber(m.weight_kg, 2)} kg`),
      h(
        'td',
        {},
        m.implausible
          ? severityBadge('severe', t('result.remeasure'))
          : m.status.tbu
            ? severityBadge(m.status.tbu.severity, m.status.tbu[lang])
            : '—',
        m.correction_reason
          ? h('div', { class: 'muted small' }, t('child.correction', { reason: m.correction_reason }))
          : null,
        canMeasure && !m.superseded_by
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-ghost btn-small no-print',
                'data-correct': m.id,
                onclick: () => openCorrection(m),
              },
              t('child.correct'),
            )
          : null,
      ),
    ),
  );

  const correctionSlot = h('div', { id: 'correction-slot' });
  /** @param {Measurement} m */
  function openCorrection(m) {
    const error = h('p', { class: 'form-error', role: 'alert' });
    // Text fields, not type=number: the value shows with the language's decimal comma, and "7,5" is accepted.
    const length = h('input', {
      id: 'corr-length',
      inputmode: 'decimal',
      autocomplete: 'off',
      value: m.lenhei_cm === null ? '' : fmtNumber(m.lenhei_cm, 1),
    });
    const weight = h('input', {
      id: 'corr-weight',
      inputmode: 'decimal',
      autocomplete: 'off',
      value: m.weight_kg === null ? '' : fmtNumber(m.weight_kg, 2),
    });
    const reason = h('input', { id: 'corr-reason', maxlength: 200 });
    mount(
      correctionSlot,
      h(
        'form',
        {
          class: 'card',
          id: 'correction-form',
          novalidate: true,
          onsubmit: async (event) => {
            event.preventDefault();
            if (!reason.value.trim()) {
              error.textContent = t('child.correctNeedReason');
              reason.focus();
              return;
            }
            /** @type {CorrectionInput} */
            const body = { reason: reason.value };
            const lengthCm = parseNumber(length.value);
            const weightKg = parseNumber(weight.value);
            if (Number.isNaN(lengthCm) || Number.isNaN(weightKg)) {
              error.textContent = t('child.correctNumber', { example: fmtNumber(7.45, 2) });
              (Number.isNaN(lengthCm) ? length : weight).focus();
              return;
            }
            if (lengthCm !== null) body.lenhei_cm = lengthCm;
            if (weightKg !== null) body.weight_kg = weightKg;
            const result = await api(
              'POST',
              `/api/measurements/${encodeURIComponent(m.id)}/corrections`,
              body,
            );
            if (result.ok) await renderChild(root, childId);
            else error.textContent = errorText(result);
          },
        },
        h('h2', {}, t('child.correctTitle', { date: fmtDate(m.measured_on) })),
        h('p', { class: 'hint' }, t('child.correctLead')),
        h('label', { for: 'corr-length', class: 'field-label' }, `${t('table.length')} (cm)`),
        length,
        h('label', { for: 'corr-weight', class: 'field-label' }, `${t('table.weight')} (kg)`),
        weight,
        h('label', { for: 'corr-reason', class: 'field-label' }, t('child.correctReason')),
        reason,
        error,
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-secondary',
              id: 'correction-cancel',
              onclick: () => mount(correctionSlot),
            },
            t('child.correctCancel'),
          ),
          h(
            'button',
            { type: 'submit', class: 'btn btn-primary', id: 'correction-save' },
            t('child.correctSave'),
          ),
        ),
      ),
    );
    reason.focus();
  }

  mount(
    root,
    h(
      'section',
      { class: 'page child-page' },
      h(
        'header',
        { class: 'child-head' },
        h('h1', { class: 'child-name', id: 'child-name' }, child.name),
        h(
          'p',
          { class: 'muted' },
          `${t(`sex.${child.sex}`)} · ${t('child.born', { date: fmtDate(child.birth_date) })} · ${fmtAge(child.birth_date, todayIso())}`,
        ),
        h('p', { class: 'muted' }, t('child.mother', { name: child.mother_name })),
      ),
      h(
        'div',
        { class: 'actions no-print' },
        canMeasure && h('a', { class: 'btn btn-primary', href: `#/measure/${child.id}` }, t('child.measure')),
        h(
          'button',
          { type: 'button', class: 'btn btn-secondary', onclick: () => window.print() },
          t('child.print'),
        ),
      ),
      h('div', { class: 'tabs no-print', role: 'group', 'aria-label': t('child.title') }, tabs),
      chartEl,
      h('h2', {}, t('child.history')),
      measurements.length === 0
        ? h('p', { class: 'muted' }, t('child.noMeasurements'))
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'history' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  /** @satisfies {Key[]} */ ([
                    'table.date',
                    'table.age',
                    'table.length',
                    'table.weight',
                    'table.status',
                  ]).map((key) => h('th', { scope: 'col' }, t(key))),
                ),
              ),
              h('tbody', {}, rows),
            ),
          ),
      correctionSlot,
      childDetailsSection(child.id),
      childIdentitySection(child, {
        canCorrect: state.role === 'bidan' || state.role === 'admin',
        onCorrected: () => renderChild(root, childId),
      }),
      h('p', { class: 'reference' }, t('result.reference')),
      paud && h('p', { class: 'reference', 'data-reference': 'who2007' }, t('result.reference2007')),
      h(
        'p',
        { class: 'print-only' },
        t('child.printed', { date: fmtDate(todayIso()), posyandu: state.posyanduId }),
      ),
    ),
  );
  await loadChart();
}
