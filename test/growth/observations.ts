// Seeded, realistic observations for tests and benchmarks: ages 0-1826 days (and 5-19 years, below), z-scores drawn around
// an Indonesian-like distribution (mean TB/U -0.9) and turned into measurements through WHO's own
// LMS curves, rounded to what a length board (0.1 cm) and a baby scale (10 g) read.
import { lmsValue, restrictedLmsValue } from '../../gateway/growth/lms.ts';
import type { GrowthInput, Position, Sex } from '../../gateway/growth/types.ts';
import { HCFA, LHFA, type LmsTable, WFA } from '../../gateway/growth/who-2006/tables.ts';
import { BFA_2007, HFA_2007, type LmsTable2007 } from '../../gateway/growth/who-2007/tables.ts';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number, mean: number, sd: number): number {
  const u = 1 - random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function valueAt(table: LmsTable, sex: Sex, ageDays: number, z: number): number {
  const at = ((sex - 1) * table.rows + ageDays) * 3;
  return lmsValue(z, table.lms[at] as number, table.lms[at + 1] as number, table.lms[at + 2] as number);
}

export interface Observation extends Required<Omit<GrowthInput, 'measure' | 'ageMonths'>> {
  ageDays: number;
  measure: Position;
}

/** `count` observations from `seed`: same seed, same observations. */
export function generateObservations(count: number, seed = 20060427): Observation[] {
  const random = seededRandom(seed);
  const observations: Observation[] = [];
  for (let i = 0; i < count; i++) {
    const sex: Sex = random() < 0.5 ? 1 : 2;
    const ageDays = Math.floor(random() * 1827);
    // One in ten measured in the position that does not match the age.
    const expected: Position = ageDays < 731 ? 'l' : 'h';
    const measure: Position = random() < 0.1 ? (expected === 'l' ? 'h' : 'l') : expected;
    let lenheiCm = valueAt(LHFA, sex, ageDays, normal(random, -0.9, 1.1));
    if (measure !== expected) lenheiCm += measure === 'h' ? -0.7 : 0.7;
    observations.push({
      sex,
      ageDays,
      measure,
      lenheiCm: Math.round(lenheiCm * 10) / 10,
      weightKg: Math.round(valueAt(WFA, sex, ageDays, normal(random, -0.7, 1.1)) * 100) / 100,
      headcCm: Math.round(valueAt(HCFA, sex, ageDays, normal(random, -0.2, 1)) * 10) / 10,
      oedema: random() < 0.002,
    });
  }
  return observations;
}

const MEASURED_ON_DAYS = 20249; // 2025-06-10

function isoDate(days: number): string {
  return new Date(days * 86400000).toISOString().slice(0, 10);
}

/** The observations as a `tikar zscore` input CSV (birth_date + date, L/P sex as kader write it). */
export function observationsCsv(observations: readonly Observation[]): string {
  const lines = ['id,sex,birth_date,date,weight_kg,lenhei_cm,measure,oedema,headc_cm'];
  const measuredOn = isoDate(MEASURED_ON_DAYS);
  for (let i = 0; i < observations.length; i++) {
    const o = observations[i] as Observation;
    const birth = isoDate(MEASURED_ON_DAYS - o.ageDays);
    lines.push(
      `${i + 1},${o.sex === 1 ? 'L' : 'P'},${birth},${measuredOn},${o.weightKg},${o.lenheiCm},${o.measure},${o.oedema ? 'y' : 'n'},${o.headcCm}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A school-age child (WHO 2007 reference): decimal months 60-228, standing height, weight. */
export interface Observation2007 {
  sex: Sex;
  ageMonths: number;
  lenheiCm: number;
  weightKg: number;
  oedema: boolean;
}

/** The 2007 curve at `z` for a decimal age (the nearest whole month below: close enough for data). */
function value2007(table: LmsTable2007, sex: Sex, ageMonths: number, z: number): number {
  const at = ((sex - 1) * table.rows + Math.floor(ageMonths) - table.firstKey) * 3;
  // Restricted beyond +-3 SD, as the z is: plain LMS with a negative L has no value far out.
  return restrictedLmsValue(
    z,
    table.lms[at] as number,
    table.lms[at + 1] as number,
    table.lms[at + 2] as number,
  );
}

/** `count` children 5-19 years from `seed`: height z ~ N(-0.8, 1.1), BMI z ~ N(0, 1.2). */
export function generateObservations2007(count: number, seed = 20070901): Observation2007[] {
  const random = seededRandom(seed);
  const observations: Observation2007[] = [];
  for (let i = 0; i < count; i++) {
    const sex: Sex = random() < 0.5 ? 1 : 2;
    const ageMonths = Math.round((60 + random() * 168) * 100) / 100;
    const lenheiCm = Math.round(value2007(HFA_2007, sex, ageMonths, normal(random, -0.8, 1.1)) * 10) / 10;
    const bmi = value2007(BFA_2007, sex, ageMonths, normal(random, 0, 1.2));
    const weightKg = Math.round(bmi * (lenheiCm / 100) ** 2 * 100) / 100;
    observations.push({ sex, ageMonths, lenheiCm, weightKg, oedema: random() < 0.002 });
  }
  return observations;
}

/**
 * A `tikar zscore` input of children 0-19 years, half under five (as observationsCsv) and half 5-19
 * years, mixed row by row, all aged from birth_date and date as kader records them.
 */
export function mixedAgeCsv(count: number, seed: number): string {
  const young = generateObservations(Math.ceil(count / 2), seed);
  const old = generateObservations2007(Math.floor(count / 2), seed + 1);
  const lines = ['id,sex,birth_date,date,weight_kg,lenhei_cm,measure,oedema,headc_cm'];
  const measuredOn = isoDate(MEASURED_ON_DAYS);
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const o = young[i / 2] as Observation;
      const birth = isoDate(MEASURED_ON_DAYS - o.ageDays);
      lines.push(
        `${i + 1},${o.sex === 1 ? 'L' : 'P'},${birth},${measuredOn},${o.weightKg},${o.lenheiCm},${o.measure},${o.oedema ? 'y' : 'n'},${o.headcCm}`,
      );
    } else {
      const o = old[(i - 1) / 2] as Observation2007;
      const birth = isoDate(MEASURED_ON_DAYS - Math.round(o.ageMonths * 30.4375));
      lines.push(
        `${i + 1},${o.sex === 1 ? 'L' : 'P'},${birth},${measuredOn},${o.weightKg},${o.lenheiCm},h,${o.oedema ? 'y' : 'n'},`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
