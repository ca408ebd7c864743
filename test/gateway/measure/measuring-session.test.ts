import { describe, expect, it } from 'vitest';
import type { CalibratedSample } from '../../../gateway/ingest/mat-connection.ts';
import { MeasuringSession } from '../../../gateway/measure/measuring-session.ts';

function session(hasScale = true) {
  return new MeasuringSession({
    sessionId: 's1',
    childId: 'c1',
    matId: 'm1',
    position: 'l',
    hasScale,
    startedAt: '2026-11-28T09:00:00.000Z',
  });
}

let clockMs = 0;
/** Feeds `seconds` of 25 Hz samples with the board at `lengthMm` and the scale at `weightG`. */
function hold(s: MeasuringSession, lengthMm: number | null, weightG: number | null, seconds: number) {
  const updates = [];
  for (let i = 0; i < seconds * 25; i++) {
    clockMs += 40;
    const length: CalibratedSample = { channel: 'length', value: lengthMm, counts: 0, tMs: clockMs };
    updates.push(s.onSample(length, new Date(clockMs).toISOString()));
    if (weightG !== null) {
      s.onSample(
        { channel: 'weight', value: weightG, counts: 0, tMs: clockMs },
        new Date(clockMs).toISOString(),
      );
    }
  }
  return updates;
}

describe('measuring session', () => {
  it('two readings within 7 mm: complete, the mean, with a weight per reading', () => {
    const s = session();
    expect(s.state(true).prompt.code).toBe('place_child');
    const first = hold(s, 742.0, 8400, 2).filter((u) => u.kind === 'locked');
    expect(first).toMatchObject([
      { kind: 'locked', next: 'another_reading', reading: { ordinal: 1, value: 742 } },
    ]);
    expect(s.state(true).prompt.code).toBe('move_board_away');
    s.onBoardMoved();
    expect(s.state(true).prompt.code).toBe('measure_again');
    hold(s, 746.0, 8410, 2);
    expect(s.phase).toBe('complete');
    const results = s.results();
    expect(results.lengthMm).toBe(744);
    // The scale stayed locked on 8,400 g (a 10 g change is no new weighing): both readings carry it.
    expect(results.weightKg).toBe(8.4);
    expect(results.readings.map((r) => [r.channel, r.ordinal])).toEqual([
      ['length', 1],
      ['length', 2],
      ['weight', 1],
      ['weight', 2],
    ]);
    expect(s.state(true).prompt.code).toBe('ready_to_save');
  });

  it('a scale that settles only after both length readings gives the weight it settled on', () => {
    const s = session();
    // The baby kicks on the scale (±300 g) while the board is already still.
    const kicking = (lengthMm: number, seconds: number) => {
      for (let i = 0; i < seconds * 25; i++) {
        clockMs += 40;
        const at = new Date(clockMs).toISOString();
        s.onSample({ channel: 'length', value: lengthMm, counts: 0, tMs: clockMs }, at);
        s.onSample({ channel: 'weight', value: 8400 + (i % 2 ? 300 : -300), counts: 0, tMs: clockMs }, at);
      }
    };
    kicking(742, 2);
    s.onBoardMoved();
    kicking(744, 2);
    expect(s.phase).toBe('complete');
    expect(s.state(true).prompt.code).toBe('hold_still');
    expect(s.results().weightKg).toBeNull();
    hold(s, 744, 8400, 2);
    expect(s.state(true).weight).toMatchObject({ result: 8400, stored: 8.4 });
    expect(s.results().weightKg).toBe(8.4);
    expect(s.state(true).prompt.code).toBe('ready_to_save');
  });

  it('more than 7 mm apart: a third reading, then the mean of the two closest', () => {
    const s = session();
    hold(s, 740, 9000, 2);
    s.onBoardMoved();
    hold(s, 750, 9000, 2);
    expect(s.phase).not.toBe('complete');
    expect(s.state(true)).toMatchObject({ length: { needed: 3 }, prompt: { code: 'move_board_away' } });
    s.onBoardMoved();
    expect(s.state(true).prompt.code).toBe('third_reading');
    hold(s, 748, 9000, 2);
    expect(s.phase).toBe('complete');
    expect(s.results().lengthMm).toBe(749);
  });

  it('one still position gives one reading: no second lock without the board moving away', () => {
    const s = session();
    const locks = hold(s, 700, null, 10).filter((u) => u.kind === 'locked');
    expect(locks).toHaveLength(1);
  });

  it('a wriggling child never locks; nothing on the mat is not a reading', () => {
    const s = session();
    for (let i = 0; i < 200; i++) hold(s, 700 + (i % 2 === 0 ? 6 : -6), null, 0.04);
    hold(s, null, null, 3);
    expect(s.state(true).length.readings).toEqual([]);
  });

  it('without a scale the kader types the weight; restart discards the readings', () => {
    const s = session(false);
    hold(s, 700, null, 2);
    s.onBoardMoved();
    hold(s, 701, null, 2);
    expect(s.state(true).prompt.code).toBe('enter_weight');
    s.setManualWeight(8.25);
    expect(s.results()).toMatchObject({ lengthMm: 700.5, weightKg: 8.25 });
    s.restart();
    expect(s.state(true)).toMatchObject({ phase: 'waiting', length: { readings: [] } });
  });

  it('after a start, samples count only from its ack (by seq); a refused or missing ack is said plainly', () => {
    const s = session(false);
    s.startSent(7);
    expect(hold(s, 610, null, 3).filter((u) => u.kind !== 'none')).toEqual([]); // the previous child
    expect(s.onAck({ ack_seq: 6, ack_type: 'start', ok: true })).toBe(false); // an older command's ack
    expect(s.onAck({ ack_seq: 7, ack_type: 'beep', ok: true })).toBe(false);
    expect(s.startUnanswered()).toBe(true);
    expect(s.startUnanswered()).toBe(false); // said once
    expect(s.state(true).prompt.code).toBe('mat_not_answering');
    expect(s.state(false).prompt.code).toBe('mat_disconnected');
    expect(s.onAck({ ack_seq: 7, ack_type: 'start', ok: true })).toBe(true);
    expect(s.state(true).prompt.code).toBe('place_child');
    const locks = hold(s, 702, null, 2).filter((u) => u.kind === 'locked');
    expect(locks).toMatchObject([{ reading: { value: 702 } }]);

    s.startSent(8);
    expect(s.onAck({ ack_seq: 8, ack_type: 'start', ok: false })).toBe(true); // refused: still waiting
    expect(s.awaitingStart(8)).toBe(true);
    expect(s.state(true).prompt.code).toBe('mat_not_answering');
  });
});

describe('a session without a screen', () => {
  const start = Date.parse('2026-11-28T09:00:00.000Z');
  const make = () =>
    new MeasuringSession({
      sessionId: 's2',
      childId: 'c1',
      matId: 'm1',
      position: 'l',
      hasScale: false,
      startedAt: new Date(start).toISOString(),
      startedAtMs: start,
    });

  it('loses its screen after the screen timeout, and ends after the idle time without one', () => {
    const s = make();
    expect(s.idleCheck(start + 14_000, 15_000, 120_000)).toBe('none');
    expect(s.idleCheck(start + 15_000, 15_000, 120_000)).toBe('screenless');
    expect(s.state(true).has_screen).toBe(false);
    expect(s.idleCheck(start + 16_000, 15_000, 120_000)).toBe('none');
    expect(s.idleCheck(start + 120_000, 15_000, 120_000)).toBe('end');
  });

  it('movement on the mat keeps it; a screen coming back takes it over', () => {
    const s = make();
    expect(s.idleCheck(start + 20_000, 15_000, 120_000)).toBe('screenless');
    s.activity(start + 100_000);
    expect(s.idleCheck(start + 200_000, 15_000, 120_000)).toBe('none');
    expect(s.idleCheck(start + 220_000, 15_000, 120_000)).toBe('end');
    expect(s.screenSeen('2026-11-28T09:03:40.000Z', start + 220_000)).toBe(true);
    expect(s.idleCheck(start + 230_000, 15_000, 120_000)).toBe('none');
    expect(s.state(true)).toMatchObject({ has_screen: true, screen_seen_at: '2026-11-28T09:03:40.000Z' });
  });

  it('ended by the idle rule says so in its prompt', () => {
    const s = make();
    s.cancel('idle');
    expect(s.state(true)).toMatchObject({ phase: 'cancelled', ended_by: 'idle' });
    expect(s.state(true).prompt.code).toBe('ended_idle');
  });
});
