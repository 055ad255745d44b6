// Fallback with a guarantee: a feasible (primal) active-set method with a ratio test. It starts from a
// feasible point near the current α (see restoreFeasibility) and keeps every iterate feasible:
//   1. on the free set F, solve the Newton system of state.ts with a tiny ridge δ added to the factor (a
//      proximal step), so that a singular system — duplicated points, free images affinely dependent —
//      is no problem: along a null direction the step is long and the ratio test stops it at a bound;
//   2. take the longest step t ≤ 1 that keeps α in the box; the point that blocks goes to its bound and
//      leaves F (the objective never increases);
//   3. after a full step, check libsvm's KKT measure; if violated, first move free points that sit
//      exactly at a bound out of F (they are degenerate: a step out of the box would block at t = 0),
//      then admit the most violated bound points, a few at a time (with fewer than two free points,
//      libsvm's maximal violating pair among them, so that the equality constraint lets both move).
// From a point that is stationary on an interior F, admitting the most violated point gives a descent
// direction that moves it into the box, so the dual objective falls strictly and no set repeats: the
// method terminates for a convex QP. Rounding can break that argument, so a round that does not lower
// the objective admits one point at a time and sets aside the one that failed; too many such rounds, or
// the iteration cap, hand over to SMO.
import { addRow } from './data.js';
import { restoreFeasibility } from './feasibility.js';
import { kktSummary } from './kkt.js';
import { FREE, type HingeState, LOWER, UPPER } from './state.js';

export type ActiveSetOutcome = 'converged' | 'iteration-cap' | 'stalled' | 'singular';

export interface ActiveSetOptions {
  tolerance: number;
  maxIterations: number;
  log?: ((line: string) => void) | undefined;
}

export interface ActiveSetResult {
  outcome: ActiveSetOutcome;
  iterations: number;
}

/** Most points admitted per round (one after a round without progress, doubling back after progress). */
const MAX_ADMISSIONS = 32;

/** Admission rounds in a row without a decrease of the objective before giving up (to SMO). */
const MAX_STALLS = 50;

/** Relative ridge δ / max(K_ii + c) of the proximal Newton steps. */
const RIDGE = 1e-10;

export function runActiveSet(st: HingeState, options: ActiveSetOptions): ActiveSetResult {
  const { data, alpha, status, g, list, u } = st;
  const { y, n } = data;
  const C = st.C;
  const eps = options.tolerance / 4;
  restoreFeasibility(st);
  st.statusFromAlpha();
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, data.diag[i]);
  st.factor.clear();
  st.factor.ridge = RIDGE * (maxDiag + st.shift);
  if (!st.syncFree(0)) return { outcome: 'singular', iterations: 0 };
  const order = new Int32Array(n);
  const viol = st.w3;
  const excluded = new Uint8Array(n);
  let nExcluded = 0;
  let kAdmit = MAX_ADMISSIONS;
  let lastAdmitted = -1;
  let lastObjective = Number.POSITIVE_INFINITY;
  let stalls = 0;
  for (let it = 1; it <= options.maxIterations; it++) {
    const m = st.size;
    let beta = 0;
    if (m > 0) {
      st.freeGradient();
      beta = st.newtonStep();
      const a = st.w1;
      // ratio test: the longest step t ≤ 1 that keeps every free α in [0, C]
      let t = 1;
      let block = -1;
      for (let p = 0; p < m; p++) {
        const d = a[p];
        const ai = alpha[list[p]];
        const tp = d < 0 ? ai / -d : d > 0 ? (C - ai) / d : Number.POSITIVE_INFINITY;
        if (tp < t) {
          t = tp;
          block = p;
        }
      }
      // the blocking point goes to its bound; so does any other point that the step carried onto or past
      // its bound (a point just admitted at a bound, and not moving out of it, stays free)
      let moved = false;
      for (let p = 0; p < m; p++) {
        const i = list[p];
        const dir = a[p];
        let out = p === block;
        if (!out && dir !== 0) {
          const d = t * dir;
          alpha[i] += d;
          addRow(data, i, d * y[i], u);
          out = (dir < 0 && alpha[i] <= 0) || (dir > 0 && alpha[i] >= C);
        }
        if (out) {
          st.setAlpha(i, dir < 0 ? 0 : C);
          status[i] = dir < 0 ? LOWER : UPPER;
          moved = true;
        }
      }
      if (moved) {
        if (!st.syncFree(0)) return { outcome: 'singular', iterations: it };
        continue;
      }
    }
    // a full step (or nothing free): check optimality
    st.fullGradient();
    const kkt = kktSummary(data, alpha, g, C);
    if (kkt.violation <= options.tolerance) return { outcome: 'converged', iterations: it };
    // free points sitting exactly at a bound are degenerate (a step out of the box would block at t = 0
    // and cycle): they leave F before β is read off the free set
    let ejected = 0;
    for (let p = 0; p < m; p++) {
      const i = list[p];
      if (alpha[i] <= 0 || alpha[i] >= C) {
        status[i] = alpha[i] <= 0 ? LOWER : UPPER;
        ejected++;
      }
    }
    if (ejected > 0) {
      if (!st.syncFree(0)) return { outcome: 'singular', iterations: it };
      continue;
    }
    if (m === 0) beta = kkt.bias;
    let residualF = 0;
    for (let p = 0; p < m; p++) {
      const i = list[p];
      residualF = Math.max(residualF, Math.abs(g[i] + beta * y[i]));
    }
    options.log?.(
      `active-set ${it}: |F| ${m}, violation ${kkt.violation.toExponential(3)}, F residual ${residualF.toExponential(2)}`,
    );
    if (residualF > eps) continue; // the proximal steps have not settled on F yet
    // progress since the last admission: the dual objective must have fallen; if not, admit one point at
    // a time and set aside the one that made no progress (until progress resumes)
    const f = st.dualObjective();
    if (f < lastObjective - 1e-14 * Math.abs(f)) {
      stalls = 0;
      kAdmit = Math.min(MAX_ADMISSIONS, 2 * kAdmit);
      if (nExcluded > 0) {
        excluded.fill(0);
        nExcluded = 0;
      }
    } else {
      stalls++;
      if (stalls > MAX_STALLS) return { outcome: 'stalled', iterations: it };
      kAdmit = 1;
      if (lastAdmitted >= 0 && !excluded[lastAdmitted]) {
        excluded[lastAdmitted] = 1;
        nExcluded++;
      }
    }
    lastObjective = Math.min(lastObjective, f);
    let nEnter = 0;
    for (let i = 0; i < n; i++) {
      const s = status[i];
      if (s === FREE || excluded[i]) continue;
      const mu = g[i] + beta * y[i];
      const vi = s === LOWER ? -mu : mu;
      if (vi > eps) {
        order[nEnter++] = i;
        viol[i] = vi;
      }
    }
    if (nEnter === 0) return { outcome: 'stalled', iterations: it };
    if (nEnter > kAdmit) {
      const sorted = Array.from(order.subarray(0, nEnter)).sort((i, j) => viol[j] - viol[i]);
      for (let r = 0; r < kAdmit; r++) order[r] = sorted[r];
      nEnter = kAdmit;
    }
    if (m < 2) {
      // with fewer than two free points the equality constraint pins the admitted points unless both
      // sides move: make sure the most violated member of I_up and of I_low (libsvm's maximal violating
      // pair) are among them, so that the step can move both into the box
      for (const side of [1, -1]) {
        let best = -1;
        for (let i = 0; i < n; i++) {
          const s = status[i];
          if (s === FREE || excluded[i]) continue;
          // I_up: y = +1 at 0 or y = −1 at C (side 1); I_low: y = −1 at 0 or y = +1 at C (side −1)
          const up = (s === LOWER) === y[i] > 0;
          if (side > 0 !== up) continue;
          const mu = g[i] + beta * y[i];
          const vi = s === LOWER ? -mu : mu;
          if (vi > eps && (best < 0 || vi > viol[best])) {
            best = i;
            viol[i] = vi;
          }
        }
        let present = false;
        for (let r = 0; r < nEnter; r++) if (order[r] === best) present = true;
        if (best >= 0 && !present) order[nEnter++] = best;
      }
    }
    for (let r = 0; r < nEnter; r++) status[order[r]] = FREE;
    lastAdmitted = order[0];
    if (!st.syncFree(0, order, nEnter)) return { outcome: 'singular', iterations: it };
  }
  return { outcome: 'iteration-cap', iterations: options.maxIterations };
}
