import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aclTableFromRoster,
  isAllowed,
  parseAclFile,
  parseRoster,
  renderAclFile,
  topicMatchesFilter,
} from '../../gateway/security/acl.ts';
import { roster } from './secure-brokers.ts';

// Slow, obviously-correct reference: the filter as a regular expression.
function referenceMatch(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && /^[+#]/.test(filter)) return false;
  const levels = filter.split('/').map((level) => {
    if (level === '+') return '[^/]*';
    if (level === '#') return '#';
    return level.replace(/[.*?^${}()|[\]\\]/g, '\\$&');
  });
  let pattern = levels.join('/');
  if (pattern === '#') pattern = '.*';
  else if (pattern.endsWith('/#')) pattern = `${pattern.slice(0, -2)}(/.*)?`;
  return new RegExp(`^${pattern}$`).test(topic);
}

const level = fc.constantFrom('a', 'b', 'tikar', '', '$x');
const topicArb = fc.array(level, { minLength: 1, maxLength: 5 }).map((levels) => levels.join('/'));
const filterArb = fc
  .tuple(fc.array(fc.oneof(level, fc.constant('+')), { minLength: 0, maxLength: 4 }), fc.boolean())
  .filter(([levels, hash]) => levels.length > 0 || hash)
  .map(([levels, hash]) => [...levels, ...(hash ? ['#'] : [])].join('/'));

describe('topic filters', () => {
  it('match exactly as the MQTT rules say (against a regex reference)', () => {
    fc.assert(
      fc.property(filterArb, topicArb, (filter, topic) => {
        expect(topicMatchesFilter(filter, topic)).toBe(referenceMatch(filter, topic));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('handle the edge cases named in the spec', () => {
    expect(topicMatchesFilter('tikar/#', 'tikar')).toBe(true);
    expect(topicMatchesFilter('tikar/+', 'tikar')).toBe(false);
    expect(topicMatchesFilter('#', '$SYS/broker')).toBe(false);
    expect(topicMatchesFilter('$SYS/#', '$SYS/broker')).toBe(true);
    expect(topicMatchesFilter('+/+', '/x')).toBe(true);
  });
});

describe('rights from the roster', () => {
  const table = aclTableFromRoster(roster);
  const cases: Array<[string, 'read' | 'write', string, boolean]> = [
    ['gw-melati', 'write', 'tikar/v1/sukamaju/melati/measurements', true],
    ['gw-melati', 'write', 'tikar/v1/sukamaju/melati/status', true],
    ['gw-melati', 'write', 'tikar/v1/sukamaju/mawar/measurements', false],
    ['gw-melati', 'write', 'tikar/v1/sukamaju/register', false],
    ['gw-melati', 'write', 'tikar/v1/sukamaju/register/sync', true],
    ['gw-melati', 'read', 'tikar/v1/sukamaju/register/sync', false],
    ['gw-melati', 'read', 'tikar/v1/sukamaju/register', true],
    ['gw-melati', 'read', 'tikar/v1/sukamaju/melati/receipts', true],
    ['gw-melati', 'read', 'tikar/v1/sukamaju/mawar/receipts', false],
    ['gw-melati', 'read', 'tikar/v1/sukamaju/mawar/measurements', false],
    ['gw-melati', 'read', 'tikar/v1/cibodas/register', false],
    ['record-sukamaju', 'read', 'tikar/v1/sukamaju/mawar/measurements', true],
    ['record-sukamaju', 'read', 'tikar/v1/cibodas/anggrek/measurements', false],
    ['record-sukamaju', 'write', 'tikar/v1/sukamaju/mawar/receipts', true],
    ['record-sukamaju', 'write', 'tikar/v1/sukamaju/register', true],
    ['bridge-sukamaju', 'write', 'tikar/v1/sukamaju/mawar/measurements', true],
    ['bridge-sukamaju', 'write', 'tikar/v1/sukamaju/mawar/status', true],
    ['bridge-sukamaju', 'write', 'tikar/v1/sukamaju/register/sync', true],
    ['bridge-sukamaju', 'write', 'tikar/v1/sukamaju/mawar/receipts', false],
    ['bridge-sukamaju', 'write', 'tikar/v1/sukamaju/register', false],
    ['bridge-sukamaju', 'write', 'tikar/v1/cibodas/anggrek/measurements', false],
    ['bridge-sukamaju', 'read', 'tikar/v1/sukamaju/mawar/receipts', true],
    ['bridge-sukamaju', 'read', 'tikar/v1/sukamaju/register', true],
    ['bridge-sukamaju', 'read', 'tikar/v1/sukamaju/mawar/measurements', false],
    ['bridge-sukamaju', 'read', 'tikar/v1/cibodas/anggrek/receipts', false],
    ['district-record', 'read', 'tikar/v1/cibodas/anggrek/measurements', true],
    ['district-record', 'write', 'tikar/v1/cibodas/anggrek/receipts', true],
    ['district-record', 'write', 'tikar/v1/cibodas/register', true],
    ['district-record', 'write', 'tikar/v1/cibodas/anggrek/measurements', false],
    ['bridge-sukamaju', 'write', 'tikar/v1/sukamaju/inventory/answer', true],
    ['bridge-sukamaju', 'read', 'tikar/v1/sukamaju/inventory/ask', true],
    ['bridge-sukamaju', 'write', 'tikar/v1/sukamaju/inventory/ask', false],
    ['district-record', 'write', 'tikar/v1/cibodas/inventory/ask', true],
    ['district-record', 'write', 'tikar/v1/cibodas/inventory/answer', false],
    ['record-sukamaju', 'write', 'tikar/v1/sukamaju/inventory/answer', true],
    ['record-sukamaju', 'write', 'tikar/v1/cibodas/inventory/answer', false],
    ['nobody', 'read', 'tikar/v1/sukamaju/register', false],
  ];
  it.each(cases)('%s %s %s → %s', (user, access, topic, allowed) => {
    expect(isAllowed(table, user, access, topic)).toBe(allowed);
  });

  it('survive the trip through a mosquitto acl_file unchanged', () => {
    const parsed = parseAclFile(renderAclFile(table));
    expect(parsed).toEqual({ ok: true, value: table });
  });
});

describe('roster and acl_file validation', () => {
  it('rejects ids that would break topics or files, naming the field', () => {
    const bad = parseRoster({
      accounts: [{ role: 'gateway', username: 'gw', village: 'a/b', posyandu: 'p' }],
    });
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('accounts.0.village') });
    const wildcard = parseRoster({ accounts: [{ role: 'record', username: 'r', village: '#' }] });
    expect(wildcard.ok).toBe(false);
    const twice = parseRoster({
      accounts: [
        { role: 'record', username: 'r', village: 'v' },
        { role: 'record', username: 'r', village: 'w' },
      ],
    });
    expect(twice).toMatchObject({ ok: false, error: expect.stringContaining('appears twice') });
    expect(parseRoster('nonsense').ok).toBe(false);
  });

  it('reports what it does not understand in an acl_file, with the line', () => {
    expect(parseAclFile('pattern read x/%u')).toMatchObject({
      ok: false,
      error: expect.stringContaining('line 1'),
    });
    expect(parseAclFile('topic read x')).toMatchObject({
      ok: false,
      error: expect.stringContaining('before any'),
    });
    expect(parseAclFile('user a\ntopic read x/#/y')).toMatchObject({
      ok: false,
      error: expect.stringContaining('line 2'),
    });
    expect(parseAclFile('user a\ntopic x/+')).toEqual({
      ok: true,
      value: new Map([['a', [{ access: 'readwrite', filter: 'x/+' }]]]),
    });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parseAclFile(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
