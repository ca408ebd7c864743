// @ts-check
// Live updates from the gateway by Server-Sent Events; the browser reconnects on its own.

/** @import { LiveEventName, LiveEvents } from './contract' */

/** @type {Map<LiveEventName, Set<(data: never) => void>>} */
const listeners = new Map();
/** @type {EventSource | undefined} */
let source;
/** @type {(up: boolean, refused?: boolean) => void} */
let onConnectionChange = () => {};

/** @param {(up: boolean, refused?: boolean) => void} handler `refused`: the gateway closed the stream for good */
export function setConnectionHandler(handler) {
  onConnectionChange = handler;
}

/** @type {LiveEventName[]} */
const eventTypes = ['reading', 'lock', 'session', 'saved', 'mat', 'clock', 'mqtt', 'today'];

export function connectLive() {
  if (source) return;
  const opened = new EventSource('/api/events');
  source = opened;
  opened.addEventListener('open', () => onConnectionChange(true));
  opened.addEventListener('error', () => {
    // CLOSED means the gateway refused the stream (e.g. the login ended); otherwise the browser retries.
    const refused = opened.readyState === EventSource.CLOSED;
    if (refused && source === opened) source = undefined;
    onConnectionChange(false, refused);
  });
  for (const type of eventTypes) {
    opened.addEventListener(type, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      // The gateway sends each event type with its contract's payload (gateway/web/sse-hub.ts).
      for (const listener of listeners.get(type) ?? []) listener(/** @type {never} */ (data));
    });
  }
}

export function disconnectLive() {
  source?.close();
  source = undefined;
}

/**
 * Listens for one event type; returns the function that stops listening.
 * @template {LiveEventName} K
 * @param {K} type
 * @param {(data: LiveEvents[K]) => void} listener
 */
export function onLive(type, listener) {
  let forType = listeners.get(type);
  if (!forType) {
    forType = new Set();
    listeners.set(type, forType);
  }
  forType.add(listener);
  return () => listeners.get(type)?.delete(listener);
}
