// L2-regularised logistic regression (softplus loss) with a free bias, solved exactly along a λ path by a
// preconditioned truncated Newton method (the approach of LIBLINEAR's TRON, with a line search instead of
// a trust region). Pure TypeScript over typed arrays: no I/O, runs in Node and browsers.
//
//   F(w, b) = (1/n) Σ softplus(y (w·x + b)) + λ‖w‖²,  b not regularised.
//
// Stopping rule: ‖∇F(w, b)‖₂ ≤ tolerance (absolute; F and its gradient are O(1) on 0..1 pixels).
import { softplusChange, softplusDerivative, softplusLoss } from '../math/losses.js';
import type { LabelledSet } from '../math/types.js';
import { armijoStep, newtonCg } from './logistic/cg.js';
import type { LogisticPasses } from './logistic/passes.js';
import {
  CHEAP_CG,
  diagonalPreconditioner,
  FACTOR_COST_IN_CG,
  factorHessian,
} from './logistic/preconditioner.js';
import { margins, type Problem, passesOf, problemOf, Workspace } from './logistic/workspace.js';
import type { FitReport } from './report.js';

/** Settings of the logistic-regression solver. */
export interface LogisticOptions {
  /** stop when ‖∇F‖₂ ≤ tolerance (default 1e-8) */
  tolerance?: number;
  /** cap on Newton iterations per λ (default 200) */
  maxNewtonIterations?: number;
  /** cap on conjugate-gradient iterations per Newton step (default 500) */
  maxCgIterations?: number;
  /**
   * how the path's passes over the data run (default: TypeScript on this thread); every implementation
   * gives the same values bit for bit (logistic/passes.ts), e.g. `wasmPasses`
   */
  passes?: (data: Problem) => LogisticPasses | undefined;
}

/** One solved model of the path, with how the solver stopped. */
export interface LogisticModel extends FitReport {
  lambda: number;
  w: Float64Array;
  b: number;
  /** ‖∇F(w, b)‖₂ at the solution (the same as `optimality`) */
  gradientNorm: number;
  /** conjugate-gradient iterations, summed over the Newton steps */
  cgIterations: number;
  /** Hessian factorisations made for preconditioning while solving this λ */
  factorisations: number;
}

/** F from the margins z and the parameters. */
function objectiveOf(z: Float64Array, theta: Float64Array, dim: number, lambda: number): number {
  let loss = 0;
  for (let i = 0; i < z.length; i++) loss += softplusLoss(z[i]);
  let w2 = 0;
  for (let k = 0; k < dim; k++) w2 += theta[k] * theta[k];
  return loss / z.length + lambda * w2;
}

/**
 * F(θ + t d) − F(θ) from the margins z and their change u = Δz, computed as a sum of differences so the
 * line search still sees decreases far below the rounding error of F itself (near the optimum at large λ).
 */
function objectiveChange(
  z: Float64Array,
  u: Float64Array,
  t: number,
  theta: Float64Array,
  d: Float64Array,
  dim: number,
  lambda: number,
): number {
  let loss = 0;
  for (let i = 0; i < z.length; i++) loss += softplusChange(z[i], t * u[i]);
  let wd = 0;
  let dd = 0;
  for (let k = 0; k < dim; k++) {
    wd += theta[k] * d[k];
    dd += d[k] * d[k];
  }
  return loss / z.length + lambda * t * (2 * wd + t * dd);
}

/** Gradient of F (bias last) and the per-image curvature f''(z)/n, from the current margins. */
function gradientAndCurvature(data: Problem, theta: Float64Array, lambda: number, ws: Workspace): number {
  const { rows, y } = data;
  const { n, dim } = rows;
  const g = ws.grad;
  const coef = ws.u;
  let gb = 0;
  let maxCurv = 0;
  for (let i = 0; i < n; i++) {
    const d = softplusDerivative(ws.z[i]);
    const p = -d; // σ(−z)
    const c = (p * (1 - p)) / n;
    ws.curvature[i] = c;
    if (c > maxCurv) maxCurv = c;
    coef[i] = (y[i] * d) / n;
    gb += coef[i];
  }
  passesOf(data, ws).transposeTimes(coef, g);
  for (let k = 0; k < dim; k++) g[k] += 2 * lambda * theta[k];
  g[dim] = gb;
  // images whose curvature is negligible next to the largest are left out of Hessian products: the
  // product stays a positive-definite approximation (2λI is kept), so Newton directions remain descent ones
  const threshold = maxCurv * 1e-14;
  for (let i = 0; i < n; i++) if (ws.curvature[i] <= threshold) ws.curvature[i] = 0;
  let norm2 = 0;
  for (let k = 0; k <= dim; k++) norm2 += g[k] * g[k];
  return Math.sqrt(norm2);
}

/** out = H v, H = (1/n) Xᵀ D X (bias column of ones) + 2λ on the weights: a row pass and a column pass. */
function hessianTimes(
  data: Problem,
  lambda: number,
  ws: Workspace,
  v: Float64Array,
  out: Float64Array,
): void {
  const { n, dim } = data.rows;
  const t = ws.trialZ;
  const passes = passesOf(data, ws);
  passes.curvedDots(ws.curvature, v, t);
  let ob = 0;
  for (let i = 0; i < n; i++) ob += t[i];
  passes.transposeTimes(t, out);
  for (let k = 0; k < dim; k++) out[k] += 2 * lambda * v[k];
  out[dim] = ob;
}

/**
 * CG stops once its residual is below this fraction of the solver's tolerance: the next gradient is about
 * that residual, so solving further buys digits the stopping rule does not ask for, while most λ of a
 * predicted path still finish in one Newton step (7 vs 9: 462 CG iterations and 5 factorisations instead of
 * 484 and 7, Newton steps 106 against 105; 0 vs 1: 396 and 2 against 483 and 4).
 */
const CG_FLOOR = 0.25;

/** The Newton direction by preconditioned CG (logistic/cg.ts); returns the CG iteration count. */
function newtonDirection(
  data: Problem,
  lambda: number,
  ws: Workspace,
  gnorm: number,
  maxIter: number,
  floor: number,
): number {
  const p = data.rows.dim + 1;
  return newtonCg(
    ws,
    data,
    gnorm,
    maxIter,
    (v, out) => hessianTimes(data, lambda, ws, v, out),
    // no curvature information: the Jacobi-preconditioned steepest descent direction
    (d) => {
      for (let k = 0; k < p; k++) d[k] = -ws.grad[k] / ws.precond[k];
    },
    floor,
  );
}

/**
 * Minimises F for one λ from `theta` (w then b, updated in place). Armijo backtracking on the Newton
 * direction; each trial reuses the margins z + t·Δz, so a trial costs O(n), not O(nd).
 */
export function solveLogistic(
  set: LabelledSet,
  lambda: number,
  theta: Float64Array,
  options: LogisticOptions = {},
  data: Problem = problemOf(set),
  ws: Workspace = new Workspace(set.n, set.dim),
  /** ws.z already holds theta's margins (as a solve leaves them), so the first pass over the data is saved */
  marginsKnown = false,
): LogisticModel {
  const tolerance = options.tolerance ?? 1e-8;
  const maxNewton = options.maxNewtonIterations ?? 200;
  const maxCg = options.maxCgIterations ?? 500;
  const { dim } = set;
  if (!marginsKnown) margins(data, theta, ws.z, ws);
  let gnorm = gradientAndCurvature(data, theta, lambda, ws);
  let iterations = 0;
  let cgIterations = 0;
  const factorisationsBefore = ws.factorisations;
  let warning: string | undefined;
  while (gnorm > tolerance) {
    if (iterations >= maxNewton) {
      warning = `stopped after ${maxNewton} Newton iterations with ‖∇F‖ = ${gnorm.toExponential(2)}`;
      break;
    }
    if (ws.lastCg > CHEAP_CG && ws.cgSinceFactor > FACTOR_COST_IN_CG) factorHessian(data, lambda, ws);
    else if (!ws.factor) diagonalPreconditioner(data, lambda, ws);
    cgIterations += newtonDirection(data, lambda, ws, gnorm, maxCg, CG_FLOOR * tolerance);
    const d = ws.direction;
    // Δz_i = y_i (x_i·Δw + Δb)
    margins(data, d, ws.u, ws);
    let slope = 0;
    for (let k = 0; k <= dim; k++) slope += ws.grad[k] * d[k];
    if (!(slope < 0)) {
      warning = `no descent direction left at ‖∇F‖ = ${gnorm.toExponential(2)} (rounding limit)`;
      break;
    }
    const step = armijoStep((t) => objectiveChange(ws.z, ws.u, t, theta, d, dim, lambda), slope);
    if (step === undefined) {
      warning = `line search failed at ‖∇F‖ = ${gnorm.toExponential(2)} (rounding limit)`;
      break;
    }
    for (let k = 0; k <= dim; k++) theta[k] += step * d[k];
    // z + step·Δz: the margins of the new θ without a pass over the data. The rounding this adds is
    // cleared at every λ, whose margins are computed from scratch (the path's prediction, or below)
    for (let i = 0; i < ws.z.length; i++) ws.z[i] += step * ws.u[i];
    gnorm = gradientAndCurvature(data, theta, lambda, ws);
    iterations++;
  }
  return {
    lambda,
    w: theta.slice(0, dim),
    b: theta[dim],
    // from the final margins, once: the line search works on objective differences
    objective: objectiveOf(ws.z, theta, dim, lambda),
    gradientNorm: gnorm,
    measure: 'gradient-norm',
    optimality: gnorm,
    tolerance,
    iterations,
    cgIterations,
    factorisations: ws.factorisations - factorisationsBefore,
    converged: gnorm <= tolerance,
    ...(warning !== undefined && gnorm > tolerance ? { warning } : {}),
  };
}

/**
 * The λ path's models one at a time, each warm-started from the previous λ (give λ in decreasing order:
 * 100 → 1e-6 is the article's grid). A caller can yield to its event loop between models.
 */
export function* logisticPathModels(
  set: LabelledSet,
  lambdas: readonly number[],
  options: LogisticOptions = {},
): Generator<LogisticModel> {
  const ws = new Workspace(set.n, set.dim);
  const data = problemOf(set);
  if (options.passes) ws.passes = options.passes(data);
  const theta = new Float64Array(set.dim + 1);
  const predictor = new PathPredictor(set.dim + 1);
  // ws.z holds the last solution's margins (those of θ = 0, all zero, before the first): the prediction's
  // go to ws.trialZ and become ws.z when the prediction is taken; otherwise the solve recomputes them
  for (const lambda of lambdas) {
    const predicted = predictor.start(
      lambda,
      theta,
      (candidate) => {
        margins(data, candidate, ws.trialZ, ws);
        return objectiveOf(ws.trialZ, candidate, set.dim, lambda);
      },
      () => objectiveOf(ws.z, theta, set.dim, lambda),
    );
    if (predicted) ws.z.set(ws.trialZ);
    const model = solveLogistic(set, lambda, theta, options, data, ws, predicted);
    predictor.record(lambda, theta);
    yield model;
  }
}

/**
 * Solutions the path predictor extrapolates from (7 vs 9: 8 points take 106 Newton steps and 462 CG
 * iterations, 6 take 120 and 500, 4 take 156 and 626, 10 and 12 no fewer than 8).
 */
const PREDICTOR_POINTS = 8;

/**
 * The starting point of each λ of a path: the solutions θ(λ) of the last few λ extrapolated to the next by
 * the polynomial through them in log λ (the solution is smooth in log λ, so the prediction's error is of
 * the polynomial's order in the step, where the warm start's is first order; on the article's grid most λ
 * then need one Newton step). The prediction replaces the warm start only where it has the lower objective
 * at the new λ, so Newton never starts from a worse point than before.
 */
export class PathPredictor {
  private readonly points: { at: number; theta: Float64Array }[] = [];
  private readonly candidate: Float64Array;

  constructor(private readonly size: number) {
    this.candidate = new Float64Array(size);
  }

  /**
   * Moves theta (the last solution) to the prediction at λ when that is better by `objective` at λ, and
   * says whether it did; `current` is theta's own objective (default: `objective(theta)`).
   */
  start(
    lambda: number,
    theta: Float64Array,
    objective: (theta: Float64Array) => number,
    current: () => number = () => objective(theta),
  ): boolean {
    const at = Math.log(lambda);
    const known = this.points;
    // a λ solved before (the grid repeats it) would put a zero in the weights' denominators
    if (known.length < 2 || known.some((p) => p.at === at)) return false;
    // Lagrange weights of the known points at `at`
    const weights = known.map((p, i) => {
      let w = 1;
      for (const [j, q] of known.entries()) if (j !== i) w *= (at - q.at) / (p.at - q.at);
      return w;
    });
    if (!weights.every(Number.isFinite)) return false;
    const c = this.candidate;
    c.fill(0);
    for (const [i, p] of known.entries()) {
      const w = weights[i];
      for (let k = 0; k < this.size; k++) c[k] += w * p.theta[k];
    }
    if (!(objective(c) < current())) return false;
    theta.set(c);
    return true;
  }

  /** Remembers the solution at λ (the last PREDICTOR_POINTS are kept). */
  record(lambda: number, theta: Float64Array): void {
    this.points.push({ at: Math.log(lambda), theta: theta.slice() });
    if (this.points.length > PREDICTOR_POINTS) this.points.shift();
  }
}

/** The whole λ path at once (see `logisticPathModels`); `onModel` sees each model as soon as it is solved. */
export function solveLogisticPath(
  set: LabelledSet,
  lambdas: readonly number[],
  options: LogisticOptions & { onModel?: (model: LogisticModel, index: number) => void } = {},
): LogisticModel[] {
  const models: LogisticModel[] = [];
  for (const model of logisticPathModels(set, lambdas, options)) {
    options.onModel?.(model, models.length);
    models.push(model);
  }
  return models;
}
