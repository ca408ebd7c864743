// Wilson score interval for a binomial proportion (Wilson 1927): unlike the normal ("Wald") interval it
// stays inside [0, 1] and behaves at 0 or n cases, which small posyandu samples hit all the time.
//   centre = (p + z²/2n) / (1 + z²/n),  half-width = z / (1 + z²/n) · sqrt(p(1−p)/n + z²/4n²)

/** Two-sided 95 %: the 0.975 quantile of the standard normal distribution. */
export const z95 = 1.959963984540054;

export interface ProportionInterval {
  proportion: number;
  lower: number;
  upper: number;
}

/** Proportion `cases / n` with its Wilson interval; undefined when n is 0 (nothing measured). */
export function wilsonInterval(cases: number, n: number, z = z95): ProportionInterval | undefined {
  if (n <= 0) return undefined;
  const p = cases / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { proportion: p, lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}
