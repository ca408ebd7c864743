// @ts-check
// Login: pick a role, type the PIN. The phone's time goes along so the gateway can check its own clock.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { phoneTimeIso, t } from '../i18n.js';
import { isRole, roles } from '../state.js';

/** @import { LoginView } from '../contract' */

/**
 * @param {HTMLElement} root
 * @param {{ onLoggedIn: (login: LoginView) => unknown }} options
 */
export function renderLogin(root, { onLoggedIn }) {
  const remembered = localStorage.getItem('tikar.role');
  let role = isRole(remembered) ? remembered : 'kader';
  const message = h('p', { class: 'form-error', role: 'alert', id: 'login-error' });
  const pin = h('input', {
    id: 'pin',
    name: 'pin',
    type: 'password',
    inputmode: 'numeric',
    pattern: '[0-9]*',
    autocomplete: 'current-password',
    minlength: 4,
    maxlength: 12,
    required: true,
    class: 'pin-input',
  });
  const roleButtons = roles.map((value) =>
    h(
      'button',
      {
        type: 'button',
        class: 'segment',
        'data-role': value,
        'aria-pressed': String(value === role),
        onclick: () => {
          role = value;
          for (const button of roleButtons)
            button.setAttribute('aria-pressed', String(button.dataset.role === role));
          pin.focus();
        },
      },
      t(`role.${value}`),
    ),
  );
  const form = h(
    'form',
    {
      class: 'card login-card',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        const result = await api('POST', '/api/login', { role, pin: pin.value, phone_time: phoneTimeIso() });
        if (result.ok) {
          localStorage.setItem('tikar.role', role);
          onLoggedIn(result.data);
          return;
        }
        pin.value = '';
        if (result.status === 429) message.textContent = t('login.wait', { s: result.retryAfterS || 30 });
        else if (result.status === 401 || result.status === 400) message.textContent = t('login.wrong');
        else if (result.code === 'network') message.textContent = t('error.network');
        else message.textContent = t('error.generic', { msg: result.message });
      },
    },
    h('p', { class: 'product' }, t('login.product')),
    h('h1', {}, t('login.title')),
    h('p', { class: 'lead' }, t('login.lead')),
    h('div', { class: 'segments', role: 'group', 'aria-label': t('login.title') }, roleButtons),
    h('label', { for: 'pin', class: 'field-label' }, t('login.pin')),
    pin,
    message,
    h(
      'button',
      { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' },
      t('login.submit'),
    ),
    h('p', { class: 'hint privacy' }, t('login.privacy')),
  );
  mount(root, h('div', { class: 'login-wrap' }, form));
  pin.focus();
}
