// What a caller may ask of the gateway's services, as zod schemas: parsed once, where the request enters the
// services (gateway/app/gateway-services.ts); the parts behind take the parsed types.

import { z } from 'zod';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isRealDate, 'not a calendar date');
// Control characters (NUL, escape codes, CR/LF) and lone surrogates are refused: they break CSV and XLSX
// exports, terminals and logs, and no name needs them.
const controlCharacter = /\p{Cc}/u;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const personName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'at most 100 characters')
  .refine((name) => !controlCharacter.test(name), 'must not contain control characters or line breaks')
  .refine((name) => !loneSurrogate.test(name), 'must be valid Unicode text');

export const registerChildInput = z.strictObject({
  name: personName,
  sex: z.union([z.literal(1), z.literal(2)]),
  birth_date: isoDate, // must not be in the future nor more than 84 months before today (checked against the clock)
  nik: z
    .string()
    .regex(/^\d{16}$/, 'NIK is 16 digits')
    .optional(),
  mother_name: personName,
  has_kia: z.boolean().optional(), // has a Buku KIA / KMS (the K of SKDN); default false
  /** Register even though the same name, birth date and mother's name are registered (409 otherwise). */
  confirm_duplicate: z.boolean().optional(),
});
export type RegisterChildInput = z.infer<typeof registerChildInput>;

/** What makes two registrations the same child (GET /api/children/same). */
export const sameChildQuery = z.strictObject({
  name: personName,
  birth_date: isoDate,
  mother_name: personName,
});

export const startSessionInput = z.strictObject({
  child_id: z.string().min(1),
  /** Device id of the mat; default: the only connected mat. */
  mat_id: z.string().min(1).optional(),
  /** Default by age: lying under 24 months (731 days), standing from then on. */
  position: z.enum(['l', 'h']).optional(),
});
export type StartSessionInput = z.infer<typeof startSessionInput>;

export const manualWeightInput = z.strictObject({
  /** Kilograms read from a separate baby scale (KMK 51/2022: 10 g resolution). */
  weight_kg: z.number().gt(0.5).lt(40),
});

export const manualMeasurementInput = z
  .strictObject({
    child_id: z.string().min(1),
    position: z.enum(['l', 'h']).optional(),
    lenhei_cm: z.number().gte(38).lte(150).optional(),
    weight_kg: z.number().gt(0.5).lt(40).optional(),
    oedema: z.boolean().optional(),
  })
  .refine((input) => input.lenhei_cm !== undefined || input.weight_kg !== undefined, {
    message: 'lenhei_cm or weight_kg is required',
    path: ['lenhei_cm'],
  });
export const calibrationCheckInput = z.strictObject({
  /** Length of the reference rod, mm. */
  reference_mm: z.number().gte(300).lte(1200),
});

export type ManualMeasurementInput = z.infer<typeof manualMeasurementInput>;

export const correctionInput = z.strictObject({
  lenhei_cm: z.number().gte(38).lte(150).optional(),
  weight_kg: z.number().gt(0.5).lt(40).optional(),
  position: z.enum(['l', 'h']).optional(),
  oedema: z.boolean().optional(),
  /** Why it was corrected (kept with the new row). */
  reason: z.string().trim().min(1).max(200),
});
export type CorrectionInput = z.infer<typeof correctionInput>;

/** True when YYYY-MM-DD names a real day (no 2025-02-30); another shape is the pattern's to refuse. */
function isRealDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return true;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}

/**
 * A bidan's (or admin's) correction of a local child's identity (POST /api/children/:id/identity): the fields
 * to change and why. The reason is kept with the old and new values in the child's history.
 */
export const childCorrectionBody = z.strictObject({
  name: personName.optional(),
  sex: z.union([z.literal(1), z.literal(2)]).optional(),
  birth_date: isoDate.optional(),
  /** null removes a NIK entered in error. */
  nik: z
    .string()
    .regex(/^\d{16}$/, 'NIK is 16 digits')
    .nullable()
    .optional(),
  mother_name: personName.optional(),
  has_kia: z.boolean().optional(),
  reason: z
    .string()
    .trim()
    .min(1, 'a reason is required')
    .max(200, 'at most 200 characters')
    .refine((text) => !controlCharacter.test(text), 'must not contain control characters or line breaks'),
});
/** What a screen sends: the fields it changes and the reason. */
export type ChildCorrectionBody = z.infer<typeof childCorrectionBody>;
/** The service's input: the body and the role of the login that sent it (set by the route, never the body). */
export const childCorrectionInput = childCorrectionBody.extend({ corrected_by: z.enum(['bidan', 'admin']) });
export type ChildCorrectionInput = z.infer<typeof childCorrectionInput>;
