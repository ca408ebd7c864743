import { describe, expect, it } from 'vitest';
import { Clock, localDate, localIso } from '../../../gateway/clock/clock.ts';

const day = 86_400_000;
const buildIso = '2026-11-28T00:00:00Z';
const build = Date.parse(buildIso);

describe('clock guard', () => {
  it('trusts a plausible clock', () => {
    const clock = new Clock({ systemNowMs: () => build + 3 * day, notBeforeIso: buildIso });
    expect(clock.status()).toMatchObject({ trusted: true, reason: 'ok', source: 'system' });
  });

  it('distrusts a clock a year behind, and trusts it once the phone time is confirmed', () => {
    const clock = new Clock({ systemNowMs: () => build - 365 * day, notBeforeIso: buildIso });
    expect(clock.status()).toMatchObject({ trusted: false, reason: 'before_build_date' });
    const phone = build + 10 * day;
    const confirmed = clock.confirmPhoneTime(phone);
    expect(confirmed.ok).toBe(true);
    expect(clock.status()).toMatchObject({ trusted: true, source: 'phone', offset_ms: 375 * day });
    expect(Math.abs(clock.nowMs() - phone)).toBeLessThan(1000);
  });

  it('distrusts a clock behind the newest stored measurement', () => {
    const clock = new Clock({ systemNowMs: () => build + day, notBeforeIso: buildIso });
    clock.setNewestStored(new Date(build + 5 * day).toISOString());
    expect(clock.status().reason).toBe('behind_newest_measurement');
    expect(clock.confirmPhoneTime(build + 2 * day)).toMatchObject({ ok: false });
  });

  it('distrusts a clock far from the phone until confirmed; a close phone is fine', () => {
    const clock = new Clock({ systemNowMs: () => build + day, notBeforeIso: buildIso });
    expect(clock.observePhoneTime(build + day + 60_000).trusted).toBe(true);
    expect(clock.observePhoneTime(build + 3 * day).reason).toBe('far_from_phone');
    expect(clock.confirmPhoneTime(build + 3 * day)).toMatchObject({ ok: true });
    expect(clock.trusted).toBe(true);
  });

  it('writes local times with their offset', () => {
    const date = new Date('2026-11-28T17:30:00Z');
    expect(Date.parse(localIso(date))).toBe(date.getTime());
    expect(localIso(date)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(localDate(date)).toBe(localIso(date).slice(0, 10));
  });
});
