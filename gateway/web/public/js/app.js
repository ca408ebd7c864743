// @ts-check
// The screens' shell: login state, language toggle, menu by role, hash routes, and the banners every
// screen shares (clock to confirm, mat problems, live connection lost). Nothing imports this file: the
// views read and change the shared state through state.js.
import { api, setUnauthorisedHandler } from './api.js';
import { byId, h, mount } from './dom.js';
import { fmtDateTime, getLang, phoneTimeIso, setLang, t } from './i18n.js';
import { connectLive, disconnectLive, onLive, setConnectionHandler } from './live.js';
import { navigate, onStateChange, setRouter, state, stateChanged } from './state.js';
import { renderChild } from './views/child.js';
import { renderLogin } from './views/login.js';
import { renderMeasure } from './views/measure.js';
import { renderPins } from './views/pins.js';
import { renderReports } from './views/reports.js';
import { renderSearch } from './views/search.js';
import { renderToday } from './views/today.js';

/** @import { LoginView, Role } from './contract' */
/** @import { Key } from './i18n.js' */
/** @typedef {(options: { rerender: boolean }) => void} Cleanup what a screen does when another replaces it */

const appEl = byId('app', HTMLElement);
const navEl = byId('nav', HTMLElement);
const langButton = byId('lang-toggle', HTMLButtonElement);
const logoutButton = byId('logout', HTMLButtonElement);
const bannersEl = byId('banners', HTMLElement);
/** @type {Cleanup} */
let cleanup = () => {};
/** Counts route() calls: a screen whose data arrives after a newer route began is stale. */
let routeCount = 0;
onStateChange(renderBanners);
setRouter(() => void route());

/** @type {Record<Role, [href: string, key: Key][]>} */
const menus = {
  kader: [
    ['#/search', 'nav.measure'],
    ['#/today', 'nav.today'],
  ],
  bidan: [
    ['#/today', 'nav.today'],
    ['#/search', 'nav.search'],
    ['#/reports', 'nav.reports'],
  ],
  admin: [
    ['#/today', 'nav.today'],
    ['#/search', 'nav.search'],
    ['#/reports', 'nav.reports'],
    ['#/pins', 'nav.pins'],
  ],
};

function renderChrome() {
  document.documentElement.lang = getLang();
  langButton.textContent = getLang() === 'id' ? 'EN' : 'ID';
  langButton.setAttribute(
    'aria-label',
    getLang() === 'id' ? 'Switch to English' : 'Ganti ke Bahasa Indonesia',
  );
  logoutButton.textContent = t('top.logout');
  logoutButton.hidden = !state.role;
  byId('place', HTMLElement).textContent = state.role
    ? `${t(`role.${state.role}`)} · ${state.posyanduId}`
    : '';
  const current = location.hash.split('/').slice(0, 2).join('/');
  mount(
    navEl,
    (state.role ? menus[state.role] : []).map(([href, key]) =>
      h('a', { href, class: 'nav-link', 'aria-current': current === href ? 'page' : undefined }, t(key)),
    ),
  );
}

function renderBanners() {
  const banners = [];
  if (state.role && !state.liveUp)
    banners.push(h('div', { class: 'banner banner-warn', role: 'status' }, `⚠ ${t('live.lost')}`));
  const clock = state.clock;
  if (state.role && clock && !clock.trusted) {
    const phoneNow = new Date();
    const gateway = new Date(clock.effective_time);
    banners.push(
      h(
        'section',
        { class: 'banner banner-severe clock-banner', role: 'alertdialog', 'aria-labelledby': 'clock-title' },
        h('h2', { id: 'clock-title' }, `⚠ ${t('clock.title')}`),
        h('p', {}, clock.message[getLang()]),
        h(
          'p',
          { class: 'clock-times' },
          t('clock.gateway', { t: fmtDateTime(gateway) }),
          h('br'),
          h('strong', {}, t('clock.phone', { t: fmtDateTime(phoneNow) })),
        ),
        h('p', {}, t('clock.ask'), ' ', t('clock.blocked')),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-primary',
            id: 'clock-confirm',
            onclick: async () => {
              const result = await api('POST', '/api/clock/confirm', { phone_time: phoneTimeIso() });
              if (result.ok) {
                state.clock = result.data;
                stateChanged();
              }
            },
          },
          t('clock.confirm'),
        ),
      ),
    );
  }
  mount(bannersEl, banners);
}

/**
 * Renders the current route; `rerender` means the same screen is drawn again (e.g. in the other language).
 * @param {boolean} [rerender]
 */
async function route(rerender = false) {
  const thisRoute = ++routeCount;
  cleanup({ rerender });
  cleanup = () => {};
  renderChrome();
  // Each screen draws into its own element: a screen still loading its data when the next one is opened
  // (a quick second tap) then draws into a detached element, never over the newer screen.
  const screen = h('div', { class: 'screen' }, h('p', { class: 'loading' }, t('screen.loading')));
  mount(appEl, screen);
  const [, page, param, param2] = location.hash.split('/');
  if (!state.role) {
    cleanup = renderLogin(screen, { onLoggedIn }) ?? (() => {});
    return;
  }
  /** @type {Record<string, () => Promise<Cleanup | void> | Cleanup | void>} */
  const views = {
    search: () => renderSearch(screen),
    measure: () => renderMeasure(screen, param),
    today: () => renderToday(screen),
    child: () => renderChild(screen, param),
    pins: () => renderPins(screen),
    // Children's personal data in bulk: the kader's menu has no Laporan, and the gateway refuses it too.
    reports: () => (state.role === 'kader' ? navigate('#/search') : renderReports(screen, param, param2)),
  };
  const view = page === undefined ? undefined : views[page];
  if (!view) {
    navigate(state.role === 'kader' ? '#/search' : '#/today');
    return;
  }
  const drawn = (await view()) ?? (() => {});
  if (thisRoute !== routeCount) {
    drawn({ rerender: false });
    return;
  }
  cleanup = drawn;
  appEl.focus({ preventScroll: true });
  // A new screen opens at its top (the list it was tapped from may have been scrolled far down).
  if (!rerender) window.scrollTo(0, 0);
}

async function loadStatus() {
  const status = await api('GET', '/api/status');
  if (!status.ok) return;
  state.posyanduId = status.data.posyandu_id;
  state.maxAgeDays = status.data.max_age_days ?? null;
  state.clock = status.data.clock;
  state.mats = new Map(status.data.mats.map((mat) => [mat.mat_id, mat]));
}

/** @param {LoginView} login */
async function onLoggedIn(login) {
  state.role = login.role;
  state.clock = login.clock;
  await startSession();
  navigate(state.role === 'kader' ? '#/search' : '#/today');
}

async function startSession() {
  await loadStatus();
  connectLive();
  renderChrome();
  stateChanged();
}

function loggedOut() {
  state.role = null;
  disconnectLive();
  renderBanners();
  void route();
}

onLive('mat', (mat) => {
  state.mats.set(mat.mat_id, mat);
  stateChanged();
});
onLive('clock', (clock) => {
  state.clock = clock;
  stateChanged();
});
setConnectionHandler((up, refused) => {
  if (state.liveUp !== up) {
    state.liveUp = up;
    stateChanged();
  }
  // A refused stream: ask who we are; a 401 there shows the login screen, otherwise connect again.
  if (refused && state.role) {
    void api('GET', '/api/me').then((me) => {
      if (me.ok) setTimeout(connectLive, 2000);
    });
  }
});
setUnauthorisedHandler(() => {
  if (state.role) loggedOut();
});

langButton.addEventListener('click', () => {
  setLang(getLang() === 'id' ? 'en' : 'id');
  renderBanners();
  void route(true);
});
logoutButton.addEventListener('click', async () => {
  await api('POST', '/api/logout', {});
  loggedOut();
});
// Not `route` itself: the event object would arrive as `rerender` and keep the old screen's scroll position.
window.addEventListener('hashchange', () => route());

async function boot() {
  setLang(getLang());
  const me = await api('GET', '/api/me');
  if (me.ok) {
    state.role = me.data.role;
    // Tell the gateway this phone's time on every connection: it may show its own clock is wrong.
    const clock = await api('POST', '/api/clock/phone', { phone_time: phoneTimeIso() });
    await startSession();
    if (clock.ok) {
      state.clock = clock.data;
      stateChanged();
    }
  }
  void route();
}

void boot();
