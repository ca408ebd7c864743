// Simulated posyandu for the district's demo, tests and bench: children with a lasting growth pattern
// (their own length and weight z around a district's typical values), measured month after month, each
// measurement built by the gateway's own assembleMeasurement (so z-scores, flags and statuses are the growth
// core's) and wrapped in the `tikar.measurement/1` message a gateway sends. Seeded: the same seed gives the
// same children and values (ids are fresh UUIDv7s).

import { v7 as uuidv7 } from 'uuid';
import { createRandom, type Random } from '../../device/sim/random.ts';
import { addMonths } from '../../gateway/clock/calendar.ts';
import { type Sex, sdCurve } from '../../gateway/growth/index.ts';
import { assembleMeasurement } from '../../gateway/measure/assemble.ts';
import type { Child } from '../../gateway/model/index.ts';
import type { MeasurementMessage } from '../../gateway/publish/payloads.ts';

export interface PosyanduPlan {
  villageId: string;
  posyanduId: string;
  seed: number;
  /** Children under five registered here. Default 28. */
  children?: number;
  /** Months measured, 'YYYY-MM', oldest first. */
  months: readonly string[];
  /** Share of children weighed in a month (D/S). Default 0.8. */
  attendance?: number;
  /** Mean length-for-age z of this posyandu's children (stunting prevalence follows). Default -1.1. */
  meanZlen?: number;
}

interface SimChild {
  child: Child;
  zlen: number;
  zwei: number;
}

const zGrid = (z: number) => Math.max(-4, Math.min(3, Math.round(z * 4) / 4));
const curveCache = new Map<string, Float64Array>();

/** Length (cm) or weight (kg) at `z` for a sex and age in days, from WHO's curves (cached per 0.25 SD). */
function valueAt(indicator: 'lhfa' | 'wfa', sex: Sex, z: number, ageDays: number): number {
  const key = `${indicator}/${sex}/${zGrid(z)}`;
  let curve = curveCache.get(key);
  if (!curve) {
    curve = sdCurve(indicator, sex, zGrid(z)).y;
    curveCache.set(key, curve);
  }
  return curve[Math.min(curve.length - 1, Math.max(0, ageDays))] as number;
}

function isoDay(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function makeChildren(plan: PosyanduPlan, random: Random): SimChild[] {
  const [firstYear, firstMonth] = (plan.months[0] ?? '2026-01').split('-').map(Number) as [number, number];
  const children: SimChild[] = [];
  for (let i = 0; i < (plan.children ?? 28); i++) {
    // Born 0–47 months before the first month measured, so most stay under five through the plan.
    const monthsBefore = random.int(0, 47);
    const bornIndex = firstYear * 12 + (firstMonth - 1) - monthsBefore;
    const birthDate = isoDay(Math.floor(bornIndex / 12), (bornIndex % 12) + 1, random.int(1, 28));
    const id = uuidv7();
    const zlen = (plan.meanZlen ?? -1.1) + 1.1 * random.normal();
    const createdAt = new Date(Date.UTC(firstYear, firstMonth - 1, 1)).toISOString();
    children.push({
      child: {
        id,
        pseudo_id: id.replaceAll('-', ''),
        name: `Anak ${plan.posyanduId} ${i + 1}`,
        sex: random.chance(0.5) ? 1 : 2,
        birth_date: birthDate,
        nik: null,
        mother_name: `Ibu ${plan.posyanduId} ${i + 1}`,
        posyandu_id: plan.posyanduId,
        village_id: plan.villageId,
        has_kia: random.chance(0.85),
        created_at: createdAt,
        updated_at: createdAt,
      },
      zlen,
      zwei: 0.6 * zlen + 0.8 * random.normal(),
    });
  }
  return children;
}

/**
 * Every measurement message of the plan, month by month (within a month in random order), as the posyandu's
 * gateway would send them: pseudonymous child snapshot, no readings (manual entries).
 */
export function simulatePosyandu(plan: PosyanduPlan): MeasurementMessage[] {
  const random = createRandom(plan.seed);
  const children = makeChildren(plan, random);
  const messages: MeasurementMessage[] = [];
  for (const month of plan.months) {
    const [year, monthNumber] = month.split('-').map(Number) as [number, number];
    const day = random.int(5, 25); // one posyandu day a month
    const inMonth: MeasurementMessage[] = [];
    for (const sim of children) {
      if (!random.chance(plan.attendance ?? 0.8)) continue;
      const measuredAt = new Date(
        `${isoDay(year, monthNumber, day)}T09:${String(random.int(0, 59)).padStart(2, '0')}:00+07:00`,
      );
      const ageDays = Math.round(
        (measuredAt.getTime() - Date.parse(`${sim.child.birth_date}T00:00:00+07:00`)) / 86_400_000,
      );
      if (ageDays < 1 || ageDays > 1850) continue;
      const lenheiCm = valueAt('lhfa', sim.child.sex as Sex, sim.zlen + 0.15 * random.normal(), ageDays);
      const weightKg = valueAt('wfa', sim.child.sex as Sex, sim.zwei + 0.2 * random.normal(), ageDays);
      const assembled = assembleMeasurement({
        id: uuidv7(),
        child: sim.child,
        position: undefined,
        lenheiCm: lenheiCm >= 38 && lenheiCm <= 150 ? lenheiCm : null,
        weightKg: weightKg >= 0.5 && weightKg <= 40 ? weightKg : null,
        oedema: false,
        measuredAt,
        posyanduId: plan.posyanduId,
        villageId: plan.villageId,
        source: 'manual',
        deviceId: null,
        calibrationId: null,
        supersedes: null,
        createdAt: measuredAt.toISOString(),
      });
      if (!assembled.ok) continue;
      const { name, mother_name, birth_date, nik, ...pseudonymous } = sim.child;
      inMonth.push({
        schema: 'tikar.measurement/1',
        id: uuidv7(),
        backfilled: false,
        child: { ...pseudonymous, birth_month: birth_date.slice(0, 7) },
        measurement: assembled.value,
        readings: [],
      });
    }
    for (let i = inMonth.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [inMonth[i], inMonth[j]] = [inMonth[j] as MeasurementMessage, inMonth[i] as MeasurementMessage];
    }
    messages.push(...inMonth);
  }
  return messages;
}

/** The `count` months ending with `lastMonth`, oldest first. */
export function monthsEnding(lastMonth: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(lastMonth, i - (count - 1)));
}
