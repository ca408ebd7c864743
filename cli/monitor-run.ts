// `tikar monitor`'s work, loaded once its options are parsed (cli/monitor.ts): the wire decoded line by line,
// with the counts of the summary.
import type { Readable } from 'node:stream';
import {
  type DecodeErrorKind,
  decodeFrame,
  type FrameType,
  LineSplitter,
  SequenceTracker,
} from '../protocol/index.ts';
import type { MonitorOptions } from './monitor.ts';
import { stopSignal } from './stop-signal.ts';

export interface MonitorSummary {
  lines: number;
  frames: number;
  rejected: number;
  /** 1 when the port was opened in the middle of a line and that first fragment did not decode. */
  partialFirstLine: number;
  framesByType: Partial<Record<FrameType, number>>;
  rejectedByKind: Partial<Record<DecodeErrorKind, number>>;
  sequence: { gaps: number; missing: number; duplicates: number; resets: number };
  /** Samples per second of device time, per channel. */
  samplesPerSecond: Record<string, number>;
}

/** Decodes lines one by one and keeps the counts for the summary. */
export class WireMonitor {
  readonly #tracker = new SequenceTracker();
  readonly #sampleTimes = new Map<string, { count: number; firstMs: number; lastMs: number }>();
  readonly summary: MonitorSummary = {
    lines: 0,
    frames: 0,
    rejected: 0,
    partialFirstLine: 0,
    framesByType: {},
    rejectedByKind: {},
    sequence: { gaps: 0, missing: 0, duplicates: 0, resets: 0 },
    samplesPerSecond: {},
  };

  /** `joinedMidStream`: reading a live port, whose first bytes may be the tail of a line sent before we opened it. */
  constructor(private readonly joinedMidStream = false) {}

  /** The JSON object printed for one line. */
  observe(line: string): Record<string, unknown> {
    const summary = this.summary;
    summary.lines++;
    const decoded = decodeFrame(line);
    if (!decoded.ok && this.joinedMidStream && summary.lines === 1) {
      summary.partialFirstLine = 1;
      return { n: summary.lines, partial: true, message: 'opened mid-line: first fragment skipped' };
    }
    if (!decoded.ok) {
      summary.rejected++;
      const { kind, message } = decoded.error;
      summary.rejectedByKind[kind] = (summary.rejectedByKind[kind] ?? 0) + 1;
      return { n: summary.lines, rejected: kind, message, line: line.slice(0, 160) };
    }
    const frame = decoded.frame;
    summary.frames++;
    summary.framesByType[frame.type] = (summary.framesByType[frame.type] ?? 0) + 1;
    const sequence = this.#tracker.observe(frame.device, frame.seq);
    if (sequence.kind === 'gap') {
      summary.sequence.gaps++;
      summary.sequence.missing += sequence.missing;
    } else if (sequence.kind === 'duplicate') summary.sequence.duplicates++;
    else if (sequence.kind === 'reset') summary.sequence.resets++;
    // A repeated line is not a new sample.
    if (frame.type === 'sample' && sequence.kind !== 'duplicate') {
      this.#countSample(frame.payload.channel, frame.payload.t_ms);
    }
    return { n: summary.lines, sequence: sequence.kind, ...frame };
  }

  #countSample(channel: string, tMs: number): void {
    const times = this.#sampleTimes.get(channel);
    if (!times) {
      this.#sampleTimes.set(channel, { count: 1, firstMs: tMs, lastMs: tMs });
      return;
    }
    times.count++;
    times.firstMs = Math.min(times.firstMs, tMs);
    times.lastMs = Math.max(times.lastMs, tMs);
    const spanS = (times.lastMs - times.firstMs) / 1000;
    if (spanS > 0) this.summary.samplesPerSecond[channel] = Math.round(((times.count - 1) / spanS) * 10) / 10;
  }
}

function describe(summary: MonitorSummary): string {
  const counts = (record: Record<string, number | undefined>) =>
    Object.entries(record)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ') || 'none';
  const { sequence } = summary;
  return [
    `lines ${summary.lines}: ${summary.frames} frames, ${summary.rejected} rejected${summary.partialFirstLine ? ' (first fragment skipped: opened mid-line)' : ''}`,
    `frames by type: ${counts(summary.framesByType)}`,
    `rejected: ${counts(summary.rejectedByKind)} (checksum failures: ${summary.rejectedByKind.bad_checksum ?? 0})`,
    `sequence: ${sequence.gaps} gaps (${sequence.missing} frames missing), ${sequence.duplicates} duplicates, ${sequence.resets} resets`,
    `samples per second: ${counts(summary.samplesPerSecond)}`,
  ].join('\n');
}

async function openInput(options: MonitorOptions): Promise<{ input: Readable; close: () => void }> {
  const path = options.port;
  if (path === undefined) return { input: process.stdin, close: () => process.stdin.destroy() };
  const { openSerialPort } = await import('../gateway/ingest/serial-link.ts');
  const port = await openSerialPort(path, options.baud);
  return { input: port, close: () => port.close(() => undefined) };
}

export async function watch(options: MonitorOptions): Promise<number> {
  let opened: Awaited<ReturnType<typeof openInput>>;
  try {
    opened = await openInput(options);
  } catch (error) {
    process.stderr.write(`tikar monitor: ${(error as Error).message}\n`);
    return 1;
  }
  const stopped = stopSignal();
  const monitor = new WireMonitor(options.port !== undefined);
  const out: string[] = [];
  const flush = () => {
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  };
  await new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve();
    };
    const lines = new LineSplitter((line) => {
      if (done) return;
      const printed = monitor.observe(line);
      if (!options.quiet) out.push(JSON.stringify(printed));
      if (options.count !== undefined && monitor.summary.lines >= options.count) finish();
    });
    opened.input.on('data', (chunk: Buffer) => {
      lines.push(chunk);
      flush();
    });
    opened.input.once('end', finish);
    opened.input.once('error', (error) => {
      process.stderr.write(`tikar monitor: ${error.message}\n`);
      finish();
    });
    void stopped.then(finish);
    if (options.duration !== undefined) setTimeout(finish, options.duration * 1000).unref();
  });
  flush();
  opened.close();
  process.stdout.write(`${JSON.stringify({ summary: monitor.summary })}\n`);
  process.stderr.write(`${describe(monitor.summary)}\n`);
  return 0;
}
