// A reading locks once the samples have stayed within a narrow band for a whole window, after isolated
// outliers (a knock, an electrical spike) are dropped. A moving baby never locks: its samples spread wider
// than the band. After a lock, the detector waits for the value to move clearly away (the foot board taken
// off, the child lifted) before it can lock again, so one stable position gives exactly one reading.

export interface LockOptions {
  /** Samples must stay within this width (max - min) to lock: 2 mm for length, 20 g for weight. */
  bandWidth: number;
  /** ... for this long, in device milliseconds. Default 1500. */
  windowMs?: number;
  /** A sample further than this from the window's median is an outlier. Default 5 × bandWidth. */
  outlierWidth?: number;
  /** At most this fraction of the window may be outliers. Default 0.2. */
  maxOutlierFraction?: number;
  /** Released after a lock when this many consecutive samples are further than releaseWidth. Default 3. */
  releaseSamples?: number;
  /** Default 10 × bandWidth (20 mm for length). */
  releaseWidth?: number;
}

export type LockUpdate =
  | { kind: 'moving' } // not stable (yet)
  | { kind: 'lock'; value: number; samples: number; outliers: number } // a new reading, reported once
  | { kind: 'held'; value: number } // still locked on the same reading
  | { kind: 'released' }; // moved away after a lock: the next stable position is a new reading

interface Sample {
  value: number;
  tMs: number;
}

export class LockDetector {
  readonly #bandWidth: number;
  readonly #windowMs: number;
  readonly #outlierWidth: number;
  readonly #maxOutlierFraction: number;
  readonly #releaseSamples: number;
  readonly #releaseWidth: number;
  #window: Sample[] = [];
  #coveredSinceMs: number | null = null;
  #lockedValue: number | null = null;
  #departures = 0;

  constructor(options: LockOptions) {
    if (!(options.bandWidth > 0)) throw new RangeError(`bandWidth must be > 0, got ${options.bandWidth}`);
    this.#bandWidth = options.bandWidth;
    this.#windowMs = options.windowMs ?? 1500;
    this.#outlierWidth = options.outlierWidth ?? 5 * options.bandWidth;
    this.#maxOutlierFraction = options.maxOutlierFraction ?? 0.2;
    this.#releaseSamples = options.releaseSamples ?? 3;
    this.#releaseWidth = options.releaseWidth ?? 10 * options.bandWidth;
    if (!(this.#windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${this.#windowMs}`);
  }

  get lockedValue(): number | null {
    return this.#lockedValue;
  }

  /** Forget everything (a new session, a new child). */
  reset(): void {
    this.#window = [];
    this.#coveredSinceMs = null;
    this.#lockedValue = null;
    this.#departures = 0;
  }

  /** Forces a release (the mat reported the foot board moved away). */
  release(): void {
    this.reset();
  }

  /** One sample; `value` null means nothing is measured (no child, sensor out of range). */
  push(value: number | null, tMs: number): LockUpdate {
    if (value === null || !Number.isFinite(value)) {
      const wasLocked = this.#lockedValue !== null;
      this.reset();
      return wasLocked ? { kind: 'released' } : { kind: 'moving' };
    }
    if (this.#lockedValue !== null) return this.#whileLocked(value, tMs);

    const last = this.#window.at(-1);
    if (last && tMs < last.tMs) this.reset(); // device clock went back: the mat restarted
    this.#window.push({ value, tMs });
    this.#coveredSinceMs ??= tMs;
    const windowStartMs = tMs - this.#windowMs;
    while ((this.#window[0]?.tMs ?? tMs) < windowStartMs) this.#window.shift();
    if (tMs - this.#coveredSinceMs < this.#windowMs) return { kind: 'moving' };

    const values = this.#window.map((s) => s.value).sort((a, b) => a - b);
    const median = values[values.length >> 1] ?? value;
    const kept = values.filter((v) => Math.abs(v - median) <= this.#outlierWidth);
    const outliers = values.length - kept.length;
    if (outliers > this.#maxOutlierFraction * values.length) return { kind: 'moving' };
    const spread = (kept.at(-1) ?? 0) - (kept[0] ?? 0);
    if (spread > this.#bandWidth) return { kind: 'moving' };

    const mean = kept.reduce((sum, v) => sum + v, 0) / kept.length;
    this.#lockedValue = mean;
    this.#departures = 0;
    return { kind: 'lock', value: mean, samples: kept.length, outliers };
  }

  #whileLocked(value: number, tMs: number): LockUpdate {
    const locked = this.#lockedValue ?? value;
    if (Math.abs(value - locked) <= this.#releaseWidth) {
      this.#departures = 0;
      return { kind: 'held', value: locked };
    }
    this.#departures += 1;
    if (this.#departures < this.#releaseSamples) return { kind: 'held', value: locked };
    this.reset();
    this.#window.push({ value, tMs });
    this.#coveredSinceMs = tMs;
    return { kind: 'released' };
  }
}
