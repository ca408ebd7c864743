// @ts-check
// Builds DOM from data with textContent only: a name like "<script>" is shown as text, never parsed.

/** @import { Severity } from './contract' */

/**
 * An attribute's value: false, null and undefined leave it out, true sets it empty; a function under an
 * `on…` name becomes a listener.
 * @typedef {string | number | boolean | null | undefined | ((event: Event) => unknown)} AttrValue
 */
/** @typedef {Node | string | number | false | null | undefined} Child */
/** @typedef {Child | ReadonlyArray<Child | ReadonlyArray<Child>>} Children nested lists are flattened */

/**
 * h('button', { class: 'primary', onclick: fn }, 'Simpan') — attributes starting with "on" become
 * listeners; `hidden`/`disabled` booleans toggle; children are nodes, strings (as text) or arrays.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    } else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Children[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Replaces the content of `el` with `children`.
 * @param {Element} el
 * @param {...Children} children
 */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * The element of the page's fixed frame (index.html) with `id`, of the class the page promises: a missing
 * one is a fault of the page, said at once rather than as a later null.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return el;
}

/**
 * A severity badge: an icon and a word as well as a colour, so colour is never the only signal.
 * @param {Severity | undefined} severity
 */
export function severityIcon(severity) {
  return severity === undefined ? '•' : { severe: '✖', moderate: '⚠', risk: '△', normal: '✓' }[severity];
}
