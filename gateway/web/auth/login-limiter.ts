// Failed PIN tries per client address: a few free tries, then a lock that doubles with each further failure.

export interface LoginLimiterOptions {
  freeTries?: number;
  firstLockMs?: number;
  maxLockMs?: number;
  /** Failures older than this are forgotten. */
  windowMs?: number;
  now?: () => number;
}

interface Record {
  failures: number;
  lastFailureAtMs: number;
  lockedUntilMs: number;
}

export class LoginLimiter {
  private readonly records = new Map<string, Record>();
  private readonly freeTries: number;
  private readonly firstLockMs: number;
  private readonly maxLockMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: LoginLimiterOptions = {}) {
    this.freeTries = options.freeTries ?? 5;
    this.firstLockMs = options.firstLockMs ?? 30_000;
    this.maxLockMs = options.maxLockMs ?? 15 * 60_000;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds the client must still wait; 0 when it may try. */
  retryAfterMs(client: string): number {
    const record = this.current(client);
    return record ? Math.max(0, record.lockedUntilMs - this.now()) : 0;
  }

  fail(client: string): void {
    const nowMs = this.now();
    const record = this.current(client) ?? { failures: 0, lastFailureAtMs: nowMs, lockedUntilMs: 0 };
    record.failures += 1;
    record.lastFailureAtMs = nowMs;
    const over = record.failures - this.freeTries;
    if (over >= 0) record.lockedUntilMs = nowMs + Math.min(this.maxLockMs, this.firstLockMs * 2 ** over);
    this.records.set(client, record);
    if (this.records.size > 10_000) this.prune(nowMs);
  }

  succeed(client: string): void {
    this.records.delete(client);
  }

  private current(client: string): Record | undefined {
    const record = this.records.get(client);
    if (record && this.now() - record.lastFailureAtMs > this.windowMs && this.now() >= record.lockedUntilMs) {
      this.records.delete(client);
      return undefined;
    }
    return record;
  }

  private prune(nowMs: number): void {
    for (const [client, record] of this.records) {
      if (nowMs - record.lastFailureAtMs > this.windowMs && nowMs >= record.lockedUntilMs)
        this.records.delete(client);
    }
  }
}
