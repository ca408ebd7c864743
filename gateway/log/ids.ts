import { v7 } from 'uuid';

/** A unique, time-sortable id (UUIDv7): message ids, child ids and measurement ids sort by creation time. */
export function newId(): string {
  return v7();
}
