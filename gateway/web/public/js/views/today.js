// @ts-check
// "Hari ini": every child measured today with what needs the bidan's attention, updated live as the kader saves.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { errorText, fmtAge, fmtDate, fmtNumber, fmtZ, getLang, t, todayIso } from '../i18n.js';
import { onLive } from '../live.js';
import { renderResultCard, severityBadge } from './result-card.js';

/** @import { Measurement, SavedMeasurement, TodayView } from '../contract' */

/** @type {Record<TodayView['mat_colour'], string>} */
const matIcons = { hijau: '●', kuning: '▲', merah: '■', 'tidak-diukur': '○' };

/** @param {HTMLElement} root */
export async function renderToday(root) {
  /** @type {Map<string, TodayView>} by child id */
  const entries = new Map();
  /** @type {Set<string>} children saved since the screen opened */
  const freshIds = new Set();
  const list = h('div', { class: 'today-list', id: 'today-list', 'aria-live': 'polite' });
  const summary = h('p', { class: 'summary', id: 'today-summary' });
  const dateEl = h('p', { class: 'muted' }, fmtDate(todayIso()));
  const latestSlot = h('div', { class: 'latest', id: 'today-latest', 'aria-live': 'polite' });
  /** @type {Map<string, SavedMeasurement>} by measurement id */
  const savedById = new Map();

  function draw() {
    const rows = [...entries.values()].sort((a, b) =>
      a.measurement.measured_at < b.measurement.measured_at ? 1 : -1,
    );
    // The same children the rows mark with the red edge and "Perlu perhatian bidan".
    const needing = rows.filter((row) => row.refer).length;
    summary.textContent = t('today.count', { n: rows.length, m: needing });
    mount(
      list,
      rows.length === 0
        ? h('p', { class: 'muted empty' }, t('today.empty'))
        : rows.map((row) => todayRow(row, freshIds.has(row.child.id))),
    );
  }

  const result = await api('GET', '/api/today');
  if (!result.ok) {
    mount(root, h('section', { class: 'page' }, h('p', { class: 'form-error' }, errorText(result))));
    return;
  }
  for (const entry of result.data.entries) entries.set(entry.child.id, entry);
  mount(
    root,
    h(
      'section',
      { class: 'page today-page' },
      h('h1', {}, t('today.title')),
      dateEl,
      summary,
      latestSlot,
      list,
      h('p', { class: 'reference' }, t('result.reference')),
    ),
  );
  draw();
  const stopSaved = onLive('saved', (saved) => savedById.set(saved.measurement.id, saved));
  const stopToday = onLive('today', (entry) => {
    entries.set(entry.child.id, entry);
    freshIds.add(entry.child.id);
    draw();
    // The full result card of what was just saved, above the list, as the kader sees it.
    const saved = savedById.get(entry.measurement.id) ?? {
      measurement: entry.measurement,
      comparison: null,
      warnings: [],
    };
    // Compact, so the list stays in view on a phone: one line with the flags, the full card folded.
    mount(
      latestSlot,
      h(
        'details',
        { class: 'card latest-card' },
        h(
          'summary',
          {},
          h('span', { class: 'latest-title' }, `✔ ${t('today.latest')}: `),
          h('strong', {}, entry.child.name),
          h('span', { class: 'latest-facts' }, ` · ${measuredFacts(entry.measurement).join(' · ')}`),
          h('span', { class: 'latest-more' }, t('today.latestMore')),
        ),
        renderResultCard(saved, entry.child, { weightTrend: entry.weight_trend }),
      ),
    );
  });
  return () => {
    stopSaved();
    stopToday();
  };
}

/** "PB 64,7 cm · BB 7,20 kg · PB/U −1,20 SD". */
/** @param {Measurement} m */
function measuredFacts(m) {
  const facts = [];
  if (m.lenhei_cm !== null) facts.push(`${t(`abbr.${m.position}`)} ${fmtNumber(m.lenhei_cm, 1)} cm`);
  if (m.weight_kg !== null) facts.push(`${t('abbr.weight')} ${fmtNumber(m.weight_kg, 2)} kg`);
  if (m.z.zlen !== null) facts.push(`${t(`index.tbu.${m.age_days < 731 ? 'l' : 'h'}`)} ${fmtZ(m.z.zlen)} SD`);
  return facts;
}

/**
 * @param {TodayView} row
 * @param {boolean} fresh saved since the screen opened
 */
function todayRow(row, fresh) {
  const m = row.measurement;
  const lang = getLang();
  const facts = measuredFacts(m);
  // Measured on the mat but the value is implausible: no colour yet, and not "not measured" either.
  const matText =
    row.mat_colour === 'tidak-diukur' && m.lenhei_cm !== null
      ? t('today.matRemeasure')
      : t(`mat.${row.mat_colour}`);
  const flags = row.flags.map((flag) =>
    h('li', { 'data-flag': flag.code }, severityBadge(flag.severity, flag[lang])),
  );
  return h(
    'a',
    {
      class: `today-row${row.refer ? ' today-refer' : ''}${fresh ? ' today-fresh' : ''}`,
      href: `#/child/${row.child.id}`,
      'data-child-id': row.child.id,
    },
    h(
      'div',
      { class: 'today-head' },
      h('strong', { class: 'child-name' }, row.child.name),
      fresh && h('span', { class: 'chip chip-new' }, t('today.new')),
      h(
        'span',
        { class: `chip mat-chip mat-${row.mat_colour}`, 'data-mat': row.mat_colour },
        `${matIcons[row.mat_colour] ?? ''} ${t('today.mat')}: ${matText}`,
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `${t(`sex.${row.child.sex}`)} · ${fmtAge(row.child.birth_date, m.measured_on)}`,
    ),
    // The red edge of a row to look at now is repeated in words.
    row.refer && h('p', { class: 'refer-line' }, `✖ ${t('today.refer')}`),
    h('p', { class: 'today-facts' }, facts.join(' · ')),
    flags.length > 0
      ? h('ul', { class: 'flags' }, flags)
      : h('p', { class: 'ok-line' }, severityBadge('normal', t('today.ok'))),
  );
}
