// The MQTT topic rights of every Tikar account, in one place. The same rules are rendered into mosquitto's
// `acl_file` and evaluated by the built-in broker, so both brokers grant exactly the same things.
//
// Semantics follow mosquitto 2.0's acl_file (checked against the real broker in test/security/):
// - a user may do only what one of its `topic` lines allows; no line, no access;
// - an ACL topic is a filter (`+`, `#` allowed) matched against the concrete topic of each message;
// - SUBSCRIBE itself is always granted; each message is checked against the subscriber's read rights when it
//   is delivered, so a broad subscription such as `#` only ever yields what the user may read;
// - a PUBLISH without write right is acknowledged and dropped (MQTT 3.1.1 has no way to refuse it).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export type AclAccess = 'read' | 'write' | 'readwrite';
export interface AclRule {
  access: AclAccess;
  /** An MQTT topic filter. */
  filter: string;
}
/** Username → that user's rules. */
export type AclTable = ReadonlyMap<string, readonly AclRule[]>;

const topicPrefix = 'tikar/v1';

// Ids become topic levels and ACL/password file tokens: no wildcards, separators, spaces, ':' or '%'.
const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const usernamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const segment = z.string().regex(segmentPattern, 'letters, digits, "-" or "_", at most 64');
const username = z.string().regex(usernamePattern, 'letters, digits, ".", "-" or "_", at most 64');

const accountSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('gateway'), username, village: segment, posyandu: segment }),
  z.strictObject({ role: z.literal('record'), username, village: segment }),
  // A village broker's bridge to the district broker (deploy/mosquitto/bridge-district.conf).
  z.strictObject({ role: z.literal('bridge'), username, village: segment }),
  // A district record worker: every village (docs/district.md).
  z.strictObject({ role: z.literal('district-record'), username }),
]);
const rosterSchema = z.strictObject({ accounts: z.array(accountSchema).min(1) });

export type Account = z.infer<typeof accountSchema>;
export type Roster = z.infer<typeof rosterSchema>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates a roster (the accounts of one broker), e.g. parsed from `roster.json`. Never throws. */
export function parseRoster(input: unknown): ParseResult<Roster> {
  const parsed = rosterSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    return { ok: false, error: `roster ${where}: ${issue?.message ?? 'invalid'}` };
  }
  const seen = new Set<string>();
  for (const [index, account] of parsed.data.accounts.entries()) {
    if (seen.has(account.username)) {
      return { ok: false, error: `roster accounts.${index}.username: '${account.username}' appears twice` };
    }
    seen.add(account.username);
  }
  return { ok: true, value: parsed.data };
}

/** The rights of one account. */
export function rulesForAccount(account: Account): AclRule[] {
  if (account.role === 'district-record') {
    const every = `${topicPrefix}/+`;
    return [
      { access: 'read', filter: `${topicPrefix}/#` },
      { access: 'write', filter: `${every}/+/receipts` },
      { access: 'write', filter: `${every}/register` },
      { access: 'write', filter: `${every}/inventory/ask` },
    ];
  }
  const village = `${topicPrefix}/${account.village}`;
  if (account.role === 'gateway') {
    const own = `${village}/${account.posyandu}`;
    return [
      { access: 'write', filter: `${own}/#` },
      // "send me the village register changed since …" (answered on `register`, which all gateways read)
      { access: 'write', filter: `${village}/register/sync` },
      { access: 'read', filter: `${village}/register` },
      { access: 'read', filter: `${own}/receipts` },
    ];
  }
  if (account.role === 'bridge') {
    // Exactly what the village's gateways may send, and what the district sends back to them.
    return [
      { access: 'write', filter: `${village}/+/measurements` },
      { access: 'write', filter: `${village}/+/children` },
      { access: 'write', filter: `${village}/+/status` },
      { access: 'write', filter: `${village}/register/sync` },
      { access: 'read', filter: `${village}/+/receipts` },
      { access: 'read', filter: `${village}/register` },
      { access: 'write', filter: `${village}/inventory/answer` },
      { access: 'read', filter: `${village}/inventory/ask` },
    ];
  }
  return [
    { access: 'read', filter: `${village}/#` },
    { access: 'write', filter: `${village}/+/receipts` },
    { access: 'write', filter: `${village}/register` },
    // The completeness check: answers to the district, and measurements it lacks sent again.
    { access: 'write', filter: `${village}/inventory/answer` },
    { access: 'write', filter: `${village}/+/measurements` },
  ];
}

export function aclTableFromRoster(roster: Roster): AclTable {
  return new Map(roster.accounts.map((account) => [account.username, rulesForAccount(account)]));
}

/** MQTT topic-filter matching (MQTT 3.1.1 §4.7), including the rule that wildcards do not match `$` topics. */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return i === filterLevels.length - 1;
    const topicLevel = topicLevels[i];
    if (topicLevel === undefined) return false;
    if (level !== '+' && level !== topicLevel) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/** May `user` read (receive) or write (publish) a message on `topic`? */
export function isAllowed(table: AclTable, user: string, access: 'read' | 'write', topic: string): boolean {
  const rules = table.get(user);
  if (!rules) return false;
  return rules.some(
    (rule) =>
      (rule.access === access || rule.access === 'readwrite') && topicMatchesFilter(rule.filter, topic),
  );
}

/** mosquitto `acl_file` text for a table. */
export function renderAclFile(table: AclTable): string {
  const blocks = [...table].map(
    ([user, rules]) =>
      `user ${user}\n${rules.map((rule) => `topic ${rule.access} ${rule.filter}`).join('\n')}\n`,
  );
  return `# Tikar MQTT rights, generated by 'tikar pki accounts' from the roster. Do not edit by hand.\n\n${blocks.join('\n')}`;
}

/**
 * Reads the subset of mosquitto's acl_file syntax that Tikar writes (`user`, `topic [read|write|readwrite]`,
 * comments). Anything else (patterns, anonymous rules, deny) is reported rather than half-understood.
 */
export function parseAclFile(text: string): ParseResult<AclTable> {
  const table = new Map<string, AclRule[]>();
  let current: AclRule[] | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `acl line ${index + 1}`;
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === 'user') {
      const name = rest.join(' ');
      if (!usernamePattern.test(name)) return { ok: false, error: `${where}: bad username '${name}'` };
      current = table.get(name) ?? [];
      table.set(name, current);
      continue;
    }
    if (keyword !== 'topic') return { ok: false, error: `${where}: unsupported keyword '${keyword}'` };
    if (!current) return { ok: false, error: `${where}: topic rule before any 'user' line` };
    const hasAccess = rest[0] === 'read' || rest[0] === 'write' || rest[0] === 'readwrite';
    const access: AclAccess = hasAccess ? (rest[0] as AclAccess) : 'readwrite';
    const filter = (hasAccess ? rest.slice(1) : rest).join(' ');
    if (!isValidFilter(filter)) return { ok: false, error: `${where}: bad topic filter '${filter}'` };
    current.push({ access, filter });
  }
  return { ok: true, value: table };
}

function isValidFilter(filter: string): boolean {
  if (filter === '' || filter.includes('\0')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level === '#') return i === levels.length - 1;
    return level === '+' || !(level.includes('+') || level.includes('#'));
  });
}

/** Loads an acl_file; a configuration error names the file. */
export async function loadAclFile(path: string): Promise<AclTable> {
  const parsed = parseAclFile(await readFile(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error}`);
  return parsed.value;
}
