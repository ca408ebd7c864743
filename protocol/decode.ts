import { crc32Ascii } from './crc.ts';
import {
  DEVICE_ID_PATTERN,
  type Frame,
  isFrameType,
  MAX_LINE_CHARS,
  PROTOCOL_VERSION,
  payloadSchemas,
  SEQ_MODULO,
} from './frames.ts';

export type DecodeErrorKind =
  | 'too_long'
  | 'malformed'
  | 'bad_checksum'
  | 'unknown_version'
  | 'unknown_type'
  | 'schema';

export interface DecodeError {
  kind: DecodeErrorKind;
  message: string;
}

export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: DecodeError };

/** Length of the trailer ` *XXXXXXXX`. */
const TRAILER_CHARS = 10;
const SEQ_PATTERN = /^(0|[1-9][0-9]{0,4})$/;
const VERSION_PATTERN = /^(0|[1-9][0-9]{0,2})$/;

function fail(kind: DecodeErrorKind, message: string): DecodeResult {
  return { ok: false, error: { kind, message } };
}

/** Value of one upper-case hex digit, or -1. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** The 8 upper-case hex digits at `text[start..start+8)` as a number, or -1 if they are not. */
function parseCrc(text: string, start: number): number {
  let value = 0;
  for (let i = start; i < start + 8; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * Decodes one wire line (without its newline; one trailing `\r` is tolerated). Never throws.
 * Order of checks: cheap ones first, so garbage costs one length test and one CRC pass; the version is
 * checked after the checksum because the trailer is the same in every protocol version.
 */
export function decodeFrame(input: string): DecodeResult {
  if (typeof input !== 'string') return fail('malformed', 'line is not a string');
  const line = input.endsWith('\r') ? input.slice(0, -1) : input;
  if (line.length > MAX_LINE_CHARS) {
    return fail('too_long', `line has ${line.length} characters, the limit is ${MAX_LINE_CHARS}`);
  }
  const bodyEnd = line.length - TRAILER_CHARS;
  if (bodyEnd < 1 || line.charCodeAt(bodyEnd) !== 32 || line.charCodeAt(bodyEnd + 1) !== 42) {
    return fail('malformed', "line does not end with ' *' and 8 hex digits of CRC-32");
  }
  const sentCrc = parseCrc(line, bodyEnd + 2);
  if (sentCrc < 0) return fail('malformed', 'checksum is not 8 upper-case hex digits');
  const crc = crc32Ascii(line, bodyEnd);
  if (crc < 0) return fail('malformed', 'line contains a character outside printable ASCII');
  if (crc !== sentCrc) return fail('bad_checksum', 'checksum does not match the line');
  return decodeBody(line.slice(0, bodyEnd));
}

/** The header and payload of a line whose checksum already matched. */
function decodeBody(body: string): DecodeResult {
  const space1 = body.indexOf(' ');
  const space2 = space1 < 0 ? -1 : body.indexOf(' ', space1 + 1);
  const space3 = space2 < 0 ? -1 : body.indexOf(' ', space2 + 1);
  const space4 = space3 < 0 ? -1 : body.indexOf(' ', space3 + 1);
  if (space4 < 0) return fail('malformed', 'header must be: TK<version> <device> <seq> <type> <payload>');
  const magic = body.slice(0, space1);
  if (!magic.startsWith('TK') || !VERSION_PATTERN.test(magic.slice(2))) {
    return fail('malformed', `line starts with '${magic.slice(0, 8)}', expected 'TK' and the version`);
  }
  const version = Number(magic.slice(2));
  if (version !== PROTOCOL_VERSION) {
    return fail('unknown_version', `protocol version ${version}, this receiver speaks ${PROTOCOL_VERSION}`);
  }
  const device = body.slice(space1 + 1, space2);
  if (!DEVICE_ID_PATTERN.test(device)) return fail('malformed', 'device id must be 1-32 of A-Z a-z 0-9 _ -');
  const seqText = body.slice(space2 + 1, space3);
  const seq = SEQ_PATTERN.test(seqText) ? Number(seqText) : -1;
  if (seq < 0 || seq >= SEQ_MODULO)
    return fail('malformed', `sequence number '${seqText.slice(0, 8)}' is not 0-65535`);
  const type = body.slice(space3 + 1, space4);
  if (!isFrameType(type)) return fail('unknown_type', `unknown frame type '${type.slice(0, 16)}'`);
  let json: unknown;
  try {
    json = JSON.parse(body.slice(space4 + 1));
  } catch {
    return fail('schema', `${type} payload is not valid JSON`);
  }
  const parsed = payloadSchemas[type].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
    return fail('schema', `${type}.${where}: ${issue?.message ?? 'invalid'}`);
  }
  // The schema for `type` produced this payload, so the pair is one member of the Frame union.
  const frame = { v: PROTOCOL_VERSION, device, seq, type, payload: parsed.data } as Frame;
  return { ok: true, frame };
}
