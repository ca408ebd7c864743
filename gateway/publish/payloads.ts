// MQTT payloads (JSON, snake_case, units in names), validated with zod on receipt: a malformed message from
// the network is a typed error, never a crash. Spec: docs/mqtt.md.

import { z } from 'zod';
import { measurementRecord, readingRecord } from '../model/records.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoTime = z.string().min(10).max(40);
const id = z.string().min(1).max(64);

/**
 * A child on the wire. Name, mother's name, birth date and NIK are present only when the gateway's sharing
 * level lets them leave (docs/security.md): a measurement's child snapshot never has them, the register has the
 * first three by default. `birth_month` (YYYY-MM) always travels, for the record's age groups.
 */
export const childWire = z.object({
  id,
  pseudo_id: id,
  name: z.string().min(1).max(100).optional(),
  sex: z.union([z.literal(1), z.literal(2)]),
  birth_date: isoDate.optional(),
  birth_month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  nik: z
    .string()
    .regex(/^\d{16}$/)
    .nullable()
    .optional(),
  mother_name: z.string().min(1).max(100).optional(),
  posyandu_id: id,
  village_id: id,
  has_kia: z.boolean(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type ChildWire = z.infer<typeof childWire>;

/** A measurement row as it travels (model/records.ts). */
export const measurementWire = measurementRecord.extend({
  // Absent from gateways older than the 2007 reference: their rows are all WHO 2006.
  reference: measurementRecord.shape.reference.default('who2006'),
});
export type MeasurementWire = z.infer<typeof measurementWire>;

export const readingWire = readingRecord;
export type ReadingWire = z.infer<typeof readingWire>;

/** `…/{posyandu}/measurements`: a measurement with its readings and a snapshot of the child. */
export const measurementMessage = z.object({
  schema: z.literal('tikar.measurement/1'),
  id, // message id (UUIDv7): the record drops duplicates by it and receipts it
  backfilled: z.boolean(), // sent late, after an outage (Sparkplug B's is_historical)
  child: childWire,
  measurement: measurementWire,
  readings: z.array(readingWire).max(6),
});
export type MeasurementMessage = z.infer<typeof measurementMessage>;

/** `…/{posyandu}/children`: a child registered or changed at this posyandu. */
export const childMessage = z.object({
  schema: z.literal('tikar.child/1'),
  id,
  backfilled: z.boolean(),
  child: childWire,
});
export type ChildMessage = z.infer<typeof childMessage>;

export const gatewayMessage = z.discriminatedUnion('schema', [measurementMessage, childMessage]);
export type GatewayMessage = z.infer<typeof gatewayMessage>;

/** `…/{posyandu}/receipts`: the record stored these message ids (or had them already). */
export const receiptMessage = z.object({
  schema: z.literal('tikar.receipt/1'),
  ids: z.array(id).min(1).max(1000),
  record_at: isoTime,
});
export type ReceiptMessage = z.infer<typeof receiptMessage>;

/** `tikar/v1/{village}/register`: one child of the village register, republished by the record. */
export const registerMessage = z.object({
  schema: z.literal('tikar.register/1'),
  child: childWire,
});
export type RegisterMessage = z.infer<typeof registerMessage>;

/** `tikar/v1/{village}/register/sync`: a gateway asks for the register changed since a time (null: all). */
export const registerSyncMessage = z.object({
  schema: z.literal('tikar.register-sync/1'),
  posyandu_id: id,
  since: isoTime.nullable(),
});
export type RegisterSyncMessage = z.infer<typeof registerSyncMessage>;

/** Retained `…/{posyandu}/status`; the last will is the same shape with state offline. */
export const statusMessage = z.object({
  schema: z.literal('tikar.status/1'),
  state: z.enum(['online', 'offline']),
  posyandu_id: id,
  at: isoTime.nullable(),
});
export type StatusMessage = z.infer<typeof statusMessage>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses an MQTT payload against a schema; never throws. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: Buffer | string): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch {
    return { ok: false, error: 'payload is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
}

// The completeness check between a village record and the district (docs/district.md): the district asks on
// `tikar/v1/{village}/inventory/ask`, the village record answers on `…/inventory/answer`.
const month = z.string().regex(/^\d{4}-\d{2}$/);

/** District → village: one of three questions, each with the asker's request id (echoed in the answer). */
export const inventoryAsk = z.discriminatedUnion('ask', [
  // How many measurements per posyandu in these months, and a digest of their ids?
  z.object({
    schema: z.literal('tikar.inventory-ask/1'),
    request_id: id,
    ask: z.literal('counts'),
    months: z.array(month).min(1).max(24),
  }),
  // Which measurement ids of this posyandu in this month?
  z.object({
    schema: z.literal('tikar.inventory-ask/1'),
    request_id: id,
    ask: z.literal('ids'),
    posyandu_id: id,
    month,
  }),
  // Send these measurements again (the district lacks them).
  z.object({
    schema: z.literal('tikar.inventory-ask/1'),
    request_id: id,
    ask: z.literal('resend'),
    ids: z.array(id).min(1).max(1000),
  }),
]);
export type InventoryAsk = z.infer<typeof inventoryAsk>;

const inventoryEntry = z.object({
  posyandu_id: id,
  month,
  count: z.number().int().min(0),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Village → district: the answer to one ask. */
export const inventoryAnswer = z.discriminatedUnion('answer', [
  z.object({
    schema: z.literal('tikar.inventory/1'),
    request_id: id,
    answer: z.literal('counts'),
    entries: z.array(inventoryEntry).max(10_000),
  }),
  z.object({
    schema: z.literal('tikar.inventory/1'),
    request_id: id,
    answer: z.literal('ids'),
    posyandu_id: id,
    month,
    ids: z.array(id).max(5000),
  }),
  z.object({
    schema: z.literal('tikar.inventory/1'),
    request_id: id,
    answer: z.literal('resent'),
    ids: z.array(id).max(1000),
  }),
]);
export type InventoryAnswer = z.infer<typeof inventoryAnswer>;
