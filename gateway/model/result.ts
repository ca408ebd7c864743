// Typed results: a service never throws at its caller; a refusal says what (code) and where (field).

import type { z } from 'zod';
import type { ClockStatus } from './domain.ts';

export type ServiceErrorCode =
  | 'invalid_input' // the input failed validation; `field` names the first bad field
  | 'not_found' // unknown child, session, measurement or mat
  | 'clock_untrusted' // the gateway's clock is implausible: no age can be computed until the kader confirms the time
  | 'session_state' // the session is not in a state that allows this (e.g. save before the readings are complete)
  | 'mat_unavailable' // the mat is not connected, or busy with another session
  | 'conflict' // e.g. a correction of a measurement that is already superseded
  | 'internal'; // a fault of ours (disk full, database error); logged with details

export interface ServiceError {
  code: ServiceErrorCode;
  /** Human-readable, English; safe to show (never contains personal data). */
  message: string;
  /** The input field at fault, dotted path (e.g. `birth_date`). */
  field?: string;
  /** All validation issues, when there are several. */
  issues?: { field: string; message: string }[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

export type Refusal = { ok: false; error: ServiceError };

export function fail(code: ServiceErrorCode, message: string, field?: string): Refusal {
  return { ok: false, error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/** The one parse of a request: every failing field in `issues`, the first in `field`, all in the message. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): Result<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const first = issues[0] ?? { field: '(body)', message: 'invalid' };
  return {
    ok: false,
    error: {
      code: 'invalid_input',
      message: issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
      field: first.field,
      issues,
    },
  };
}

/** An id argument (child, session, measurement, mat). */
export function parseId(value: unknown, field: string): Result<string> {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    return fail('invalid_input', `${field} must be a non-empty string`, field);
  }
  return { ok: true, value };
}

/** No age without a trusted clock: the refusal while the kader has not confirmed the time. */
export function untrustedClock(clock: { status(): ClockStatus }): Refusal | undefined {
  const status = clock.status();
  return status.trusted ? undefined : fail('clock_untrusted', status.message.en);
}
