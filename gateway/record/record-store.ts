// What the record service needs from its store, so the same service runs on a village box's SQLite file
// (sqlite-record-store.ts, the default) or on the district's PostgreSQL (postgres-record-store.ts), where
// several workers share one database.

import type { GatewayMessage } from '../publish/payloads.ts';
import type { Row } from '../store/db.ts';

/** A message that passed validation and the origin check, waiting to be stored. */
export interface Incoming {
  message: GatewayMessage;
  kind: 'measurement' | 'child';
  villageId: string;
  posyanduId: string;
}

export interface StoreOutcome {
  /** The message id was stored before (a resend, or another worker took it first). */
  duplicate: boolean;
  /** The record's row of the message's child changed (the register is republished). */
  childChanged: boolean;
}

/** One child of the village register, as stored. */
export interface RecordChildRow extends Row {
  id: string;
  pseudo_id: string;
  name: string;
  sex: 1 | 2;
  birth_date: string;
  nik: string | null;
  mother_name: string;
  posyandu_id: string;
  village_id: string;
  has_kia: number;
  created_at: string;
  updated_at: string;
}

/** Per posyandu and month (of `measured_on`): how many measurements the record holds and a digest of their ids. */
export interface InventoryEntry {
  posyanduId: string;
  month: string;
  count: number;
  /** SHA-256 (hex) of the sorted ids, one per line. */
  digest: string;
}

export interface RecordStore {
  /**
   * Stores a batch atomically: each message at most once (dedupe by message id), its child merged, its
   * measurement and readings inserted unless present. One outcome per message, in batch order. Throws when
   * the batch cannot be stored (then nothing of it is).
   */
  storeBatch(batch: readonly Incoming[]): Promise<StoreOutcome[]>;
  /** The register row of a child, if the record knows enough of it to be found by name. */
  registerRow(childId: string): Promise<RecordChildRow | undefined>;
  /** The village's register rows changed at or after `since` (ISO), oldest change first. */
  registerSince(villageId: string, since: string): Promise<RecordChildRow[]>;
  /** Counts and digests per posyandu and month of a village's measurements (completeness check). */
  inventory(villageId: string, months: readonly string[]): Promise<InventoryEntry[]>;
  /** The ids of a posyandu's measurements in a month, sorted. */
  measurementIds(villageId: string, posyanduId: string, month: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * True when the message comes from its child's own posyandu (the topic's, which the ACL vouches for). Only
 * such a message may change a child the record already holds, and only while the stored row is that
 * posyandu's (its home as first stored): a measurement's child copy sent by another posyandu may add a child
 * the record lacks, never change one (issue 11).
 */
export function fromChildOwner(item: Incoming): boolean {
  return item.message.child.posyandu_id === item.posyanduId;
}

/** The village register holds only children that can be found by name: those shared at `register` or more. */
export const registerSelect = `SELECT id, pseudo_id, name, sex, birth_date, nik, mother_name, posyandu_id,
    village_id, has_kia, created_at, updated_at FROM children
  WHERE name IS NOT NULL AND birth_date IS NOT NULL AND mother_name IS NOT NULL`;
