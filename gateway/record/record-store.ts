// What the record service needs from its store, so the same service runs on a village box's SQLite file
// (sqlite-record-store.ts, the default) or on the district's PostgreSQL (postgres-record-store.ts), where
// several workers share one database.

import { type ChildRow, childColumns } from '../model/records.ts';
import type { GatewayMessage } from '../publish/payloads.ts';

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

/**
 * One child of the village register: its `children` row without the search key, found by name (so name,
 * mother's name and birth date are present).
 */
export type RecordChildRow = Omit<ChildRow, 'name_key' | 'name' | 'birth_date' | 'mother_name'> & {
  name: string;
  birth_date: string;
  mother_name: string;
};
const registerColumns = childColumns.filter((column) => column !== 'name_key');

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
export const registerSelect = `SELECT ${registerColumns.join(', ')} FROM children
  WHERE name IS NOT NULL AND birth_date IS NOT NULL AND mother_name IS NOT NULL`;
