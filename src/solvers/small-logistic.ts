// Exact L2 logistic regression with a free bias for small dimensions: Newton's method on (w, b) with a dense
// Cholesky solve of the (dim + 1) × (dim + 1) Hessian and a backtracking line search. Built for the toy
// figures (dim 2, run on every slider move) and as a reference in tests. Pure maths.
//
// Existence. With λ > 0 the objective is strongly convex in w and, as long as both classes are present,
// coercive in b, so the minimiser exists and is unique. With λ = 0 it exists only when the data is not
// linearly separable: on separable data the infimum 0 is approached as ‖w‖ → ∞ and never reached. We then
// still iterate (to the cap, or until the gradient, which decays like e^{−margin·‖w‖}, meets the tolerance)
// but report converged = false.
import { softplusDerivative, softplusLoss } from '../math/losses.js';
import type { LabelledSet } from '../math/types.js';
import { dotRow } from '../math/vector.js';
import { choleskyInPlace, choleskySolve } from './dense-cholesky.js';
import type { FitReport } from './report.js';

/** Options of the small exact logistic regression. */
export interface SmallLogisticOptions {
  /**
   * Relative stopping tolerance: stop when ‖∇L(w, b)‖ ≤ tol · ‖∇L(0, 0)‖, the gradient at the zero model
   * (not at a warm start, so the criterion depends on the data only). Default 1e-12.
   */
  tolerance?: number;
  /** cap on Newton iterations; reaching it returns converged = false (default 200) */
  maxIterations?: number;
  /** starting point (default w = 0, b = 0) */
  initial?: { w: ArrayLike<number>; b: number };
}

/** An L2 logistic regression fitted by Newton's method, with how close to stationary it ended. */
export interface SmallLogisticFit extends FitReport {
  w: Float64Array;
  b: number;
  /** ‖∇L(w, b)‖ over (w, b) at the returned point (the same as `optimality`) */
  gradientNorm: number;
}

// Armijo's sufficient-decrease fraction
const ARMIJO = 1e-4;
// below this predicted decrease relative to |L|, changes of L drown in rounding: judge steps by ‖∇L‖
const ROUNDING_REGIME = 1e-13;

/**
 * Minimises (1/n) Σ softplus(y(w·x + b)) + λ‖w‖² (b not regularised) by damped Newton steps; λ ≥ 0, λ = 0
 * only for non-separable data (otherwise no optimum exists and converged is false).
 */
export function fitLogisticRegression(
  set: LabelledSet,
  lambda: number,
  options: SmallLogisticOptions = {},
): SmallLogisticFit {
  const { n, dim, x, y } = set;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new RangeError(`fitLogisticRegression(): λ must be ≥ 0 and finite, got ${lambda}`);
  }
  const tol = options.tolerance ?? 1e-12;
  if (!(tol >= 0)) throw new RangeError(`fitLogisticRegression(): the tolerance must be ≥ 0, got ${tol}`);
  const maxIterations = options.maxIterations ?? 200;
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) nPos++;
    else if (y[i] !== -1) throw new RangeError(`fitLogisticRegression(): label ${y[i]} at ${i} is not ±1`);
  }
  if (nPos === 0 || nPos === n) {
    throw new RangeError(
      'fitLogisticRegression(): both classes are needed (the free bias is otherwise unbounded)',
    );
  }

  const m = dim + 1;
  // parameters (w, b) packed as one vector; the bias is the last entry
  let p = new Float64Array(m);
  let trial = new Float64Array(m);
  let g = new Float64Array(m);
  let gTrial = new Float64Array(m);
  const z = new Float64Array(n);
  const H = new Float64Array(m * m);
  const step = new Float64Array(m);

  /** L at `q`, its gradient into `grad`, and the margins z = y s(x) into `z`. */
  const evaluate = (q: Float64Array, grad: Float64Array): number => {
    const b = q[dim];
    let loss = 0;
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * dim;
      const zi = y[i] * (dotRow(x, off, q, dim) + b);
      z[i] = zi;
      loss += softplusLoss(zi);
      const c = (softplusDerivative(zi) * y[i]) / n;
      for (let k = 0; k < dim; k++) grad[k] += c * x[off + k];
      grad[dim] += c;
    }
    let ww = 0;
    for (let k = 0; k < dim; k++) {
      ww += q[k] * q[k];
      grad[k] += 2 * lambda * q[k];
    }
    return loss / n + lambda * ww;
  };
  const normOf = (v: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] * v[k];
    return Math.sqrt(s);
  };

  // the reference scale of the stopping rule: the gradient at the zero model
  evaluate(p, g);
  const gZero = normOf(g);
  if (options.initial) {
    const { w: w0, b: b0 } = options.initial;
    if (w0.length !== dim)
      throw new RangeError(`fitLogisticRegression(): initial w has ${w0.length} ≠ ${dim}`);
    for (let k = 0; k < dim; k++) p[k] = w0[k];
    p[dim] = b0;
  }
  let objective = evaluate(p, g);
  let gradientNorm = normOf(g);
  let iterations = 0;
  const threshold = tol * gZero;

  while (gradientNorm > threshold && iterations < maxIterations) {
    // Hessian (1/n) Σ f''(z) [x; 1][x; 1]ᵀ + 2λ diag(1, …, 1, 0), lower triangle only
    H.fill(0);
    for (let i = 0; i < n; i++) {
      // f''(z) = σ(z) σ(−z), each factor computed without cancellation
      const h = (softplusDerivative(z[i]) * softplusDerivative(-z[i])) / n;
      if (h === 0) continue;
      const off = i * dim;
      for (let r = 0; r < dim; r++) {
        const hr = h * x[off + r];
        const rr = r * m;
        for (let c = 0; c <= r; c++) H[rr + c] += hr * x[off + c];
      }
      const rb = dim * m;
      for (let c = 0; c < dim; c++) H[rb + c] += h * x[off + c];
      H[rb + dim] += h;
    }
    for (let k = 0; k < dim; k++) H[k * m + k] += 2 * lambda;
    newtonDirection(H, m, g, step);

    let slope = 0;
    for (let k = 0; k < m; k++) slope += g[k] * step[k];
    if (!(slope < 0)) {
      // rounding has made the direction useless: fall back on steepest descent for this iteration
      for (let k = 0; k < m; k++) step[k] = -g[k];
      slope = -gradientNorm * gradientNorm;
    }
    const roundingRegime = -slope <= ROUNDING_REGIME * (1 + Math.abs(objective));

    let t = 1;
    let accepted = false;
    let trialObjective = objective;
    for (let halvings = 0; halvings < 60; halvings++) {
      for (let k = 0; k < m; k++) trial[k] = p[k] + t * step[k];
      trialObjective = evaluate(trial, gTrial);
      if (trialObjective <= objective + ARMIJO * t * slope) {
        accepted = true;
        break;
      }
      if (roundingRegime && normOf(gTrial) < gradientNorm) {
        accepted = true;
        break;
      }
      t /= 2;
    }
    iterations++;
    if (!accepted) {
      // no representable progress is left: put the margins back to the current point and stop
      evaluate(p, g);
      break;
    }
    [p, trial] = [trial, p];
    [g, gTrial] = [gTrial, g];
    objective = trialObjective;
    gradientNorm = normOf(g);
  }

  let converged = gradientNorm <= threshold;
  if (lambda === 0 && converged) {
    // a small gradient at λ = 0 with every image correctly classified means separable data: the
    // gradient only vanished because ‖w‖ ran off towards infinity
    let separated = true;
    for (let i = 0; i < n; i++) if (!(z[i] > 0)) separated = false;
    if (separated) converged = false;
  }
  return {
    w: p.slice(0, dim),
    b: p[dim],
    iterations,
    gradientNorm,
    objective,
    converged,
    measure: 'gradient-norm',
    optimality: gradientNorm,
    // the absolute threshold the relative tolerance set
    tolerance: threshold,
  };
}

/**
 * Solves H d = −g for the Newton direction by Cholesky; when rounding makes H numerically indefinite (a
 * curvature underflow, or λ = 0 far out), adds a growing multiple of the identity until it factorises.
 */
function newtonDirection(H: Float64Array, m: number, g: Float64Array, out: Float64Array): void {
  const work = new Float64Array(H.length);
  let trace = 0;
  for (let k = 0; k < m; k++) trace += H[k * m + k];
  let shift = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    work.set(H);
    for (let k = 0; k < m; k++) work[k * m + k] += shift;
    if (choleskyInPlace(work, m)) {
      for (let k = 0; k < m; k++) out[k] = -g[k];
      choleskySolve(work, m, out);
      return;
    }
    shift = shift === 0 ? Math.max(1e-14 * trace, 1e-300) : shift * 10;
  }
  for (let k = 0; k < m; k++) out[k] = -g[k];
}
