// Builds DOM from data with textContent only: a name like "<script>" is shown as text, never parsed.

/**
 * h('button', { class: 'primary', onclick: fn }, 'Simpan') — attributes starting with "on" become
 * listeners; `hidden`/`disabled` booleans toggle; children are nodes, strings (as text) or arrays.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces the content of `el` with `children`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** A severity badge: an icon and a word as well as a colour, so colour is never the only signal. */
export function severityIcon(severity) {
  return { severe: '✖', moderate: '⚠', risk: '△', normal: '✓' }[severity] ?? '•';
}
