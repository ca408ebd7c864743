// One pass over the rows: each child's effective measurements (corrections applied), oldest first,
// so every report looks a child's history up in a Map instead of scanning all rows again.
import type { MeasurementRow } from '../model/records.ts';
import type { ReportChild, ReportData } from './types.ts';

export interface ChildHistory {
  child: ReportChild;
  /** Effective measurements sorted by measuredAt (then id); superseded rows removed. */
  measurements: MeasurementRow[];
}

/** Sort key: instant in ms (offsets differ, so ISO strings do not sort as text), then local date, then id. */
interface Timed {
  atMs: number;
  m: MeasurementRow;
}

function takenBefore(a: Timed, b: Timed): number {
  const byTime = a.atMs - b.atMs;
  if (byTime !== 0 && Number.isFinite(byTime)) return byTime;
  if (a.m.measured_on !== b.m.measured_on) return a.m.measured_on < b.m.measured_on ? -1 : 1;
  return a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0; // UUIDv7 ids sort by creation
}

/** Histories of the children registered at `posyanduId` (all children when undefined). */
export function buildHistories(data: ReportData, posyanduId?: string): Map<string, ChildHistory> {
  const timed = new Map<string, Timed[]>();
  const histories = new Map<string, ChildHistory>();
  for (const child of data.children) {
    if (posyanduId === undefined || child.posyandu_id === posyanduId) {
      histories.set(child.id, { child, measurements: [] });
      timed.set(child.id, []);
    }
  }
  const superseded = new Set<string>();
  for (const m of data.measurements) if (m.supersedes_id !== null) superseded.add(m.supersedes_id);
  for (const m of data.measurements) {
    if (superseded.has(m.id)) continue;
    timed.get(m.child_id)?.push({ atMs: Date.parse(m.measured_at), m });
  }
  for (const [childId, entries] of timed) {
    entries.sort(takenBefore);
    const history = histories.get(childId) as ChildHistory;
    history.measurements = entries.map((entry) => entry.m);
  }
  return histories;
}

/** The last measurement in `month` ('YYYY-MM') that satisfies `usable`, or undefined. */
export function lastInMonth(
  measurements: readonly MeasurementRow[],
  month: string,
  usable: (m: MeasurementRow) => boolean,
): MeasurementRow | undefined {
  for (let i = measurements.length - 1; i >= 0; i--) {
    const m = measurements[i] as MeasurementRow;
    const mMonth = m.measured_on.slice(0, 7);
    if (mMonth < month) return undefined;
    if (mMonth === month && usable(m)) return m;
  }
  return undefined;
}

export const isWeighed = (m: MeasurementRow): boolean => m.weight_kg !== null && m.weight_kg > 0;

/** A z-score that may be counted: present and not flagged implausible by the WHO rules. */
export function usableZ(z: number | null, flag: 0 | 1 | null): number | undefined {
  return z !== null && Number.isFinite(z) && flag !== 1 ? z : undefined;
}

/** BB/TB z that may be counted: usable, and not computed from a length flagged implausible. */
export const usableWflZ = (m: MeasurementRow): number | undefined =>
  m.flen === 1 ? undefined : usableZ(m.zwfl, m.fwfl);

/** IMT/U z that may be counted: usable, and not computed from a length flagged implausible. */
export const usableBmiZ = (m: MeasurementRow): number | undefined =>
  m.flen === 1 ? undefined : usableZ(m.zbmi, m.fbmi);
