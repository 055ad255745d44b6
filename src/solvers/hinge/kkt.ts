// libsvm's optimality measure and bias rule for the dual of the soft-margin SVM,
//   min f(α) = ½αᵀQα − Σα,  0 ≤ α ≤ C,  yᵀα = 0,  G = ∇f = Qα − 1,
// plus the primal objective and the duality gap.
import type { HingeData } from './data.js';
import { EQUALITY_TOLERANCE } from './feasibility.js';

/**
 * For the bias and the counts, α within this fraction of C of a bound counts as at that bound. A Newton
 * step that takes a point onto a bound in exact arithmetic leaves it at a rounding residue instead (its
 * value is fixed by yᵀα = 0, a sum of n terms of size C): e.g. α = 4.8e-15·C for one image of pair 2-7
 * at λ = 10^0.9, where all the others sit exactly at 0 or C. Counted as free, that one point alone decided
 * b (the average over the free set) at one end of the interval of optimal b, where libsvm (whose SMO clips
 * α exactly to its bounds) takes the midpoint. Moving such an α onto its bound changes yᵀα by less than
 * the equality tolerance, so within the solver's own accuracy it is at the bound. The violation keeps the
 * exact sets: it measures the iterate the phases hold, whose feasible directions are those of exact α.
 */
export const BOUND_TOLERANCE = EQUALITY_TOLERANCE;

/** libsvm's KKT summary of a dual point. */
export interface KktSummary {
  /** m(α) − M(α) = max_{I_up} −y_i G_i − min_{I_low} −y_i G_i (≤ 0 … tol at an optimum) */
  violation: number;
  /**
   * b = −ρ: the mean of −y_i G_i over free α, or, when none is free, the midpoint of the interval that the
   * bound sets allow (the interval of optimal b at an optimum); bounds to within BOUND_TOLERANCE·C
   */
  bias: number;
  /** numbers of free α, α at C and α at 0 (to within BOUND_TOLERANCE·C) */
  free: number;
  upper: number;
  lower: number;
}

/**
 * libsvm's maximal violation and bias (calculate_rho). The violation uses libsvm's exact bounds (α ≥ C at
 * the upper bound, α ≤ 0 at the lower): I_up = {y = +1, α < C} ∪ {y = −1, α > 0}, I_low = {y = −1, α < C}
 * ∪ {y = +1, α > 0}. The bias and the counts take α ≥ (1 − ε)C as at C and α ≤ εC as at 0, ε =
 * BOUND_TOLERANCE (see there): ρ is the mean of y_i G_i over the free α if any, else the midpoint of
 * [max lb, min ub] over the bound sets, lb from {y = +1 at C} ∪ {y = −1 at 0}, ub from {y = −1 at C} ∪
 * {y = +1 at 0}.
 */
export function kktSummary(data: HingeData, alpha: Float64Array, g: Float64Array, C: number): KktSummary {
  const { y, n } = data;
  let mUp = Number.NEGATIVE_INFINITY;
  let mLow = Number.POSITIVE_INFINITY;
  // calculate_rho works with yG = y_i G_i = −(−y_i G_i)
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  let sumFree = 0;
  let free = 0;
  let upper = 0;
  let lower = 0;
  const nearUpper = C * (1 - BOUND_TOLERANCE);
  const nearLower = C * BOUND_TOLERANCE;
  let finite = true;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    const a = alpha[i];
    const yg = yi * g[i];
    if (!Number.isFinite(yg) || !Number.isFinite(a)) finite = false;
    const v = -yg;
    const atUpper = a >= C;
    const atLower = a <= 0;
    if (yi > 0) {
      if (!atUpper && v > mUp) mUp = v;
      if (!atLower && v < mLow) mLow = v;
    } else {
      if (!atLower && v > mUp) mUp = v;
      if (!atUpper && v < mLow) mLow = v;
    }
    if (a >= nearUpper) {
      upper++;
      if (yi < 0) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else if (a <= nearLower) {
      lower++;
      if (yi > 0) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else {
      free++;
      sumFree += yg;
    }
  }
  const rho = free > 0 ? sumFree / free : (ub + lb) / 2;
  // a NaN fails every comparison above, so it would look like no violation at all: it is an infinite one
  const violation = !finite
    ? Number.POSITIVE_INFINITY
    : Number.isFinite(mUp) && Number.isFinite(mLow)
      ? mUp - mLow
      : 0;
  return { violation, bias: -rho, free, upper, lower };
}

/** Primal objective, dual objective and duality gap of (w(α), b), in the scaling of L(w, b). */
export interface GapSummary {
  /** L(w, b) = (1/n) Σ max(0, 1 − y(w·x + b)) + λ‖w‖² */
  objective: number;
  /** P − D with P = L(w, b) and D = 2λ(Σα − ½‖w‖²) (the dual objective in L's scaling) */
  gap: number;
  /** ‖w‖² */
  normW2: number;
}

/**
 * With C = 1/(2λn), L(w, b) = 2λ · P_C(w, b) where P_C = ½‖w‖² + C Σ ξ_i is the primal of the dual above,
 * so the gap in L's scaling is 2λ (P_C − D_C), D_C = Σα − ½‖w‖². `g` must be the gradient of α and
 * `normW2` = ‖w(α)‖².
 */
export function gapSummary(
  data: HingeData,
  alpha: Float64Array,
  g: Float64Array,
  bias: number,
  normW2: number,
  lambda: number,
): GapSummary {
  const { y, n } = data;
  let xi = 0;
  let sumAlpha = 0;
  for (let i = 0; i < n; i++) {
    // y_i (w·x_i + b) − 1 = G_i + y_i b
    const slack = -(g[i] + y[i] * bias);
    if (slack > 0) xi += slack;
    sumAlpha += alpha[i];
  }
  const objective = xi / n + lambda * normW2;
  const dual = 2 * lambda * (sumAlpha - 0.5 * normW2);
  return { objective, gap: objective - dual, normW2 };
}
