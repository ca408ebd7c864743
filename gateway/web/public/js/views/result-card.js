// @ts-check
// The result card: what was measured, the age, each z-score with its Permenkes 2/2020 label and a severity
// shown by colour, icon and word together; "ukur ulang" for implausible values; growth since last time.

import { h, severityIcon } from '../dom.js';
import { fmtAge, fmtDate, fmtNumber, fmtZ, getLang, t } from '../i18n.js';
import { navigate } from '../state.js';

/** @import { Child, Measurement, SavedMeasurement, Severity, TodayView } from '../contract' */

/** @type {[keyof Measurement['status'], keyof Measurement['z'], keyof Measurement['flags']][]} */
const indices = [
  ['tbu', 'zlen', 'flen'],
  ['bbu', 'zwei', 'fwei'],
  ['bbtb', 'zwfl', 'fwfl'],
  ['imtu', 'zbmi', 'fbmi'],
];

/**
 * The index as the KMS names it for this age: PB/U and BB/PB under 24 months, TB/U and BB/TB from then on;
 * for a PAUD child (WHO Reference 2007) IMT/U is the 5–18-year index.
 * @param {keyof Measurement['status']} index
 * @param {number} ageDays
 * @param {Measurement['reference']} reference
 */
function indexName(index, ageDays, reference) {
  const table = ageDays < 731 ? 'l' : 'h';
  if (index === 'imtu' && reference === 'who2007') return t('index.imtu_5_18');
  return index === 'tbu' || index === 'bbtb' ? t(`index.${index}.${table}`) : t(`index.${index}`);
}

/**
 * @param {Severity} severity
 * @param {string} text
 */
export function severityBadge(severity, text) {
  return h(
    'span',
    { class: `badge badge-${severity}`, 'data-severity': severity },
    `${severityIcon(severity)} ${text}`,
  );
}

/**
 * @param {SavedMeasurement} saved
 * @param {Child} child
 * @param {{ weightTrend?: TodayView['weight_trend'], next?: boolean }} [options] `weightTrend` as the caller
 *   knows it (the today list); `next`: offer the next child
 */
export function renderResultCard(saved, child, options = {}) {
  const m = saved.measurement;
  const lang = getLang();
  const lengthKey = m.position === 'l' ? 'result.length' : 'result.height';
  const rows = [];
  if (m.lenhei_cm !== null) {
    const corrected =
      m.clenhei_cm !== null && Math.abs(m.clenhei_cm - m.lenhei_cm) > 0.01
        ? h(
            'span',
            { class: 'muted small' },
            ` — ${t('result.corrected', { v: `${fmtNumber(m.clenhei_cm, 1)} cm` })}`,
          )
        : null;
    rows.push(
      h(
        'div',
        { class: 'fact' },
        h('dt', {}, t(lengthKey)),
        h(
          'dd',
          { id: 'result-length' },
          h('strong', {}, `${fmtNumber(m.lenhei_cm, 1)} cm`),
          ` (${t(m.position === 'l' ? 'result.lying' : 'result.standing')})`,
          corrected,
        ),
      ),
    );
  }
  if (m.weight_kg !== null) {
    rows.push(
      h(
        'div',
        { class: 'fact' },
        h('dt', {}, t('result.weight')),
        h('dd', { id: 'result-weight' }, h('strong', {}, `${fmtNumber(m.weight_kg, 2)} kg`)),
      ),
    );
  }
  rows.push(
    h(
      'div',
      { class: 'fact' },
      h('dt', {}, t('result.age')),
      h('dd', {}, fmtAge(child.birth_date, m.measured_on)),
    ),
  );
  rows.push(h('div', { class: 'fact' }, h('dt', {}, t('result.date')), h('dd', {}, fmtDate(m.measured_on))));

  const zRows = [];
  for (const [index, zKey, flagKey] of indices) {
    const z = m.z[zKey];
    if (z === null || z === undefined) continue;
    const label = m.status[index];
    const implausible = m.flags[flagKey];
    zRows.push(
      h(
        'tr',
        {
          class: `z-row severity-${implausible ? 'severe' : (label?.severity ?? 'normal')}`,
          'data-index': index,
        },
        h('th', { scope: 'row' }, indexName(index, m.age_days, m.reference)),
        h('td', { class: 'z-value' }, `${fmtZ(z)} SD`),
        h(
          'td',
          {},
          implausible
            ? severityBadge('severe', t('result.remeasure'))
            : label
              ? severityBadge(label.severity, label[lang])
              : '—',
        ),
      ),
    );
  }

  const notes = [];
  // The gateway's own warnings say why; this line stands in only when it sent none.
  if (m.implausible && (saved.warnings ?? []).length === 0)
    notes.push(h('p', { class: 'banner banner-severe', id: 'remeasure' }, `✖ ${t('result.remeasure')}`));
  for (const warning of saved.warnings ?? [])
    notes.push(h('p', { class: 'banner banner-warn' }, `⚠ ${warning[lang]}`));
  const c = saved.comparison;
  if (c) {
    const len =
      c.length_gain_cm === null
        ? '—'
        : `${c.length_gain_cm >= 0 ? '+' : ''}${fmtNumber(c.length_gain_cm, 1)} cm`;
    const wt =
      c.weight_gain_g === null ? '—' : `${c.weight_gain_g >= 0 ? '+' : ''}${fmtNumber(c.weight_gain_g, 0)} g`;
    notes.push(
      h(
        'p',
        { class: 'comparison' },
        t('result.since', { date: fmtDate(c.previous_measured_on, 'short'), days: c.days_since, len, wt }),
      ),
    );
  }
  // N/T/O/B: from the comparison the gateway sent, or as the caller knows it (the bidan's today list).
  // (Not for a PAUD child: N/T is the KMS's rule for balita.)
  const trend =
    m.reference === 'who2007'
      ? null
      : options.weightTrend !== undefined
        ? options.weightTrend
        : c
          ? c.weight_trend
          : 'B';
  if (m.weight_kg !== null && trend) {
    notes.push(
      h(
        'p',
        { class: `trend trend-${trend}`, id: 'weight-trend' },
        trend === 'T' ? severityBadge('moderate', t(`result.trend.${trend}`)) : t(`result.trend.${trend}`),
      ),
    );
  }

  return h(
    'article',
    { class: 'card result-card', id: 'result-card', 'data-measurement-id': m.id },
    h('h2', {}, `✔ ${t('result.title')}`),
    h('p', { class: 'result-child' }, h('strong', {}, child.name), ` · ${t(`sex.${child.sex}`)}`),
    h('dl', { class: 'facts' }, rows),
    zRows.length > 0 && h('table', { class: 'z-table' }, h('tbody', {}, zRows)),
    notes,
    h('p', { class: 'delivery', 'data-delivery': m.delivery }, `✔ ${t(`delivery.${m.delivery}`)}`),
    h(
      'p',
      { class: 'reference', 'data-reference': m.reference ?? 'who2006' },
      t(m.reference === 'who2007' ? 'result.reference2007' : 'result.reference'),
    ),
    h(
      'div',
      { class: 'actions' },
      // An implausible value is measured again at once (the same screen, drawn afresh).
      m.implausible &&
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            id: 'remeasure-button',
            onclick: () => navigate(`#/measure/${child.id}`),
          },
          `↺ ${t('result.remeasureButton')}`,
        ),
      h('a', { class: 'btn btn-secondary', href: `#/child/${child.id}` }, t('result.openChild')),
      options.next && h('a', { class: 'btn btn-primary', href: '#/search' }, t('result.next')),
    ),
  );
}
