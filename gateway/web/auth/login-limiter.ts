// Failed PIN tries, counted per role: a few free tries, then a lock that doubles with each further failure.
// Each role has two counts: one per client address (a phone that keeps guessing) and one over all addresses
// (guesses spread over many addresses). A right PIN clears only its own role's counts, so a kader who knows
// her PIN cannot reset the count of her guesses at the admin's.

import type { Role } from './sessions.ts';

export interface LoginLimiterOptions {
  /** Free tries per role and client address. Default 5. */
  freeTries?: number;
  /** Free tries per role over all addresses together. Default 20. */
  freeTriesPerRole?: number;
  firstLockMs?: number;
  maxLockMs?: number;
  /** A count is forgotten this long after its last failure or the end of its lock, whichever is later. */
  windowMs?: number;
  now?: () => number;
}

interface Count {
  failures: number;
  lastFailureAtMs: number;
  lockedUntilMs: number;
}

export class LoginLimiter {
  private readonly counts = new Map<string, Count>();
  private readonly freeTries: number;
  private readonly freeTriesPerRole: number;
  private readonly firstLockMs: number;
  private readonly maxLockMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: LoginLimiterOptions = {}) {
    this.freeTries = options.freeTries ?? 5;
    this.freeTriesPerRole = options.freeTriesPerRole ?? 20;
    this.firstLockMs = options.firstLockMs ?? 30_000;
    this.maxLockMs = options.maxLockMs ?? 15 * 60_000;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds before this client may try a PIN for this role; 0 when it may try now. */
  retryAfterMs(client: string, role: Role): number {
    const nowMs = this.now();
    let waitMs = 0;
    for (const key of keysOf(client, role)) {
      const count = this.current(key, nowMs);
      if (count) waitMs = Math.max(waitMs, count.lockedUntilMs - nowMs);
    }
    return waitMs;
  }

  fail(client: string, role: Role): void {
    const nowMs = this.now();
    const [own, all] = keysOf(client, role);
    this.count(own, this.freeTries, nowMs);
    this.count(all, this.freeTriesPerRole, nowMs);
    if (this.counts.size > 10_000) this.prune(nowMs);
  }

  succeed(client: string, role: Role): void {
    for (const key of keysOf(client, role)) this.counts.delete(key);
  }

  private count(key: string, freeTries: number, nowMs: number): void {
    const count = this.current(key, nowMs) ?? { failures: 0, lastFailureAtMs: nowMs, lockedUntilMs: 0 };
    count.failures += 1;
    count.lastFailureAtMs = nowMs;
    const over = count.failures - freeTries;
    if (over >= 0) count.lockedUntilMs = nowMs + Math.min(this.maxLockMs, this.firstLockMs * 2 ** over);
    this.counts.set(key, count);
  }

  private stale(count: Count, nowMs: number): boolean {
    // Measured from the end of the lock too: otherwise waiting out one long lock would give free tries again.
    return nowMs - Math.max(count.lastFailureAtMs, count.lockedUntilMs) > this.windowMs;
  }

  private current(key: string, nowMs: number): Count | undefined {
    const count = this.counts.get(key);
    if (count && this.stale(count, nowMs)) {
      this.counts.delete(key);
      return undefined;
    }
    return count;
  }

  private prune(nowMs: number): void {
    for (const [key, count] of this.counts) if (this.stale(count, nowMs)) this.counts.delete(key);
  }
}

function keysOf(client: string, role: Role): [string, string] {
  return [`${role} ${client}`, `${role} *`];
}
