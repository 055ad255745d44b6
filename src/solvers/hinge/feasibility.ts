// Feasibility of the dual constraints 0 ≤ α ≤ C, yᵀα = 0.
import type { HingeState } from './state.js';

/** |yᵀα| below this fraction of C counts as zero (rounding of a sum of n terms of size ≤ C). */
export const EQUALITY_TOLERANCE = 1e-9;

/**
 * Makes α feasible with few changes: clips it into [0, C], then removes the residual r = yᵀα by moving
 * the points that libsvm's measure would pick first (for r > 0 the members of I_low in ascending order of
 * −y_i G_i, for r < 0 those of I_up in descending order), each as far as its bound allows. At most one
 * point ends strictly inside the box, so the free set stays small. Updates u and G.
 */
export function restoreFeasibility(st: HingeState): void {
  const { alpha, data, g } = st;
  const { y, n } = data;
  const C = st.C;
  for (let i = 0; i < n; i++) {
    if (alpha[i] < 0) st.setAlpha(i, 0);
    else if (alpha[i] > C) st.setAlpha(i, C);
  }
  let r = st.equalityResidual();
  if (r === 0) return;
  st.fullGradient();
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) {
    // r > 0: y = +1 points that can decrease, y = −1 points that can increase (I_low); r < 0: the reverse
    const inLow = y[i] > 0 ? alpha[i] > 0 : alpha[i] < C;
    const inUp = y[i] > 0 ? alpha[i] < C : alpha[i] > 0;
    if (r > 0 ? inLow : inUp) candidates.push(i);
  }
  const key = (i: number): number => -y[i] * g[i];
  candidates.sort(r > 0 ? (i, j) => key(i) - key(j) : (i, j) => key(j) - key(i));
  for (const i of candidates) {
    if (r === 0) break;
    // moving α_i by δ·(direction) changes r by −|δ| for r > 0 (and +|δ| for r < 0)
    const decrease = r > 0 ? y[i] > 0 : y[i] < 0;
    const room = decrease ? alpha[i] : C - alpha[i];
    const move = Math.min(room, Math.abs(r));
    const value = decrease ? alpha[i] - move : alpha[i] + move;
    st.setAlpha(i, move === room ? (decrease ? 0 : C) : value);
    r = r > 0 ? Math.max(0, r - move) : Math.min(0, r + move);
  }
  st.fullGradient();
}
