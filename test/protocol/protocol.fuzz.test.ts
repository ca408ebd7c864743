// One million random and mutated lines through decodeFrame: no exception, no hang, and nothing accepted
// unless it is, character for character, one of the valid lines the mutations started from.
// A plain seeded loop rather than fast-check: a million runs of its machinery would take minutes.
import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../device/sim/index.ts';
import { decodeFrame, MAX_LINE_CHARS } from '../../protocol/index.ts';
import { driveMat } from '../device/sim-lines.ts';

const CASES = 1_000_000;

/** Real wire lines: a simulated session with commands, so every mat frame type appears. */
function validLines(): string[] {
  const mat = driveMat({ scenario: 'cable', seed: 3 });
  const lines: string[] = [];
  for (const type of ['start', 'start', 'tare', 'stop', 'start'] as const) {
    lines.push(mat.command(type));
    lines.push(...mat.run(80));
  }
  lines.push(mat.command('display', { text: 'PB 74,3 cm' }));
  lines.push(mat.command('beep', { duration_ms: 200, pattern: 'lock' }));
  lines.push(mat.command('calibration', { calibration_id: 'cal-test' }));
  lines.push(...mat.run(1));
  mat.stop();
  return lines;
}

function pickLine(lines: string[], random: Random): string {
  return lines[random.int(0, lines.length - 1)] as string;
}

type Mutation = (line: string, random: Random, lines: string[]) => string;

const mutations: Mutation[] = [
  // 1 to 4 flipped bits anywhere (may leave ASCII)
  (line, random) => {
    let out = line;
    for (let flips = random.int(1, 4); flips > 0; flips--) {
      const at = random.int(0, out.length - 1);
      out =
        out.slice(0, at) +
        String.fromCharCode(out.charCodeAt(at) ^ (1 << random.int(0, 7))) +
        out.slice(at + 1);
    }
    return out;
  },
  (line, random) => line.slice(0, random.int(0, line.length - 1)), // truncated at the end
  (line, random) => line.slice(random.int(1, line.length - 1)), // lost start
  (line, random, lines) => line + pickLine(lines, random), // two lines run together
  (line, random, lines) => line.slice(0, random.int(0, line.length)) + pickLine(lines, random), // cut, then the next line
  (line, random) => {
    const at = random.int(0, line.length - 1);
    return line.slice(0, at) + line.slice(at + 1); // a lost byte
  },
  (line, random) => {
    const at = random.int(0, line.length);
    return line.slice(0, at) + String.fromCharCode(random.int(0, 255)) + line.slice(at); // an extra byte
  },
  (line, random) => {
    const at = random.int(0, line.length - 2);
    return line.slice(0, at) + line.charAt(at + 1) + line.charAt(at) + line.slice(at + 2); // swapped neighbours
  },
  (line, random) => {
    const from = random.int(0, line.length - 1);
    return line.slice(0, from) + line.slice(from, from + random.int(1, 12)).repeat(2) + line.slice(from); // repeated run
  },
  (_line, random) => {
    let garbage = ''; // random bytes
    for (let length = random.int(0, 120); length > 0; length--)
      garbage += String.fromCharCode(random.int(0, 255));
    return garbage;
  },
];

describe('decodeFrame fuzz', () => {
  it(`survives ${CASES.toLocaleString('en')} random and mutated lines without accepting a corrupted one`, () => {
    const random = createRandom(20260601);
    const lines = validLines();
    const valid = new Set(lines);
    const huge = 'TK1 SIM-0001 1 sample '.padEnd(200_000, '{"counts":1}');
    let accepted = 0;
    let acceptedOriginals = 0;
    let thrown = 0;
    const rejectedByKind = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const original = pickLine(lines, random);
      const input =
        i % 1000 === 0
          ? huge.slice(0, random.int(MAX_LINE_CHARS + 1, huge.length)) // huge lines
          : (mutations[i % mutations.length] as Mutation)(original, random, lines);
      let result: ReturnType<typeof decodeFrame>;
      try {
        result = decodeFrame(input);
      } catch {
        thrown++;
        continue;
      }
      if (result.ok) {
        accepted++;
        // Only a mutation that happened to give back a valid line (e.g. swapping two equal characters, or an
        // extra '\r' at the end, which the spec tolerates) may pass.
        if (valid.has(input.endsWith('\r') ? input.slice(0, -1) : input)) acceptedOriginals++;
      } else {
        rejectedByKind.set(result.error.kind, (rejectedByKind.get(result.error.kind) ?? 0) + 1);
      }
    }
    expect(thrown).toBe(0);
    expect(accepted).toBe(acceptedOriginals);
    expect(new Set(lines.map((line) => line.split(' ')[3])).size).toBe(12);
    expect(lines.length).toBeGreaterThan(400);
    // Every defence was exercised.
    for (const kind of ['too_long', 'malformed', 'bad_checksum'])
      expect(rejectedByKind.get(kind)).toBeGreaterThanOrEqual(1000);
  });
});
