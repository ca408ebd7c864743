import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../../gateway/publish/mqtt-link.ts';
import { parsePayload, receiptMessage } from '../../../gateway/publish/payloads.ts';
import { checkTopicId, posyanduOfTopic, posyanduTopics } from '../../../gateway/publish/topics.ts';

describe('topics and payloads', () => {
  it('names topics from ids and refuses ids that would break a topic level', () => {
    expect(posyanduTopics('sukamaju', 'melati')).toMatchObject({
      measurements: 'tikar/v1/sukamaju/melati/measurements',
      receipts: 'tikar/v1/sukamaju/melati/receipts',
      status: 'tikar/v1/sukamaju/melati/status',
      register: 'tikar/v1/sukamaju/register',
    });
    for (const bad of ['a/b', '+', '#', '', 'Siti Aminah', 'x'.repeat(65)]) {
      expect(() => checkTopicId('--posyandu', bad)).toThrow(/--posyandu/);
    }
    expect(posyanduOfTopic('tikar/v1/sukamaju/melati/measurements')).toBe('melati');
    expect(posyanduOfTopic('other/v1/a/b/c')).toBeUndefined();
  });

  it('matches MQTT filters', () => {
    expect(topicMatches('tikar/v1/v/+/measurements', 'tikar/v1/v/melati/measurements')).toBe(true);
    expect(topicMatches('tikar/v1/v/+/measurements', 'tikar/v1/v/melati/children')).toBe(false);
    expect(topicMatches('tikar/#', 'tikar/v1/v/x')).toBe(true);
    expect(topicMatches('tikar/v1/v/register', 'tikar/v1/v/register/sync')).toBe(false);
  });

  it('parses payloads without throwing, naming the bad field', () => {
    expect(parsePayload(receiptMessage, '{')).toEqual({ ok: false, error: 'payload is not JSON' });
    expect(
      parsePayload(
        receiptMessage,
        '{"schema":"tikar.receipt/1","ids":[],"record_at":"2026-11-28T00:00:00Z"}',
      ),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^ids/),
    });
    expect(
      parsePayload(
        receiptMessage,
        Buffer.from('{"schema":"tikar.receipt/1","ids":["a"],"record_at":"2026-11-28T00:00:00Z"}'),
      ),
    ).toMatchObject({
      ok: true,
    });
  });
});
