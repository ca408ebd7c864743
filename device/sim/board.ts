// The foot board (or head board, standing) as a damped spring driven toward a target position, plus the
// kicking bursts of a wiggling baby. Positions in mm from the fixed head board.

/** Natural frequency of the board under the kader's hand, rad/s (about 1.2 Hz). */
const OMEGA_RAD_PER_S = 2 * Math.PI * 1.2;
const SUBSTEP_S = 0.005;

export class Board {
  positionMm: number;
  velocityMmPerS = 0;
  targetMm: number;
  dampingRatio = 1;

  constructor(positionMm: number) {
    this.positionMm = positionMm;
    this.targetMm = positionMm;
  }

  /** Advance by `dtS` seconds toward `targetMm + pushMm` (semi-implicit Euler in small substeps). */
  advance(dtS: number, pushMm: number): void {
    const target = this.targetMm + pushMm;
    for (let elapsedS = 0; elapsedS < dtS - 1e-9; elapsedS += SUBSTEP_S) {
      const step = Math.min(SUBSTEP_S, dtS - elapsedS);
      const accel =
        OMEGA_RAD_PER_S * OMEGA_RAD_PER_S * (target - this.positionMm) -
        2 * this.dampingRatio * OMEGA_RAD_PER_S * this.velocityMmPerS;
      this.velocityMmPerS += accel * step;
      this.positionMm += this.velocityMmPerS * step;
    }
  }

  /** Close to the target and nearly still. */
  arrived(toleranceMm: number): boolean {
    return Math.abs(this.positionMm - this.targetMm) < toleranceMm && Math.abs(this.velocityMmPerS) < 20;
  }
}
