// A plausible baby for a known child (sex, age, position): length and weight drawn around the WHO 2006
// median, with the scenario's share of stunted and wasted children. The composition root draws it when the
// kader starts a session and lays it on the in-process simulated mat (a side channel, never on the wire), so
// the simulator itself knows nothing of the WHO tables.
import { HEIGHT_FROM_DAY, LYING_STANDING_DIFFERENCE_CM, restrictedLmsValue } from '../growth/index.ts';
import { TABLES } from '../growth/who-2006/tables.ts';

/** The seeded randomness the simulator hands out (device/sim/random.ts), as far as a draw needs it. */
export interface DemoRandom {
  normal(): number;
  chance(p: number): boolean;
}

/** Shares of the simulated population (the simulator's scenario). */
export interface DemoShares {
  stuntedShare: number;
  wastedShare: number;
}

/** The baby the simulated mat lays next (the shape of the simulator's SimChild). */
export interface DemoBaby {
  ageMonths: number;
  position: 'l' | 'h';
  lengthMm: number;
  weightG: number;
}

export interface KnownChild {
  sex: 1 | 2;
  ageDays: number;
  /** How the gateway measures it: 'l' lying, 'h' standing. */
  position: 'l' | 'h';
}

/** A normal z kept inside [low, high] by drawing again (a truncated normal around `mean`). */
function zBetween(random: DemoRandom, mean: number, sd: number, low: number, high: number): number {
  for (let i = 0; i < 100; i++) {
    const z = mean + sd * random.normal();
    if (z >= low && z <= high) return z;
  }
  return Math.min(high, Math.max(low, mean));
}

/** L, M, S of one row of a WHO table (row clamped to the table). */
function lmsRow(name: 'lhfa' | 'wfl' | 'wfh', sex: 1 | 2, key: number): [number, number, number] {
  const table = TABLES[name];
  const row = Math.min(table.rows - 1, Math.max(0, Math.round(key) - table.firstKey));
  const at = ((sex - 1) * table.rows + row) * 3;
  return [table.lms[at] as number, table.lms[at + 1] as number, table.lms[at + 2] as number];
}

/**
 * Length-for-age z: stunted (below −2 SD, around −2.6) with the scenario's share, otherwise a normal child
 * (−2 to +3 SD around the median). Weight-for-length/height z the same way with the share of wasted
 * children. Lengths are the measure the table gives for the age (length under 24 months, height from then
 * on), moved by 0.7 cm when the child is measured in the other position, as WHO's rule expects.
 */
export function drawDemoBaby(scenario: DemoShares, random: DemoRandom, child: KnownChild): DemoBaby {
  const stunted = random.chance(scenario.stuntedShare);
  const wasted = random.chance(scenario.wastedShare);
  const lengthZ = stunted ? zBetween(random, -2.6, 0.35, -3.8, -2.05) : zBetween(random, 0, 1, -1.95, 3);
  const weightZ = wasted ? zBetween(random, -2.5, 0.3, -3.6, -2.05) : zBetween(random, 0, 1, -1.95, 2.8);
  const ageDays = Math.max(0, Math.min(1856, Math.round(child.ageDays)));
  const [, m, s] = lmsRow('lhfa', child.sex, ageDays);
  // Length-for-age has L = 1: the value at z is M(1 + Sz).
  const tableCm = m * (1 + s * lengthZ);
  const standingAge = ageDays >= HEIGHT_FROM_DAY;
  const shiftCm =
    child.position === 'l' && standingAge
      ? LYING_STANDING_DIFFERENCE_CM
      : child.position === 'h' && !standingAge
        ? -LYING_STANDING_DIFFERENCE_CM
        : 0;
  const [l, wm, ws] = lmsRow(standingAge ? 'wfh' : 'wfl', child.sex, tableCm * 10);
  const weightKg = restrictedLmsValue(weightZ, l, wm, ws);
  return {
    ageMonths: Math.floor(ageDays / 30.4375),
    position: child.position,
    lengthMm: Math.round((tableCm + shiftCm) * 100) / 10,
    weightG: Math.round(weightKg * 1000),
  };
}
