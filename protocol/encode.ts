import { crc32Ascii, formatCrc } from './crc.ts';
import { type Frame, PROTOCOL_VERSION, SEQ_MODULO } from './frames.ts';

// Everything past printable ASCII is written as a JSON \uXXXX escape, so a line is pure ASCII.
const HAS_NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII = /[\u007f-\uffff]/g;

function escapeNonAscii(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One wire line for a frame, without the trailing newline (spec: protocol/README.md). */
export function encodeFrame(frame: Frame): string {
  const json = JSON.stringify(frame.payload);
  const payload = HAS_NON_ASCII.test(json) ? json.replace(NON_ASCII, escapeNonAscii) : json;
  const body = `TK${PROTOCOL_VERSION} ${frame.device} ${frame.seq} ${frame.type} ${payload}`;
  return `${body} *${formatCrc(crc32Ascii(body))}`;
}

/** The sequence number after `seq`, wrapping at 65535. */
export function nextSeq(seq: number): number {
  return (seq + 1) % SEQ_MODULO;
}
