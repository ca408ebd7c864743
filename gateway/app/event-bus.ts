// A typed event bus: each subscriber removes only its own listener; a throwing listener is logged, not fatal.

import type { Logger } from '../log/logger.ts';
import type { GatewayEventName, GatewayEvents, Unsubscribe } from '../model/index.ts';

export class EventBus {
  readonly #listeners = new Map<GatewayEventName, Set<(payload: never) => void>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  on<K extends GatewayEventName>(event: K, listener: (payload: GatewayEvents[K]) => void): Unsubscribe {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.#listeners.set(event, set);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  emit<K extends GatewayEventName>(event: K, payload: GatewayEvents[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as (payload: GatewayEvents[K]) => void)(payload);
      } catch (error) {
        this.#log.error({ event, err: (error as Error).message }, 'event listener threw');
      }
    }
  }
}
