// Issue 11 item 6: a replugged mat whose port path now leads to a new PTY, while the old one stays open and
// silent (a dead descriptor). The link must notice the silence, report itself down, reopen the path and report
// the real gap. Real PTYs from socat.
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { SerialLink } from '../../../gateway/ingest/serial-link.ts';
import { createLogger } from '../../../gateway/log/logger.ts';
import { openPtyPair } from '../../helpers/pty-pair.ts';
import { tmpDir } from '../../helpers/tmp-dir.ts';
import { waitFor } from '../../integration/helpers.ts';

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  port.on('error', () => undefined);
  return port;
}

describe('serial link silence', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('a silent port is reported down, reopened, and the gap is the real one', async () => {
    const dir = await tmpDir('tikar-silence-');
    cleanups.push(dir.cleanup);
    const path = join(dir.path, 'tikar-mat');
    const first = await openPtyPair();
    cleanups.push(() => first.close());
    await symlink(first.b, path);
    const link = new SerialLink({
      path,
      baudRate: 115200,
      silenceMs: 600,
      retryMs: 100,
      log: createLogger('test.silence'),
    });
    cleanups.push(() => link.close());
    const events: string[] = [];
    const gaps: number[] = [];
    let bytes = 0;
    link.on('up', ({ gapMs }) => {
      events.push('up');
      if (gapMs !== null) gaps.push(gapMs);
    });
    link.on('down', ({ reason }) => events.push(`down:${reason}`));
    link.on('data', (chunk) => {
      bytes += chunk.length;
    });

    // The mat's heartbeat on the first PTY.
    let mat = await openPort(first.a);
    let beat = setInterval(() => mat.write('heartbeat\n'), 100);
    cleanups.push(async () => clearInterval(beat));
    await waitFor('bytes from the first port', () => bytes > 50);
    expect(link.isUp).toBe(true);

    // Replugged: the stable path now leads to a new PTY; the old one stays open but silent.
    clearInterval(beat);
    const silentAt = Date.now();
    const second = await openPtyPair();
    cleanups.push(() => second.close());
    await rm(path);
    await symlink(second.b, path);
    await waitFor('reported down for silence', () => events.includes('down:silent'));
    expect(link.isUp).toBe(false);
    const downFor = 1500;
    await new Promise((resolve) => setTimeout(resolve, downFor));
    mat.close();
    mat = await openPort(second.a);
    beat = setInterval(() => mat.write('heartbeat\n'), 100);
    const backAt = Date.now();
    const before = bytes;
    await waitFor('bytes from the new port', () => bytes > before + 50 && link.isUp, 10_000);
    clearInterval(beat);
    mat.close();
    expect(events.filter((e) => e.startsWith('down'))).toEqual(['down:silent']);
    // The gap runs from the last byte to the first byte again, not from when the silence was noticed.
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toBeGreaterThanOrEqual(backAt - silentAt - 150);
  });
});
