// The gateway's presence and its side of the village register: a retained `online` status on every connect
// (the last will says `offline`), and the village's children merged into the local store.

import type { IClientOptions } from 'mqtt';
import type { Logger } from '../log/logger.ts';
import type { Child } from '../model/index.ts';
import { mergeRegisterChild } from '../store/children.ts';
import type { Db } from '../store/db.ts';
import type { MqttLink } from './mqtt-link.ts';
import {
  type ChildWire,
  parsePayload,
  type RegisterSyncMessage,
  registerMessage,
  type StatusMessage,
} from './payloads.ts';
import type { PosyanduTopics } from './topics.ts';

function statusPayload(posyanduId: string, state: StatusMessage['state'], at: string | null): string {
  const message: StatusMessage = { schema: 'tikar.status/1', state, posyandu_id: posyanduId, at };
  return JSON.stringify(message);
}

/** The retained last will: the broker publishes `offline` if the gateway vanishes. */
export function offlineWill(topics: PosyanduTopics, posyanduId: string): NonNullable<IClientOptions['will']> {
  return {
    topic: topics.status,
    payload: Buffer.from(statusPayload(posyanduId, 'offline', null)),
    qos: 1,
    retain: true,
  };
}

export interface PresenceOptions {
  link: MqttLink;
  db: Db;
  topics: PosyanduTopics;
  posyanduId: string;
  log: Logger;
  /** A child of the village register was added or changed. */
  onChild?: (child: Child) => void;
  /** A register child was refused (forged or from a clock far ahead). */
  onRefused?: (reason: string) => void;
}

/** How far a register child's `updated_at` may be ahead of our clock (phones and Pis drift). */
export const registerClockSkewMs = 10 * 60_000;

/**
 * Why a register child must not be merged, or undefined. The register only brings children of other
 * posyandu: one naming this posyandu is ours already or a forgery, and an `updated_at` far in the future
 * would win every later merge.
 */
export function registerRefusal(child: Child, ownPosyanduId: string, nowMs: number): string | undefined {
  if (child.posyandu_id === ownPosyanduId) return 'names this posyandu: its children change only here';
  const updatedMs = Date.parse(child.updated_at);
  if (!Number.isFinite(updatedMs) || updatedMs > nowMs + registerClockSkewMs)
    return 'updated_at is in the future';
  return undefined;
}

/** Publishes `online` and asks for the register on every connect; merges the register. Returns stop(). */
export function startPresence(options: PresenceOptions): { stop: () => Promise<void> } {
  const { link, db, topics, posyanduId, log } = options;
  const onConnect = () => {
    link
      .publish(topics.status, statusPayload(posyanduId, 'online', new Date().toISOString()), { retain: true })
      .catch((error: Error) => log.warn({ err: error.message }, 'could not publish online status'));
    newestForeignUpdate(db, posyanduId)
      .then((since) => {
        const request: RegisterSyncMessage = {
          schema: 'tikar.register-sync/1',
          posyandu_id: posyanduId,
          since,
        };
        return link.publish(topics.registerSync, JSON.stringify(request));
      })
      .catch((error: Error) => log.warn({ err: error.message }, 'could not ask for the village register'));
  };
  link.on('connect', onConnect);
  if (link.connected) onConnect();
  void link.subscribe(topics.register, (_topic, payload) => {
    const parsed = parsePayload(registerMessage, payload);
    if (!parsed.ok) {
      log.warn({ err: parsed.error }, 'ignored a malformed register message');
      return;
    }
    const child = findableChild(parsed.value.child);
    if (!child) {
      log.warn('ignored a register child without name, mother name or birth date');
      return;
    }
    const refused = registerRefusal(child, posyanduId, Date.now());
    if (refused) {
      options.onRefused?.(refused);
      // This posyandu's own children come back as the record republishes them: routine when they are what
      // this gateway holds, worth a warning only when they differ (a forged or stale copy).
      isOwnEcho(db, child).then(
        (echo) =>
          echo
            ? log.debug({ child_id: child.id }, 'own child echoed by the register')
            : log.warn({ child_id: child.id, reason: refused }, 'ignored a register child'),
        (error: Error) => log.error({ err: error.message }, 'could not compare a register child'),
      );
      return;
    }
    mergeRegisterChild(db, child, posyanduId).then(
      (changed) => {
        if (changed) options.onChild?.(child);
      },
      (error: Error) => log.error({ err: error.message }, 'could not merge a register child'),
    );
  });
  return {
    async stop() {
      link.off('connect', onConnect);
      if (link.connected) {
        await link
          .publish(topics.status, statusPayload(posyanduId, 'offline', new Date().toISOString()), {
            retain: true,
          })
          .catch(() => undefined);
      }
    },
  };
}

/** Whether a register child is exactly this gateway's own row (identity and `updated_at`). */
async function isOwnEcho(db: Db, child: Child): Promise<boolean> {
  const row = await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM children WHERE id = ? AND posyandu_id = ? AND name = ? AND sex = ?
       AND birth_date = ? AND mother_name = ? AND updated_at = ?`,
    [
      child.id,
      child.posyandu_id,
      child.name,
      child.sex,
      child.birth_date,
      child.mother_name,
      child.updated_at,
    ],
  );
  return row?.n === 1;
}

/** A register child a kader can find by name; the record only republishes such children. */
function findableChild(wire: ChildWire): Child | undefined {
  const { name, mother_name, birth_date, birth_month: _month, nik, ...rest } = wire;
  if (name === undefined || mother_name === undefined || birth_date === undefined) return undefined;
  return { ...rest, name, mother_name, birth_date, nik: nik ?? null };
}

async function newestForeignUpdate(db: Db, posyanduId: string): Promise<string | null> {
  const row = await db.get<{ newest: string | null }>(
    'SELECT max(updated_at) AS newest FROM children WHERE posyandu_id != ?',
    [posyanduId],
  );
  return row?.newest ?? null;
}
