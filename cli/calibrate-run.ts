// `tikar calibrate`'s work, loaded once its options are parsed (cli/calibrate.ts): the mat (simulated or on a
// port), the references read, the profile fitted and stored, or the check against it.
import { createInterface } from 'node:readline/promises';
import {
  activeProfile,
  type CalibrationChannel,
  calibrationValidity,
  channelUnit,
  checkReference,
  fitCalibration,
  maxFitResidual,
  type ReferencePoint,
  simCalibrationProfiles,
} from '../calibration/index.ts';
import { createSimulatedMat, type SimulatedMat } from '../device/sim/index.ts';
import { CalibrationStore } from '../gateway/store/calibration-files.ts';
import { decodeFrame, type Frame, FrameWriter, LineSplitter } from '../protocol/index.ts';
import type { CalibrateOptions } from './calibrate.ts';
import { numberList } from './options.ts';

/** The mat as the wizard sees it: its id, and averaged raw counts of a channel once the reference is still. */
interface MatReader {
  deviceId: string;
  /** The reference goes on the mat: the simulator places it, a person is asked to. */
  place(reference: number, ask: (question: string) => Promise<void>): Promise<void>;
  /** Counts of `channel` over one second, after `settleS` seconds of waiting. */
  read(channel: CalibrationChannel, settleS: number): Promise<number[]>;
  /** Tells the mat which calibration is now active (a `calibration` command). */
  pushCalibration(calibrationId: string): void;
  close(): Promise<void>;
}

const SAMPLE_RATE_HZ = 25;

function countsOf(frames: Frame[], channel: CalibrationChannel): number[] {
  return frames.flatMap((frame) =>
    frame.type === 'sample' && frame.payload.channel === channel ? [frame.payload.counts] : [],
  );
}

/** The simulated mat in-process on a manual clock: a training and test stand-in for a real one. */
function simReader(options: CalibrateOptions): MatReader {
  const mat: SimulatedMat = createSimulatedMat({
    scenario: options.scenario,
    seed: options.seed,
    manual: true,
    rateHz: SAMPLE_RATE_HZ,
  });
  const frames: Frame[] = [];
  const lines = new LineSplitter((line) => {
    const decoded = decodeFrame(line);
    if (decoded.ok) frames.push(decoded.frame);
  });
  const drain = () => {
    for (let chunk = mat.stream.read(); chunk !== null; chunk = mat.stream.read()) lines.push(chunk);
  };
  mat.tick(Math.round(options.simMinutes * 60 * SAMPLE_RATE_HZ));
  drain();
  const hello = frames.find((frame) => frame.type === 'hello');
  const deviceId = hello?.device ?? 'SIM-0001';
  return {
    deviceId,
    async place(reference) {
      mat.placeReference(options.channel === 'length' ? { lengthMm: reference } : { weightG: reference });
    },
    async read(channel, settleS) {
      mat.tick(Math.round(settleS * SAMPLE_RATE_HZ));
      drain();
      frames.length = 0;
      mat.tick(SAMPLE_RATE_HZ);
      drain();
      return countsOf(frames, channel);
    },
    pushCalibration(calibrationId) {
      new FrameWriter(deviceId, (line) => mat.stream.write(`${line}\n`)).send('calibration', {
        calibration_id: calibrationId,
      });
    },
    async close() {
      mat.stop();
    },
  };
}

/** A real mat (or `tikar sim --pty`) on a serial port; waits for its hello to learn its id. */
async function portReader(path: string, baud: number): Promise<MatReader> {
  const { openSerialPort } = await import('../gateway/ingest/serial-link.ts');
  const port = await openSerialPort(path, baud);
  const frames: Frame[] = [];
  let deviceId: string | undefined;
  let wake: (() => void) | undefined;
  const lines = new LineSplitter((line) => {
    const decoded = decodeFrame(line);
    if (!decoded.ok) return;
    deviceId ??= decoded.frame.device;
    frames.push(decoded.frame);
    wake?.();
  });
  port.on('data', (chunk: Buffer) => lines.push(chunk));
  const waitFor = async (condition: () => boolean, what: string, timeoutS: number) => {
    const deadline = Date.now() + timeoutS * 1000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`no ${what} from the mat on ${path} within ${timeoutS} s`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  await waitFor(() => deviceId !== undefined, 'frame', 10);
  const lastMs = () => {
    const sample = frames.findLast((frame) => frame.type === 'sample');
    return sample?.type === 'sample' ? sample.payload.t_ms : 0;
  };
  return {
    deviceId: deviceId as string,
    async place(reference, ask) {
      await ask(`Put the ${reference} reference on the mat, keep it still, then press Enter `);
    },
    async read(channel, settleS) {
      const fromMs = lastMs() + settleS * 1000;
      await waitFor(() => lastMs() >= fromMs + 1000, `${channel} samples`, settleS + 10);
      return countsOf(
        frames.filter(
          (frame) =>
            frame.type === 'sample' && frame.payload.t_ms >= fromMs && frame.payload.t_ms <= fromMs + 1000,
        ),
        channel,
      );
    },
    pushCalibration(calibrationId) {
      new FrameWriter(deviceId as string, (line) => port.write(`${line}\n`)).send('calibration', {
        calibration_id: calibrationId,
      });
    },
    async close() {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}

async function references(
  options: CalibrateOptions,
  ask: (question: string) => Promise<string>,
): Promise<number[] | string> {
  if (options.refs) return options.refs;
  if (!process.stdin.isTTY) return 'give the references with --refs (e.g. --refs 400,700,1000)';
  const unit = channelUnit(options.channel);
  const answer = await ask(
    `Reference ${options.channel === 'length' ? 'rods' : 'masses'} in ${unit}, comma-separated (two or more): `,
  );
  try {
    return numberList(answer);
  } catch {
    return `'${answer}' is not a list of numbers`;
  }
}

export async function calibrateOrCheck(options: CalibrateOptions): Promise<number> {
  const prompt = process.stdin.isTTY
    ? createInterface({ input: process.stdin, output: process.stderr })
    : undefined;
  const ask = async (question: string) => (prompt && !options.yes ? prompt.question(question) : '');
  let mat: MatReader | undefined;
  try {
    mat = options.sim ? simReader(options) : await portReader(options.port as string, options.baud);
    const store = new CalibrationStore(options.dir);
    return options.check ? await check(mat, store, options, ask) : await calibrate(mat, store, options, ask);
  } catch (error) {
    process.stderr.write(`tikar calibrate: ${(error as Error).message}\n`);
    return 1;
  } finally {
    prompt?.close();
    await mat?.close();
  }
}

async function calibrate(
  mat: MatReader,
  store: CalibrationStore,
  options: CalibrateOptions,
  ask: (question: string) => Promise<string>,
): Promise<number> {
  const refs = await references(options, ask);
  if (typeof refs === 'string') {
    process.stderr.write(`tikar calibrate: ${refs}\n`);
    return 2;
  }
  const unit = channelUnit(options.channel);
  const points: ReferencePoint[] = [];
  for (const reference of refs) {
    await mat.place(reference, async (question) => {
      await ask(question);
    });
    const counts = await mat.read(options.channel, options.settle);
    if (counts.length === 0)
      throw new Error(`the mat sent no ${options.channel} samples for the ${reference} ${unit} reference`);
    points.push({ counts: counts.reduce((sum, value) => sum + value, 0) / counts.length, reference });
  }
  const result = fitCalibration({
    deviceId: mat.deviceId,
    channel: options.channel,
    points,
    createdBy: options.by,
  });
  const profile = result.profile;
  if (profile) {
    process.stdout.write(`reference ${unit}   counts        fitted ${unit}   residual ${unit}\n`);
    profile.points.forEach((point, i) => {
      const residual = profile.residuals[i] ?? Number.NaN;
      process.stdout.write(
        `${point.reference.toFixed(1).padStart(12)}   ${point.counts.toFixed(1).padStart(10)}   ${(point.reference + residual).toFixed(2).padStart(10)}   ${residual.toFixed(2).padStart(10)}\n`,
      );
    });
    const { offset, gain, quadratic } = profile.model;
    process.stdout.write(`model: ${unit} = ${offset} + ${gain}·counts + ${quadratic}·counts²\n`);
  }
  if (!result.ok) {
    process.stderr.write(`tikar calibrate: refused: ${result.error.message}\n`);
    return 3;
  }
  await store.saveProfile(result.profile);
  mat.pushCalibration(result.profile.id);
  process.stdout.write(
    `saved ${result.profile.id} (worst residual ${result.worstResidual.toFixed(2)} ${unit}, limit ${maxFitResidual(options.channel)} ${unit}; expires ${result.profile.expiresAt.slice(0, 10)}) in ${store.dir}\n`,
  );
  return 0;
}

async function check(
  mat: MatReader,
  store: CalibrationStore,
  options: CalibrateOptions,
  ask: (question: string) => Promise<string>,
): Promise<number> {
  const record = await store.load(mat.deviceId);
  // The simulator's factory profile stands in when nothing was stored for it (the gateway does the same).
  const factory = mat.deviceId.startsWith('SIM')
    ? simCalibrationProfiles(mat.deviceId)[options.channel]
    : undefined;
  const profile = activeProfile(record, options.channel) ?? factory;
  if (!profile) {
    process.stderr.write(
      `tikar calibrate: mat ${mat.deviceId} has no ${options.channel} calibration yet: calibrate it first\n`,
    );
    return 3;
  }
  const validity = calibrationValidity(profile);
  if (validity.state !== 'valid') process.stderr.write(`warning: ${validity.message}\n`);
  const reference = options.ref as number;
  await mat.place(reference, async (question) => {
    await ask(question);
  });
  const result = checkReference(profile, reference, await mat.read(options.channel, options.settle));
  await store.recordCheck(result);
  process.stdout.write(`${result.passed ? 'PASS' : 'FAIL'}: ${result.message}\n`);
  return result.passed ? 0 : 3;
}
