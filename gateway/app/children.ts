// The children of this posyandu: register (checked against the trusted clock and the register), find by
// name, the same child twice, list. Inputs arrive parsed (gateway/model/inputs.ts).

import { randomUUID } from 'node:crypto';
import { type Clock, localDate } from '../clock/clock.ts';
import { ageInDays } from '../growth/index.ts';
import { newId } from '../log/ids.ts';
import { MAX_AGE_DAYS, TOO_OLD_MESSAGE } from '../measure/assemble.ts';
import {
  type Child,
  type ChildMatch,
  fail,
  type RegisterChildInput,
  type Result,
  untrustedClock,
} from '../model/index.ts';
import type { Recorder } from '../publish/recorder.ts';
import { findChildByNik, findSameChild, getChild, listChildren, searchChildren } from '../store/children.ts';
import type { Db } from '../store/db.ts';

export interface ChildrenOptions {
  db: Db;
  clock: Clock;
  recorder: Recorder;
  posyanduId: string;
  villageId: string;
}

export class Children {
  readonly #o: ChildrenOptions;

  constructor(options: ChildrenOptions) {
    this.#o = options;
  }

  async register(input: RegisterChildInput): Promise<Result<Child>> {
    const { db, clock } = this.#o;
    const refusal = untrustedClock(clock);
    if (refusal) return refusal;
    const today = localDate(clock.now());
    if (input.birth_date > today) return fail('invalid_input', 'birth_date: is in the future', 'birth_date');
    if (ageInDays(input.birth_date, today) > MAX_AGE_DAYS) {
      return fail('invalid_input', `birth_date: ${TOO_OLD_MESSAGE}`, 'birth_date');
    }
    if (input.nik !== undefined && (await findChildByNik(db, input.nik))) {
      return fail('conflict', 'nik: a child with this NIK is already registered', 'nik');
    }
    if (!input.confirm_duplicate && (await findSameChild(db, input)).length > 0) {
      return fail(
        'conflict',
        'confirm_duplicate: a child with this name, birth date and mother is already registered',
        'confirm_duplicate',
      );
    }
    const now = clock.now().toISOString();
    const child: Child = {
      id: newId(),
      pseudo_id: randomUUID(),
      name: input.name,
      sex: input.sex,
      birth_date: input.birth_date,
      nik: input.nik ?? null,
      mother_name: input.mother_name,
      posyandu_id: this.#o.posyanduId,
      village_id: this.#o.villageId,
      has_kia: input.has_kia ?? false,
      created_at: now,
      updated_at: now,
    };
    await this.#o.recorder.child(child);
    return { ok: true, value: child };
  }

  /** The child's or the mother's name, tolerant of spelling; best first. */
  async find(query: string, limit: number): Promise<Result<ChildMatch[]>> {
    return { ok: true, value: await searchChildren(this.#o.db, query, limit) };
  }

  async same(query: { name: string; birth_date: string; mother_name: string }): Promise<Result<Child[]>> {
    return { ok: true, value: await findSameChild(this.#o.db, query) };
  }

  async get(id: string): Promise<Result<Child>> {
    const child = await getChild(this.#o.db, id);
    return child ? { ok: true, value: child } : fail('not_found', 'no such child', 'child_id');
  }

  async list(limit?: number): Promise<Result<Child[]>> {
    return { ok: true, value: await listChildren(this.#o.db, limit) };
  }
}
