// The committed StandardFirmata build (device/firmata/) as the program memory of an ATmega328P.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const FIRMATA_HEX_PATH = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'device',
  'firmata',
  'StandardFirmata.uno.hex',
);

/** ATmega328P flash: 32 KB. */
const FLASH_BYTES = 0x8000;

/** Parses Intel HEX (data, end-of-file and extended-address records) into flash words; throws on a bad line. */
export function parseIntelHex(text: string, flashBytes = FLASH_BYTES): Uint16Array {
  const flash = new Uint8Array(flashBytes);
  let base = 0;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const bytes = /^:([0-9A-Fa-f]{2})+$/.test(line) ? Buffer.from(line.slice(1), 'hex') : undefined;
    const count = bytes?.[0] ?? -1;
    if (!bytes || bytes.length !== count + 5) throw new Error(`HEX line ${index + 1}: malformed`);
    const sum = bytes.reduce((total, byte) => total + byte, 0);
    if ((sum & 0xff) !== 0) throw new Error(`HEX line ${index + 1}: checksum`);
    const address = bytes.readUInt16BE(1);
    const type = bytes[3];
    if (type === 0x00) {
      if (base + address + count > flashBytes) throw new Error(`HEX line ${index + 1}: beyond the flash`);
      flash.set(bytes.subarray(4, 4 + count), base + address);
    } else if (type === 0x01) {
      break;
    } else if (type === 0x02) {
      base = bytes.readUInt16BE(4) * 16;
    } else if (type === 0x04) {
      base = bytes.readUInt16BE(4) * 65536;
    }
  }
  return new Uint16Array(flash.buffer);
}

export function loadFirmataProgram(path = FIRMATA_HEX_PATH): Uint16Array {
  return parseIntelHex(readFileSync(path, 'ascii'));
}
