// Exact L2-regularised hinge-loss (soft-margin SVM) models along a λ path, with a free bias:
//
//   L(w, b) = (1/n) Σ max(0, 1 − y (w·x + b)) + λ‖w‖²,  b not regularised,
//
// i.e. the SVM with C = 1/(2λn), solved in the dual min ½αᵀQα − Σα, 0 ≤ α ≤ C, yᵀα = 0, w = Σ α y x, to
// libsvm's stopping rule (maximal KKT violation m(α) − M(α) ≤ tolerance, checked on gradients recomputed
// from scratch, with yᵀα = 0 to 1e-9·C) and with libsvm's bias rule (α within 1e-9·C of a bound counted
// at it, see hinge/kkt.ts: where b is not fixed by the optimum, the midpoint of its interval, as libsvm
// chooses it). Pure TypeScript over typed arrays: runs in Node and browsers.
//
// Method (src/solvers/hinge/):
// - warm start along the path: α ← rα when C ← rC (points at C set exactly to the new C), so w scales by
//   r and the gradient needs no pass; the free set's Cholesky factor and kernel cache carry over (Q_FF
//   does not depend on λ);
// - PDAS (pdas.ts): Newton steps on the free set with explicit w, kernel entries only between free
//   points (exact integers from the raw bytes when given), a factor of K_FF + c·11ᵀ grown row by row and
//   shrunk by rank-one updates, a Schur complement for the bias, safe screening of the bound points;
//   limited admissions, cycle and divergence detection, a pivot threshold and an iteration cap;
// - when PDAS gives up: a feasible active-set method with a ratio test (active-set.ts), and if that too
//   gives up, SMO with second-order working-set selection (smo.ts). Each model records which finished.
//
// Scaling of the reported objective and gap: with C = 1/(2λn), L(w, b) = 2λ · P_C(w, b) where
// P_C = ½‖w‖² + C Σ ξ_i is the SVM primal; the gap is reported in L's scaling, 2λ (P_C − D_C) with
// D_C = Σα − ½‖w‖², so it compares directly with `objective`.
import type { LabelledSet } from '../math/types.js';
import { runActiveSet } from './hinge/active-set.js';
import { type HingeData, type HingeKernels, prepareHingeData } from './hinge/data.js';
import { EQUALITY_TOLERANCE } from './hinge/feasibility.js';
import { gapSummary, kktSummary } from './hinge/kkt.js';
import { runPdas } from './hinge/pdas.js';
import { createHingeProfile, type HingeProfile } from './hinge/profile.js';
import { runSmo } from './hinge/smo.js';
import { HingeState } from './hinge/state.js';
import type { FitReport } from './report.js';

export { createHingeProfile, type HingeProfile } from './hinge/profile.js';

/** The method that finished a model: PDAS Newton, the feasible active-set fallback, or SMO. */
export type HingeMethod = 'pdas' | 'active-set' | 'smo';

/** Settings shared by the path and single-λ solvers. */
export interface HingeOptions {
  /** libsvm's stopping tolerance on m(α) − M(α) (default 1e-3, as libsvm) */
  tolerance?: number;
  /** the raw 0..255 pixels (x = bytes / 255): kernel entries are then exact */
  bytes?: Uint8Array;
  /** cap on PDAS Newton iterations per λ before the fallback takes over (default 100) */
  maxIterations?: number;
  /** cap on the active-set fallback's iterations per λ (default 100 000) */
  maxActiveSetIterations?: number;
  /** cap on SMO iterations per λ (default 2 000 000) */
  maxSmoIterations?: number;
  /** PDAS refuses a factor pivot² below this fraction of the diagonal entry (default 1e-10) */
  pivotRatio?: number;
  /** filled with time and work counters when given */
  profile?: HingeProfile;
  /** receives one line per phase of each λ (diagnostics) */
  log?: (line: string) => void;
  /**
   * the row dot products elsewhere (default: TypeScript); every implementation gives the same values bit
   * for bit (hinge/data.ts `HingeKernels`), e.g. `wasmHingeKernels`
   */
  kernels?: (data: HingeData) => HingeKernels | undefined;
}

/** Path settings. */
export interface HingePathOptions extends HingeOptions {
  /** called with each model as soon as it is solved */
  onModel?: (model: HingePathModel, index: number) => void;
}

/** Single-λ settings. */
export interface HingeSolveOptions extends HingeOptions {
  /** a solution at another λ (e.g. a model of a path) to start from */
  warmStart?: { lambda: number; alpha: Float64Array };
}

/** One solved model. */
export interface HingePathModel extends FitReport {
  lambda: number;
  /** C = 1/(2λn) */
  C: number;
  w: Float64Array;
  /**
   * libsvm's bias: mean of y_i − w·x_i over free α, else (all α at a bound, to within 1e-9·C) the
   * midpoint of the interval of b that the bound sets allow
   */
  b: number;
  /** dual variables, 0 ≤ α ≤ C, yᵀα = 0, w = Σ α y x */
  alpha: Float64Array;
  /** primal − dual in L's scaling (see the file comment) */
  gap: number;
  /** libsvm's m(α) − M(α) from gradients recomputed from scratch */
  kktViolation: number;
  /** all iterations: Newton + active-set + SMO */
  iterations: number;
  newtonIterations: number;
  activeSetIterations: number;
  smoIterations: number;
  /** the method that finished this λ */
  method: HingeMethod;
  /** why PDAS did not finish, when it did not: 'cycle', 'singular', 'iteration-cap' or 'kkt-check' */
  fallbackReason?: string;
  converged: boolean;
  warning?: string;
  /** |yᵀα| */
  equalityResidual: number;
  /** points the Newton phase kept out of the free set because its factor pivot was too small */
  refusedPivots: number;
  /** numbers of free α, α = C and α = 0 (to within 1e-9·C, as for the bias) */
  free: number;
  atUpper: number;
  atLower: number;
  /** wall time of this λ */
  seconds: number;
}

const DEFAULTS = {
  tolerance: 1e-3,
  maxIterations: 100,
  maxActiveSetIterations: 100_000,
  maxSmoIterations: 2_000_000,
  pivotRatio: 1e-10,
};

/** A solver bound to one training set; successive solves warm-start from the previous one. */
export class HingeSolver {
  private readonly data: HingeData;
  private readonly st: HingeState;
  private readonly opts: typeof DEFAULTS & { log?: ((line: string) => void) | undefined };
  readonly profile: HingeProfile;
  private previousC = 0;

  constructor(set: LabelledSet, options: HingeOptions = {}) {
    this.data = prepareHingeData(set, options.bytes);
    this.data.kernels = options.kernels?.(this.data);
    this.profile = options.profile ?? createHingeProfile();
    this.st = new HingeState(this.data, this.profile);
    this.opts = {
      tolerance: options.tolerance ?? DEFAULTS.tolerance,
      maxIterations: options.maxIterations ?? DEFAULTS.maxIterations,
      maxActiveSetIterations: options.maxActiveSetIterations ?? DEFAULTS.maxActiveSetIterations,
      maxSmoIterations: options.maxSmoIterations ?? DEFAULTS.maxSmoIterations,
      pivotRatio: options.pivotRatio ?? DEFAULTS.pivotRatio,
      log: options.log,
    };
    if (!(this.opts.tolerance > 0)) throw new RangeError('hinge solver: the tolerance must be positive');
  }

  /** Solves at λ, warm-started from `warmStart` or else from the previous solve of this solver. */
  solve(lambda: number, warmStart?: { lambda: number; alpha: Float64Array }): HingePathModel {
    if (!(lambda > 0) || !Number.isFinite(lambda))
      throw new RangeError(`hinge solver: λ = ${lambda} must be positive`);
    const t0 = performance.now();
    const C = 1 / (2 * lambda * this.data.n);
    this.initialise(C, warmStart);
    const model = this.run(lambda, C, t0);
    this.previousC = C;
    this.profile.totalMs += performance.now() - t0;
    return model;
  }

  /** α at the new C: scaled warm start (points at C stay exactly at C) or a feasible cold start. */
  private initialise(C: number, warmStart?: { lambda: number; alpha: Float64Array }): void {
    const { st, data } = this;
    const { alpha, status } = st;
    const n = data.n;
    if (warmStart !== undefined) {
      if (warmStart.alpha.length !== n)
        throw new RangeError('hinge solver: the warm start has the wrong length');
      const oldC = 1 / (2 * warmStart.lambda * n);
      const r = C / oldC;
      for (let i = 0; i < n; i++) {
        const a = warmStart.alpha[i];
        alpha[i] = a <= 0 ? 0 : a >= oldC ? C : Math.min(C, a * r);
      }
    } else if (this.previousC > 0) {
      const r = C / this.previousC;
      for (let i = 0; i < n; i++) {
        const s = status[i];
        alpha[i] = s === 0 ? 0 : s === 2 ? C : Math.min(C, alpha[i] * r);
      }
      st.C = C;
      st.statusFromAlpha();
      st.recomputeWeights();
      // G was exact after the previous solve's final check; w scaled by r
      st.scaleGradient(r);
      return;
    } else {
      // every point of the smaller class at C, and as many of the other class (the first in index order)
      const minority = data.nPositive <= data.nNegative ? 1 : -1;
      let budget = Math.min(data.nPositive, data.nNegative);
      for (let i = 0; i < n; i++) {
        if (data.y[i] === minority) alpha[i] = C;
        else if (budget > 0) {
          alpha[i] = C;
          budget--;
        } else alpha[i] = 0;
      }
    }
    st.C = C;
    st.statusFromAlpha();
    st.recomputeWeights();
    st.fullGradient();
  }

  private run(lambda: number, C: number, t0: number): HingePathModel {
    const { st, opts } = this;
    let newton = 0;
    let activeSet = 0;
    let smo = 0;
    let newtonRefused = 0;
    let method: HingeMethod = 'pdas';
    let fallbackReason: string | undefined;
    let check = { violation: Number.POSITIVE_INFINITY, bias: 0 };
    let warning: string | undefined;
    // 1. PDAS on a factor without ridge
    if (st.factor.ridge !== 0) {
      st.factor.clear();
      st.factor.ridge = 0;
    }
    let finished = false;
    if (!st.syncFree(opts.pivotRatio)) fallbackReason = 'singular';
    else {
      const r = runPdas(st, opts);
      newton = r.iterations;
      newtonRefused = r.refused;
      opts.log?.(`λ = ${lambda}: pdas ${r.outcome} after ${r.iterations} iterations`);
      if (r.outcome === 'converged') {
        check = this.exactCheck();
        if (check.violation <= opts.tolerance) finished = true;
        else fallbackReason = 'kkt-check';
      } else fallbackReason = r.outcome;
    }
    // 2. feasible active-set fallback
    if (!finished) {
      method = 'active-set';
      const r = runActiveSet(st, {
        tolerance: opts.tolerance,
        maxIterations: opts.maxActiveSetIterations,
        log: opts.log,
      });
      activeSet = r.iterations;
      st.recomputeWeights();
      if (r.outcome === 'converged') {
        check = this.exactCheck();
        finished = check.violation <= opts.tolerance;
      }
      if (!finished) fallbackReason = `${fallbackReason}, active-set ${r.outcome}`;
    }
    // 3. SMO (twice at most: a second run starts from exact gradients)
    for (let attempt = 0; !finished && attempt < 2; attempt++) {
      method = 'smo';
      const r = runSmo(st, { tolerance: opts.tolerance, maxIterations: opts.maxSmoIterations });
      smo += r.iterations;
      check = this.exactCheck();
      finished = check.violation <= opts.tolerance;
      if (r.outcome === 'iteration-cap') break;
    }
    if (!finished) {
      warning =
        `λ = ${lambda}: stopped with KKT violation ${check.violation.toExponential(3)} > tolerance ` +
        `${opts.tolerance} (${fallbackReason}; SMO iteration cap ${opts.maxSmoIterations})`;
    }
    return this.model(lambda, C, check.bias, check.violation, {
      newton,
      activeSet,
      smo,
      refused: newtonRefused,
      method,
      fallbackReason,
      converged: finished,
      warning,
      seconds: (performance.now() - t0) / 1000,
    });
  }

  /** u from scratch, exact gradient, libsvm's violation and bias. */
  private exactCheck(): { violation: number; bias: number } {
    const t0 = performance.now();
    const { st, data } = this;
    st.recomputeWeights();
    st.fullGradient();
    const k = kktSummary(data, st.alpha, st.g, st.C);
    this.profile.checkMs += performance.now() - t0;
    // an infeasible yᵀα ≠ 0 (possible only if a phase ended with nothing free) fails the check too
    const feasible = Math.abs(st.equalityResidual()) <= EQUALITY_TOLERANCE * st.C;
    return { violation: feasible ? k.violation : Number.POSITIVE_INFINITY, bias: k.bias };
  }

  private model(
    lambda: number,
    C: number,
    bias: number,
    violation: number,
    run: {
      newton: number;
      activeSet: number;
      smo: number;
      refused: number;
      method: HingeMethod;
      fallbackReason: string | undefined;
      converged: boolean;
      warning: string | undefined;
      seconds: number;
    },
  ): HingePathModel {
    const { st, data } = this;
    const w = new Float64Array(data.dim);
    let u2 = 0;
    for (let k = 0; k < data.dim; k++) {
      w[k] = st.u[k] / data.root;
      u2 += st.u[k] * st.u[k];
    }
    const gap = gapSummary(data, st.alpha, st.g, bias, u2 / data.div, lambda);
    const k = kktSummary(data, st.alpha, st.g, C);
    const model: HingePathModel = {
      lambda,
      C,
      w,
      b: bias,
      alpha: Float64Array.from(st.alpha),
      objective: gap.objective,
      gap: gap.gap,
      kktViolation: violation,
      measure: 'kkt-violation',
      optimality: violation,
      tolerance: this.opts.tolerance,
      equalityResidual: Math.abs(st.equalityResidual()),
      refusedPivots: run.refused,
      iterations: run.newton + run.activeSet + run.smo,
      newtonIterations: run.newton,
      activeSetIterations: run.activeSet,
      smoIterations: run.smo,
      method: run.method,
      converged: run.converged,
      free: k.free,
      atUpper: k.upper,
      atLower: k.lower,
      seconds: run.seconds,
    };
    if (run.fallbackReason !== undefined) model.fallbackReason = run.fallbackReason;
    if (run.warning !== undefined) model.warning = run.warning;
    return model;
  }
}

/**
 * Exact hinge-loss models for every λ of `lambdas`, one at a time (in the given order, each warm-started from
 * the previous one; a descending grid such as the article's 10^(2 − 0.1c), c = 0 … 80, is the efficient
 * order). A caller can yield to its event loop between models.
 */
export function* hingePathModels(
  set: LabelledSet,
  lambdas: readonly number[],
  options: HingeOptions = {},
): Generator<HingePathModel> {
  const solver = new HingeSolver(set, options);
  for (const lambda of lambdas) yield solver.solve(lambda);
}

/** The whole path at once (see `hingePathModels`); `onModel` sees each model as soon as it is solved. */
export function solveHingePath(
  set: LabelledSet,
  lambdas: readonly number[],
  options: HingePathOptions = {},
): HingePathModel[] {
  const models: HingePathModel[] = [];
  for (const model of hingePathModels(set, lambdas, options)) {
    options.onModel?.(model, models.length);
    models.push(model);
  }
  return models;
}

/** The exact hinge-loss model at one λ (cold start, or warm start from another λ's solution). */
export function solveHinge(
  set: LabelledSet,
  lambda: number,
  options: HingeSolveOptions = {},
): HingePathModel {
  return new HingeSolver(set, options).solve(lambda, options.warmStart);
}
