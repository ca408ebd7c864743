// Rounding as R (>= 4.0) does it in round(x, digits), which WHO anthro applies to every z-score:
// of the two neighbours at `digits` decimals, take the one nearer the binary value of x; on an exact
// tie take the even last digit. JavaScript's Math.round(x * 100) / 100 differs at ties and for negatives.

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Largest number of decimals roundTo accepts. */
export const MAX_ROUND_DIGITS = POW10.length - 1;

/** Rounds to `digits` decimals (0..15) like R's round(); NaN and infinities pass through. */
export function roundTo(x: number, digits: number): number {
  const pow10 = POW10[digits];
  if (pow10 === undefined) throw new RangeError(`roundTo: digits must be an integer 0..${MAX_ROUND_DIGITS}`);
  if (!Number.isFinite(x) || x === 0) return x;
  const magnitude = x < 0 ? -x : x;
  const scaled = magnitude * pow10;
  // Beyond 2^52 every double is already an integer at this scale.
  if (scaled >= 4503599627370496) return x;
  const down = Math.floor(scaled);
  const lower = down / pow10;
  const upper = Math.ceil(scaled) / pow10;
  const toUpper = upper - magnitude;
  const toLower = magnitude - lower;
  const rounded = toUpper < toLower || (toUpper === toLower && down % 2 === 1) ? upper : lower;
  return x < 0 ? -rounded : rounded;
}

/** A z-score rounded to 2 decimals, as WHO anthro prints it and as its flags use it. */
export function roundZ(z: number): number {
  return roundTo(z, 2);
}

/**
 * roundZ(z) * 100 as an integer (roundZ(z) === k / 100), fast: away from a tie the nearest integer is
 * plain (the doubles' errors, ~1e-13, cannot flip a choice 1e-9 from the tie); near one, R's
 * comparison in doubles decides. No branch on the sign of z, which is a coin toss on real data.
 * For |z| below 9e13.
 */
export function roundZHundredths(z: number): number {
  const scaled = z * 100;
  // floor(x + 0.5), not Math.round: V8 compiles Math.round with a branch on the fraction.
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-9) return Math.floor(scaled + 0.5);
  const hundredths = Math.round(roundTo(Math.abs(z), 2) * 100);
  return z < 0 ? -hundredths : hundredths;
}
