// Corrections of a local child's identity (issue 11, item 2): the only way a child of this posyandu changes.
// One transaction writes the history row (reason, old and new values), the child row with a later
// `updated_at`, the child's outbox message (like a registration), and — when sex or birth date changed — a
// re-scored row for each of the child's current measurements, superseding the old one and sent like a
// measurement correction. Either all of it is stored or none.

import { localDate } from '../clock/clock.ts';
import { ageInDays } from '../growth/index.ts';
import { newId } from '../log/ids.ts';
import { assembleMeasurement, MAX_AGE_DAYS, TOO_OLD_MESSAGE } from '../measure/assemble.ts';
import {
  type Child,
  type ChildCorrection,
  type ChildCorrectionInput,
  type ChildIdentity,
  type ChildIdentityField,
  fail,
  type Result,
} from '../model/index.ts';
import { enqueueChildMessage, enqueueMeasurementMessage } from '../publish/recorder.ts';
import {
  insertChildCorrection,
  listChildCorrectionRows,
  nikTaken,
  updateChildIdentity,
} from '../store/child-corrections.ts';
import { getChild } from '../store/children.ts';
import type { Db, Sql } from '../store/db.ts';
import { insertMeasurement, listMeasurementsOfChild, type StoredMeasurement } from '../store/measurements.ts';

export interface CorrectionContext {
  posyanduId: string;
  villageId: string;
  topics: { children: string; measurements: string };
  now: Date;
  /** Called after a committed correction (wakes the relay). */
  onOutbox?: () => void;
}

const identityFields: readonly ChildIdentityField[] = [
  'name',
  'sex',
  'birth_date',
  'nik',
  'mother_name',
  'has_kia',
];

/** A refusal inside the transaction: rolls everything back and becomes the Result. */
class Refused extends Error {
  constructor(
    readonly code: 'invalid_input' | 'not_found' | 'conflict',
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** The child's identity corrections, newest first. */
export async function listChildCorrections(sql: Sql, childId: string): Promise<ChildCorrection[]> {
  const rows = await listChildCorrectionRows(sql, childId);
  return rows.map((row) => ({
    id: row.id,
    child_id: row.child_id,
    corrected_at: row.corrected_at,
    corrected_by: row.corrected_by,
    reason: row.reason,
    before: JSON.parse(row.before_json),
    after: JSON.parse(row.after_json),
    rescored_measurements: row.rescored,
  }));
}

/**
 * The services' method (GatewayServices.childCorrections), its arguments parsed by the facade: applies the
 * correction when one is given, and answers the child with its history.
 */
export async function childCorrections(
  db: Db,
  childId: string,
  correction: ChildCorrectionInput | undefined,
  context: CorrectionContext,
): Promise<Result<ChildIdentity>> {
  if (correction !== undefined) {
    const corrected = await correctChildIdentity(db, childId, correction, context);
    if (!corrected.ok) return corrected;
    context.onOutbox?.();
  }
  const child = await getChild(db, childId);
  if (!child) return fail('not_found', 'no such child', 'child_id');
  return { ok: true, value: { child, corrections: await listChildCorrections(db, childId) } };
}

/** Applies a validated correction to a child of this posyandu; returns the corrected child. */
export async function correctChildIdentity(
  db: Db,
  childId: string,
  input: ChildCorrectionInput,
  context: CorrectionContext,
): Promise<Result<Child>> {
  try {
    const child = await db.transaction((tx) => applyCorrection(tx, childId, input, context));
    return { ok: true, value: child };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return { ok: false, error: { code: error.code, message: error.message, field: error.field } };
  }
}

async function applyCorrection(
  tx: Sql,
  childId: string,
  input: ChildCorrectionInput,
  context: CorrectionContext,
): Promise<Child> {
  const child = await getChild(tx, childId);
  if (!child) throw new Refused('not_found', 'no such child', 'child_id');
  if (child.posyandu_id !== context.posyanduId) {
    throw new Refused('conflict', 'only the posyandu that registered this child may correct it', 'child_id');
  }
  const before: Partial<Record<ChildIdentityField, unknown>> = {};
  const after: Partial<Record<ChildIdentityField, unknown>> = {};
  for (const field of identityFields) {
    const value = input[field];
    if (value === undefined || value === child[field]) continue;
    before[field] = child[field];
    after[field] = value;
  }
  if (Object.keys(after).length === 0) {
    throw new Refused('invalid_input', 'nothing to correct: every value is as stored', '(body)');
  }
  const nowIso = context.now.toISOString();
  // A clock behind the child's last change would not order the correction after it on the other side.
  const updatedAt =
    nowIso > child.updated_at ? nowIso : new Date(Date.parse(child.updated_at) + 1).toISOString();
  const corrected: Child = { ...child, ...(after as Partial<Child>), updated_at: updatedAt };
  checkBirthDate(corrected.birth_date, localDate(context.now));
  if (after.nik !== undefined && after.nik !== null) {
    if (await nikTaken(tx, after.nik as string, child.id))
      throw new Refused('conflict', 'nik: another child has this NIK', 'nik');
  }
  await updateChildIdentity(tx, corrected);
  await enqueueChildMessage(tx, context.topics.children, corrected, nowIso);
  const rescored =
    'sex' in after || 'birth_date' in after ? await rescore(tx, corrected, input.reason, context) : 0;
  await insertChildCorrection(tx, {
    id: newId(),
    child_id: child.id,
    corrected_at: nowIso,
    corrected_by: input.corrected_by,
    reason: input.reason,
    before_json: JSON.stringify(before),
    after_json: JSON.stringify(after),
    rescored,
  });
  return corrected;
}

function checkBirthDate(birthDate: string, today: string): void {
  const date = new Date(`${birthDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birthDate) {
    throw new Refused('invalid_input', 'birth_date: not a calendar date', 'birth_date');
  }
  if (birthDate > today) throw new Refused('invalid_input', 'birth_date: is in the future', 'birth_date');
  if (ageInDays(birthDate, today) > MAX_AGE_DAYS) {
    throw new Refused('invalid_input', `birth_date: ${TOO_OLD_MESSAGE}`, 'birth_date');
  }
}

/**
 * Each current measurement of the child scored again with its corrected sex and birth date: a new row with
 * the same values, date and device, superseding the old (which stays, as any correction's history does).
 * A measurement the corrected birth date cannot score (taken before the birth, or past 84 months) refuses
 * the whole correction.
 */
async function rescore(tx: Sql, child: Child, reason: string, context: CorrectionContext): Promise<number> {
  const current = (await listMeasurementsOfChild(tx, child.id)).filter((stored) => !stored.supersededBy);
  for (const stored of current) await rescoreOne(tx, child, stored, reason, context);
  return current.length;
}

async function rescoreOne(
  tx: Sql,
  child: Child,
  stored: StoredMeasurement,
  reason: string,
  context: CorrectionContext,
): Promise<void> {
  const old = stored.row;
  const createdAt = context.now.toISOString();
  const assembled = assembleMeasurement({
    id: newId(),
    child,
    position: old.position,
    lenheiCm: old.lenhei_cm,
    weightKg: old.weight_kg,
    headcCm: old.headc_cm,
    oedema: old.oedema === 1,
    // Local noon of the day it was measured: the age counts the same day whatever the offset.
    measuredAt: new Date(`${old.measured_on}T12:00:00`),
    posyanduId: old.posyandu_id,
    villageId: old.village_id,
    source: old.source === 'record' ? 'manual' : old.source,
    deviceId: old.device_id,
    calibrationId: old.calibration_id,
    supersedes: { id: old.id, reason: `Koreksi identitas anak: ${reason}`.slice(0, 200) },
    createdAt,
  });
  if (!assembled.ok) {
    throw new Refused(
      'invalid_input',
      `birth_date: the measurement of ${old.measured_on} cannot be scored with it (${assembled.error.message})`,
      'birth_date',
    );
  }
  const row = { ...assembled.value, measured_at: old.measured_at, measured_on: old.measured_on };
  await insertMeasurement(tx, row, []);
  await enqueueMeasurementMessage(tx, context.topics.measurements, child, row, [], createdAt);
}
