// Test helper: drive a manual-clock simulated mat and collect its wire lines synchronously.
import { createSimulatedMat, type SimTruth, type SimulatedMatOptions } from '../../device/sim/index.ts';
import { type CommandType, encodeFrame } from '../../protocol/index.ts';

export interface DrivenMat {
  /** Send a command (seq counted here); returns its line. */
  command(type: CommandType, payload?: Record<string, unknown>): string;
  /** Send a raw line to the mat. */
  write(line: string): void;
  /** Advance `ticks` sample periods and return the lines sent meanwhile (including replies to commands). */
  run(ticks: number): string[];
  truths: SimTruth[];
  stop(): void;
}

export function driveMat(options: SimulatedMatOptions = {}): DrivenMat {
  const mat = createSimulatedMat({ ...options, manual: true });
  const truths: SimTruth[] = [];
  mat.on('truth', (truth) => truths.push(truth));
  let seq = 0;
  const drain = (): string[] => {
    const lines: string[] = [];
    let chunk: Buffer | null = mat.stream.read();
    while (chunk !== null) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line.length > 0),
      );
      chunk = mat.stream.read();
    }
    return lines;
  };
  let pending: string[] = [];
  return {
    command(type, payload = {}) {
      // The payload shape is checked by the mat itself (it answers bad ones with an error frame).
      const line = encodeFrame({
        v: 1,
        device: options.deviceId ?? 'SIM-0001',
        seq: seq++,
        type,
        payload,
      } as Parameters<typeof encodeFrame>[0]);
      mat.stream.write(`${line}\n`);
      return line;
    },
    write(line) {
      mat.stream.write(`${line}\n`);
    },
    run(ticks) {
      mat.tick(ticks);
      const lines = [...pending, ...drain()];
      pending = [];
      return lines;
    },
    truths,
    stop: () => {
      pending = drain();
      mat.stop();
    },
  };
}
