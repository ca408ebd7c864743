// The outbox: every message the gateway owes the village record, written in the same transaction as the data
// it carries. Lifecycle: pending → sent (broker PUBACK) → delivered (receipt from the record). A sent message
// without a receipt becomes due again after a timeout, forever, with backoff.

import type { OutboxRow } from '../model/records.ts';
import type { Sql } from './db.ts';

export type OutboxKind = OutboxRow['kind'];

/** A new message: the bookkeeping columns start empty (no attempt yet, due at once). */
export type NewOutboxMessage = Pick<
  OutboxRow,
  'id' | 'kind' | 'subject_id' | 'topic' | 'payload' | 'child_id' | 'created_at'
>;

export async function enqueue(sql: Sql, message: NewOutboxMessage): Promise<void> {
  await sql.run(
    `INSERT INTO outbox (id, kind, subject_id, topic, payload, child_id, created_at, next_attempt_at)
     VALUES (?,?,?,?,?,?,?,?)`,
    [
      message.id,
      message.kind,
      message.subject_id,
      message.topic,
      message.payload,
      message.child_id,
      message.created_at,
      message.created_at,
    ],
  );
}

/**
 * Undelivered messages due at `nowIso`, oldest id first (UUIDv7 ids sort by creation). Per child, only the
 * oldest undelivered message is ever on its way: the next one waits for its receipt. So a child's messages
 * reach the record in order even when a broker drops some of them (a resend can never be overtaken).
 */
export async function dueMessages(sql: Sql, nowIso: string, limit: number): Promise<OutboxRow[]> {
  return sql.all<OutboxRow>(
    `SELECT o.* FROM outbox o
     WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ?
       AND (o.child_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox p WHERE p.child_id = o.child_id
                                              AND p.id < o.id AND p.delivered_at IS NULL))
     ORDER BY o.id LIMIT ?`,
    [nowIso, limit],
  );
}

/**
 * The broker acknowledged (PUBACK): wait until `retryAtIso` for the record's receipt before sending again. The
 * send is counted even when the receipt came first (a fast record answers before this bookkeeping runs).
 */
export async function markSent(sql: Sql, id: string, nowIso: string, retryAtIso: string): Promise<void> {
  await sql.run(
    `UPDATE outbox SET sent_at = coalesce(sent_at, ?), attempts = attempts + 1,
       next_attempt_at = CASE WHEN delivered_at IS NULL THEN ? ELSE next_attempt_at END
     WHERE id = ?`,
    [nowIso, retryAtIso, id],
  );
}

/**
 * The link came back: whatever was sent without a receipt yet is due now rather than at its receipt timeout,
 * since the broker may have lost it (a restart empties its queues) and the receipt will never come.
 * Attempts stay counted, so the backoff goes on where it was. Returns how many messages became due.
 */
export async function resendUnreceipted(sql: Sql, nowIso: string): Promise<number> {
  const result = await sql.run(
    `UPDATE outbox SET next_attempt_at = ?
     WHERE delivered_at IS NULL AND sent_at IS NOT NULL AND next_attempt_at > ?`,
    [nowIso, nowIso],
  );
  return result.changes;
}

/** Publishing failed (link down): try again at `retryAtIso`. */
export async function markFailed(sql: Sql, id: string, retryAtIso: string): Promise<void> {
  await sql.run('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?', [
    retryAtIso,
    id,
  ]);
}

/** Resends that wait longer: their messages were likely queued, not lost (receipt-timeout.ts). */
export async function postponeResends(sql: Sql, ids: readonly string[], retryAtIso: string): Promise<void> {
  if (ids.length === 0) return;
  await sql.run(`UPDATE outbox SET next_attempt_at = ? WHERE id IN (${ids.map(() => '?').join(',')})`, [
    retryAtIso,
    ...ids,
  ]);
}

/** The record's receipt: delivered for good. Returns how many messages changed. */
export async function markDelivered(sql: Sql, ids: readonly string[], nowIso: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql.run(
    `UPDATE outbox SET delivered_at = ?, sent_at = coalesce(sent_at, ?)
     WHERE delivered_at IS NULL AND id IN (${ids.map(() => '?').join(',')})`,
    [nowIso, nowIso, ...ids],
  );
  return result.changes;
}

export async function outboxCounts(sql: Sql): Promise<{ pending: number; unreceipted: number }> {
  const row = await sql.get<{ pending: number; unreceipted: number }>(
    `SELECT coalesce(sum(sent_at IS NULL), 0) AS pending,
            coalesce(sum(sent_at IS NOT NULL), 0) AS unreceipted
     FROM outbox WHERE delivered_at IS NULL`,
  );
  return { pending: row?.pending ?? 0, unreceipted: row?.unreceipted ?? 0 };
}

/** Time of the next undelivered message's attempt, to sleep until then. */
export async function nextAttemptAt(sql: Sql): Promise<string | null> {
  const row = await sql.get<{ next: string | null }>(
    'SELECT min(next_attempt_at) AS next FROM outbox WHERE delivered_at IS NULL',
  );
  return row?.next ?? null;
}
