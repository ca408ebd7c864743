// Wire decoding cost: frames decoded per second and CPU microseconds per frame, against a peer measured in the
// same run (JSON.parse of the same frames as plain JSON lines: no checksum, no schema). The mat sends at most
// ~300 lines/s at 115200 baud; decoding must stay under 1 % of one core at that rate.

import { corruptLine, createRandom } from '../../device/sim/index.ts';
import { crc32Ascii, decodeFrame } from '../../protocol/index.ts';
import { driveMat } from '../device/sim-lines.ts';

const MAT_LINES_PER_S = 300;

function wireLines(): string[] {
  const mat = driveMat({ scenario: 'session', seed: 42 });
  const lines: string[] = [];
  for (let child = 0; child < 10; child++) {
    lines.push(mat.command('start'));
    lines.push(...mat.run(150));
    lines.push(mat.command('start'));
    lines.push(...mat.run(150));
    lines.push(mat.command('stop'));
    lines.push(...mat.run(25));
  }
  mat.stop();
  return lines;
}

/** CPU µs per item of `work` over `rounds` passes (after one warm-up pass). */
function cpuMicrosPerItem(
  items: number,
  rounds: number,
  work: () => number,
): { cpuUs: number; check: number } {
  let check = work();
  const before = process.cpuUsage();
  for (let round = 0; round < rounds; round++) check += work();
  const used = process.cpuUsage(before);
  return { cpuUs: (used.user + used.system) / (items * rounds), check };
}

export default async function bench(): Promise<void> {
  const lines = wireLines();
  const random = createRandom(7);
  const corrupted = lines.map((line) => corruptLine(line, random));
  const asJson = lines.map((line) => {
    const decoded = decodeFrame(line);
    return JSON.stringify(decoded.ok ? decoded.frame : null);
  });
  const rounds = 20;
  const decode = cpuMicrosPerItem(lines.length, rounds, () => {
    let ok = 0;
    for (const line of lines) if (decodeFrame(line).ok) ok++;
    return ok;
  });
  if (decode.check !== lines.length * (rounds + 1)) throw new Error('a valid line failed to decode');
  const reject = cpuMicrosPerItem(corrupted.length, rounds, () => {
    let rejected = 0;
    for (const line of corrupted) if (!decodeFrame(line).ok) rejected++;
    return rejected;
  });
  const crc = cpuMicrosPerItem(lines.length, rounds, () => {
    let sum = 0;
    for (const line of lines) sum ^= crc32Ascii(line);
    return sum;
  });
  const peer = cpuMicrosPerItem(asJson.length, rounds, () => {
    let count = 0;
    for (const json of asJson) if (JSON.parse(json) !== null) count++;
    return count;
  });
  const meanChars = lines.reduce((sum, line) => sum + line.length, 0) / lines.length;
  const sharePercent = (MAT_LINES_PER_S * decode.cpuUs) / 1e4;
  const row = (name: string, cpuUs: number) =>
    `  ${name.padEnd(44)} ${(1e6 / cpuUs).toFixed(0).padStart(9)} /s  ${cpuUs.toFixed(2).padStart(6)} µs CPU  ${(cpuUs / peer.cpuUs).toFixed(2).padStart(5)}× peer\n`;
  process.stdout.write(
    `${lines.length} simulated wire lines (session, seed 42), mean ${meanChars.toFixed(0)} characters, ${rounds} rounds\n`,
  );
  process.stdout.write(row('decodeFrame, valid lines', decode.cpuUs));
  process.stdout.write(row('decodeFrame, corrupted lines (rejected)', reject.cpuUs));
  process.stdout.write(row('CRC-32 alone', crc.cpuUs));
  process.stdout.write(row('peer: JSON.parse of the same frames', peer.cpuUs));
  process.stdout.write(
    `  share of one core at ${MAT_LINES_PER_S} lines/s: ${sharePercent.toFixed(3)} % (limit 1 %) ${sharePercent < 1 ? 'OK' : 'TOO SLOW'}\n`,
  );
}
