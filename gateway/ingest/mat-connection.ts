// One mat on one byte link: lines → frames (capped line buffer, CRC, schema) → calibrated samples.
// Nothing on the wire can crash this: bad lines are counted and logged at a limited rate, duplicated lines
// (same seq) are dropped, lost lines are counted from sequence gaps.

import { EventEmitter } from 'node:events';
import {
  activeProfile,
  applyCalibration,
  applyTaredWeight,
  blockingCheck,
  type CalibrationProfile,
  type DeviceCalibrationRecord,
  type ReferenceCheck,
} from '../../calibration/index.ts';
import {
  type Channel,
  type CommandFrame,
  type CommandType,
  decodeFrame,
  encodeFrame,
  LineSplitter,
  nextSeq,
  type Payload,
  PROTOCOL_VERSION,
  SequenceTracker,
} from '../../protocol/index.ts';
import type { Logger } from '../log/logger.ts';
import type { ByteLink } from './byte-link.ts';

export interface CalibratedSample {
  channel: Channel;
  /** mm (length) or g (weight); null when the value is outside what a child can measure. */
  value: number | null;
  counts: number;
  /** Device clock, ms. */
  tMs: number;
}

export interface MatCounters {
  framesOk: number;
  framesCorrupt: number;
  framesMissing: number;
  framesDuplicate: number;
  /** Valid frames from another device id than the one this link is bound to: dropped. */
  framesForeign: number;
}

export type CalibrationState = 'calibrated' | 'uncalibrated' | 'expired';

export interface MatConnectionOptions {
  link: ByteLink;
  /** Profiles this gateway may apply; matched by the device id of the mat's hello. */
  profiles: readonly CalibrationProfile[];
  log: Logger;
  /** Wall clock, ms (calibration expiry, last frame time). */
  nowMs?: () => number;
  /** Length samples outside this range mean "no child" (the board parked, or pulled away). */
  lengthRangeMm?: [number, number];
  /** Weight samples below this mean an empty scale. */
  minWeightG?: number;
  /** At most one corrupt-frame log line per this long. Default 5 s. */
  corruptLogEveryMs?: number;
}

interface MatEvents {
  sample: [CalibratedSample];
  hello: [{ deviceId: string; sensors: Channel[]; calibrationId: string | null }];
  boardMoved: [];
  matError: [Payload<'error'>];
  /** The mat's own heartbeat: idle or measuring. */
  heartbeat: [Payload<'status'>['state']];
  status: [];
  /** The mat acknowledged (or refused) one of our commands. */
  ack: [Payload<'ack'>];
}

export class MatConnection extends EventEmitter<MatEvents> {
  readonly #options: MatConnectionOptions;
  readonly #nowMs: () => number;
  #splitter: LineSplitter;
  readonly #sequence = new SequenceTracker();
  readonly counters: MatCounters = {
    framesOk: 0,
    framesCorrupt: 0,
    framesMissing: 0,
    framesDuplicate: 0,
    framesForeign: 0,
  };
  /**
   * A link carries one mat: the device id of the first hello (or sample) after each (re)connect. Frames of any
   * other id are dropped, never mixed into a reading or allowed to replace the mat's identity.
   */
  #boundDeviceId: string | null = null;
  #foreignDeviceId: string | null = null;
  #lastForeignLogMs = Number.NEGATIVE_INFINITY;
  #deviceId: string | null = null;
  #sensors: Channel[] = [];
  #profiles = new Map<Channel, CalibrationProfile>();
  /** What the calibration store holds for this mat (profiles made by `tikar calibrate`, reference checks). */
  #stored: DeviceCalibrationRecord | null = null;
  #blockingCheck: ReferenceCheck | null = null;
  #downSinceMs: number | null = null;
  #lastGapMs: number | null = null;
  #lastFrameAtMs: number | null = null;
  #commandSeq = 0;
  /** The last few command lines by seq, to repeat one whose ack was lost. */
  readonly #recentCommands = new Map<number, string>();
  #lastCorruptLogMs = Number.NEGATIVE_INFINITY;
  #corruptSinceLog = 0;

  constructor(options: MatConnectionOptions) {
    super();
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#splitter = new LineSplitter((line) => this.#onLine(line));
    options.link.on('data', (chunk) => this.#splitter.push(chunk));
    options.link.on('up', ({ gapMs }) => {
      if (gapMs !== null) {
        options.log.warn({ mat: this.#deviceId, gapMs }, 'mat link back after a gap');
        this.#lastGapMs = gapMs;
      }
      this.#downSinceMs = null;
      this.emit('status');
    });
    options.link.on('down', ({ reason }) => {
      options.log.warn({ mat: this.#deviceId, reason }, 'mat link down');
      this.#downSinceMs = this.#nowMs();
      this.#splitter = this.#freshSplitter();
      // Whatever is plugged in next says hello and is bound then (it may be another mat).
      this.#boundDeviceId = null;
      this.#foreignDeviceId = null;
      this.emit('status');
    });
  }

  #freshSplitter(): LineSplitter {
    // A half line from before the unplug must not be glued to the first line after it.
    return new LineSplitter((line) => this.#onLine(line));
  }

  get deviceId(): string | null {
    return this.#deviceId;
  }
  get sensors(): readonly Channel[] {
    return this.#sensors;
  }
  get connected(): boolean {
    return this.#options.link.isUp;
  }
  get portName(): string {
    return this.#options.link.name;
  }
  get lastFrameAtMs(): number | null {
    return this.#lastFrameAtMs;
  }
  /** The last other device id whose frames came over this link since it was bound (a conflict), or null. */
  get foreignDeviceId(): string | null {
    return this.#foreignDeviceId;
  }

  /** Wall time the link went down, null while it is up (or has never been up and down). */
  get disconnectedSinceMs(): number | null {
    return this.#downSinceMs;
  }
  /** How long the link was down the last time it came back, ms. */
  get lastGapMs(): number | null {
    return this.#lastGapMs;
  }
  /** The failed reference check that blocks this mat until it is recalibrated, if any. */
  get blockingCheck(): ReferenceCheck | null {
    return this.#blockingCheck;
  }

  /**
   * Takes what the calibration store holds for this mat: its newest profile per channel wins over the
   * configured ones when newer, and a failed reference check blocks the mat. Ignored for another device.
   */
  useCalibrationRecord(record: DeviceCalibrationRecord): void {
    if (record.deviceId !== this.#deviceId) return;
    this.#stored = record;
    this.#profiles = this.#activeProfiles(record.deviceId);
    this.#blockingCheck = blockingCheck(record) ?? null;
  }

  #activeProfiles(deviceId: string): Map<Channel, CalibrationProfile> {
    const configured = this.#options.profiles.filter((p) => p.deviceId === deviceId);
    const stored = this.#stored?.deviceId === deviceId ? this.#stored.profiles : [];
    const merged: DeviceCalibrationRecord = { deviceId, profiles: [...configured, ...stored], checks: [] };
    const active = new Map<Channel, CalibrationProfile>();
    for (const channel of ['length', 'weight'] as const) {
      const profile = activeProfile(merged, channel);
      if (profile) active.set(channel, profile);
    }
    return active;
  }

  calibration(channel: Channel): { state: CalibrationState; profile: CalibrationProfile | null } {
    const profile = this.#profiles.get(channel) ?? null;
    if (!profile) return { state: 'uncalibrated', profile };
    return { state: Date.parse(profile.expiresAt) < this.#nowMs() ? 'expired' : 'calibrated', profile };
  }

  #onLine(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) return;
    const decoded = decodeFrame(line);
    if (!decoded.ok) {
      this.counters.framesCorrupt++;
      this.#logCorrupt(decoded.error.kind, decoded.error.message);
      return;
    }
    const frame = decoded.frame;
    if (this.#boundDeviceId === null && (frame.type === 'hello' || frame.type === 'sample'))
      this.#boundDeviceId = frame.device;
    if (this.#boundDeviceId !== null && frame.device !== this.#boundDeviceId) {
      this.#onForeign(frame.device);
      return;
    }
    const sequence = this.#sequence.observe(frame.device, frame.seq);
    if (sequence.kind === 'duplicate') {
      this.counters.framesDuplicate++;
      return;
    }
    if (sequence.kind === 'gap') this.counters.framesMissing += sequence.missing;
    this.counters.framesOk++;
    this.#lastFrameAtMs = this.#nowMs();
    switch (frame.type) {
      case 'hello':
        this.#onHello(frame.device, frame.payload);
        break;
      case 'sample':
        this.#onSample(frame.device, frame.payload);
        break;
      case 'event':
        if (frame.payload.kind === 'board_moved') this.emit('boardMoved');
        break;
      case 'error':
        this.#options.log.warn({ mat: frame.device, code: frame.payload.code }, 'mat reported an error');
        this.emit('matError', frame.payload);
        break;
      case 'ack':
        if (!frame.payload.ok) {
          this.#options.log.warn({ mat: frame.device, ack: frame.payload }, 'mat refused a command');
        }
        this.emit('ack', frame.payload);
        break;
      case 'status':
        this.emit('heartbeat', frame.payload.state);
        break;
      default:
        break; // commands coming from a mat are ignored
    }
  }

  #onForeign(deviceId: string): void {
    this.counters.framesForeign++;
    const first = this.#foreignDeviceId !== deviceId;
    this.#foreignDeviceId = deviceId;
    const now = this.#nowMs();
    if (first || now - this.#lastForeignLogMs >= (this.#options.corruptLogEveryMs ?? 5000)) {
      this.#options.log.warn(
        { mat: this.#boundDeviceId, other: deviceId.slice(0, 64), dropped: this.counters.framesForeign },
        'frames from another device on this mat link: dropped',
      );
      this.#lastForeignLogMs = now;
    }
    if (first) this.emit('status');
  }

  #logCorrupt(kind: string, message: string): void {
    this.#corruptSinceLog++;
    const now = this.#nowMs();
    if (now - this.#lastCorruptLogMs < (this.#options.corruptLogEveryMs ?? 5000)) return;
    this.#options.log.warn(
      { mat: this.#deviceId, kind, err: message.slice(0, 120), count: this.#corruptSinceLog },
      'corrupt frames from the mat',
    );
    this.#lastCorruptLogMs = now;
    this.#corruptSinceLog = 0;
  }

  #onHello(deviceId: string, hello: Payload<'hello'>): void {
    if (this.#deviceId !== deviceId) {
      this.#stored = null;
      this.#blockingCheck = null;
    }
    this.#deviceId = deviceId;
    this.#sensors = [...hello.sensors];
    this.#profiles = this.#activeProfiles(deviceId);
    this.#options.log.info(
      { mat: deviceId, sensors: hello.sensors, firmware: hello.firmware, calibrated: this.#profiles.size },
      'mat said hello',
    );
    this.emit('hello', { deviceId, sensors: this.#sensors, calibrationId: hello.calibration_id });
    this.emit('status');
  }

  #onSample(deviceId: string, sample: Payload<'sample'>): void {
    if (this.#deviceId === null) {
      // Samples before any hello (the gateway started while the mat was running): adopt the device.
      this.#onHello(deviceId, {
        firmware: 'unknown',
        protocol: PROTOCOL_VERSION,
        sensors: ['length'],
        calibration_id: null,
      });
    }
    if (sample.channel === 'weight' && !this.#sensors.includes('weight')) this.#sensors.push('weight');
    const profile = this.#profiles.get(sample.channel);
    if (!profile) return; // uncalibrated: counts mean nothing in mm or g
    let value: number | null;
    if (sample.channel === 'length') {
      const mm = applyCalibration(profile, sample.counts);
      const [minMm, maxMm] = this.#options.lengthRangeMm ?? [380, 1200];
      value = mm >= minMm && mm <= maxMm ? mm : null;
    } else {
      const g = applyTaredWeight(profile, sample.counts, sample.tare);
      value = g >= (this.#options.minWeightG ?? 500) ? g : null;
    }
    this.emit('sample', { channel: sample.channel, value, counts: sample.counts, tMs: sample.t_ms });
  }

  /** The seq the next command will carry (to await its ack before a fast mat can answer). */
  get nextCommandSeq(): number {
    return this.#commandSeq;
  }

  /** Sends a command to the mat: its seq (the mat's `ack` names it), or null when the link is down or no mat
   * said hello yet. */
  command<T extends CommandType>(type: T, payload: Payload<T>): number | null {
    if (this.#deviceId === null) return null;
    const frame = {
      v: PROTOCOL_VERSION,
      device: this.#deviceId,
      seq: this.#commandSeq,
      type,
      payload,
    } as CommandFrame;
    const seq = this.#commandSeq;
    this.#commandSeq = nextSeq(this.#commandSeq);
    const line = encodeFrame(frame);
    this.#recentCommands.set(seq, line);
    if (this.#recentCommands.size > 8)
      this.#recentCommands.delete(this.#recentCommands.keys().next().value ?? seq);
    return this.#options.link.writeLine(line) ? seq : null;
  }

  /**
   * Writes a recent command again with its own seq (its ack was lost, e.g. a corrupted line): the mat
   * acknowledges a repeated seq again without carrying it out twice (protocol README). False if not sent.
   */
  repeatCommand(seq: number): boolean {
    const line = this.#recentCommands.get(seq);
    return line !== undefined && this.#options.link.writeLine(line);
  }

  async close(): Promise<void> {
    await this.#options.link.close();
  }
}
