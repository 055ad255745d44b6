// Adversarial training of a linear classifier against ℓ2 perturbations of norm ε (Galloway, Tanay & Taylor
// 2018): the worst perturbation lowers y·s(x) by exactly ε‖w‖, so training minimises
//
//   F_ε(w, b) = (1/n) Σ f(y (w·x + b) − ε‖w‖) + λ‖w‖²,  b not regularised,
//
// convex for the hinge and the softplus loss (f convex and non-increasing, the argument concave). This file
// holds what both solvers share: F_ε, its Fenchel dual (a certificate), and the point ε* beyond which the
// constant classifier w = 0 is optimal. Pure maths, browser-safe.
//
// The dual. Each loss is a maximum of affine functions, f(z) = max_{a ∈ [0,1]} (−a z + c(a)), with
// c(a) = a for the hinge and c(a) = H(a) = −a ln a − (1 − a) ln(1 − a) for softplus. Exchanging min and max
// (the a lie in a box) and minimising over b (which asks Σ a y = 0) and over w (along v) gives
//
//   D(a) = (1/n) Σ c(a_i) − (‖v‖ − ε ā)₊² / (4λ),  v = (1/n) Σ a_i y_i x_i,  ā = (1/n) Σ a_i,
//
// with F_ε(w, b) ≥ D(a) for every feasible a, so F_ε − D(a) ≥ F_ε − F_ε* is the duality gap. At ε = 0 it is
// the familiar SVM (and logistic) dual in the scaling of L.
import { hingeLoss, softplusLoss, type TrainingLoss } from '../../math/losses.js';
import { sparseTransposeTimes } from '../../math/sparse.js';
import type { Problem } from '../logistic/workspace.js';
import type { RobustModel } from './model.js';

/** The certificate asked of every model: F_ε − D ≤ this, relative to max(1, F_ε). */
export const ROBUST_GAP_TOLERANCE = 1e-6;

/** c(a) of the loss's conjugate: a for the hinge, the binary entropy for softplus (0 at a ∈ {0, 1}). */
function conjugateTerm(loss: TrainingLoss, a: number): number {
  if (loss === 'hinge') return a;
  if (a <= 0 || a >= 1) return 0;
  return -a * Math.log(a) - (1 - a) * Math.log1p(-a);
}

/** F_ε from the unshifted margins z_i = y_i (w·x_i + b) and ρ = ‖w‖. */
export function robustObjective(
  loss: TrainingLoss,
  z: Float64Array,
  rho: number,
  epsilon: number,
  lambda: number,
): number {
  const f = loss === 'hinge' ? hingeLoss : softplusLoss;
  const shift = epsilon * rho;
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += f(z[i] - shift);
  return sum / z.length + lambda * rho * rho;
}

/**
 * D(a) for dual variables a ∈ [0, 1]ⁿ (a copy is made feasible first: the larger class's a are scaled down
 * until Σ a y = 0, which keeps them in the box). `scratch` holds dim values.
 */
export function robustDual(
  loss: TrainingLoss,
  data: Problem,
  a: Float64Array,
  epsilon: number,
  lambda: number,
  scratch: Float64Array,
): number {
  const { y } = data;
  const n = y.length;
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < n; i++) {
    const ai = Math.min(1, Math.max(0, a[i]));
    if (y[i] > 0) positive += ai;
    else negative += ai;
  }
  const scalePositive = positive > negative ? negative / positive : 1;
  const scaleNegative = negative > positive ? positive / negative : 1;
  const t = new Float64Array(n);
  let conj = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const ai = Math.min(1, Math.max(0, a[i])) * (y[i] > 0 ? scalePositive : scaleNegative);
    conj += conjugateTerm(loss, ai);
    total += ai;
    t[i] = (ai * y[i]) / n;
  }
  sparseTransposeTimes(data.columns, t, scratch);
  let v2 = 0;
  for (let k = 0; k < scratch.length; k++) v2 += scratch[k] * scratch[k];
  const excess = Math.max(0, Math.sqrt(v2) - (epsilon * total) / n);
  return conj / n - (excess * excess) / (4 * lambda);
}

/** The constant classifier that is optimal once ε ≥ ε*, with its dual variables. */
export interface CollapsedModel {
  /** ε* = ½‖j − i‖: for ε ≥ ε* the optimum is w = 0 (exact for softplus, and for the hinge with balanced
   * classes; with unbalanced classes the hinge's w may vanish earlier, and its solver finds that itself) */
  threshold: number;
  b: number;
  /** the dual variables at w = 0, b: a feasible point of D */
  a: Float64Array;
}

/**
 * ε* and the w = 0 model. At w = 0 the subgradient condition is ‖v(a)‖ ≤ ε ā with a ∈ ∂f at y b: for softplus
 * b = ln(n₊/n₋), a = σ(−y b), so v = (n₊n₋/n²)(j − i) and ā = 2n₊n₋/n², i.e. ε ≥ ½‖j − i‖ whatever the
 * balance; for the hinge with balanced classes every a = 1 (b = 0, the midpoint of the optimal [−1, 1]).
 */
export function collapsedModel(loss: TrainingLoss, data: Problem, scratch: Float64Array): CollapsedModel {
  const { y } = data;
  const n = y.length;
  let nPositive = 0;
  for (let i = 0; i < n; i++) if (y[i] > 0) nPositive++;
  const nNegative = n - nPositive;
  const a = new Float64Array(n);
  let b: number;
  if (loss === 'softplus') {
    b = Math.log(nPositive / nNegative);
    for (let i = 0; i < n; i++) a[i] = y[i] > 0 ? nNegative / n : nPositive / n;
  } else {
    // (1/n) Σ max(0, 1 − y b) falls towards the larger class: b = ±1, or the midpoint 0 when balanced
    b = Math.sign(nPositive - nNegative);
    for (let i = 0; i < n; i++)
      a[i] = y[i] * b < 0 || b === 0 ? 1 : Math.min(nPositive, nNegative) / Math.max(nPositive, nNegative);
  }
  // ½‖j − i‖ from the class sums
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = y[i] > 0 ? 1 / nPositive : -1 / nNegative;
  sparseTransposeTimes(data.columns, t, scratch);
  let d2 = 0;
  for (let k = 0; k < scratch.length; k++) d2 += scratch[k] * scratch[k];
  return { threshold: Math.sqrt(d2) / 2, b, a };
}

/** The w = 0 model (ε ≥ ε*) with its gap. */
export function collapsedRobustModel(
  data: Problem,
  collapse: CollapsedModel,
  loss: TrainingLoss,
  lambda: number,
  epsilon: number,
  scratch: Float64Array,
): RobustModel {
  const z = data.y.map((y) => y * collapse.b);
  const objective = robustObjective(loss, z, 0, epsilon, lambda);
  const gap = Math.max(0, objective - robustDual(loss, data, collapse.a, epsilon, lambda, scratch));
  const tolerance = ROBUST_GAP_TOLERANCE * Math.max(1, objective);
  return {
    epsilon,
    lambda,
    w: new Float64Array(scratch.length),
    b: collapse.b,
    collapsed: true,
    objective,
    gap,
    measure: 'duality-gap',
    optimality: gap,
    tolerance,
    iterations: 0,
    converged: gap <= tolerance,
  };
}
