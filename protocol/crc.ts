// CRC-32 (IEEE 802.3 / zlib): reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF.
// Chosen over CRC-16 because the fuzz test feeds a million mutated lines: with 16 bits about one in
// 65,536 random corruptions would pass, with 32 bits about one in four billion.

const table = new Uint32Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  table[byte] = crc >>> 0;
}

/**
 * CRC-32 of the characters `text[0..end)`, each taken as one byte (the wire is ASCII).
 * Returns -1 if a character is outside printable ASCII, so the caller learns both in one pass.
 */
export function crc32Ascii(text: string, end: number = text.length): number {
  let crc = 0xffffffff;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return -1;
    // biome-ignore lint/style/noNonNullAssertion: index is (crc ^ byte) & 0xff, always inside the 256-entry table
    crc = table[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The 8 upper-case hex digits written after ` *`. */
export function formatCrc(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(8, '0');
}
