// The stored records, each described once: a child, a measurement, a reading, an outbox message and the
// gateway's detail rows (address, visit note, sasaran), as the rows of their SQL tables (docs/architecture.md, Store). The row types, the column lists of the SQLite and
// PostgreSQL stores, the MQTT payloads (publish/payloads.ts) and the reports' rows all come from these schemas;
// test/gateway/store/record-schemas.test.ts checks every table against them. snake_case, units in names.
// Bottom floor: imports only zod.

import { z } from 'zod';

const id = z.string().min(1).max(64);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoTime = z.string().min(10).max(40);
/** A 0/1 column (SQLite has no boolean). */
const bit = z.union([z.literal(0), z.literal(1)]);
const nullableNumber = z.number().finite().nullable();

/**
 * `children`: one child of the register. A village record may know a child only by its pseudonym (the
 * gateway's sharing level withholds name, mother's name and birth date), so those may be null there.
 */
export const childRecord = z.object({
  id, // UUIDv7
  pseudo_id: id, // random; travels over MQTT and into exports instead of name or NIK
  name: z.string().min(1).max(100).nullable(),
  /** The name folded for spelling (store/name-match.ts), for search. */
  name_key: z.string().nullable(),
  sex: z.union([z.literal(1), z.literal(2)]), // WHO coding: 1 male, 2 female
  birth_date: isoDate.nullable(),
  nik: z
    .string()
    .regex(/^\d{16}$/)
    .nullable(),
  mother_name: z.string().min(1).max(100).nullable(),
  posyandu_id: id,
  village_id: id,
  has_kia: bit, // holds a KIA book
  created_at: isoTime,
  updated_at: isoTime,
});
export type ChildRow = z.infer<typeof childRecord>;

/**
 * `measurements`: never updated; a correction is a new row whose `supersedes_id` names the row it replaces.
 * The limits are what a gateway's message may carry (publish/payloads.ts validates with this schema).
 */
export const measurementRecord = z.object({
  id, // UUIDv7
  child_id: id,
  posyandu_id: id,
  village_id: id,
  measured_at: isoTime, // local time with offset
  measured_on: isoDate, // local date at the posyandu
  // To 84 months: PAUD children, scored by the WHO 2007 reference from 60 months.
  age_days: z.number().int().min(0).max(2556),
  position: z.enum(['l', 'h']), // l recumbent length (terlentang), h standing height (berdiri)
  lenhei_cm: nullableNumber, // as measured
  clenhei_cm: nullableNumber, // corrected for position (±0.7 cm) as the z-scores used it
  weight_kg: nullableNumber,
  headc_cm: nullableNumber,
  oedema: bit,
  // z-scores rounded to 2 decimals; null = no z-score
  zlen: nullableNumber,
  zwei: nullableNumber,
  zwfl: nullableNumber,
  zbmi: nullableNumber,
  zhc: nullableNumber,
  // WHO implausibility flags: 1 implausible, 0 plausible, null no z-score
  flen: bit.nullable(),
  fwei: bit.nullable(),
  fwfl: bit.nullable(),
  fbmi: bit.nullable(),
  fhc: bit.nullable(),
  // Permenkes 2/2020 status codes of the growth core
  status_tbu: z.string().max(40).nullable(),
  status_bbu: z.string().max(40).nullable(),
  status_bbtb: z.string().max(40).nullable(),
  status_imtu: z.string().max(40).nullable(),
  calibration_id: z.string().max(64).nullable(),
  device_id: z.string().max(64).nullable(),
  supersedes_id: id.nullable(),
  correction_reason: z.string().max(200).nullable(),
  source: z.enum(['mat', 'manual', 'record', 'import']),
  created_at: isoTime,
  /** The WHO reference the z-scores come from: the 2006 standards, or the 2007 reference (PAUD, 5 years on). */
  reference: z.enum(['who2006', 'who2007']),
});
export type MeasurementRow = z.infer<typeof measurementRecord>;

/** `readings`: every locked reading of the WHO repeat rule behind a measurement. */
export const readingRecord = z.object({
  id,
  measurement_id: id,
  channel: z.enum(['length', 'weight']),
  ordinal: z.number().int().min(1).max(3),
  value_mm_or_g: z.number().positive(),
  raw_counts_json: z.string().max(2000).nullable(),
  locked_at: isoTime,
});
export type ReadingRow = z.infer<typeof readingRecord>;

/**
 * `outbox`: a message the gateway owes the village record, written in the same transaction as the row it
 * carries. Lifecycle: pending → sent (`sent_at`, broker PUBACK) → delivered (`delivered_at`, the receipt).
 */
export const outboxRecord = z.object({
  id, // the message id (UUIDv7)
  kind: z.enum(['measurement', 'child']),
  subject_id: id, // the measurement's or child's id
  topic: z.string(),
  payload: z.string(), // JSON
  child_id: id.nullable(),
  created_at: isoTime,
  sent_at: isoTime.nullable(),
  delivered_at: isoTime.nullable(),
  attempts: z.number().int().min(0),
  next_attempt_at: isoTime,
});
export type OutboxRow = z.infer<typeof outboxRecord>;

// What the gateway keeps beside the register and never publishes over MQTT (migration 5).

/** `child_addresses`: where to find a child for a home visit. */
export const childAddressRecord = z.object({
  child_id: id,
  dusun: z.string().min(1).max(60).nullable(),
  rt: z
    .string()
    .regex(/^\d{1,3}$/)
    .nullable(),
  rw: z
    .string()
    .regex(/^\d{1,3}$/)
    .nullable(),
  phone: z
    .string()
    .regex(/^[0-9+]{8,16}$/)
    .nullable(),
  updated_at: isoTime,
});
export type ChildAddressRow = z.infer<typeof childAddressRecord>;

/** `visit_notes`: what was given at a visit; null = not recorded. */
export const visitNoteRecord = z.object({
  child_id: id,
  visit_on: isoDate,
  vitamin_a: bit.nullable(),
  asi_eksklusif: bit.nullable(),
  updated_at: isoTime,
});
export type VisitNoteRow = z.infer<typeof visitNoteRecord>;

/** `sasaran`: the month's target count of balita in a posyandu's area, set by the bidan or KPM. */
export const sasaranRecord = z.object({
  posyandu_id: id,
  month: z.string().regex(/^\d{4}-\d{2}$/),
  balita: z.number().int().min(0).max(100_000),
  updated_at: isoTime,
});
export type SasaranRow = z.infer<typeof sasaranRecord>;

/** The column names of a record, in table order. */
export function columnNamesOf<T extends z.ZodRawShape>(
  schema: z.ZodObject<T>,
): readonly (keyof T & string)[] {
  return Object.keys(schema.shape) as (keyof T & string)[];
}

export const childColumns = columnNamesOf(childRecord);
export const measurementColumns = columnNamesOf(measurementRecord);
export const readingColumns = columnNamesOf(readingRecord);
export const outboxColumns = columnNamesOf(outboxRecord);
export const childAddressColumns = columnNamesOf(childAddressRecord);
export const visitNoteColumns = columnNamesOf(visitNoteRecord);
export const sasaranColumns = columnNamesOf(sasaranRecord);

/**
 * Makes a record's row from the values of `columns` in that order, as a JSON array of a row holds them (SQLite's
 * `json_array`): such a text is under half the size of one of JSON objects and parses twice as fast. Compiled
 * once from the column names, so every row is one object literal of one shape, built in well under a
 * microsecond (a loop adding each property was five times slower).
 */
export function rowFromValues<Row>(
  columns: readonly (keyof Row & string)[],
): (values: readonly unknown[]) => Row {
  const bad = columns.find((column) => !/^[a-z_][a-z0-9_]*$/.test(column));
  if (bad !== undefined) throw new Error(`'${bad}' is not a column name`);
  const literal = columns.map((column, index) => `${column}: values[${index}]`).join(', ');
  return new Function('values', `return { ${literal} };`) as (values: readonly unknown[]) => Row;
}

/** How a column is stored: SQLite's STRICT types (PostgreSQL: text, smallint/integer, double precision). */
export type Storage = 'text' | 'integer' | 'real';

/** The storage of one column of a record, from its schema. */
export function storageOf(field: z.core.$ZodType): Storage {
  if (field instanceof z.ZodNullable || field instanceof z.ZodOptional) return storageOf(field.unwrap());
  if (field instanceof z.ZodDefault) return storageOf(field.def.innerType);
  if (field instanceof z.ZodString || field instanceof z.ZodEnum) return 'text';
  if (field instanceof z.ZodNumber) return field.isInt ? 'integer' : 'real';
  if (field instanceof z.ZodLiteral) return typeof field.value === 'number' ? 'integer' : 'text';
  if (field instanceof z.ZodUnion) {
    const kinds = new Set(field.options.map(storageOf));
    if (kinds.size === 1) return [...kinds][0] as Storage;
  }
  throw new Error(`no storage for a ${field._zod.def.type} column`);
}

/** Whether a column may hold NULL. */
export const nullable = (field: z.core.$ZodType): boolean => z.safeParse(field, null).success;
