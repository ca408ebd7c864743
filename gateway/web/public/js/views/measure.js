// @ts-check
// The kader's measuring flow: choose the position, start, watch the live reading until it locks (the mat
// beeps), move the foot board away and measure again (a third time when two differ by more than 7 mm), save.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import {
  calendarAge,
  errorText,
  fmtAge,
  fmtNumber,
  fmtTime,
  getLang,
  parseNumber,
  t,
  todayIso,
} from '../i18n.js';
import { onLive } from '../live.js';
import { navigate, onStateChange, state } from '../state.js';
import { renderResultCard } from './result-card.js';

/** @import { MatStatus, SessionState } from '../contract' */

/**
 * A session kept across a redraw of this screen (language switch), picked up by the next render.
 * @type {{ childId: string, sessionId: string } | null}
 */
let carried = null;

/**
 * Why no reading from this mat may be saved, or undefined when it may.
 * @param {MatStatus | undefined} mat
 */
export function matProblem(mat) {
  if (!mat) return t('mat.none');
  if (!mat.connected) return t('mat.disconnected');
  if (mat.calibration === 'uncalibrated' || mat.calibration === 'check_failed')
    return t(`mat.${mat.calibration}`);
  return undefined;
}

/**
 * An expired calibration warns but does not block (the measurement keeps its calibration id).
 * @param {MatStatus | undefined} mat
 */
function matWarning(mat) {
  return mat?.calibration === 'expired' ? t('mat.expired') : undefined;
}

function firstMat() {
  return [...state.mats.values()][0];
}

const fmtLength = (/** @type {number} */ mm) => `${fmtNumber(mm / 10, 1)} cm`;
const fmtWeight = (/** @type {number} */ g) => `${fmtNumber(g / 1000, 2)} kg`;
/** How often this screen tells the gateway it shows the session (it counts as gone after 15 s). */
const SCREEN_BEAT_MS = 5000;
/** This tab's open session, so a reload picks it up at once (the tab is the same screen). */
const TAB_SESSION_KEY = 'tikar.session';

/**
 * @param {HTMLElement} root
 * @param {string | undefined} childId
 */
export async function renderMeasure(root, childId) {
  const loaded = await api('GET', `/api/children/${encodeURIComponent(childId ?? '')}`);
  if (!loaded.ok) {
    mount(root, h('section', { class: 'page' }, h('p', { class: 'form-error' }, errorText(loaded))));
    return;
  }
  const child = loaded.data;
  const age = calendarAge(child.birth_date, todayIso());
  /** @type {SessionState['position']} */
  const suggested = age && age.months < 24 ? 'l' : 'h';
  let position = suggested;
  /** @type {SessionState | null} this screen's session */
  let session = null;
  /** @type {(() => unknown)[]} */
  const stops = [];

  const matBox = h('div', { class: 'mat-box', id: 'mat-status', role: 'status' });
  const startButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary btn-block btn-big', id: 'start' },
    `▶ ${t('measure.start')}`,
  );
  /** @type {SessionState['position'][]} */
  const positions = ['l', 'h'];
  const positionButtons = positions.map((value) =>
    h(
      'button',
      {
        type: 'button',
        class: 'segment',
        'data-position': value,
        'aria-pressed': String(value === position),
        onclick: () => {
          position = value;
          for (const b of positionButtons)
            b.setAttribute('aria-pressed', String(b.dataset.position === position));
        },
      },
      value === 'l' ? t('measure.lying') : t('measure.standing'),
    ),
  );
  const setup = h(
    'div',
    { class: 'setup' },
    h('h2', { class: 'field-label' }, t('measure.position')),
    h('div', { class: 'segments' }, positionButtons),
    h('p', { class: 'hint' }, suggested === 'l' ? t('measure.suggestLying') : t('measure.suggestStanding')),
    startButton,
  );
  const busyBox = h('div', { class: 'card busy-box', id: 'mat-busy', hidden: true, role: 'status' });
  const livePanel = h('div', { class: 'live-panel', hidden: true, id: 'live-panel' });
  const errorBox = h('p', { class: 'form-error', role: 'alert', id: 'measure-error' });

  // Live elements, updated in place at the reading rate.
  const liveLabel = h('p', { class: 'live-label' }, t('measure.length'));
  const valueEl = h('output', { class: 'live-value', id: 'live-value', 'aria-live': 'off' }, '—');
  const stabilityEl = h('p', { class: 'stability', id: 'stability' });
  const weightValueEl = h('output', { class: 'live-weight', id: 'live-weight' }, '—');
  const promptEl = h('p', { class: 'prompt', id: 'prompt', 'aria-live': 'polite' });
  const readingsEl = h('ol', { class: 'readings', id: 'readings' });
  const weightSlot = h('div', { class: 'weight-slot' });
  const saveButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary btn-block btn-big', id: 'save', disabled: true },
    `✔ ${t('measure.save')}`,
  );
  const saveBlockedEl = h('p', { class: 'hint', id: 'save-blocked' });
  const againButton = h(
    'button',
    { type: 'button', class: 'btn btn-secondary', id: 'again' },
    `↺ ${t('measure.again')}`,
  );
  const cancelButton = h(
    'button',
    { type: 'button', class: 'btn btn-ghost', id: 'cancel' },
    t('measure.cancel'),
  );

  const weightRow = h(
    'div',
    { class: 'live-weight-row', id: 'weight-row' },
    h('span', {}, `${t('measure.weight')}: `),
    weightValueEl,
  );
  mount(
    livePanel,
    h('div', { class: 'live-card' }, liveLabel, valueEl, stabilityEl, weightRow),
    promptEl,
    readingsEl,
    weightSlot,
    saveBlockedEl,
    saveButton,
    h('div', { class: 'actions' }, againButton, cancelButton),
  );

  function currentMat() {
    return session ? state.mats.get(session.mat_id) : firstMat();
  }

  function renderMat() {
    const problem = matProblem(currentMat());
    const warning = problem ? undefined : matWarning(currentMat());
    matBox.hidden = !problem && !warning;
    mount(
      matBox,
      problem
        ? h('p', { class: 'banner banner-severe' }, `✖ ${problem}`)
        : warning
          ? h('p', { class: 'banner banner-warn' }, `⚠ ${warning}`)
          : null,
    );
    startButton.disabled = Boolean(problem) || session !== null || Boolean(busyOther());
    void renderBusy();
    // A value from before the problem must not look current.
    if (problem && session) {
      valueEl.textContent = '—';
      setStability(false, false);
    }
    renderSaveState();
  }

  /** The mat's open session when it is not this screen's: another child's, or this child's from a closed tab. */
  function busyOther() {
    const busyId = currentMat()?.busy_session_id;
    return busyId && busyId !== session?.session_id ? busyId : undefined;
  }

  // Whose session holds the mat, since when, and (without a screen) continue or cancel it.
  let busyDrawn = '';
  async function renderBusy() {
    const busyId = busyOther();
    const key = busyId ? `${busyId}|${currentMat()?.busy_has_screen}|${getLang()}` : '';
    if (key === busyDrawn) return;
    busyDrawn = key;
    if (!busyId) {
      busyBox.hidden = true;
      return;
    }
    const other = await api('GET', `/api/sessions/${encodeURIComponent(busyId)}`);
    if (busyDrawn !== key) return;
    if (!other.ok || ['saved', 'cancelled'].includes(other.data.phase)) {
      busyBox.hidden = true;
      return;
    }
    // Reloaded: this very tab started it, for this child: go on with it without asking.
    if (sessionStorage.getItem(TAB_SESSION_KEY) === busyId && other.data.child_id === child.id) {
      busyDrawn = '';
      showSession(other.data);
      return;
    }
    const owner =
      other.data.child_id === child.id
        ? child
        : await api('GET', `/api/children/${encodeURIComponent(other.data.child_id)}`).then((r) =>
            r.ok ? r.data : null,
          );
    if (busyDrawn !== key) return;
    const locked = other.data.length.readings.length;
    const lines = [
      h(
        'p',
        { class: 'busy-who' },
        t('busy.who', { name: owner?.name ?? '—', time: fmtTime(other.data.started_at) }),
      ),
      locked > 0 && h('p', {}, t('busy.readings', { n: locked })),
    ];
    const screenless = !other.data.has_screen;
    if (screenless) {
      lines.push(
        h('p', {}, t('busy.noScreen', { time: fmtTime(other.data.screen_seen_at) })),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-primary',
              id: 'busy-continue',
              onclick: () => {
                if (other.data.child_id === child.id) {
                  busyDrawn = '';
                  showSession(other.data);
                } else {
                  carried = { childId: other.data.child_id, sessionId: busyId };
                  navigate(`#/measure/${other.data.child_id}`);
                }
              },
            },
            `▶ ${t('busy.continue')}`,
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-secondary',
              id: 'busy-cancel',
              onclick: async () => {
                const result = await api('POST', `/api/sessions/${encodeURIComponent(busyId)}/cancel`, {});
                if (!result.ok && result.code !== 'session_state') errorBox.textContent = errorText(result);
              },
            },
            `✖ ${t('busy.cancel')}`,
          ),
        ),
      );
    } else lines.push(h('p', { class: 'muted' }, t('busy.otherScreen')));
    mount(busyBox, h('h2', {}, `⚠ ${t('busy.title')}`), lines);
    busyBox.hidden = false;
  }

  // While this screen shows a session it says so; a closed tab stops saying it and the mat can be taken over.
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let beat;
  function startBeat() {
    clearInterval(beat);
    beat = setInterval(async () => {
      if (!session) return clearInterval(beat);
      const result = await api('POST', `/api/sessions/${session.session_id}/screen`, {});
      if (result.ok && session && result.data.session_id === session.session_id) onSessionState(result.data);
    }, SCREEN_BEAT_MS);
  }

  /**
   * A new state of this screen's session (live or answered): ended elsewhere means back to the start.
   * @param {SessionState} next
   */
  function onSessionState(next) {
    if (next.phase === 'cancelled') {
      session = null;
      clearInterval(beat);
      sessionStorage.removeItem(TAB_SESSION_KEY);
      livePanel.hidden = true;
      setup.hidden = false;
      errorBox.textContent = next.prompt?.[getLang()] ?? '';
      renderMat();
      return;
    }
    if (next.phase === 'saved') return;
    session = next;
    renderSession();
  }

  /**
   * @param {boolean} moving
   * @param {boolean} hasValue
   */
  function setStability(moving, hasValue) {
    stabilityEl.className = `stability ${!hasValue ? 'stability-none' : moving ? 'stability-moving' : 'stability-stable'}`;
    stabilityEl.textContent = !hasValue
      ? t('measure.noValue')
      : moving
        ? `◌ ${t('measure.moving')}`
        : `✔ ${t('measure.stable')}`;
  }

  function renderSaveState() {
    if (!session) return;
    const problem = matProblem(currentMat());
    const clockBad = state.clock !== null && !state.clock.trusted;
    // With a scale, the weight of the last reading may settle a moment after the length.
    const ready = session.phase === 'complete' && (session.weight === null || session.weight.stored !== null);
    saveButton.disabled = !ready || Boolean(problem) || clockBad;
    saveBlockedEl.textContent = problem
      ? `${t('measure.saveBlocked')}: ${problem}`
      : clockBad
        ? `${t('measure.saveBlocked')}: ${t('clock.blocked')}`
        : '';
  }

  function renderSession() {
    if (!session) return;
    const length = session.length;
    liveLabel.textContent = t(session.position === 'l' ? 'measure.lengthLying' : 'measure.lengthStanding');
    valueEl.textContent = length.current === null ? '—' : fmtLength(length.current);
    setStability(length.moving, length.current !== null);
    promptEl.textContent = session.prompt?.[getLang()] ?? '';
    promptEl.dataset.code = session.prompt?.code ?? '';
    const slots = [];
    for (let n = 1; n <= Math.max(2, length.needed); n++) {
      const reading = length.readings.find((r) => r.ordinal === n);
      slots.push(
        h(
          'li',
          { class: `reading ${reading ? 'reading-done' : 'reading-pending'}`, 'data-ordinal': n },
          h(
            'span',
            { class: 'reading-label' },
            n === 3 ? t('measure.readingThird') : t('measure.reading', { n }),
          ),
          h(
            'strong',
            { class: 'reading-value' },
            reading ? `✔ ${fmtLength(reading.value)}` : t('measure.pending'),
          ),
        ),
      );
    }
    const [r1, r2] = length.readings;
    // Readings are kept to 0.1 mm: two that show the same centimetre can still differ.
    if (r1 && r2)
      slots.push(
        h(
          'li',
          { class: 'reading-diff' },
          t('measure.diff', { d: fmtNumber(Math.abs(r1.value - r2.value), 1) }),
        ),
      );
    if (length.stored !== null && length.stored !== undefined)
      slots.push(
        h(
          'li',
          { class: 'reading-result', id: 'reading-result' },
          t('measure.result', { v: `${fmtNumber(length.stored, 1)} cm` }),
        ),
      );
    mount(readingsEl, slots);
    weightRow.hidden = session.weight === null;
    if (session.weight) showWeight();
    renderWeightInput();
    renderSaveState();
    // The save button comes into view the moment the readings are complete (on a phone it is below).
    if (!saveButton.disabled && !saveShown) {
      saveShown = true;
      saveButton.scrollIntoView({ block: 'center' });
    }
  }

  // Once the scale's readings are complete, the weight shown is the one that will be saved.
  /** @param {number} [liveG] the scale's live value, grams */
  function showWeight(liveG) {
    const weight = session?.weight;
    if (!weight) return;
    if (weight.stored !== null && weight.stored !== undefined) {
      weightValueEl.textContent = `${fmtNumber(weight.stored, 2)} kg ✔`;
      return;
    }
    const g = liveG ?? weight.current;
    weightValueEl.textContent = g === null ? '—' : fmtWeight(g);
  }
  let saveShown = false;

  let weightInputShown = false;
  function renderWeightInput() {
    if (!session || session.weight !== null || weightInputShown) return;
    weightInputShown = true;
    // Text with a decimal keypad, not type=number: "7,2" is how an Indonesian kader writes it.
    const input = h('input', { id: 'manual-weight', inputmode: 'decimal', autocomplete: 'off' });
    const error = h('p', { class: 'form-error', role: 'alert' });
    mount(
      weightSlot,
      h(
        'form',
        {
          class: 'inline-form',
          onsubmit: async (event) => {
            event.preventDefault();
            const weightKg = parseNumber(input.value);
            if (weightKg === null || Number.isNaN(weightKg)) {
              error.className = 'form-error';
              error.textContent = t('measure.weightNumber', { example: fmtNumber(7.25, 2) });
              return;
            }
            if (!session) return;
            const result = await api('POST', `/api/sessions/${session.session_id}/weight`, {
              weight_kg: weightKg,
            });
            if (result.ok) {
              session = result.data;
              error.className = 'form-ok';
              error.textContent = `✔ ${fmtNumber(result.data.manual_weight_kg, 2)} kg`;
              renderSession();
            } else {
              error.className = 'form-error';
              error.textContent = errorText(result);
            }
          },
        },
        h('label', { for: 'manual-weight', class: 'field-label' }, t('measure.weightManual')),
        h(
          'div',
          { class: 'inline-row' },
          input,
          h(
            'button',
            { type: 'submit', class: 'btn btn-secondary', id: 'manual-weight-set' },
            t('measure.weightSet'),
          ),
        ),
        error,
      ),
    );
  }

  startButton.addEventListener('click', async () => {
    errorBox.textContent = '';
    startButton.disabled = true;
    const result = await api('POST', '/api/sessions', { child_id: child.id, position });
    if (!result.ok) {
      errorBox.textContent = errorText(result);
      renderMat();
      return;
    }
    showSession(result.data);
  });

  /** @param {SessionState} state */
  function showSession(state) {
    session = state;
    saveShown = false;
    errorBox.textContent = '';
    setup.hidden = true;
    livePanel.hidden = false;
    busyBox.hidden = true;
    renderSession();
    renderMat();
    void api('POST', `/api/sessions/${state.session_id}/screen`, {});
    sessionStorage.setItem(TAB_SESSION_KEY, state.session_id);
    startBeat();
  }

  saveButton.addEventListener('click', async () => {
    if (!session) return;
    saveButton.disabled = true;
    const result = await api('POST', `/api/sessions/${session.session_id}/save`, {});
    if (!result.ok) {
      errorBox.textContent = errorText(result);
      renderSaveState();
      return;
    }
    session = null;
    clearInterval(beat);
    sessionStorage.removeItem(TAB_SESSION_KEY);
    for (const stop of stops.splice(0)) stop();
    mount(resultSlot, renderResultCard(result.data, child, { next: true }));
    livePanel.hidden = true;
    matBox.hidden = true;
  });
  againButton.addEventListener('click', async () => {
    if (!session) return;
    const result = await api('POST', `/api/sessions/${session.session_id}/restart`, {});
    if (result.ok) {
      session = result.data;
      renderSession();
    } else errorBox.textContent = errorText(result);
  });
  cancelButton.addEventListener('click', async () => {
    if (session) await api('POST', `/api/sessions/${session.session_id}/cancel`, {});
    session = null;
    clearInterval(beat);
    sessionStorage.removeItem(TAB_SESSION_KEY);
    // Not the browser's back: a screen opened by its address has nothing to go back to.
    navigate('#/search');
  });

  stops.push(
    onLive('reading', (reading) => {
      if (!session || reading.session_id !== session.session_id) return;
      if (reading.channel === 'length') {
        valueEl.textContent = fmtLength(reading.value);
        setStability(reading.moving, true);
      } else if (reading.channel === 'weight' && session.weight) {
        showWeight(reading.value);
      }
    }),
    onLive('lock', (lock) => {
      if (!session || lock.session_id !== session.session_id) return;
      // The mat beeps; the screen shows the same moment so the kader knows the reading is taken.
      const card = valueEl.parentElement;
      card?.classList.add('live-locked');
      stabilityEl.textContent = `✔ ${t('measure.locked')}`;
      setTimeout(() => card?.classList.remove('live-locked'), 1200);
    }),
    onLive('session', (next) => {
      if (!session || next.session_id !== session.session_id) return;
      onSessionState(next);
    }),
    onStateChange(renderMat),
  );

  const resultSlot = h('div', { id: 'result-slot' });
  mount(
    root,
    h(
      'section',
      { class: 'page measure-page' },
      h(
        'header',
        { class: 'child-head' },
        h('h1', { class: 'child-name' }, child.name),
        h('p', { class: 'muted' }, `${t(`sex.${child.sex}`)} · ${fmtAge(child.birth_date, todayIso())}`),
      ),
      matBox,
      busyBox,
      setup,
      livePanel,
      errorBox,
      resultSlot,
    ),
  );
  renderMat();
  if (carried?.childId === child.id) {
    const resumed = await api('GET', `/api/sessions/${encodeURIComponent(carried.sessionId)}`);
    if (resumed.ok && !['saved', 'cancelled'].includes(resumed.data.phase)) showSession(resumed.data);
  }
  carried = null;
  return (/** @type {{ rerender?: boolean }} */ { rerender } = {}) => {
    clearInterval(beat);
    busyDrawn = 'gone';
    for (const stop of stops.splice(0)) stop();
    if (!session) return;
    // Redrawn in the other language: the measurement goes on. Leaving the screen frees the mat.
    if (rerender) carried = { childId: child.id, sessionId: session.session_id };
    else void api('POST', `/api/sessions/${session.session_id}/cancel`, {});
  };
}
