import { describe, expect, it } from 'vitest';
import {
  crc32Ascii,
  createCommandHandler,
  decodeFrame,
  encodeFrame,
  type Frame,
  FrameWriter,
  LineSplitter,
  MAX_LINE_CHARS,
  nextSeq,
  SequenceTracker,
} from '../../protocol/index.ts';

const sample: Frame = {
  v: 1,
  device: 'MAT-0001',
  seq: 42,
  type: 'sample',
  payload: { channel: 'length', counts: 31500, t_ms: 120340 },
};

/** A line with a correct checksum over an arbitrary body, to reach the checks after the CRC. */
function withCrc(body: string): string {
  return `${body} *${crc32Ascii(body).toString(16).toUpperCase().padStart(8, '0')}`;
}

describe('CRC-32', () => {
  it('matches the standard check value for "123456789"', () => {
    expect(crc32Ascii('123456789')).toBe(0xcbf43926);
  });
  it('reports characters outside printable ASCII', () => {
    expect(crc32Ascii('ab\u0000c')).toBe(-1);
    expect(crc32Ascii('é')).toBe(-1);
  });
});

describe('encodeFrame / decodeFrame', () => {
  it('writes the line of the spec example', () => {
    expect(encodeFrame(sample)).toBe(
      'TK1 MAT-0001 42 sample {"channel":"length","counts":31500,"t_ms":120340} *B870169D',
    );
  });

  it('round-trips every frame type', () => {
    const frames: Frame[] = [
      {
        v: 1,
        device: 'A',
        seq: 0,
        type: 'hello',
        payload: { firmware: 'fw 1', protocol: 1, sensors: ['length'], calibration_id: null },
      },
      sample,
      {
        v: 1,
        device: 'A',
        seq: 2,
        type: 'sample',
        payload: { channel: 'weight', counts: -5, t_ms: 1, tare: 84000 },
      },
      { v: 1, device: 'A', seq: 3, type: 'event', payload: { kind: 'board_moved', t_ms: 5 } },
      {
        v: 1,
        device: 'A',
        seq: 4,
        type: 'status',
        payload: { uptime_ms: 1000, supply_mv: 5000, state: 'idle' },
      },
      {
        v: 1,
        device: 'A',
        seq: 5,
        type: 'error',
        payload: { code: 'sensor_fault', channel: 'length', message: 'x' },
      },
      {
        v: 1,
        device: 'A',
        seq: 6,
        type: 'ack',
        payload: { ack_seq: 9, ack_type: 'beep', ok: false, reason: 'no piezo' },
      },
      { v: 1, device: 'A', seq: 7, type: 'start', payload: {} },
      { v: 1, device: 'A', seq: 8, type: 'stop', payload: {} },
      { v: 1, device: 'A', seq: 9, type: 'tare', payload: {} },
      { v: 1, device: 'A', seq: 10, type: 'beep', payload: { duration_ms: 200, pattern: 'lock' } },
      { v: 1, device: 'A', seq: 11, type: 'display', payload: { text: 'Berat ≥ 8,4 kg "ok"' } },
      { v: 1, device: 'A', seq: 65535, type: 'calibration', payload: { calibration_id: 'cal-1' } },
    ];
    for (const frame of frames) {
      const line = encodeFrame(frame);
      expect(line).toMatch(/^[\x20-\x7e]+$/);
      expect(decodeFrame(line)).toEqual({ ok: true, frame });
    }
  });

  it('tolerates one trailing carriage return', () => {
    expect(decodeFrame(`${encodeFrame(sample)}\r`).ok).toBe(true);
  });

  it.each([
    ['too_long', 'x'.repeat(MAX_LINE_CHARS + 1)],
    ['malformed', ''],
    ['malformed', 'hello world'],
    ['malformed', `${encodeFrame(sample).slice(0, -8)}b870169d`],
    ['malformed', withCrc('TK1 MAT-0001 42 sample\t{}')],
    ['malformed', withCrc('XX1 MAT-0001 42 sample {}')],
    ['malformed', withCrc('TK01 MAT-0001 42 sample {}')],
    ['malformed', withCrc('TK1 bad/id 42 sample {}')],
    ['malformed', withCrc('TK1 MAT 042 sample {}')],
    ['malformed', withCrc('TK1 MAT 65536 sample {}')],
    ['bad_checksum', encodeFrame(sample).replace('31500', '31501')],
    ['unknown_version', withCrc('TK2 MAT-0001 42 sample {}')],
    ['unknown_type', withCrc('TK1 MAT-0001 42 reboot {}')],
    ['unknown_type', withCrc('TK1 MAT-0001 42 toString {}')],
    ['schema', withCrc('TK1 MAT-0001 42 sample {"channel":"length"')],
    ['schema', withCrc('TK1 MAT-0001 42 sample {"channel":"height","counts":1,"t_ms":1}')],
    ['schema', withCrc('TK1 MAT-0001 42 sample {"channel":"length","counts":1.5,"t_ms":1}')],
    ['schema', withCrc('TK1 MAT-0001 42 display {"text":"this text is far too long for the mat lcd"}')],
    ['schema', withCrc('TK1 MAT-0001 42 start []')],
  ])('rejects as %s: %s', (kind, line) => {
    const result = decodeFrame(line);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe(kind);
      expect(result.error.message.length).toBeGreaterThan(5);
    }
  });

  it('names the offending field in a schema error', () => {
    const result = decodeFrame(withCrc('TK1 M 1 status {"uptime_ms":1,"supply_mv":-3,"state":"idle"}'));
    expect(result).toMatchObject({ ok: false, error: { kind: 'schema' } });
    expect(!result.ok && result.error.message).toContain('status.supply_mv');
  });

  it('returns an error, not an exception, for a non-string', () => {
    expect(decodeFrame(undefined as unknown as string)).toMatchObject({
      ok: false,
      error: { kind: 'malformed' },
    });
  });
});

describe('SequenceTracker', () => {
  it('reports first, ok, gap, duplicate and reset per device', () => {
    const tracker = new SequenceTracker();
    expect(tracker.observe('a', 5)).toEqual({ kind: 'first' });
    expect(tracker.observe('a', 6)).toEqual({ kind: 'ok' });
    expect(tracker.observe('b', 100)).toEqual({ kind: 'first' });
    expect(tracker.observe('a', 9)).toEqual({ kind: 'gap', missing: 2, expected: 7 });
    expect(tracker.observe('a', 9)).toEqual({ kind: 'duplicate', expected: 10 });
    expect(tracker.observe('a', 8)).toEqual({ kind: 'duplicate', expected: 10 });
    expect(tracker.observe('a', 10)).toEqual({ kind: 'ok' });
    expect(tracker.observe('a', 0)).toEqual({ kind: 'reset', expected: 11 });
    expect(tracker.observe('a', 0)).toEqual({ kind: 'duplicate', expected: 1 });
    expect(tracker.observe('b', 101)).toEqual({ kind: 'ok' });
  });

  it('wraps from 65535 to 0 without a reset', () => {
    const tracker = new SequenceTracker();
    tracker.observe('a', 65534);
    expect(tracker.observe('a', 65535)).toEqual({ kind: 'ok' });
    expect(tracker.observe('a', nextSeq(65535))).toEqual({ kind: 'ok' });
    expect(tracker.observe('a', 3)).toEqual({ kind: 'gap', missing: 2, expected: 1 });
  });
});

describe('LineSplitter', () => {
  it('joins chunks into lines and keeps an unfinished line back', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push('ab');
    splitter.push(Buffer.from('c\nde\n\nf'));
    expect(lines).toEqual(['abc', 'de', '']);
    splitter.push('g\n');
    expect(lines).toEqual(['abc', 'de', '', 'fg']);
  });

  it('cuts an endless line once, discards the rest of it, and keeps its buffer bounded', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 10);
    for (let i = 0; i < 1000; i++) splitter.push('xxxxxxx');
    splitter.push('yy\nok\n');
    expect(lines).toEqual(['x'.repeat(11), 'ok']);
    splitter.push(`${'z'.repeat(30)}\n`);
    expect(lines[2]).toBe('z'.repeat(11));
    expect(decodeFrame(`${'z'.repeat(MAX_LINE_CHARS)}z`)).toMatchObject({
      ok: false,
      error: { kind: 'too_long' },
    });
  });
});

describe('FrameWriter and createCommandHandler', () => {
  it('numbers frames from 0 and wraps after 65535', () => {
    const lines: string[] = [];
    const writer = new FrameWriter('MAT-1', (line) => lines.push(line));
    for (let i = 0; i < 65_537; i++) writer.send('start', {});
    const seqs = [lines[0], lines[65_535], lines[65_536]].map((line) => {
      const decoded = decodeFrame(line ?? '');
      return decoded.ok ? decoded.frame.seq : -1;
    });
    expect(seqs).toEqual([0, 65_535, 0]);
  });

  it('acknowledges by seq, passes refusals on, and executes a repeated line once', () => {
    const replies: string[] = [];
    const executed: string[] = [];
    const handle = createCommandHandler({
      deviceId: 'MAT-1',
      writer: new FrameWriter('MAT-1', (line) => replies.push(line)),
      execute: (frame) => {
        executed.push(frame.type);
        return frame.type === 'beep' ? 'no piezo configured' : undefined;
      },
    });
    const gateway = new FrameWriter('MAT-1', (line) => {
      handle(line);
      if (line.includes(' tare ')) handle(line);
    });
    gateway.send('tare', {});
    gateway.send('beep', { duration_ms: 100, pattern: 'error' });
    handle('TK1 garbage');
    const payloads = replies.map((line) => {
      const decoded = decodeFrame(line);
      return decoded.ok ? decoded.frame.payload : undefined;
    });
    expect(executed).toEqual(['tare', 'beep']);
    expect(payloads).toEqual([
      { ack_seq: 0, ack_type: 'tare', ok: true },
      { ack_seq: 0, ack_type: 'tare', ok: true },
      { ack_seq: 1, ack_type: 'beep', ok: false, reason: 'no piezo configured' },
      { code: 'bad_command', message: "malformed: line does not end with ' *' and 8 hex digits of CRC-32" },
    ]);
  });
});
