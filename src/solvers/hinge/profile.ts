// Where the hinge solvers spend their time (milliseconds) and how much work they do; filled in when the
// caller passes a profile object.

/** Time and work counters of the hinge solvers, summed over every λ solved with the same profile. */
export interface HingeProfile {
  /** wall time of the solves */
  totalMs: number;
  /** gradient passes (scores of images against w), full and partial */
  gradientMs: number;
  /** image rows read by gradient passes */
  gradientRows: number;
  /** kernel entries (including the cache bookkeeping) */
  kernelMs: number;
  kernelEntries: number;
  kernelCacheResets: number;
  /** Cholesky appends and removals (rank-one updates) */
  factorMs: number;
  /** triangular solves */
  solveMs: number;
  factorAppends: number;
  factorRemovals: number;
  factorRebuilds: number;
  /** smallest pivot² / diagonal ratio accepted by a factor without ridge (how close to singular) */
  minPivotRatio: number;
  /** exact final checks (w from scratch, full gradient, KKT, gap) */
  checkMs: number;
}

/** A zeroed profile. */
export function createHingeProfile(): HingeProfile {
  return {
    totalMs: 0,
    gradientMs: 0,
    gradientRows: 0,
    kernelMs: 0,
    kernelEntries: 0,
    kernelCacheResets: 0,
    factorMs: 0,
    solveMs: 0,
    factorAppends: 0,
    factorRemovals: 0,
    factorRebuilds: 0,
    minPivotRatio: 1,
    checkMs: 0,
  };
}
