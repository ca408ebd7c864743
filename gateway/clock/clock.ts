// A Raspberry Pi has no battery clock and a posyandu often has no network time: after a power cut the system
// clock may be days off, and every age (so every z-score) would be wrong. This guard says whether the
// clock can be trusted, and lets the kader correct it with the phone's time (kept as an offset: the gateway
// does not need root to set the system clock).

import type { ClockStatus } from '../model/index.ts';
import { BUILD_DATE } from './build-date.ts';

export interface ClockOptions {
  /** The system clock, ms since epoch. Default Date.now (tests and drills inject a wrong one). */
  systemNowMs?: () => number;
  /** A clock earlier than this cannot be right. Default: the build date of this release. */
  notBeforeIso?: string;
  /** The phone and the gateway may disagree by this much before the clock is distrusted. Default 5 minutes. */
  maxPhoneSkewMs?: number;
  /** Slack when comparing with the newest stored measurement. Default 2 minutes. */
  maxBehindMs?: number;
}

type Reason = Exclude<ClockStatus['reason'], null>;

const messages: Record<Reason, { id: string; en: string }> = {
  ok: { id: 'Jam gateway benar.', en: 'The gateway clock is plausible.' },
  before_build_date: {
    id: 'Jam gateway salah (lebih awal dari tanggal perangkat lunak). Cocokkan dengan jam HP.',
    en: 'The gateway clock is before this software was built: confirm the time from a phone.',
  },
  behind_newest_measurement: {
    id: 'Jam gateway mundur (lebih awal dari pengukuran terakhir). Cocokkan dengan jam HP.',
    en: 'The gateway clock is behind the newest stored measurement: confirm the time from a phone.',
  },
  far_from_phone: {
    id: 'Jam gateway berbeda dengan jam HP. Konfirmasi jam HP.',
    en: "The gateway clock differs from the phone's: confirm the phone's time.",
  },
};

export class Clock {
  readonly #systemNowMs: () => number;
  readonly #notBeforeMs: number;
  readonly #maxPhoneSkewMs: number;
  readonly #maxBehindMs: number;
  #offsetMs = 0;
  #source: ClockStatus['source'] = 'system';
  #newestStoredMs: number | null = null;
  #phoneDisagrees = false;
  readonly #listeners = new Set<(status: ClockStatus) => void>();

  constructor(options: ClockOptions = {}) {
    this.#systemNowMs = options.systemNowMs ?? Date.now;
    const notBefore = Date.parse(options.notBeforeIso ?? BUILD_DATE);
    if (Number.isNaN(notBefore)) throw new RangeError(`notBeforeIso is not a date: ${options.notBeforeIso}`);
    this.#notBeforeMs = notBefore;
    this.#maxPhoneSkewMs = options.maxPhoneSkewMs ?? 5 * 60_000;
    this.#maxBehindMs = options.maxBehindMs ?? 2 * 60_000;
  }

  /** The time the gateway uses: system time plus the offset the kader confirmed. */
  nowMs(): number {
    return this.#systemNowMs() + this.#offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** The newest measurement this gateway stored (UTC ISO): the clock must not be behind it. */
  setNewestStored(iso: string | null): void {
    const ms = iso === null ? Number.NaN : Date.parse(iso);
    if (Number.isNaN(ms)) return;
    if (this.#newestStoredMs === null || ms > this.#newestStoredMs) this.#newestStoredMs = ms;
    this.#notify();
  }

  /** The phone's time as seen when it connects. Distrusts the clock if they disagree too much. */
  observePhoneTime(phoneMs: number): ClockStatus {
    this.#phoneDisagrees = Math.abs(phoneMs - this.nowMs()) > this.#maxPhoneSkewMs;
    this.#notify();
    return this.status();
  }

  /**
   * The kader confirmed the phone's time: keep the offset. Refused (returns an error text) if the phone's time
   * itself is implausible (before the build date or behind the newest measurement).
   */
  confirmPhoneTime(phoneMs: number): { ok: true; status: ClockStatus } | { ok: false; message: string } {
    if (phoneMs < this.#notBeforeMs) return { ok: false, message: 'the phone time is before the build date' };
    if (this.#newestStoredMs !== null && phoneMs < this.#newestStoredMs - this.#maxBehindMs) {
      return { ok: false, message: 'the phone time is behind the newest stored measurement' };
    }
    this.#offsetMs = phoneMs - this.#systemNowMs();
    this.#source = 'phone';
    this.#phoneDisagrees = false;
    this.#notify();
    return { ok: true, status: this.status() };
  }

  #reason(): Reason {
    const nowMs = this.nowMs();
    if (nowMs < this.#notBeforeMs) return 'before_build_date';
    if (this.#newestStoredMs !== null && nowMs < this.#newestStoredMs - this.#maxBehindMs) {
      return 'behind_newest_measurement';
    }
    if (this.#phoneDisagrees) return 'far_from_phone';
    return 'ok';
  }

  get trusted(): boolean {
    return this.#reason() === 'ok';
  }

  status(): ClockStatus {
    const reason = this.#reason();
    return {
      trusted: reason === 'ok',
      reason,
      message: messages[reason],
      system_time: new Date(this.#systemNowMs()).toISOString(),
      effective_time: this.now().toISOString(),
      offset_ms: this.#offsetMs,
      source: this.#source,
    };
  }

  onChange(listener: (status: ClockStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    const status = this.status();
    for (const listener of this.#listeners) listener(status);
  }
}

/** ISO 8601 with the local UTC offset (e.g. 2026-11-28T09:15:00.000+07:00), as measured_at is stored. */
export function localIso(date: Date): string {
  const offsetMin = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offsetMin * 60_000).toISOString().slice(0, -1);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The local calendar date YYYY-MM-DD. */
export function localDate(date: Date): string {
  return localIso(date).slice(0, 10);
}
