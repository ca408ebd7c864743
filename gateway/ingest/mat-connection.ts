// One mat on one byte link: lines → frames (capped line buffer, CRC, schema) → calibrated samples.
// Nothing on the wire can crash this: bad lines are counted and logged at a limited rate, duplicated lines
// (same seq) are dropped, lost lines are counted from sequence gaps.

import { EventEmitter } from 'node:events';
import { applyCalibration, applyTaredWeight, type CalibrationProfile } from '../../calibration/index.ts';
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
}

export class MatConnection extends EventEmitter<MatEvents> {
  readonly #options: MatConnectionOptions;
  readonly #nowMs: () => number;
  #splitter: LineSplitter;
  readonly #sequence = new SequenceTracker();
  readonly counters: MatCounters = { framesOk: 0, framesCorrupt: 0, framesMissing: 0, framesDuplicate: 0 };
  #deviceId: string | null = null;
  #sensors: Channel[] = [];
  #profiles = new Map<Channel, CalibrationProfile>();
  #lastFrameAtMs: number | null = null;
  #commandSeq = 0;
  #lastCorruptLogMs = Number.NEGATIVE_INFINITY;
  #corruptSinceLog = 0;

  constructor(options: MatConnectionOptions) {
    super();
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#splitter = new LineSplitter((line) => this.#onLine(line));
    options.link.on('data', (chunk) => this.#splitter.push(chunk));
    options.link.on('up', ({ gapMs }) => {
      if (gapMs !== null) options.log.warn({ mat: this.#deviceId, gapMs }, 'mat link back after a gap');
      this.emit('status');
    });
    options.link.on('down', ({ reason }) => {
      options.log.warn({ mat: this.#deviceId, reason }, 'mat link down');
      this.#splitter = this.#freshSplitter();
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
        break;
      case 'status':
        this.emit('heartbeat', frame.payload.state);
        break;
      default:
        break; // commands coming from a mat are ignored
    }
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
    this.#deviceId = deviceId;
    this.#sensors = [...hello.sensors];
    this.#profiles = new Map(
      this.#options.profiles.filter((p) => p.deviceId === deviceId).map((p) => [p.channel, p] as const),
    );
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

  /** Sends a command to the mat; false when the link is down or no mat said hello yet. */
  command<T extends CommandType>(type: T, payload: Payload<T>): boolean {
    if (this.#deviceId === null) return false;
    const frame = {
      v: PROTOCOL_VERSION,
      device: this.#deviceId,
      seq: this.#commandSeq,
      type,
      payload,
    } as CommandFrame;
    this.#commandSeq = nextSeq(this.#commandSeq);
    return this.#options.link.writeLine(encodeFrame(frame));
  }

  async close(): Promise<void> {
    await this.#options.link.close();
  }
}
