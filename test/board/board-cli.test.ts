// `tikar gateway --board` and `tikar mat` as a Pi runs them: separate processes opening the board's port (a real
// PTY pair, 57600 baud) with serialport, the emulated Uno behind it. Wrong boards give a clear error naming the
// port while the screens keep serving; the right board is then found by the retries; unplugged and replugged
// it is read again within 2 s; a wrong pin is refused before the board is touched.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyLink, openSerialPort, type PtyLink } from '../../device/serial-port.ts';
import { openDb } from '../../gateway/store/db.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { waitFor } from '../integration/helpers.ts';
import { EmulatedUno } from './avr/emulated-uno.ts';
import { parseIntelHex } from './avr/firmata-hex.ts';
import { type PtyBoard, putOnPty } from './avr/pty-bridge.ts';
import { EMULATED_MAT_ID, emulatedMatProfiles, MatPhysics, PINS } from './emulated-mat.ts';
import { apiClient, measureAsKader, registerChild } from './kader.ts';

const root = join(import.meta.dirname, '..', '..');
const kaderPin = '735142';

const matJson = {
  deviceId: EMULATED_MAT_ID,
  board: 'uno',
  length: { driver: 'analog', pin: `A${PINS.length}` },
  weight: { driver: 'analog', pin: `A${PINS.weight}` },
  buttons: { measure: PINS.measureButton, tare: PINS.tareButton },
  piezo: PINS.piezo,
  led: PINS.led,
};

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function tikar(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [join(root, 'bin', 'tikar.mjs'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TIKAR_LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    if (process.env.BOARD_DEBUG) appendFileSync(process.env.BOARD_DEBUG, chunk);
  });
  child.once('exit', (code, signal) => {
    if (process.env.BOARD_DEBUG)
      appendFileSync(process.env.BOARD_DEBUG, `EXIT ${args[0]} ${code} ${signal}\n`);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function stop(run: Run | undefined): Promise<void> {
  if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
  await run.exited;
  clearTimeout(timer);
}

describe('tikar gateway --board on a PTY, as on a Pi', { timeout: 180_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let boardPath: string;
  let gateway: Run | undefined;
  let webUrl = '';
  const api = apiClient(() => webUrl);
  const unos: EmulatedUno[] = [];
  let physics: MatPhysics | undefined;
  let board: PtyBoard | undefined;
  let silent: PtyLink | undefined;

  beforeAll(async () => {
    dir = await tmpDir('tikar-board-cli-');
    boardPath = join(dir.path, 'tikar-board');
    await writeFile(join(dir.path, 'mat.json'), JSON.stringify(matJson));
    await writeFile(join(dir.path, 'calibration.json'), JSON.stringify(emulatedMatProfiles()));
  });

  afterAll(async () => {
    await stop(gateway);
    physics?.stop();
    await board?.close();
    await silent?.close();
    for (const uno of unos) await uno.stop();
    await dir?.cleanup();
  });

  const status = async () =>
    (
      await api<{ mats: { mat_id: string; connected: boolean; frames_ok: number; port: string }[] }>(
        'GET',
        '/api/status',
      )
    ).json.mats;

  it('names the port of a silent board and of a board with other firmware within 10 s, serving the screens', async () => {
    // A port that answers nothing (the board's end of the PTY pair is never read).
    silent = await openPtyLink(boardPath);
    gateway = tikar(
      [
        'gateway',
        '--db',
        join(dir.path, 'tikar.db'),
        '--http',
        '0',
        '--calibration',
        join(dir.path, 'calibration.json'),
      ],
      { TIKAR_BOARD: boardPath, TIKAR_MAT_CONFIG: join(dir.path, 'mat.json'), TIKAR_PIN_KADER: kaderPin },
    );
    webUrl = await waitFor(
      'the address',
      () => /Open (http:\/\/\S+) in a browser/.exec(gateway?.out() ?? '')?.[1],
    );
    expect(gateway.out()).toContain(`board on ${boardPath}`);
    expect((await api('POST', '/api/login', { role: 'kader', pin: kaderPin })).status).toBe(200);
    const silentError = await waitFor('the silent board error', () =>
      gateway
        ?.err()
        .split('\n')
        .find((line) => line.includes('sent nothing')),
    );
    // From the gateway's first attempt on the port to the error, by the log's own clock.
    const openedAt = logTime(gateway.err(), 'opening the mat board');
    expect(logTime(silentError, 'mat board not connected') - openedAt).toBeLessThan(10_000);
    expect(silentError).toContain(`board on ${boardPath} sent nothing in 6 s`);
    // The screens are served, the mat shows as not connected.
    expect((await fetch(`${webUrl}/`)).status).toBe(200);
    expect((await status()).every((mat) => !mat.connected)).toBe(true);

    // Swap in a board flashed with a sketch that only prints text: the retries find it and say what it is.
    await silent.close();
    silent = undefined;
    const other = new EmulatedUno({ program: parseIntelHex(await readHex('print-text.uno.hex')) });
    unos.push(other);
    const pluggedMs = Date.now();
    board = await putOnPty(other, boardPath);
    const otherError = await waitFor(
      'the other-firmware error',
      () =>
        gateway
          ?.err()
          .split('\n')
          .find((line) => line.includes('not running StandardFirmata')),
      15_000,
    );
    expect(Date.now() - pluggedMs).toBeLessThan(10_000);
    expect(otherError).toContain(`board on ${boardPath} is not running StandardFirmata`);
    expect(otherError).toContain('hello from another sketch');
    expect((await status()).every((mat) => !mat.connected)).toBe(true);
    await board.close();
    board = undefined;
  });

  it('finds the StandardFirmata board by its retries, measures, and is back within 2 s of a replug without saving twice', async () => {
    const uno = new EmulatedUno();
    unos.push(uno);
    physics = new MatPhysics(uno, { scenario: 'calm', seed: 8 });
    board = await putOnPty(uno, boardPath);
    await waitFor(
      'the board',
      async () => (await status()).find((mat) => mat.connected && mat.frames_ok > 10),
      30_000,
    );
    const first = await measureAsKader(api, physics, await registerChild(api, 'Nur Halimah', 7));

    await board.unplug();
    await waitFor('the mat to show as not connected', async () =>
      (await status()).every((mat) => !mat.connected),
    );
    expect(gateway?.err()).toContain('was unplugged');
    const framesBefore = (await status())[0]?.frames_ok ?? 0;
    await board.replug();
    const replugMs = Date.now();
    await waitFor('samples again', async () =>
      (await status()).find((mat) => mat.connected && mat.frames_ok > framesBefore + 5),
    );
    const backMs = Date.now() - replugMs;
    expect(backMs).toBeLessThan(2000);

    const second = await measureAsKader(api, physics, await registerChild(api, 'Putri Ayu', 11));
    await stop(gateway);
    gateway = undefined;
    const db = await openDb(join(dir.path, 'tikar.db'), { readonly: true });
    try {
      const rows = await db.all<{ id: string; device_id: string }>('SELECT id, device_id FROM measurements');
      expect(rows.map((row) => row.id).sort()).toEqual([first.measurement.id, second.measurement.id].sort());
      expect(rows.every((row) => row.device_id === EMULATED_MAT_ID)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('tikar mat --stdout runs the same program alone (two-box layout): hello and samples on stdout', async () => {
    const mat = tikar(['mat', '--config', join(dir.path, 'mat.json'), '--board', boardPath, '--stdout']);
    try {
      await waitFor(
        'frames on stdout',
        () =>
          mat
            .out()
            .split('\n')
            .filter((line) => line.includes(' sample ')).length > 5,
        20_000,
      );
      expect(mat.out().split('\n')[0]).toMatch(new RegExp(`^TK1 ${EMULATED_MAT_ID} 0 hello `));
      expect(mat.err()).toContain(`board on ${boardPath} ready (StandardFirmata.ino 2.5)`);
    } finally {
      await stop(mat);
    }
  });
});

/** The time (ms) of the first JSON log line with this message. */
function logTime(log: string, message: string): number {
  const line = log.split('\n').find((text) => text.includes(`"msg":"${message}`));
  return (JSON.parse(line ?? '{}') as { time?: number }).time ?? Number.NaN;
}

const readHex = (name: string) => readFile(join(import.meta.dirname, 'avr', name), 'ascii');

describe('a wrong pin in mat.json', { timeout: 60_000 }, () => {
  let dir: Awaited<ReturnType<typeof tmpDir>>;
  let pty: PtyLink;
  const heard: Buffer[] = [];

  beforeAll(async () => {
    dir = await tmpDir('tikar-board-pin-');
    await writeFile(
      join(dir.path, 'mat.json'),
      JSON.stringify({ ...matJson, length: { driver: 'analog', pin: 'A7' } }),
    );
    pty = await openPtyLink(join(dir.path, 'tikar-board'));
    // Whatever reaches the board's end: nothing may, the configuration is refused first.
    const boardEnd = await openSerialPort(pty.matPath, 57_600);
    boardEnd.on('data', (chunk: Buffer) => heard.push(chunk));
  });

  afterAll(async () => {
    await pty?.close();
    await dir?.cleanup();
  });

  it('is a configuration error naming the pin, from tikar gateway and tikar mat, before the board is touched', async () => {
    const config = join(dir.path, 'mat.json');
    const gateway = tikar([
      'gateway',
      '--db',
      join(dir.path, 'tikar.db'),
      '--http',
      '0',
      '--board',
      pty.gatewayPath,
      '--mat-config',
      config,
    ]);
    expect(await gateway.exited).toBe(2);
    expect(gateway.err()).toContain("length.pin: 'A7' is not an analog pin of an Arduino Uno (A0-A5)");
    const mat = tikar(['mat', '--config', config, '--board', pty.gatewayPath, '--stdout']);
    expect(await mat.exited).toBe(2);
    expect(mat.err()).toContain("length.pin: 'A7' is not an analog pin of an Arduino Uno (A0-A5)");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(Buffer.concat(heard).length).toBe(0);
  });
});
