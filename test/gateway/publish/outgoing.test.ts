// The filter every outbox payload passes on its way to the broker (gateway/publish/outgoing.ts).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outgoingPayload } from '../../../gateway/publish/outgoing.ts';
import { pseudonymousChildId } from '../../../gateway/security/privacy.ts';

const villageSecret = randomBytes(32);
const child = {
  id: '01890a5d-ac96-774b-bcce-b302099a8057',
  pseudo_id: 'random-local-id',
  name: 'Siti Nurhaliza Putri',
  sex: 2,
  birth_date: '2024-03-17',
  nik: '3201234503170001',
  mother_name: 'Dewi Lestari',
  posyandu_id: 'melati',
  village_id: 'sukamaju',
  has_kia: true,
  created_at: '2026-11-28T01:00:00.000Z',
  updated_at: '2026-11-28T01:00:00.000Z',
};
const measurement = {
  id: 'm-1',
  child_id: child.id,
  posyandu_id: 'melati',
  village_id: 'sukamaju',
  measured_at: '2026-11-28T09:15:00.000+07:00',
  measured_on: '2026-11-28',
  age_days: 986,
  position: 'h',
  lenhei_cm: 88.1,
  clenhei_cm: 88.1,
  weight_kg: 12.04,
  headc_cm: null,
  oedema: 0,
  zlen: -0.5,
  zwei: -0.2,
  zwfl: 0.1,
  zbmi: 0.1,
  zhc: null,
  flen: 0,
  fwei: 0,
  fwfl: 0,
  fbmi: 0,
  fhc: null,
  status_tbu: 'normal',
  status_bbu: 'bb_normal',
  status_bbtb: 'gizi_baik',
  status_imtu: 'gizi_baik',
  calibration_id: null,
  device_id: 'SIM-0001',
  supersedes_id: null,
  correction_reason: null,
  source: 'manual',
  created_at: '2026-11-28T02:15:00.000Z',
};
const stored = {
  measurement: (c: typeof child = child) =>
    JSON.stringify({
      schema: 'tikar.measurement/1',
      id: 'msg-1',
      backfilled: false,
      child: c,
      measurement,
      readings: [],
    }),
  child: (c: typeof child = child) =>
    JSON.stringify({ schema: 'tikar.child/1', id: 'msg-2', backfilled: false, child: c }),
};
const sent = (outcome: ReturnType<typeof outgoingPayload>) => {
  if (!('send' in outcome) || !outcome.send) throw new Error(`not sent: ${JSON.stringify(outcome)}`);
  return JSON.parse(outcome.payload) as { backfilled: boolean; child: Record<string, unknown> };
};
const personalKeys = ['name', 'mother_name', 'birth_date', 'nik'];

describe('outgoing payloads', () => {
  it('sends a measurement with a pseudonymous child snapshot at every level', () => {
    for (const level of ['pseudonymous', 'register', 'full'] as const) {
      const message = sent(outgoingPayload(stored.measurement(), { level, villageSecret }, false));
      for (const key of personalKeys) expect(message.child).not.toHaveProperty(key);
      expect(message.child).toMatchObject({
        id: child.id,
        pseudo_id: pseudonymousChildId(child.id, villageSecret),
        birth_month: '2024-03',
        sex: 2,
      });
    }
  });

  it('sends the register at its level: nothing, without NIK, or whole', () => {
    expect(outgoingPayload(stored.child(), { level: 'pseudonymous', villageSecret }, false)).toEqual({
      send: false,
      reason: 'sharing level pseudonymous',
    });
    const register = sent(outgoingPayload(stored.child(), { level: 'register', villageSecret }, true));
    expect(register.backfilled).toBe(true);
    expect(register.child).toMatchObject({
      name: child.name,
      mother_name: child.mother_name,
      birth_date: child.birth_date,
    });
    expect(register.child).not.toHaveProperty('nik');
    const full = sent(outgoingPayload(stored.child(), { level: 'full', villageSecret }, false));
    expect(full.child).toMatchObject({
      nik: child.nik,
      pseudo_id: pseudonymousChildId(child.id, villageSecret),
    });
  });

  it('never sends an unreadable outbox row as it is', () => {
    for (const bad of [
      '{',
      '{}',
      JSON.stringify({ schema: 'tikar.child/1', id: 'x', child: { name: child.name } }),
    ]) {
      const outcome = outgoingPayload(bad, { level: 'full', villageSecret }, false);
      expect(outcome).toMatchObject({ error: expect.stringMatching(/^outbox payload: /) });
      expect(JSON.stringify(outcome)).not.toContain(child.name);
    }
  });

  it('leaks no personal value in a measurement, whatever the child (property)', () => {
    const word = fc.stringMatching(/^[A-Z][a-z]{5,12}$/);
    const arb = fc.record({
      name: word,
      mother_name: word,
      nik: fc.stringMatching(/^\d{16}$/),
      birth_date: fc
        .date({ min: new Date('2019-01-01'), max: new Date('2026-11-27'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      level: fc.constantFrom('pseudonymous' as const, 'register' as const, 'full' as const),
    });
    fc.assert(
      fc.property(arb, ({ level, ...values }) => {
        const outcome = outgoingPayload(
          stored.measurement({ ...child, ...values }),
          { level, villageSecret },
          false,
        );
        const text = 'send' in outcome && outcome.send ? outcome.payload : '';
        expect(text).toContain('"birth_month"');
        for (const value of Object.values(values)) expect(text).not.toContain(value);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
