// Primal-dual active-set (semismooth Newton) phase. Given a split of the points into α = 0 (L), α = C (U)
// and free (F), one step solves the equality-constrained QP on F exactly (see HingeState.newtonStep),
//   Q_FF Δ + y_F β = −G_F,  y_Fᵀ Δ = −yᵀα,
// then moves points between the sets by the signs of α_F and of μ = G + β y on L and U (β is the bias).
// When nothing moves, the KKT conditions hold to within tolerance/4 per point.
//
// A violating bound point moves to the projection on [0, C] of z = α_i − μ_i/K_ii, the end of a Newton
// step along its own coordinate: at large λ (small C) it jumps straight to the other bound instead of
// flooding F, at small λ it enters F (PDAS with the complementarity function scaled by 1/K_ii). If F is
// empty and yᵀα ≠ 0 after such jumps, feasibility is repaired directly (restoreFeasibility).
//
// Safeguards, each of which ends in the caller's fallback when exhausted:
// - moves per step limited to the most violated points (∞ → 20 → 5 → 1), |F| to dim + 1;
// - cycle detection by a hash of the set assignment (the Newton iterate depends only on the sets, so a
//   repeated assignment is a cycle): tighten the limit, finally give up with the best iterate;
// - divergence detection: more than twice the fewest moves seen (+10) returns to the iterate that had
//   the fewest and tightens the limit;
// - a pivot threshold on the factor: a point numerically in the affine span of the free set stays at its
//   bound; too many such refusals give up;
// - an iteration cap.
// Bound points are screened safely (HingeState.screenedGradient): only those whose violation could have
// changed sign since their G was last computed are recomputed.
import { addRows } from './data.js';
import { EQUALITY_TOLERANCE, restoreFeasibility } from './feasibility.js';
import { kktSummary } from './kkt.js';
import { FREE, type HingeState, LOWER, UPPER } from './state.js';

export type PdasOutcome = 'converged' | 'cycle' | 'diverged' | 'singular' | 'iteration-cap';

export interface PdasOptions {
  tolerance: number;
  maxIterations: number;
  /** smallest accepted pivot² / diagonal ratio of the factor */
  pivotRatio: number;
  log?: ((line: string) => void) | undefined;
}

export interface PdasResult {
  outcome: PdasOutcome;
  iterations: number;
  /** admissions refused for a small pivot */
  refused: number;
}

const ADMISSION_LIMITS = [Number.POSITIVE_INFINITY, 20, 5, 1];

/** Random keys for the set-assignment hash (deterministic). */
function hashKeys(n: number, seed: number): Int32Array {
  const keys = new Int32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    keys[i] = t ^ (t >>> 14);
  }
  return keys;
}

const keyCache = new WeakMap<HingeState, Int32Array[]>();

function assignmentHash(st: HingeState): string {
  let keys = keyCache.get(st);
  if (keys === undefined) {
    const n = st.data.n;
    keys = [hashKeys(n, 1), hashKeys(n, 2), hashKeys(n, 3), hashKeys(n, 4)];
    keyCache.set(st, keys);
  }
  const [f1, f2, u1, u2] = keys;
  let h1 = 0;
  let h2 = 0;
  const { status } = st;
  for (let i = 0; i < status.length; i++) {
    const s = status[i];
    if (s === FREE) {
      h1 ^= f1[i];
      h2 ^= f2[i];
    } else if (s === UPPER) {
      h1 ^= u1[i];
      h2 ^= u2[i];
    }
  }
  return `${h1}:${h2}`;
}

/**
 * Runs PDAS from the current state: α in [0, C] consistent with `status`, every FREE point in the list
 * and in a factor without ridge, u consistent with α. On return G is the gradient of the final α when
 * the outcome is 'converged'.
 */
export function runPdas(st: HingeState, options: PdasOptions): PdasResult {
  const { data, alpha, status, g, list, u } = st;
  const { y, n, dim } = data;
  const eps = options.tolerance / 4;
  const maxFree = Math.max(2, dim + 1);
  let limitLevel = 0;
  let seen = new Set<string>();
  const entering = st.w3;
  const order = new Int32Array(n);
  const movingRows = new Int32Array(n);
  const movingCoefs = new Float64Array(n);
  // the iterate (at the start of an iteration) that led to the fewest moves, to return to on divergence
  const bestAlpha = new Float64Array(n);
  const bestStatus = new Int8Array(n);
  const startAlpha = new Float64Array(n);
  const startStatus = new Int8Array(n);
  let bestMoves = Number.POSITIVE_INFINITY;
  let refusals = 0;
  const maxRefusals = Math.max(100, dim);
  for (let it = 1; it <= options.maxIterations; it++) {
    const C = st.C;
    if (st.size === 0 && Math.abs(st.equalityResidual()) > EQUALITY_TOLERANCE * C) {
      // nothing free to absorb yᵀα ≠ 0 (after jumps between the bounds): repair it directly
      restoreFeasibility(st);
      st.statusFromAlpha();
      if (!st.syncFree(options.pivotRatio)) return { outcome: 'singular', iterations: it, refused: refusals };
    }
    const m = st.size;
    let beta = 0;
    startAlpha.set(alpha);
    startStatus.set(status);
    if (m > 0) {
      // Newton step on F
      st.freeGradient();
      beta = st.newtonStep();
      const delta = st.w1;
      let moving = 0;
      for (let p = 0; p < m; p++) {
        const i = list[p];
        const d = delta[p];
        alpha[i] += d;
        if (d !== 0) {
          movingRows[moving] = i;
          movingCoefs[moving++] = d * y[i];
        }
      }
      // u follows in the same order, the rows' updates together
      addRows(data, movingRows, movingCoefs, moving, u);
    }
    if (m === 0) {
      st.fullGradient();
      beta = kktSummary(data, alpha, g, C).bias;
    } else {
      const before = st.profile.gradientRows;
      st.screenedGradient(beta, eps);
      options.log?.(`screened rows ${st.profile.gradientRows - before} of ${n}`);
    }
    // set update: free points that left the box go to their bound; violating bound points move to
    // where a Newton step along their own coordinate would take them, z = α − μ/K_ii projected on [0, C]
    // (into F, or straight across to the other bound when the step is longer than C)
    let leaving = 0;
    for (let p = 0; p < m; p++) {
      const i = list[p];
      if (alpha[i] <= 0 || alpha[i] >= C) leaving++;
    }
    let nEnter = 0;
    for (let i = 0; i < n; i++) {
      const s = status[i];
      if (s === FREE) continue;
      const mu = g[i] + beta * y[i];
      const viol = s === LOWER ? -mu : mu;
      if (viol > eps) {
        order[nEnter] = i;
        entering[i] = viol;
        nEnter++;
      }
    }
    if (leaving === 0 && nEnter === 0) return { outcome: 'converged', iterations: it, refused: refusals };
    const moves = leaving + nEnter;
    if (moves < bestMoves) {
      bestMoves = moves;
      bestAlpha.set(startAlpha);
      bestStatus.set(startStatus);
    } else if (limitLevel === 0 && moves > 2 * bestMoves + 10) {
      // diverging: return to the best iterate and move fewer points per step
      limitLevel++;
      options.log?.(
        `pdas ${it}: ${moves} moves after a best of ${bestMoves}: back to it, limit ${ADMISSION_LIMITS[limitLevel]}`,
      );
      alpha.set(bestAlpha);
      status.set(bestStatus);
      st.recomputeWeights();
      if (limitLevel >= ADMISSION_LIMITS.length)
        return { outcome: 'diverged', iterations: it, refused: refusals };
      seen = new Set<string>();
      bestMoves = Number.POSITIVE_INFINITY;
      if (!st.syncFree(options.pivotRatio)) return { outcome: 'singular', iterations: it, refused: refusals };
      continue;
    }
    // moves: the most violated first, within the current limit
    const limit = ADMISSION_LIMITS[limitLevel];
    if (nEnter > limit) {
      const sorted = Array.from(order.subarray(0, nEnter)).sort((i, j) => entering[j] - entering[i]);
      for (let r = 0; r < limit; r++) order[r] = sorted[r];
      nEnter = limit;
    }
    for (let p = 0; p < m; p++) {
      const i = list[p];
      if (alpha[i] <= 0) {
        st.setAlpha(i, 0);
        status[i] = LOWER;
      } else if (alpha[i] >= C) {
        st.setAlpha(i, C);
        status[i] = UPPER;
      }
    }
    let free = m - leaving;
    let nFree = 0;
    for (let r = 0; r < nEnter; r++) {
      const i = order[r];
      const z = alpha[i] - (g[i] + beta * y[i]) / data.diag[i];
      if (z <= 0) {
        st.setAlpha(i, 0);
        status[i] = LOWER;
      } else if (z >= C) {
        st.setAlpha(i, C);
        status[i] = UPPER;
      } else if (free < maxFree) {
        status[i] = FREE;
        order[nFree++] = i;
        free++;
      }
    }
    options.log?.(
      `pdas ${it}: |F| ${m} → ${st.size - leaving + nFree}, leaving ${leaving}, violators ${nEnter}, ` +
        `admitted ${nFree}, limit ${limit}, β ${beta.toPrecision(6)}`,
    );
    const h = assignmentHash(st);
    if (seen.has(h)) {
      limitLevel++;
      if (limitLevel >= ADMISSION_LIMITS.length) {
        // hand the best iterate to the fallback
        if (Number.isFinite(bestMoves)) {
          alpha.set(bestAlpha);
          status.set(bestStatus);
          st.recomputeWeights();
        }
        return { outcome: 'cycle', iterations: it, refused: refusals };
      }
      seen = new Set<string>();
    }
    seen.add(h);
    if (!st.syncFree(options.pivotRatio, order, nFree)) {
      // points numerically in the span of the free set stay at their bound (they were just admitted)
      for (let r = 0; r < st.refusedCount; r++) {
        const j = st.refused[r];
        if (alpha[j] <= 0) status[j] = LOWER;
        else if (alpha[j] >= C) status[j] = UPPER;
        else return { outcome: 'singular', iterations: it, refused: refusals };
      }
      refusals += st.refusedCount;
      if (refusals > maxRefusals) return { outcome: 'singular', iterations: it, refused: refusals };
    }
  }
  return { outcome: 'iteration-cap', iterations: options.maxIterations, refused: refusals };
}
