// Small request/response helpers over node:http: bounded JSON bodies, typed JSON answers, cookies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

/** Bodies above this are refused: every API body is a small form. */
export const maxBodyBytes = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; error: HttpError };

/** Reads a JSON body; never throws (too large, wrong content type and bad JSON become typed errors). */
export async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  // A JSON content type is required, also for an empty body: it keeps simple cross-site form posts out
  // (a page on another site cannot send it without the gateway's consent).
  if (type !== 'application/json') {
    req.resume();
    return {
      ok: false,
      error: new HttpError(415, 'unsupported_media_type', 'send the body as application/json'),
    };
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBodyBytes) {
    req.resume();
    return { ok: false, error: new HttpError(413, 'body_too_large', `body over ${maxBodyBytes} bytes`) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBodyBytes) {
        return { ok: false, error: new HttpError(413, 'body_too_large', `body over ${maxBodyBytes} bytes`) };
      }
      chunks.push(buffer);
    }
  } catch {
    return { ok: false, error: new HttpError(400, 'body_unreadable', 'the request body could not be read') };
  }
  if (size === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid JSON';
    return { ok: false, error: new HttpError(400, 'invalid_json', `body is not valid JSON: ${reason}`) };
  }
}

/** Validates with zod and turns failures into a 400 that names each failing field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new HttpError(400, 'invalid_input', `invalid ${where}: ${summary}`, issues);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const body: Record<string, unknown> = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) (body.error as Record<string, unknown>).details = error.details;
  sendJson(res, error.status, body);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}
