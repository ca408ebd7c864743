import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../gateway/web/auth/login-limiter.ts';
import type { Role } from '../../gateway/web/auth/sessions.ts';
import { startHarness, testPins } from './harness.ts';

/** Wrong PINs an attacker gets in `hours` trying whenever allowed, from `addresses` client addresses. */
function guessesIn(hours: number, addresses: number, role: Role = 'admin'): number {
  let nowMs = 0;
  const limiter = new LoginLimiter({ now: () => nowMs });
  let guesses = 0;
  const endMs = hours * 3_600_000;
  while (nowMs < endMs) {
    let waitMs = Number.POSITIVE_INFINITY;
    for (let a = 0; a < addresses; a++) {
      const client = `10.0.0.${a}`;
      const wait = limiter.retryAfterMs(client, role);
      if (wait === 0) {
        limiter.fail(client, role);
        guesses++;
        waitMs = 0;
      } else waitMs = Math.min(waitMs, wait);
    }
    nowMs += Math.max(1, waitMs);
  }
  return guesses;
}

describe('login limiter (issue 11 item 1)', () => {
  it("a right PIN of one role does not clear another role's failures", () => {
    let nowMs = 0;
    const limiter = new LoginLimiter({ now: () => nowMs });
    let accepted = 0;
    for (let i = 0; i < 100; i++) {
      nowMs += 90; // ~11 guesses a second, as in the attack
      if (limiter.retryAfterMs('10.0.0.9', 'admin') === 0) {
        limiter.fail('10.0.0.9', 'admin');
        accepted++;
      }
      // the kader's own right PIN, interleaved
      if (limiter.retryAfterMs('10.0.0.9', 'kader') === 0) {
        limiter.fail('10.0.0.9', 'kader');
        limiter.succeed('10.0.0.9', 'kader');
      }
    }
    expect(accepted).toBe(5);
    expect(limiter.retryAfterMs('10.0.0.9', 'admin')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('10.0.0.9', 'kader')).toBe(0);
  });

  it('one address gets at most 12 guesses in the first hour, then 4 an hour', () => {
    expect(guessesIn(1, 1)).toBeLessThanOrEqual(12);
    // sustained: one guess per 15-minute lock
    expect(guessesIn(24, 1) - guessesIn(23, 1)).toBeLessThanOrEqual(4);
  });

  it('caps guesses spread over many addresses by the per-role count', () => {
    expect(guessesIn(1, 50)).toBeLessThanOrEqual(30);
    expect(guessesIn(24, 50) - guessesIn(23, 50)).toBeLessThanOrEqual(4);
  });

  it('over HTTP: 100 wrong admin PINs interleaved with the kader PIN end in 429', async () => {
    const harness = await startHarness();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 100 && !statuses.includes(429); i++) {
        const guess = await harness.call('POST', '/api/login', {
          body: { role: 'admin', pin: String(500000 + i) },
        });
        statuses.push(guess.status);
        await harness.login('kader');
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
      // the admin's right PIN is refused during the lock too
      const right = await harness.call('POST', '/api/login', {
        body: { role: 'admin', pin: testPins.admin },
      });
      expect(right.status).toBe(429);
    } finally {
      await harness.close();
    }
  });
});
