// WHO Multicentre Growth Reference Study repeat rule: two independent readings; if they differ by more than
// the maximum allowed difference (7 mm length/height, 100 g weight, 5 mm head circumference), a third; the
// result is the mean of the two closest readings.

export const LENGTH_TOLERANCE_MM = 7;
export const WEIGHT_TOLERANCE_G = 100;

export interface RepeatOutcome {
  /** How many readings the rule asks for, given those so far: 2 or 3. */
  needed: 2 | 3;
  complete: boolean;
  /** Mean of the two closest readings once complete, else null. */
  result: number | null;
  /** 0-based indexes of the two readings averaged. */
  used: [number, number] | null;
  /** Even the two closest of three differ by more than the tolerance: measure again. */
  disagree: boolean;
}

export function applyRepeatRule(readings: readonly number[], tolerance: number): RepeatOutcome {
  const [first, second, third] = readings;
  if (first === undefined || second === undefined) {
    return { needed: 2, complete: false, result: null, used: null, disagree: false };
  }
  if (Math.abs(first - second) <= tolerance) {
    return { needed: 2, complete: true, result: (first + second) / 2, used: [0, 1], disagree: false };
  }
  if (third === undefined) return { needed: 3, complete: false, result: null, used: null, disagree: false };
  const pairs: [number, number][] = [
    [0, 1],
    [0, 2],
    [1, 2],
  ];
  let best: [number, number] = [0, 2];
  let bestGap = Number.POSITIVE_INFINITY;
  for (const [i, j] of pairs) {
    const gap = Math.abs((readings[i] ?? 0) - (readings[j] ?? 0));
    if (gap < bestGap) {
      bestGap = gap;
      best = [i, j];
    }
  }
  const result = ((readings[best[0]] ?? 0) + (readings[best[1]] ?? 0)) / 2;
  return { needed: 3, complete: true, result, used: best, disagree: bestGap > tolerance };
}
