// The simulated posyandu sessions. Each scenario sets the children, how the foot board moves, the sensor
// noise and what goes wrong on the wire. Names are what `tikar sim --scenario NAME` takes.
import type { Random } from './random.ts';

export interface SimChild {
  ageMonths: number;
  /** 'l' lying (under 24 months), 'h' standing. */
  position: 'l' | 'h';
  lengthMm: number;
  weightG: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Children on the mat in order; after the last one, more are drawn from `ageMonthsRange`. */
  childCount: number;
  ageMonthsRange: [number, number];
  hasScale: boolean;
  /** σ of the length sensor noise per sample, mm. */
  noiseMm: number;
  /** σ of a reading's positioning error (where the board settles vs. the true length), mm. */
  positioningMm: number;
  /** Damping ratio of the foot board: 1 settles smoothly, lower overshoots. */
  dampingRatio: number;
  /** Extra push past the child on arrival (legs compressed), mm; relaxes back. */
  overshootMm: number;
  /** Seconds of leg-kicking bursts before the child keeps still. */
  wiggleS: number;
  /** Slow sensor drift, mm per minute of device time. */
  driftMmPerMin: number;
  /** Probability a line is lost / corrupted / sent twice. */
  dropLineP: number;
  corruptLineP: number;
  duplicateLineP: number;
  /** The length sensor cable comes out for this many seconds every `cableEveryS` (0 = never). */
  cableOutS: number;
  cableEveryS: number;
  /** Share of children below −2 SD length/height-for-age (stunted) and weight-for-length/height (wasted). */
  stuntedShare: number;
  wastedShare: number;
}

const base: Omit<Scenario, 'name' | 'description'> = {
  childCount: 1,
  ageMonthsRange: [2, 20],
  hasScale: true,
  noiseMm: 0.25,
  positioningMm: 1,
  dampingRatio: 1,
  overshootMm: 0,
  wiggleS: 0,
  driftMmPerMin: 0,
  dropLineP: 0,
  corruptLineP: 0,
  duplicateLineP: 0,
  cableOutS: 0,
  cableEveryS: 0,
  // Indonesia, SSGI 2022 (Kemenkes): stunting 21.6 %, wasting 7.7 % of children under five.
  stuntedShare: 0.216,
  wastedShare: 0.077,
};

export const scenarios: Record<string, Scenario> = {
  calm: { ...base, name: 'calm', description: 'a calm baby lying still; the foot board settles smoothly' },
  wiggle: {
    ...base,
    name: 'wiggle',
    description: 'a wiggling baby: bursts of kicking move the foot board before the baby settles',
    wiggleS: 4,
    noiseMm: 0.4,
  },
  overshoot: {
    ...base,
    name: 'overshoot',
    description: 'the kader pushes the foot board in too far; it overshoots and springs back',
    dampingRatio: 0.35,
    overshootMm: 12,
  },
  standing: {
    ...base,
    name: 'standing',
    description: 'a standing child (height, 24-59 months) under the head board; no scale',
    ageMonthsRange: [24, 59],
    hasScale: false,
  },
  drift: {
    ...base,
    name: 'drift',
    description:
      'the length sensor drifts slowly (+1.5 mm per minute); a reference-rod check fails after a while',
    driftMmPerMin: 1.5,
  },
  noise: {
    ...base,
    name: 'noise',
    description: 'electrical noise on the length sensor (σ 3 mm, --noise to change)',
    noiseMm: 3,
  },
  dropped: {
    ...base,
    name: 'dropped',
    description: 'lines lost on the serial link (8 %): sequence gaps',
    dropLineP: 0.08,
  },
  cable: {
    ...base,
    name: 'cable',
    description: 'the length sensor cable is pulled out for 2 s every 12 s and put back: sensor_fault errors',
    cableOutS: 2,
    cableEveryS: 12,
  },
  corrupt: {
    ...base,
    name: 'corrupt',
    description: 'corrupted bytes on the wire (5 % of lines: bit flips, lost and inserted bytes, cut lines)',
    corruptLineP: 0.05,
  },
  duplicate: {
    ...base,
    name: 'duplicate',
    description: 'lines sent twice (5 %): sequence duplicates',
    duplicateLineP: 0.05,
  },
  session: {
    ...base,
    name: 'session',
    description: 'a posyandu morning: ten children 1-59 months one after another, some wiggle, some stand',
    childCount: 10,
    ageMonthsRange: [1, 59],
    wiggleS: 1.5,
    positioningMm: 1.5,
  },
};

export const scenarioNames = Object.keys(scenarios);

// Rough WHO 2006 medians (sexes averaged) by age in months, only to make plausible children.
const medianLengthMm: [number, number][] = [
  [0, 497],
  [6, 664],
  [12, 750],
  [24, 868],
  [36, 957],
  [48, 1030],
  [60, 1100],
];
const medianWeightG: [number, number][] = [
  [0, 3300],
  [6, 7600],
  [12, 9300],
  [24, 12000],
  [36, 14100],
  [48, 16100],
  [60, 18100],
];

function interpolate(table: [number, number][], x: number): number {
  for (let i = 1; i < table.length; i++) {
    const [x1, y1] = table[i] as [number, number];
    const [x0, y0] = table[i - 1] as [number, number];
    if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return (table[table.length - 1] as [number, number])[1];
}

/**
 * A plausible child of an age the scenario picks (`tikar sim` alone knows no child); the scenario's share is
 * stunted (length near −2.5 SD). A baby for a known child is drawn by the gateway (gateway/app/demo-baby.ts).
 */
export function drawChild(scenario: Scenario, random: Random): SimChild {
  const [minMonths, maxMonths] = scenario.ageMonthsRange;
  const ageMonths = random.int(minMonths, maxMonths);
  const stunted = random.chance(scenario.stuntedShare);
  const lengthZ = stunted ? -2.5 + 0.3 * random.normal() : random.normal();
  const lengthMm = Math.round(interpolate(medianLengthMm, ageMonths) * (1 + 0.037 * lengthZ) * 10) / 10;
  const weightG = Math.round(
    interpolate(medianWeightG, ageMonths) * (1 + 0.11 * random.normal()) + (stunted ? -900 : 0),
  );
  return { ageMonths, position: ageMonths < 24 ? 'l' : 'h', lengthMm, weightG: Math.max(2000, weightG) };
}
