// Exact adversarial training of the softplus loss: Newton-CG on
//
//   F_ε(w, b) = (1/n) Σ softplus(z_i − ερ) + λρ²,  z_i = y_i (w·x_i + b),  ρ = ‖w‖,
//
// which is smooth and strictly convex in w wherever w ≠ 0 (w = 0 is optimal only for ε ≥ ε*, see dual.ts).
// With p_i = σ(ερ − z_i) and P = (1/n) Σ p_i:
//
//   ∇_w F = −(1/n) Σ p_i y_i x_i + εP ŵ + 2λw,   ∂_b F = −(1/n) Σ p_i y_i,
//   ∇²F = (1/n) Σ p_i(1 − p_i) g_i g_iᵀ + (εP/ρ)(I − ŵŵᵀ) + 2λI,  g_i = (y_i x_i − εŵ, y_i).
//
// Unlike the hinge, the shift by ερ does not scale away: adversarial training of softplus is not weight decay
// at another λ. CG is preconditioned by the Cholesky factor of the ordinary logistic Hessian with the same
// curvatures and λ + εP/(2ρ) on the diagonal (the exact Hessian differs from it by a term of rank three),
// reused while CG stays short, as in the λ path's solver. Stopping rule: ‖∇F‖₂ ≤ tolerance; the duality gap
// of dual.ts is reported beside it.
import { softplusChange, softplusDerivative } from '../../math/losses.js';
import { sparseRowDot, sparseTransposeTimes } from '../../math/sparse.js';
import { norm } from '../../math/vector.js';
import { armijoStep, newtonCg } from '../logistic/cg.js';
import {
  CHEAP_CG,
  diagonalPreconditioner,
  FACTOR_COST_IN_CG,
  factorHessian,
} from '../logistic/preconditioner.js';
import { margins, type Problem, Workspace } from '../logistic/workspace.js';
import { type CollapsedModel, collapsedRobustModel, robustDual, robustObjective } from './dual.js';
import type { RobustModel } from './model.js';

const MAX_NEWTON = 200;
const MAX_CG = 500;

/** The state of one Newton iterate: ρ, ŵ, P and the gradient (in ws.grad). */
interface Iterate {
  rho: number;
  wHat: Float64Array;
  P: number;
  gnorm: number;
}

/** Gradient and curvatures at θ (ws.z must hold the unshifted margins). */
function gradientAt(
  data: Problem,
  theta: Float64Array,
  lambda: number,
  epsilon: number,
  ws: Workspace,
  it: Iterate,
): void {
  const { y } = data;
  const n = y.length;
  const dim = data.rows.dim;
  const rho = norm(theta.subarray(0, dim));
  for (let k = 0; k < dim; k++) it.wHat[k] = rho > 0 ? theta[k] / rho : 0;
  const shift = epsilon * rho;
  let P = 0;
  let gb = 0;
  let maxCurv = 0;
  for (let i = 0; i < n; i++) {
    const p = -softplusDerivative(ws.z[i] - shift);
    P += p;
    const c = (p * (1 - p)) / n;
    ws.curvature[i] = c;
    if (c > maxCurv) maxCurv = c;
    ws.u[i] = (-p * y[i]) / n;
    gb += ws.u[i];
  }
  P /= n;
  const g = ws.grad;
  sparseTransposeTimes(data.columns, ws.u, g);
  for (let k = 0; k < dim; k++) g[k] += epsilon * P * it.wHat[k] + 2 * lambda * theta[k];
  g[dim] = gb;
  const threshold = maxCurv * 1e-14;
  for (let i = 0; i < n; i++) if (ws.curvature[i] <= threshold) ws.curvature[i] = 0;
  let g2 = 0;
  for (let k = 0; k <= dim; k++) g2 += g[k] * g[k];
  it.rho = rho;
  it.P = P;
  it.gnorm = Math.sqrt(g2);
}

/** out = ∇²F v (see the file comment). */
function hessianTimes(
  data: Problem,
  lambda: number,
  epsilon: number,
  ws: Workspace,
  it: Iterate,
  v: Float64Array,
  out: Float64Array,
): void {
  const { rows, y } = data;
  const dim = rows.dim;
  let wv = 0;
  for (let k = 0; k < dim; k++) wv += it.wHat[k] * v[k];
  const t = ws.trialZ;
  let sumT = 0;
  let ob = 0;
  for (let i = 0; i < rows.n; i++) {
    const c = ws.curvature[i];
    const ti = c === 0 ? 0 : c * (y[i] * (sparseRowDot(rows, i, v) + v[dim]) - epsilon * wv);
    sumT += ti;
    ob += ti * y[i];
    t[i] = ti * y[i];
  }
  sparseTransposeTimes(data.columns, t, out);
  const bend = it.rho > 0 ? (epsilon * it.P) / it.rho : 0;
  for (let k = 0; k < dim; k++) {
    out[k] += -epsilon * it.wHat[k] * sumT + bend * (v[k] - it.wHat[k] * wv) + 2 * lambda * v[k];
  }
  out[dim] = ob;
}

/** The Newton direction by preconditioned CG (logistic/cg.ts). */
function newtonDirection(data: Problem, lambda: number, epsilon: number, ws: Workspace, it: Iterate): number {
  return newtonCg(
    ws,
    data,
    it.gnorm,
    MAX_CG,
    (v, out) => hessianTimes(data, lambda, epsilon, ws, it, v, out),
    // no curvature information: the preconditioned steepest descent direction
    (d) => d.set(ws.pz),
  );
}

/** F(θ + t d) − F(θ) as a sum of differences (exact far below the rounding of F itself). */
function objectiveChange(
  ws: Workspace,
  theta: Float64Array,
  d: Float64Array,
  t: number,
  rho: number,
  epsilon: number,
  lambda: number,
  dim: number,
): number {
  let wd = 0;
  let dd = 0;
  for (let k = 0; k < dim; k++) {
    wd += theta[k] * d[k];
    dd += d[k] * d[k];
  }
  const squareChange = t * (2 * wd + t * dd);
  const rhoNew = Math.sqrt(Math.max(0, rho * rho + squareChange));
  const rhoChange = rhoNew + rho > 0 ? squareChange / (rhoNew + rho) : 0;
  const shift = epsilon * rho;
  let loss = 0;
  for (let i = 0; i < ws.z.length; i++)
    loss += softplusChange(ws.z[i] - shift, t * ws.u[i] - epsilon * rhoChange);
  return loss / ws.z.length + lambda * squareChange;
}

/** Minimises F_ε from θ (w then b, updated in place). */
function solveOne(
  data: Problem,
  lambda: number,
  epsilon: number,
  theta: Float64Array,
  tolerance: number,
  ws: Workspace,
  scratch: Float64Array,
): RobustModel {
  const dim = data.rows.dim;
  const it: Iterate = { rho: 0, wHat: new Float64Array(dim), P: 0, gnorm: 0 };
  margins(data, theta, ws.z);
  gradientAt(data, theta, lambda, epsilon, ws, it);
  let iterations = 0;
  let warning: string | undefined;
  while (it.gnorm > tolerance) {
    if (iterations >= MAX_NEWTON) {
      warning = `stopped after ${MAX_NEWTON} Newton iterations with ‖∇F‖ = ${it.gnorm.toExponential(2)}`;
      break;
    }
    const preLambda = lambda + (it.rho > 0 ? (epsilon * it.P) / (2 * it.rho) : 0);
    if (ws.lastCg > CHEAP_CG && ws.cgSinceFactor > FACTOR_COST_IN_CG) factorHessian(data, preLambda, ws);
    else if (!ws.factor) diagonalPreconditioner(data, preLambda, ws);
    newtonDirection(data, lambda, epsilon, ws, it);
    const d = ws.direction;
    let slope = 0;
    for (let k = 0; k <= dim; k++) slope += ws.grad[k] * d[k];
    if (!(slope < 0)) {
      warning = `no descent direction left at ‖∇F‖ = ${it.gnorm.toExponential(2)} (rounding limit)`;
      break;
    }
    margins(data, d, ws.u);
    const step = armijoStep((t) => objectiveChange(ws, theta, d, t, it.rho, epsilon, lambda, dim), slope);
    if (step === undefined) {
      warning = `line search failed at ‖∇F‖ = ${it.gnorm.toExponential(2)} (rounding limit)`;
      break;
    }
    for (let k = 0; k <= dim; k++) theta[k] += step * d[k];
    margins(data, theta, ws.z);
    gradientAt(data, theta, lambda, epsilon, ws, it);
    iterations++;
  }
  const objective = robustObjective('softplus', ws.z, it.rho, epsilon, lambda);
  const a = ws.z.map((z) => -softplusDerivative(z - epsilon * it.rho));
  const gap = Math.max(0, objective - robustDual('softplus', data, a, epsilon, lambda, scratch));
  const converged = it.gnorm <= tolerance;
  return {
    epsilon,
    lambda,
    w: theta.slice(0, dim),
    b: theta[dim],
    collapsed: false,
    objective,
    gap,
    measure: 'gradient-norm',
    optimality: it.gnorm,
    tolerance,
    iterations,
    converged,
    ...(warning !== undefined && !converged ? { warning } : {}),
  };
}

/**
 * The softplus models of F_ε along ascending `epsilons` at one λ, warm-started from `start` (the λ path's
 * model at λ, which is the ε = 0 row).
 */
export function* robustSoftplusModels(
  data: Problem,
  lambda: number,
  epsilons: readonly number[],
  start: { w: Float64Array; b: number },
  collapse: CollapsedModel,
  options: { tolerance: number },
): Generator<RobustModel> {
  const dim = data.rows.dim;
  const ws = new Workspace(data.y.length, dim);
  const scratch = new Float64Array(dim);
  const theta = new Float64Array(dim + 1);
  theta.set(start.w);
  theta[dim] = start.b;
  for (const epsilon of epsilons) {
    yield epsilon >= collapse.threshold
      ? collapsedRobustModel(data, collapse, 'softplus', lambda, epsilon, scratch)
      : solveOne(data, lambda, epsilon, theta, options.tolerance, ws, scratch);
  }
}
