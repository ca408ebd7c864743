// @ts-check
// Admin: set a role's PIN (stored only as a scrypt hash on the gateway).
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { errorText, t } from '../i18n.js';
import { isRole, roles } from '../state.js';

/** @param {HTMLElement} root */
export function renderPins(root) {
  const message = h('p', { role: 'status', class: 'hint' });
  const role = h(
    'select',
    { id: 'pin-role' },
    roles.map((value) => h('option', { value }, t(`role.${value}`))),
  );
  const pin = h('input', {
    id: 'pin-new',
    type: 'password',
    inputmode: 'numeric',
    pattern: '[0-9]{4,12}',
    required: true,
    autocomplete: 'new-password',
  });
  mount(
    root,
    h(
      'section',
      { class: 'page' },
      h(
        'form',
        {
          class: 'card',
          onsubmit: async (event) => {
            event.preventDefault();
            const chosen = role.value;
            if (!isRole(chosen)) return;
            const result = await api('POST', '/api/admin/pins', { role: chosen, pin: pin.value });
            pin.value = '';
            message.textContent = result.ok
              ? `✔ ${t('pins.saved', { role: t(`role.${chosen}`) })}`
              : errorText(result);
          },
        },
        h('h1', {}, t('pins.title')),
        h('label', { for: 'pin-role', class: 'field-label' }, t('pins.role')),
        role,
        h('label', { for: 'pin-new', class: 'field-label' }, t('pins.new')),
        pin,
        message,
        h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('pins.save')),
      ),
    ),
  );
}
