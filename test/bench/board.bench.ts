// The real firmware on the emulated board: how fast avr8js runs StandardFirmata here (emulated MCU seconds per
// wall second, free-running), and through the whole chain at real pace (ATmega328P → Firmata → firmata-io →
// johnny-five mat program → wire → the gateway's ingest): samples per second and the latency from a voltage
// step on the length sensor's pin to the first calibrated sample within 2 mm of the new position.

import { startMatProgram } from '../../device/firmware/mat-program.ts';
import { MatConnection } from '../../gateway/ingest/mat-connection.ts';
import { StreamLink } from '../../gateway/ingest/stream-link.ts';
import { createLogger } from '../../gateway/log/logger.ts';
import { EmulatedUno } from '../board/avr/emulated-uno.ts';
import { emulatedMatConfig, emulatedMatProfiles, lengthVolts, PINS } from '../board/emulated-mat.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function freeRunning(seconds: number): Promise<number> {
  const uno = new EmulatedUno({ paced: false });
  // Skip the worker's start-up: measure from the first clock report on.
  await new Promise<void>((resolve) => uno.once('tx', () => resolve()));
  const startMcuMs = uno.mcuMs;
  const startMs = performance.now();
  await sleep(seconds * 1000);
  const rate = (uno.mcuMs - startMcuMs) / (performance.now() - startMs);
  await uno.stop();
  return rate;
}

async function chain(steps: number, stepMs: number) {
  const uno = new EmulatedUno();
  const positionsMm = [600, 700];
  uno.setAnalog(PINS.length, lengthVolts(positionsMm[0] as number));
  const config = emulatedMatConfig({ weight: undefined });
  const program = startMatProgram({
    config,
    portName: 'emulated-uno',
    openTransport: async () => {
      const cable = uno.plug();
      return { stream: cable, close: async () => void cable.destroy() };
    },
  });
  const link = new StreamLink(program.stream, 'emulated-uno', { startsUp: false });
  program.on('board', (state) => link.switch(state.up));
  const mat = new MatConnection({ link, profiles: emulatedMatProfiles(), log: createLogger('bench') });
  const samples: { atMs: number; mm: number }[] = [];
  mat.on('sample', (sample) => {
    if (sample.channel === 'length' && sample.value !== null)
      samples.push({ atMs: performance.now(), mm: sample.value });
  });
  while (samples.length < 25) await sleep(50);

  const rateFromMs = performance.now();
  const rateFromCount = samples.length;
  const latenciesMs: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const targetMm = positionsMm[step % 2] as number;
    const stepAtMs = performance.now();
    uno.setAnalog(PINS.length, lengthVolts(targetMm));
    await sleep(stepMs);
    const first = samples.find((s) => s.atMs >= stepAtMs && Math.abs(s.mm - targetMm) <= 2);
    if (first) latenciesMs.push(first.atMs - stepAtMs);
  }
  const perSecond = ((samples.length - rateFromCount) * 1000) / (performance.now() - rateFromMs);
  await mat.close();
  await program.stop();
  await uno.stop();
  return { perSecond, latenciesMs: latenciesMs.sort((a, b) => a - b), steps };
}

export default async function bench(): Promise<void> {
  const mcuPerWall = await freeRunning(5);
  process.stdout.write(
    `StandardFirmata on avr8js (free-running): ${mcuPerWall.toFixed(2)} emulated MCU s per wall s (≥ 1 = faster than real time)\n`,
  );
  const result = await chain(40, 300);
  const { latenciesMs } = result;
  process.stdout.write(
    [
      `paced board → gateway ingest: ${result.perSecond.toFixed(1)} length samples/s (goal ≥ 20; configured 25)`,
      `ADC step → first sample within 2 mm: p50 ${percentile(latenciesMs, 50).toFixed(0)} ms, p99 ${percentile(latenciesMs, 99).toFixed(0)} ms (${latenciesMs.length}/${result.steps} steps seen)`,
      '',
    ].join('\n'),
  );
}
