// @ts-check
// What every screen shares, kept apart from the shell so no view imports app.js: who is logged in, the mats
// and the clock as last reported live, listeners of their changes, and the one way to open a screen.

/** @import { ClockStatus, MatStatus, Role } from './contract' */

/** @type {readonly Role[]} */
export const roles = ['kader', 'bidan', 'admin'];

/**
 * @param {unknown} value
 * @returns {value is Role}
 */
export function isRole(value) {
  return roles.some((role) => role === value);
}

/**
 * @typedef {object} SharedState
 * @property {Role | null} role null until logged in
 * @property {string} posyanduId
 * @property {Map<string, MatStatus>} mats by mat id
 * @property {ClockStatus | null} clock
 * @property {boolean} liveUp the live stream is connected
 * @property {number | null} maxAgeDays the oldest child the gateway registers and measures (its one constant, sent with the status)
 */

/** @type {SharedState} */
export const state = {
  role: null,
  posyanduId: '',
  mats: new Map(),
  clock: null,
  liveUp: true,
  maxAgeDays: null,
};

/** @type {Set<() => void>} */
const listeners = new Set();

/**
 * Re-run `listener` whenever mats, clock or the connection change; returns the unsubscribe.
 * @param {() => void} listener
 */
export function onStateChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener that the state changed (in the order they subscribed: the shell's banners first). */
export function stateChanged() {
  for (const listener of listeners) listener();
}

let drawAgain = () => {};

/** @param {() => void} handler draws the current route again (the shell's router) */
export function setRouter(handler) {
  drawAgain = handler;
}

/**
 * Opens the screen of `hash` (e.g. `#/child/ID`); the same hash draws its screen again.
 * @param {string} hash
 */
export function navigate(hash) {
  if (location.hash === hash) drawAgain();
  else location.hash = hash;
}
