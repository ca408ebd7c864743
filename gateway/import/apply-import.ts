// Writes an import plan into the gateway's store in one transaction: children (matched by the file's own
// id, or by NIK when already registered), their past visits as measurements computed like a saved one
// (source 'import'), addresses and visit notes. Ids are name-based (UUIDv5 of posyandu + child_ref, of
// child + date), so importing the same file again adds nothing. Nothing goes to the MQTT outbox unless
// `publish` is set.
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { localDate } from '../clock/clock.ts';
import { assembleMeasurement } from '../measure/assemble.ts';
import type { Child } from '../model/index.ts';
import { enqueueChildMessage, enqueueMeasurementMessage } from '../publish/recorder.ts';
import { posyanduTopics } from '../publish/topics.ts';
import {
  type Db,
  findChildByNik,
  getChild,
  getChildAddress,
  insertChild,
  insertMeasurement,
  type Sql,
  setChildAddress,
  setVisitNote,
} from '../store/index.ts';
import type { ImportChild, ImportPlan, ImportProblem, ImportVisit } from './history-rows.ts';

const importNamespace = '5f0c7e1a-3b2d-4c8e-9f61-2a7d4b9e0c35';

export interface ImportOptions {
  posyanduId: string;
  villageId: string;
  /** Also queue the imported children and measurements for MQTT (default: they stay local). */
  publish: boolean;
  now: Date;
  /** Called after each child, for a progress bar. */
  tick?: (done: number) => void;
}

export interface ImportSummary {
  childrenAdded: number;
  childrenKnown: number;
  visitsAdded: number;
  visitsKnown: number;
  problems: ImportProblem[];
}

/** A visit on a date, at local noon (an imported date has no time; noon keeps the local date whatever the zone). */
function measuredAtOf(date: string): Date {
  return new Date(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), 12);
}

const assembleColumns: Record<string, string> = {
  birth_date: 'birth_date',
  lenhei_cm: 'lenhei_cm',
  weight_kg: 'weight_kg',
  headcCm: 'headc_cm',
};

async function childFor(
  tx: Sql,
  entry: ImportChild,
  options: ImportOptions,
  createdAt: string,
): Promise<{ child: Child; added: boolean }> {
  const id = uuidv5(`${options.posyanduId}/${entry.ref}`, importNamespace);
  const known = (await getChild(tx, id)) ?? (entry.nik ? await findChildByNik(tx, entry.nik) : undefined);
  if (known) return { child: known, added: false };
  const child: Child = {
    id,
    pseudo_id: randomUUID(),
    name: entry.name,
    sex: entry.sex,
    birth_date: entry.birthDate,
    nik: entry.nik,
    mother_name: entry.motherName,
    posyandu_id: options.posyanduId,
    village_id: options.villageId,
    has_kia: entry.hasKia,
    created_at: createdAt,
    updated_at: createdAt,
  };
  await insertChild(tx, child);
  if (options.publish) {
    const { children } = posyanduTopics(options.villageId, options.posyanduId);
    await enqueueChildMessage(tx, children, child, createdAt, true);
  }
  return { child, added: true };
}

/** 'added', 'known' (this visit or another measurement that day is already stored) or a problem. */
async function addVisit(
  tx: Sql,
  child: Child,
  visit: ImportVisit,
  options: ImportOptions,
  createdAt: string,
): Promise<'added' | 'known' | ImportProblem> {
  if (visit.date > localDate(options.now)) {
    return { line: visit.line, column: 'date', message: `${visit.date} is in the future` };
  }
  const id = uuidv5(`${child.id}/${visit.date}`, importNamespace);
  const sameDay = await tx.get(
    `SELECT 1 AS present FROM measurements WHERE id = ? OR (child_id = ? AND measured_on = ?)`,
    [id, child.id, visit.date],
  );
  if (sameDay) return 'known';
  const assembled = assembleMeasurement({
    id,
    child,
    position: visit.measure,
    lenheiCm: visit.lenheiCm,
    weightKg: visit.weightKg,
    oedema: visit.oedema,
    headcCm: visit.headcCm,
    measuredAt: measuredAtOf(visit.date),
    posyanduId: options.posyanduId,
    villageId: options.villageId,
    source: 'import',
    deviceId: null,
    calibrationId: null,
    supersedes: null,
    createdAt,
  });
  if (!assembled.ok) {
    const field = assembled.error.field ?? 'date';
    return { line: visit.line, column: assembleColumns[field] ?? field, message: assembled.error.message };
  }
  const row = assembled.value;
  await insertMeasurement(tx, row, []);
  if (visit.vitaminA !== null || visit.asiEksklusif !== null) {
    await setVisitNote(tx, {
      child_id: child.id,
      visit_on: visit.date,
      vitamin_a: visit.vitaminA,
      asi_eksklusif: visit.asiEksklusif,
      updated_at: createdAt,
    });
  }
  if (options.publish) {
    const { measurements } = posyanduTopics(options.villageId, options.posyanduId);
    await enqueueMeasurementMessage(tx, measurements, child, row, [], createdAt, true);
  }
  return 'added';
}

export async function applyImport(db: Db, plan: ImportPlan, options: ImportOptions): Promise<ImportSummary> {
  const createdAt = options.now.toISOString();
  const summary: ImportSummary = {
    childrenAdded: 0,
    childrenKnown: 0,
    visitsAdded: 0,
    visitsKnown: 0,
    problems: [...plan.problems],
  };
  await db.transaction(async (tx) => {
    let done = 0;
    for (const { child: entry, visits } of plan.children.values()) {
      const { child, added } = await childFor(tx, entry, options, createdAt);
      if (added) summary.childrenAdded++;
      else summary.childrenKnown++;
      if (entry.address && !(await getChildAddress(tx, child.id))) {
        await setChildAddress(tx, { child_id: child.id, ...entry.address, updated_at: createdAt });
      }
      for (const visit of [...visits].sort((a, b) => (a.date < b.date ? -1 : 1))) {
        const outcome = await addVisit(tx, child, visit, options, createdAt);
        if (outcome === 'added') summary.visitsAdded++;
        else if (outcome === 'known') summary.visitsKnown++;
        else summary.problems.push(outcome);
      }
      options.tick?.(++done);
    }
  });
  summary.problems.sort((a, b) => a.line - b.line);
  return summary;
}
