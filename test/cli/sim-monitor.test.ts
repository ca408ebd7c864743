// `tikar sim` and `tikar monitor` as real processes: the simulator on stdout piped into the monitor, and the
// simulator on a real socat PTY read by the real serialport library.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { ReadlineParser } from '@serialport/parser-readline';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { type MonitorSummary, WireMonitor } from '../../cli/monitor-run.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../protocol/index.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const TIKAR = 'bin/tikar.mjs';

/** `tikar sim ARGS | tikar monitor MONITOR_ARGS`; resolves with the monitor's stdout lines and the truth file. */
async function pipeline(
  simArgs: string[],
  monitorArgs: string[],
): Promise<{ lines: string[]; truth: string[] }> {
  const dir = await tmpDir();
  try {
    const truthFile = `${dir.path}/truth.jsonl`;
    const sim = spawn(process.execPath, [TIKAR, 'sim', '--stdout', ...simArgs, '--truth', truthFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const monitor = spawn(process.execPath, [TIKAR, 'monitor', ...monitorArgs], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    sim.stdout.pipe(monitor.stdin);
    let out = '';
    monitor.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    monitor.stdin.on('error', () => undefined); // the monitor may stop reading first (--count)
    const [code] = await once(monitor, 'exit');
    // As a shell pipe would: the reader is gone, so the simulator's next write fails and it stops.
    sim.stdout.destroy();
    if (sim.exitCode === null) await once(sim, 'exit');
    expect(code).toBe(0);
    return {
      lines: out.split('\n').filter(Boolean),
      truth: (await readFile(truthFile, 'utf8')).split('\n').filter(Boolean),
    };
  } finally {
    await dir.cleanup();
  }
}

function summaryOf(lines: string[]): MonitorSummary {
  const last = JSON.parse(lines.at(-1) ?? '{}') as { summary?: MonitorSummary };
  if (!last.summary) throw new Error('no summary line');
  return last.summary;
}

describe('WireMonitor on a live port', () => {
  const frame = encodeFrame({
    v: 1,
    device: 'MAT-1',
    seq: 1,
    type: 'status',
    payload: { uptime_ms: 1000, supply_mv: 5000, state: 'idle' },
  });

  it('skips an undecodable first fragment when it joined mid-stream, and only then', () => {
    const live = new WireMonitor(true);
    expect(live.observe(frame.slice(7))).toMatchObject({ partial: true });
    expect(live.observe(frame.slice(7))).toHaveProperty('rejected');
    expect(live.summary).toMatchObject({ lines: 2, rejected: 1, partialFirstLine: 1 });

    const piped = new WireMonitor(false);
    expect(piped.observe(frame.slice(7))).toHaveProperty('rejected');
    expect(piped.summary).toMatchObject({ rejected: 1, partialFirstLine: 0 });
  });

  it('counts a whole first line as a frame', () => {
    const live = new WireMonitor(true);
    expect(live.observe(frame)).not.toHaveProperty('partial');
    expect(live.summary).toMatchObject({ frames: 1, partialFirstLine: 0 });
  });
});

describe('tikar sim | tikar monitor', () => {
  it('calm: at least 20 samples a second per channel and no rejected line', async () => {
    const { lines, truth } = await pipeline(
      ['--scenario', 'calm', '--speed', '20', '--duration', '10', '--auto'],
      [],
    );
    const summary = summaryOf(lines);
    expect(summary.rejected).toBe(0);
    expect(summary.samplesPerSecond.length).toBeGreaterThanOrEqual(20);
    expect(summary.samplesPerSecond.weight).toBeGreaterThanOrEqual(20);
    expect(summary.framesByType.hello).toBe(1);
    expect(summary.framesByType.ack).toBeGreaterThanOrEqual(1); // --auto started a reading
    expect(summary.sequence).toEqual({ gaps: 0, missing: 0, duplicates: 0, resets: 0 });
    // One JSON object per line, then the summary.
    expect(lines).toHaveLength(summary.lines + 1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ n: 1, type: 'hello', sequence: 'first' });
    expect(truth.some((line) => line.includes('"truth"'))).toBe(true);
  });

  it('corrupt: every corruption is counted as a rejected line and none is accepted', async () => {
    const { lines, truth } = await pipeline(
      ['--scenario', 'corrupt', '--speed', '50', '--duration', '20'],
      ['--quiet'],
    );
    const summary = summaryOf(lines);
    expect(lines).toHaveLength(1);
    const wire = (JSON.parse(truth.at(-1) ?? '{}') as { wire: { lines: number; corrupted: number } }).wire;
    expect(wire.corrupted).toBeGreaterThan(20);
    expect(summary.lines).toBe(wire.lines);
    expect(summary.rejected).toBe(wire.corrupted);
    expect((summary.rejectedByKind.bad_checksum ?? 0) + (summary.rejectedByKind.malformed ?? 0)).toBe(
      wire.corrupted,
    );
    // Each rejected line shows up as exactly one missing frame: nothing corrupted slipped through as a frame.
    expect(summary.sequence.missing).toBe(wire.corrupted);
  });

  it('monitor --count stops after that many lines and still prints the summary', async () => {
    const { lines } = await pipeline(
      ['--scenario', 'duplicate', '--speed', '50', '--duration', '30'],
      ['--count', '40'],
    );
    expect(summaryOf(lines).lines).toBe(40);
    expect(lines).toHaveLength(41);
  });
});

describe('tikar sim --pty', () => {
  it('feeds the real serialport library through a socat PTY: every frame decodes, commands are answered', async () => {
    const sim = spawn(process.execPath, [TIKAR, 'sim', '--pty', '--scenario', 'calm', '--speed', '5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const [pathChunk] = (await once(sim.stdout, 'data')) as [Buffer];
      const gatewayPath = pathChunk.toString().trim();
      expect(gatewayPath).toMatch(/gateway$/);
      const port = new SerialPort({ path: gatewayPath, baudRate: 115_200 });
      const parser = port.pipe(new ReadlineParser({ delimiter: '\n' }));
      const frames: Frame[] = [];
      const rejected: string[] = [];
      const done = new Promise<void>((resolve) => {
        parser.on('data', (line: string) => {
          const decoded = decodeFrame(line);
          if (decoded.ok) frames.push(decoded.frame);
          else rejected.push(line);
          if (frames.length === 5)
            port.write(`${encodeFrame({ v: 1, device: 'SIM-0001', seq: 0, type: 'start', payload: {} })}\n`);
          if (frames.some((frame) => frame.type === 'ack') && frames.length >= 200) resolve();
        });
      });
      await done;
      await new Promise<void>((resolve) => port.close(() => resolve()));
      expect(rejected).toEqual([]);
      expect(frames.find((frame) => frame.type === 'ack')?.payload).toEqual({
        ack_seq: 0,
        ack_type: 'start',
        ok: true,
      });
      expect(frames.filter((frame) => frame.type === 'sample').length).toBeGreaterThan(150);
    } finally {
      sim.kill('SIGTERM');
      await once(sim, 'exit');
    }
  });

  it('tikar monitor --port reads the PTY the simulator made', async () => {
    const sim = spawn(process.execPath, [TIKAR, 'sim', '--pty', '--scenario', 'dropped', '--speed', '10'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const [pathChunk] = (await once(sim.stdout, 'data')) as [Buffer];
      const monitor = spawn(
        process.execPath,
        [TIKAR, 'monitor', '--port', pathChunk.toString().trim(), '--count', '300', '--quiet'],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      let out = '';
      monitor.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const [code] = await once(monitor, 'exit');
      expect(code).toBe(0);
      const summary = summaryOf(out.split('\n').filter(Boolean));
      expect(summary.lines).toBe(300);
      expect(summary.rejected).toBe(0);
      expect(summary.sequence.missing).toBeGreaterThan(0); // the dropped scenario loses lines
    } finally {
      sim.kill('SIGTERM');
      await once(sim, 'exit');
    }
  });

  it('says plainly when socat is missing', async () => {
    const sim = spawn(process.execPath, [TIKAR, 'sim', '--pty'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: '/nonexistent' },
    });
    let err = '';
    sim.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const [code] = await once(sim, 'exit');
    expect(code).toBe(1);
    expect(err).toContain('socat is not installed');
  });
});
