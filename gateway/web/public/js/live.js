// Live updates from the gateway by Server-Sent Events; the browser reconnects on its own.

const listeners = new Map();
let source;
let onConnectionChange = () => {};

export function setConnectionHandler(handler) {
  onConnectionChange = handler;
}

const eventTypes = ['reading', 'lock', 'session', 'saved', 'mat', 'clock', 'mqtt', 'today'];

export function connectLive() {
  if (source) return;
  source = new EventSource('/api/events');
  source.addEventListener('open', () => onConnectionChange(true));
  source.addEventListener('error', () => {
    // CLOSED means the gateway refused the stream (e.g. the login ended); otherwise the browser retries.
    const refused = source?.readyState === EventSource.CLOSED;
    if (refused) source = undefined;
    onConnectionChange(false, refused);
  });
  for (const type of eventTypes) {
    source.addEventListener(type, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      for (const listener of listeners.get(type) ?? []) listener(data);
    });
  }
}

export function disconnectLive() {
  source?.close();
  source = undefined;
}

/** Listens for one event type; returns the function that stops listening. */
export function onLive(type, listener) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(listener);
  return () => listeners.get(type)?.delete(listener);
}
