// What actually leaves the gateway. The outbox keeps each message as the gateway saved it (with the whole
// child record: it never leaves the box in that form); the relay passes every payload through this filter
// just before publishing, so one place decides what the village network sees (docs/security.md):
// - a measurement's child snapshot is always pseudonymous (no name, mother's name, birth date, NIK);
// - a `children` message (the village register) carries what the sharing level allows, and nothing at all
//   at `pseudonymous`;
// - every child travels under its stable pseudonym, HMAC(village secret, child id).

import { pseudonymousChildId, type SharingLevel, shareChild } from '../security/privacy.ts';
import { type ChildWire, gatewayMessage, parsePayload } from './payloads.ts';

export interface OutgoingPolicy {
  level: SharingLevel;
  villageSecret: Buffer;
}

export type Outgoing =
  | { send: true; payload: string }
  | { send: false; reason: string } // withheld by the policy: counts as done
  | { error: string }; // our own outbox row is unreadable: never sent as it is

/** A child as it may leave the gateway at `level`, under its pseudonym. */
function outgoingChild(child: ChildWire, level: SharingLevel, villageSecret: Buffer): ChildWire {
  const { name, mother_name, birth_date, nik } = child;
  if (name === undefined || mother_name === undefined || birth_date === undefined) {
    // Already reduced (a child merged from the register at a lower level): send only what is shareable.
    const { name: _n, mother_name: _m, birth_date: _b, nik: _k, ...rest } = child;
    return { ...rest, pseudo_id: pseudonymousChildId(child.id, villageSecret) };
  }
  const shared = shareChild({ ...child, name, mother_name, birth_date, nik: nik ?? null }, level);
  return { ...shared, pseudo_id: pseudonymousChildId(child.id, villageSecret) };
}

/** Filters one stored outbox payload for the wire; `backfilled` marks a late send. Never throws. */
export function outgoingPayload(stored: string, policy: OutgoingPolicy, backfilled: boolean): Outgoing {
  const parsed = parsePayload(gatewayMessage, stored);
  if (!parsed.ok) return { error: `outbox payload: ${parsed.error}` };
  const message = parsed.value;
  if (message.schema === 'tikar.child/1') {
    if (policy.level === 'pseudonymous') return { send: false, reason: 'sharing level pseudonymous' };
    const child = outgoingChild(message.child, policy.level, policy.villageSecret);
    return { send: true, payload: JSON.stringify({ ...message, backfilled, child }) };
  }
  const child = outgoingChild(message.child, 'pseudonymous', policy.villageSecret);
  return { send: true, payload: JSON.stringify({ ...message, backfilled, child }) };
}
