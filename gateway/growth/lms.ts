// The two LMS formulas exactly as WHO anthro writes them (R/z-score-helper.R), so that doubles match.
// WHO Child Growth Standards, methods and development (2006), chapter 7.

/** R's `^`: it squares with x * x when the exponent is exactly 2, otherwise calls pow. */
function rPow(base: number, exponent: number): number {
  return exponent === 2 ? base * base : base ** exponent;
}

/** Plain LMS: z = ((y / M)^L - 1) / (S * L). */
export function lmsZ(y: number, l: number, m: number, s: number): number {
  return (rPow(y / m, l) - 1) / (s * l);
}

/** The measurement at z = sd on the plain LMS curve: M * (1 + L * S * sd)^(1 / L). */
export function lmsValue(sd: number, l: number, m: number, s: number): number {
  return m * rPow(1 + l * s * sd, 1 / l);
}

/** How close (in z) to a decision lmsZFast leaves the answer to pow: far above its error (1.2e-12). */
const DECISION_MARGIN = 1e-9;

/**
 * lmsZ for the hot path. pow was the largest single cost of a CSV run (~15 %); exp(L ln x) costs
 * half as much and lands within 1.2e-12 of pow's z over the WHO tables (test/growth/lms.test.ts).
 * Wherever that difference could change what anthro's z decides, pow is used: z within
 * DECISION_MARGIN of a tie of rounding to 2 decimals (the printed z, the flags and the status bands
 * all use that rounding), or of +-3 (the restricted LMS switch). So every rounded z, flag and label is
 * pow's.
 */
export function lmsZFast(y: number, l: number, m: number, s: number): number {
  if (l === 2) return lmsZ(y, l, m, s); // R squares: already exact and cheap
  const z = (Math.exp(l * Math.log(y / m)) - 1) / (s * l);
  // Math.abs, not branches: the sign of z is a coin toss, and mispredicted branches cost more.
  const hundredths = Math.abs(z) * 100;
  const clear = 100 * DECISION_MARGIN;
  if (Math.abs(hundredths - Math.floor(hundredths) - 0.5) > clear && Math.abs(hundredths - 300) > clear)
    return z;
  return lmsZ(y, l, m, s);
}

/**
 * Restricted LMS (WHO's "SD23" rule): beyond +-3 the scale is linear with the step between 2 and 3 SD.
 * Used for weight-for-age, weight-for-length/height and BMI-for-age only.
 */
export function restrictedLmsZ(y: number, l: number, m: number, s: number): number {
  const z = lmsZFast(y, l, m, s);
  // One call for both tails, which are rare (8 % of weight z-scores): with a call for each, TurboFan boxed the
  // four doubles for them ahead of the test, on every call (a million rows: 270 -> 140 bytes of garbage a row,
  // 131 -> 69 scavenges, about 200 instructions a row fewer).
  return Math.abs(z) > 3 ? beyond3(y, l, m, s, z) : z;
}

function beyond3(y: number, l: number, m: number, s: number, z: number): number {
  return z > 3 ? beyondPlus3(y, l, m, s) : beyondMinus3(y, l, m, s);
}

function beyondPlus3(y: number, l: number, m: number, s: number): number {
  const sd3 = lmsValue(3, l, m, s);
  return 3 + (y - sd3) / (sd3 - lmsValue(2, l, m, s));
}

function beyondMinus3(y: number, l: number, m: number, s: number): number {
  const sd3neg = lmsValue(-3, l, m, s);
  return -3 + (y - sd3neg) / (lmsValue(-2, l, m, s) - sd3neg);
}

/** The measurement at `sd` on the restricted scale (linear beyond +-3), the inverse of restrictedLmsZ. */
export function restrictedLmsValue(sd: number, l: number, m: number, s: number): number {
  if (sd > 3) {
    const sd3 = lmsValue(3, l, m, s);
    return sd3 + (sd - 3) * (sd3 - lmsValue(2, l, m, s));
  }
  if (sd < -3) {
    const sd3neg = lmsValue(-3, l, m, s);
    return sd3neg + (sd + 3) * (lmsValue(-2, l, m, s) - sd3neg);
  }
  return lmsValue(sd, l, m, s);
}
