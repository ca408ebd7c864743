// The broker's ACL proves which posyandu published on a topic (`tikar/v1/{village}/{posyandu}/…`); the payload
// only claims it. The record service must trust a message only when the two agree, or posyandu A could write
// records "from" posyandu B by naming B inside a payload sent on its own topic. Pure: no I/O, never throws.

export type OriginCheck = { ok: true } | { ok: false; reason: string };

const topicShape = /^tikar\/v1\/([^/]+)\/([^/]+)\/(measurements|children|status|receipts)$/;

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function expectEqual(what: string, claimed: unknown, fromTopic: string, required: boolean): OriginCheck {
  if (claimed === undefined && !required) return { ok: true };
  if (claimed === fromTopic) return { ok: true };
  return {
    ok: false,
    reason: `${what} is ${claimed === undefined ? 'missing' : JSON.stringify(claimed)} but the topic says '${fromTopic}'`,
  };
}

/**
 * Do the posyandu and village named in a (parsed) payload match its topic?
 * - measurements: `measurement.posyandu_id` is where it was measured and must be the topic's posyandu; the
 *   child snapshot may belong to another posyandu of the same village (a child from the village register);
 * - children: `child.posyandu_id` must be the topic's posyandu (a posyandu changes only its own children);
 * - status: `posyandu_id` must be the topic's posyandu;
 * - every `village_id` present must be the topic's village.
 * Topics without a posyandu level (the village register and its sync requests) pass: there is nothing to compare.
 */
export function topicMatchesPayload(topic: string, payload: unknown): OriginCheck {
  const match = topicShape.exec(topic);
  if (!match) return { ok: true };
  const [, village = '', posyandu = '', kind] = match;

  const villageClaims: Array<[string, unknown]> = [
    ['village_id', field(payload, 'village_id')],
    ['child.village_id', field(payload, 'child', 'village_id')],
    ['measurement.village_id', field(payload, 'measurement', 'village_id')],
  ];
  for (const [path, claimed] of villageClaims) {
    const check = expectEqual(`payload ${path}`, claimed, village, false);
    if (!check.ok) return check;
  }
  if (kind === 'measurements') {
    return expectEqual(
      'payload measurement.posyandu_id',
      field(payload, 'measurement', 'posyandu_id'),
      posyandu,
      true,
    );
  }
  if (kind === 'children') {
    return expectEqual('payload child.posyandu_id', field(payload, 'child', 'posyandu_id'), posyandu, true);
  }
  if (kind === 'status') {
    return expectEqual('payload posyandu_id', field(payload, 'posyandu_id'), posyandu, true);
  }
  return { ok: true };
}
