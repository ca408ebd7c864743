import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topicMatchesPayload } from '../../gateway/security/topic-origin.ts';

const child = (posyandu: string, village = 'sukamaju') => ({
  id: 'c1',
  pseudo_id: 'p1',
  posyandu_id: posyandu,
  village_id: village,
});
const measurementMessage = (measuredAt: string, childHome: string, village = 'sukamaju') => ({
  schema: 'tikar.measurement/1',
  id: 'm1',
  child: child(childHome, village),
  measurement: { id: 'x', posyandu_id: measuredAt, village_id: village },
  readings: [],
});
const melati = 'tikar/v1/sukamaju/melati';

describe('topicMatchesPayload', () => {
  it('accepts a measurement taken at the topic posyandu, even of a child from another posyandu of the village', () => {
    expect(topicMatchesPayload(`${melati}/measurements`, measurementMessage('melati', 'melati'))).toEqual({
      ok: true,
    });
    expect(topicMatchesPayload(`${melati}/measurements`, measurementMessage('melati', 'mawar'))).toEqual({
      ok: true,
    });
  });

  it('refuses a measurement claiming another posyandu, naming the field', () => {
    const check = topicMatchesPayload(`${melati}/measurements`, measurementMessage('mawar', 'mawar'));
    expect(check).toEqual({
      ok: false,
      reason: `payload measurement.posyandu_id is "mawar" but the topic says 'melati'`,
    });
  });

  it('refuses a payload from another village, wherever it names it', () => {
    expect(
      topicMatchesPayload(`${melati}/measurements`, measurementMessage('melati', 'melati', 'cibodas')).ok,
    ).toBe(false);
    const mixed = { ...measurementMessage('melati', 'melati'), child: child('melati', 'cibodas') };
    expect(topicMatchesPayload(`${melati}/measurements`, mixed)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('child.village_id'),
    });
  });

  it('lets a posyandu change only its own children', () => {
    expect(
      topicMatchesPayload(`${melati}/children`, { schema: 'tikar.child/1', child: child('melati') }).ok,
    ).toBe(true);
    expect(
      topicMatchesPayload(`${melati}/children`, { schema: 'tikar.child/1', child: child('mawar') }).ok,
    ).toBe(false);
  });

  it('checks status messages and requires the posyandu to be named', () => {
    expect(topicMatchesPayload(`${melati}/status`, { state: 'online', posyandu_id: 'melati' }).ok).toBe(true);
    expect(topicMatchesPayload(`${melati}/status`, { state: 'online', posyandu_id: 'mawar' }).ok).toBe(false);
    expect(topicMatchesPayload(`${melati}/measurements`, { measurement: {} })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('missing'),
    });
  });

  it('has nothing to compare on village-level topics', () => {
    expect(topicMatchesPayload('tikar/v1/sukamaju/register', { child: child('mawar') }).ok).toBe(true);
    expect(topicMatchesPayload('tikar/v1/sukamaju/register/sync', { posyandu_id: 'x' }).ok).toBe(true);
  });

  it('never throws, whatever the payload', () => {
    const topics = fc.constantFrom(
      `${melati}/measurements`,
      `${melati}/children`,
      `${melati}/status`,
      `${melati}/receipts`,
    );
    fc.assert(
      fc.property(topics, fc.jsonValue(), (topic, payload) => {
        const check = topicMatchesPayload(topic, payload);
        expect(typeof check.ok).toBe('boolean');
      }),
      { seed: 3, numRuns: 1000 },
    );
  });
});
