// FHIR R4 Bundle for SATUSEHAT: one Patient per child (pseudonymous unless NIK is wanted and present)
// and Observations per measurement; a correction keeps the ids of the measurement it corrects. Code choices and what is unverified: docs/reports.md, "FHIR R4".
//  - length lying: LOINC 8306-3 (+ 8302-2, the R4 vital-signs body height code, as a second coding);
//  - standing height: LOINC 8302-2 (+ 8308-9 "Body height --standing" as a second coding);
//  - weight 29463-7, head circumference 9843-4, weight-for-length percentile 77606-2 (%);
//  - z-scores: no LOINC code was confirmed, so they use our own code system (a setting), WHO indicator
//    names as codes, UCUM unit {SD}, method naming the WHO Child Growth Standards 2006.

import { v5 as uuidv5 } from 'uuid';
import { classifyZ, type StatusIndex } from '../growth/index.ts';
import type { MeasurementRow } from '../model/records.ts';
import { buildHistories, usableBmiZ, usableWflZ, usableZ } from './history.ts';
import type { ReportChild, ReportData } from './types.ts';

export const loinc = 'http://loinc.org';
export const ucum = 'http://unitsofmeasure.org';
export const observationCategory = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** SATUSEHAT's NIK identifier system (from its public docs; verify against the current profile). */
export const defaultNikSystem = 'https://fhir.kemkes.go.id/id/nik';
export const defaultPseudoIdSystem = 'urn:tikar:pseudo-id';
export const defaultZScoreSystem = 'urn:tikar:who-2006-zscore';
export const whoReferenceText = 'WHO Child Growth Standards 2006 (LMS method, WHO anthro rules), z-score';

// Fixed namespace for name-based (v5) UUIDs: the same measurement always yields the same resource ids,
// so re-sending an export updates rather than duplicates.
const idNamespace = 'b4a7f3d2-6a3e-4c1b-9a55-0d6f2c1e8b90';

// FHIR dateTime with time: seconds and an offset are mandatory here (a time without offset is refused).
const dateTimeWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Json = Record<string, unknown>;

export interface FhirOptions {
  posyanduId?: string; // undefined: every child in the data (a village record)
  fromMonth: string;
  toMonth: string;
  bundleType?: 'collection' | 'transaction';
  /** Put NIK (and the name) into Patient when the child has one; otherwise only the pseudo id. */
  withNik?: boolean;
  nikSystem?: string;
  pseudoIdSystem?: string;
  zScoreSystem?: string;
  now?: Date;
}

export interface FhirSkip {
  measurementId: string;
  reason: string;
}

export interface FhirExport {
  bundle: Json;
  skipped: FhirSkip[];
  resourceCount: number;
}

const coding = (system: string, code: string, display: string): Json => ({ system, code, display });

function quantity(value: number, unit: string, code: string): Json {
  return { value, unit, system: ucum, code };
}

function category(code: 'vital-signs' | 'exam', display: string): Json[] {
  return [{ coding: [coding(observationCategory, code, display)] }];
}

function patientResource(child: ReportChild, id: string, options: FhirOptions): Json {
  const identifier: Json[] = [
    { use: 'secondary', system: options.pseudoIdSystem ?? defaultPseudoIdSystem, value: child.pseudo_id },
  ];
  const named = options.withNik === true && child.nik !== null;
  if (named)
    identifier.unshift({ use: 'official', system: options.nikSystem ?? defaultNikSystem, value: child.nik });
  return {
    resourceType: 'Patient',
    id,
    identifier,
    ...(named ? { name: [{ use: 'official', text: child.name }] } : {}),
    gender: child.sex === 1 ? 'male' : 'female',
    birthDate: child.birth_date,
  };
}

/** Standard normal CDF, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): a WHO percentile is 100·Φ(z). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

interface ZSpec {
  code: string;
  display: string;
  index?: StatusIndex;
  z: (m: MeasurementRow) => number | undefined;
}

const zSpecs: readonly ZSpec[] = [
  { code: 'lhfa', display: 'Length/height-for-age z-score', index: 'tbu', z: (m) => usableZ(m.zlen, m.flen) },
  { code: 'wfa', display: 'Weight-for-age z-score', index: 'bbu', z: (m) => usableZ(m.zwei, m.fwei) },
  {
    code: 'wflh',
    display: 'Weight-for-length/height z-score',
    index: 'bbtb',
    z: usableWflZ,
  },
  { code: 'bfa', display: 'BMI-for-age z-score', index: 'imtu', z: usableBmiZ },
  { code: 'hcfa', display: 'Head circumference-for-age z-score', z: (m) => usableZ(m.zhc, m.fhc) },
];

/** A value FHIR can carry: JSON has no NaN or Infinity (they would serialise as null). */
const isFiniteNumber = (value: number | null): value is number => value !== null && Number.isFinite(value);

/**
 * Observations of one measurement. `rootId` is the measurement a chain of corrections started from: every
 * version of it yields the same resource ids, so a receiver replaces the corrected values instead of
 * keeping both (status `corrected` on a correction).
 */
function measurementObservations(
  m: MeasurementRow,
  rootId: string,
  subject: string,
  options: FhirOptions,
): { id: string; resource: Json }[] {
  const out: { id: string; resource: Json }[] = [];
  const base = (kind: string): { id: string; common: Json } => {
    const id = uuidv5(`${rootId}/${kind}`, idNamespace);
    return {
      id,
      common: {
        resourceType: 'Observation',
        id,
        identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${id}` }],
        status: m.supersedes_id === null ? 'final' : 'corrected',
      },
    };
  };
  const measured: string[] = [];
  const vital = (kind: string, codings: Json[], text: string, value: Json): void => {
    const { id, common } = base(kind);
    measured.push(id);
    out.push({
      id,
      resource: {
        ...common,
        category: category('vital-signs', 'Vital Signs'),
        code: { coding: codings, text },
        subject: { reference: subject },
        effectiveDateTime: m.measured_at,
        valueQuantity: value,
      },
    });
  };
  if (isFiniteNumber(m.lenhei_cm)) {
    const lying = m.position === 'l';
    vital(
      'length',
      lying
        ? [coding(loinc, '8306-3', 'Body height --lying'), coding(loinc, '8302-2', 'Body height')]
        : [coding(loinc, '8302-2', 'Body height'), coding(loinc, '8308-9', 'Body height --standing')],
      lying ? 'Panjang badan (terlentang)' : 'Tinggi badan (berdiri)',
      quantity(m.lenhei_cm, 'cm', 'cm'),
    );
  }
  if (isFiniteNumber(m.weight_kg)) {
    vital(
      'weight',
      [coding(loinc, '29463-7', 'Body weight')],
      'Berat badan',
      quantity(m.weight_kg, 'kg', 'kg'),
    );
  }
  if (isFiniteNumber(m.headc_cm)) {
    vital(
      'headc',
      [coding(loinc, '9843-4', 'Head Occipital-frontal circumference')],
      'Lingkar kepala',
      quantity(m.headc_cm, 'cm', 'cm'),
    );
  }
  const derivedFrom = measured.map((id) => ({ reference: `urn:uuid:${id}` }));
  const zSystem = options.zScoreSystem ?? defaultZScoreSystem;
  for (const spec of zSpecs) {
    const z = spec.z(m);
    if (z === undefined) continue;
    const { id, common } = base(`z-${spec.code}`);
    const label = spec.index ? classifyZ(spec.index, z) : undefined;
    out.push({
      id,
      resource: {
        ...common,
        category: category('exam', 'Exam'),
        code: { coding: [coding(zSystem, spec.code, spec.display)], text: spec.display },
        subject: { reference: subject },
        effectiveDateTime: m.measured_at,
        valueQuantity: quantity(Math.round(z * 100) / 100, 'SD', '{SD}'),
        method: { text: whoReferenceText },
        ...(label ? { interpretation: [{ text: `${label.id} (Permenkes 2/2020; ${label.en})` }] } : {}),
        derivedFrom,
      },
    });
  }
  const zwfl = usableWflZ(m);
  if (zwfl !== undefined) {
    const { id, common } = base('wfl-percentile');
    out.push({
      id,
      resource: {
        ...common,
        category: category('vital-signs', 'Vital Signs'),
        code: { coding: [coding(loinc, '77606-2', 'Weight-for-length Per age and sex')] },
        subject: { reference: subject },
        effectiveDateTime: m.measured_at,
        valueQuantity: quantity(Math.round(normalCdf(zwfl) * 1000) / 10, '%', '%'),
        method: { text: 'WHO Child Growth Standards 2006, percentile = 100·Φ(z)' },
        derivedFrom,
      },
    });
  }
  return out;
}

/** Each correction's chain back to the measurement it started from: [original, …, the correction itself]. */
function correctionChains(data: ReportData): Map<string, MeasurementRow[]> {
  const byId = new Map(data.measurements.map((m) => [m.id, m]));
  const chains = new Map<string, MeasurementRow[]>();
  for (const m of data.measurements) {
    if (m.supersedes_id === null) continue;
    const chain = [m];
    const seen = new Set([m.id]);
    for (let up = byId.get(m.supersedes_id); up && !seen.has(up.id); ) {
      chain.unshift(up);
      seen.add(up.id);
      up = up.supersedes_id === null ? undefined : byId.get(up.supersedes_id);
    }
    chains.set(m.id, chain);
  }
  return chains;
}

/**
 * The resources of an effective measurement: its own Observations under its chain's root ids, plus any
 * Observation an earlier version produced that this one does not (a value removed or now flagged),
 * re-sent as `entered-in-error` so the receiver retracts it.
 */
function currentObservations(
  m: MeasurementRow,
  chain: readonly MeasurementRow[] | undefined,
  subject: string,
  options: FhirOptions,
): { id: string; resource: Json }[] {
  const rootId = chain?.[0]?.id ?? m.id;
  const current = measurementObservations(m, rootId, subject, options);
  if (!chain) return current;
  const kept = new Set(current.map((o) => o.id));
  const retracted = new Map<string, Json>();
  for (const earlier of chain.slice(0, -1)) {
    for (const { id, resource } of measurementObservations(earlier, rootId, subject, options)) {
      if (!kept.has(id)) retracted.set(id, { ...resource, status: 'entered-in-error' });
    }
  }
  return [...current, ...[...retracted].map(([id, resource]) => ({ id, resource }))];
}

/** The Bundle for measurements of a posyandu's children taken in [fromMonth, toMonth]. */
export function buildFhirBundle(
  data: ReportData,
  options: FhirOptions,
  tick?: (done: number) => void,
): FhirExport {
  const bundleType = options.bundleType ?? 'collection';
  const entries: Json[] = [];
  const skipped: FhirSkip[] = [];
  const entry = (id: string, resource: Json): Json => ({
    fullUrl: `urn:uuid:${id}`,
    resource,
    ...(bundleType === 'transaction'
      ? { request: { method: 'PUT', url: `${resource.resourceType}/${id}` } }
      : {}),
  });
  let done = 0;
  const chains = correctionChains(data);
  for (const { child, measurements } of buildHistories(data, options.posyanduId).values()) {
    const inRange = measurements.filter((m) => {
      const month = m.measured_on.slice(0, 7);
      return month >= options.fromMonth && month <= options.toMonth;
    });
    if (inRange.length === 0) continue;
    const patientId = uuidv5(`patient/${child.id}`, idNamespace);
    entries.push(entry(patientId, patientResource(child, patientId, options)));
    for (const m of inRange) {
      tick?.(++done);
      if (!dateTimeWithOffset.test(m.measured_at)) {
        skipped.push({
          measurementId: m.id,
          reason: `measured_at '${m.measured_at}' lacks seconds or a UTC offset`,
        });
        continue;
      }
      const observations = currentObservations(m, chains.get(m.id), `urn:uuid:${patientId}`, options);
      for (const { id, resource } of observations) {
        entries.push(entry(id, resource));
      }
    }
  }
  const now = options.now ?? new Date();
  const bundleId = uuidv5(
    `bundle/${options.posyanduId ?? 'all'}/${options.fromMonth}/${options.toMonth}/${now.toISOString()}`,
    idNamespace,
  );
  return {
    bundle: {
      resourceType: 'Bundle',
      id: bundleId,
      type: bundleType,
      timestamp: now.toISOString(),
      entry: entries,
    },
    skipped,
    resourceCount: entries.length,
  };
}
