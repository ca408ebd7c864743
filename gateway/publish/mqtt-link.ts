// The only mqtt import. A link to one broker: connect with the caller's full IClientOptions (TLS, credentials),
// reconnect on its own with exponential backoff, publish with QoS 1 resolving on PUBACK, and tell a refused
// login or a bad certificate apart from a broker that is simply away.

import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../log/logger.ts';
import { explainMqttConnectError } from '../security/mqtt-credentials.ts';

export type { IClientOptions };

export interface MqttLinkOptions {
  url: string;
  /** Passed to MQTT.js as is (ca/cert/key, username/password, clientId, clean, will, ...). */
  clientOptions?: IClientOptions;
  /** First reconnect delay; doubles up to maxReconnectMs. Default 500 ms. */
  minReconnectMs?: number;
  maxReconnectMs?: number;
  /** A publish without PUBACK after this long fails (the outbox retries it). Default 10 s. */
  publishTimeoutMs?: number;
  /** How long `openMqttLink` waits for the first connection before returning anyway (broker away). Default 3 s. */
  firstConnectWaitMs?: number;
  log: Logger;
}

export class MqttAuthError extends Error {
  override readonly name = 'MqttAuthError';
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

/**
 * What the client writes while it handles one read from the broker (a PUBACK for each of the many PUBLISH packets
 * a read can hold, and the receipts their handlers publish) goes out in one write after the read is handled,
 * instead of one write and one TCP segment each: the broker then reads them in one go too.
 */
function coalesceAnswers(stream: NodeJS.EventEmitter & { cork(): void; uncork(): void }): void {
  let corked = false;
  stream.prependListener('data', () => {
    if (corked) return;
    corked = true;
    stream.cork();
    // After the packets of this read are handled: MQTT.js handles them on process.nextTick, before setImmediate.
    setImmediate(() => {
      corked = false;
      stream.uncork();
    });
  });
}

function problemOf(error: Error & { code?: unknown }, url: string, username: string | undefined) {
  return explainMqttConnectError(error, { url, ...(username === undefined ? {} : { username }) });
}

/** The URL without user info, for logs and status. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}

interface LinkEvents {
  connect: [];
  disconnect: [];
  fatal: [MqttAuthError];
}

export class MqttLink extends EventEmitter<LinkEvents> {
  readonly url: string;
  readonly #client: MqttClient;
  readonly #options: MqttLinkOptions;
  readonly #subscriptions = new Map<string, MessageHandler>();
  #reconnectDelayMs: number;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #lastError: (Error & { code?: unknown }) | undefined;
  /** The connection whose answers are coalesced (a reconnect brings a new one). */
  #corkedStream: object | undefined;

  constructor(options: MqttLinkOptions) {
    super();
    this.#options = options;
    this.url = redactUrl(options.url);
    this.#reconnectDelayMs = options.minReconnectMs ?? 500;
    this.#client = mqtt.connect(options.url, {
      protocolVersion: 4,
      connectTimeout: 5000,
      ...options.clientOptions,
      reconnectPeriod: 0, // we reconnect ourselves, with backoff
      resubscribe: false, // we resubscribe ourselves on every connect
      queueQoSZero: false,
    });
    this.#client.on('connect', () => this.#onConnect());
    this.#client.on('close', () => this.#onClose());
    this.#client.on('error', (error: Error & { code?: unknown }) => this.#onError(error));
    this.#client.on('message', (topic, payload) => this.#dispatch(topic, payload));
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  #onConnect(): void {
    // Small QoS 1 packets back to back: without TCP_NODELAY, Nagle and the peer's delayed ACK hold a PUBLISH
    // for ~40 ms.
    const stream = this.#client.stream as
      | { setNoDelay?: (noDelay: boolean) => void; cork?: () => void; uncork?: () => void }
      | undefined;
    stream?.setNoDelay?.(true);
    if (stream?.cork && this.#corkedStream !== stream) {
      this.#corkedStream = stream;
      coalesceAnswers(stream as NodeJS.EventEmitter & { cork(): void; uncork(): void });
    }
    this.#reconnectDelayMs = this.#options.minReconnectMs ?? 500;
    this.#lastError = undefined;
    this.#options.log.info({ url: this.url }, 'mqtt connected');
    const topics = [...this.#subscriptions.keys()];
    if (topics.length > 0) {
      this.#client.subscribe(topics, { qos: 1 }, (error) => {
        if (error) this.#options.log.warn({ err: error.message }, 'mqtt resubscribe failed');
      });
    }
    this.emit('connect');
  }

  #isFatal(error: Error & { code?: unknown }): boolean {
    return problemOf(error, this.url, this.#options.clientOptions?.username).fatal;
  }

  #onError(error: Error & { code?: unknown }): void {
    this.#lastError = error;
    const problem = problemOf(error, this.url, this.#options.clientOptions?.username);
    if (problem.fatal) {
      this.#options.log.error({ url: this.url, code: error.code, err: error.message }, 'mqtt refused us');
      this.emit('fatal', new MqttAuthError(`MQTT: ${problem.message}`));
    } else {
      this.#options.log.debug({ code: error.code, err: error.message }, 'mqtt error');
    }
  }

  #onClose(): void {
    if (this.#closing) return;
    this.emit('disconnect');
    if (this.#reconnectTimer) return;
    const maxMs = this.#options.maxReconnectMs ?? 30_000;
    // A refused login is retried too (the broker's password file may be fixed), but only at the slowest pace.
    const delayMs = this.#lastError && this.#isFatal(this.#lastError) ? maxMs : this.#reconnectDelayMs;
    this.#reconnectDelayMs = Math.min(maxMs, this.#reconnectDelayMs * 2);
    this.#options.log.warn(
      { url: this.url, delayMs, err: this.#lastError?.message },
      'mqtt broker away: retrying',
    );
    // Not unref'd: a service whose only work is this link (`tikar record`) must stay alive while it waits,
    // or Node ends it under its pending top-level await (exit code 13). close() clears the timer.
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.#closing) this.#client.reconnect();
    }, delayMs);
  }

  #dispatch(topic: string, payload: Buffer): void {
    for (const [filter, handler] of this.#subscriptions) {
      if (topicMatches(filter, topic)) {
        try {
          handler(topic, payload);
        } catch (error) {
          this.#options.log.error({ topic, err: (error as Error).message }, 'mqtt message handler threw');
        }
      }
    }
  }

  /** Publishes with QoS 1 (default); resolves on PUBACK. Rejects at once when not connected. */
  publish(topic: string, payload: string, options: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    if (!this.#client.connected) return Promise.reject(new Error('mqtt not connected'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('mqtt publish timed out')),
        this.#options.publishTimeoutMs ?? 10_000,
      );
      this.#client.publish(
        topic,
        payload,
        { qos: options.qos ?? 1, retain: options.retain ?? false },
        (error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        },
      );
    });
  }

  /**
   * Subscribes now (if connected) and again after every reconnect. Resolves when the broker acknowledged it (at
   * once when not connected): what is published to the filter from then on reaches the handler.
   */
  subscribe(filter: string, handler: MessageHandler): Promise<void> {
    this.#subscriptions.set(filter, handler);
    if (!this.#client.connected) return Promise.resolve(); // subscribed on connect
    return new Promise((resolve) => {
      this.#client.subscribe(filter, { qos: 1 }, (error) => {
        if (error) this.#options.log.warn({ filter, err: error.message }, 'mqtt subscribe failed');
        resolve();
      });
    });
  }

  /** Waits until connected (or rejects after `timeoutMs`). */
  waitConnected(timeoutMs: number): Promise<void> {
    if (this.#client.connected) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connect', onConnect);
        reject(new Error(`mqtt not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('connect', onConnect);
    });
  }

  /** Closes the link; `beforeClose` may publish a last message (e.g. the retained offline status). */
  async close(beforeClose?: () => Promise<void>): Promise<void> {
    if (beforeClose && this.#client.connected) await beforeClose().catch(() => undefined);
    this.#closing = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    // A publish the broker never acknowledged (sent just before a broker restart, on a clean session) keeps
    // MQTT.js's graceful end waiting forever, and a second end() is then a no-op: after 5 s the connection is
    // destroyed.
    let deadline: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      this.#client.endAsync(false).then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => {
        deadline = setTimeout(() => resolve(false), 5000);
      }),
    ]);
    clearTimeout(deadline);
    if (!graceful) (this.#client.stream as { destroy?: () => void } | undefined)?.destroy?.();
  }
}

/**
 * Connects and waits up to `firstConnectWaitMs` for the broker. A broker that is away is not an error (the
 * outbox keeps everything and the link keeps trying); a refused login or a bad certificate is: it rejects
 * with MqttAuthError so the command can stop with a clear message instead of retrying silently.
 */
export async function openMqttLink(options: MqttLinkOptions): Promise<MqttLink> {
  const link = new MqttLink(options);
  const outcome = await new Promise<'connected' | 'waiting' | MqttAuthError>((resolve) => {
    const timer = setTimeout(() => resolve('waiting'), options.firstConnectWaitMs ?? 3000);
    link.once('connect', () => {
      clearTimeout(timer);
      resolve('connected');
    });
    link.once('fatal', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
  if (outcome instanceof MqttAuthError) {
    await link.close();
    throw outcome;
  }
  if (outcome === 'waiting') {
    options.log.warn({ url: link.url }, 'mqtt broker not reachable yet: keeping everything in the outbox');
  }
  return link;
}

/** MQTT topic filter matching with + and #; a shared subscription `$share/{group}/{filter}` matches as its filter. */
export function topicMatches(filter: string, topic: string): boolean {
  const levels = filter.split('/');
  const filterLevels = levels[0] === '$share' ? levels.slice(2) : levels;
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
