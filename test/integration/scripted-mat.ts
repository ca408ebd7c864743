// A mat driven by a script instead of physics: every `start` command is answered at once with a burst of
// steady samples (device time advancing 40 ms a sample), so the gateway locks a reading as soon as it has
// read them. Lets benchmarks and unit tests run thousands of measurements in seconds, over the real wire
// protocol and the real ingest path.
import { EventEmitter } from 'node:events';
import { invertModel, simCalibrationProfiles } from '../../calibration/index.ts';
import type { ByteLink, ByteLinkEvents } from '../../gateway/ingest/byte-link.ts';
import { decodeFrame, encodeFrame, type Frame, nextSeq } from '../../protocol/index.ts';

export const SCRIPTED_DEVICE_ID = 'SIM-0001';

export class ScriptedMat extends EventEmitter<ByteLinkEvents> implements ByteLink {
  readonly name = 'scripted';
  readonly isUp = true;
  /** Board positions for the coming readings (mm); when empty, `defaultLengthMm`. */
  readonly lengths: number[] = [];
  defaultLengthMm = 750;
  weightG = 9000;
  samplesPerReading = 45;
  /** false: `start` is never answered (no ack, no reading), like an unplugged mat. */
  answersStart = true;
  /** A steady burst at this length sent before each `start`'s ack (e.g. the previous child still lying). */
  staleLengthMm: number | null = null;
  #seq = 0;
  #tMs = 0;
  readonly #profiles = simCalibrationProfiles(SCRIPTED_DEVICE_ID);

  /** Power-on: call once the gateway listens. */
  hello(): void {
    this.emit('up', { gapMs: null });
    this.#send({
      type: 'hello',
      payload: { firmware: 'scripted', protocol: 1, sensors: ['length', 'weight'], calibration_id: null },
    });
  }

  #send(frame: Pick<Frame, 'type' | 'payload'>): void {
    const line = encodeFrame({ v: 1, device: SCRIPTED_DEVICE_ID, seq: this.#seq, ...frame } as Frame);
    this.#seq = nextSeq(this.#seq);
    this.emit('data', Buffer.from(`${line}\n`));
  }

  /** The raw lines of one reading's burst, for ingest benchmarks. */
  burst(lengthMm: number): Buffer {
    const lines: string[] = [];
    const tare = 84_000;
    const lengthCounts = Math.round(invertModel(this.#profiles.length.model, lengthMm));
    // The simulated load cell is linear (no quadratic term): counts above the tare are grams / gain.
    const weightCounts = tare + Math.round(this.weightG / this.#profiles.weight.model.gain);
    for (let i = 0; i < this.samplesPerReading; i++) {
      this.#tMs += 40;
      for (const [channel, counts] of [
        ['length', lengthCounts],
        ['weight', weightCounts],
      ] as const) {
        const payload =
          channel === 'length'
            ? { channel, counts, t_ms: this.#tMs }
            : { channel, counts, t_ms: this.#tMs, tare };
        lines.push(
          encodeFrame({ v: 1, device: SCRIPTED_DEVICE_ID, seq: this.#seq, type: 'sample', payload } as Frame),
        );
        this.#seq = nextSeq(this.#seq);
      }
    }
    return Buffer.from(`${lines.join('\n')}\n`);
  }

  writeLine(line: string): boolean {
    const decoded = decodeFrame(line);
    if (decoded.ok && decoded.frame.type === 'start') {
      if (!this.answersStart) return true; // unplugged or hung: the command is lost
      const { seq } = decoded.frame;
      const lengthMm = this.lengths.shift() ?? this.defaultLengthMm;
      const staleMm = this.staleLengthMm;
      setImmediate(() => {
        // Samples already on the wire when the command arrived, then the ack, then the reading it starts.
        if (staleMm !== null) this.emit('data', this.burst(staleMm));
        this.#send({ type: 'ack', payload: { ack_seq: seq, ack_type: 'start', ok: true } });
        this.#send({ type: 'event', payload: { kind: 'board_moved', t_ms: this.#tMs } });
        this.emit('data', this.burst(lengthMm));
        this.#send({
          type: 'status',
          payload: { uptime_ms: this.#tMs, supply_mv: 5000, state: 'measuring' },
        });
      });
    }
    return true;
  }

  async close(): Promise<void> {}
}
