// The exact solvers, one entry per path solver (scikit-learn's `_solver_type_dict`): each serves the losses
// whose entry in `src/math/losses.ts` names it, for whole λ paths and for small problems (the toy figure),
// and every one reports in the `FitReport` shape. Pure maths, browser-safe.
import type { PathSolverName } from '../math/losses.js';
import type { LabelledSet } from '../math/types.js';
import type { HingeData, HingeKernels } from './hinge/data.js';
import { hingePathModels } from './hinge-path.js';
import type { LogisticPasses } from './logistic/passes.js';
import type { Problem } from './logistic/workspace.js';
import { logisticPathModels } from './logistic-path.js';
import type { FitReport } from './report.js';
import { fitLogisticRegression } from './small-logistic.js';
import { fitHingeSvm } from './small-svm.js';

/** A fitted linear model with its solver's report. */
export interface FittedModel extends FitReport {
  w: Float64Array;
  b: number;
}

/** A model of a λ path. */
export interface PathModel extends FittedModel {
  lambda: number;
}

/** Settings of a path solve. */
export interface PathSolveOptions {
  /** the stopping tolerance on the solver's measure (default: the entry's `tolerance`) */
  tolerance?: number;
  /** the training images as raw bytes 0..255 (exact kernel entries, where the solver uses them) */
  bytes?: Uint8Array;
  /** called with each model as soon as it is solved */
  onModel?: (model: PathModel, index: number) => void;
  /**
   * the logistic solver's passes over the data (default: TypeScript; every implementation gives the same
   * values, e.g. `wasmPasses`)
   */
  logisticPasses?: (data: Problem) => LogisticPasses | undefined;
  /** the hinge solver's row dot products (default: TypeScript; the same values, e.g. `wasmHingeKernels`) */
  hingeKernels?: (data: HingeData) => HingeKernels | undefined;
}

/** One solver of the registry. */
export interface SolverEntry {
  readonly name: PathSolverName;
  /** the method, as the artifacts state it */
  readonly description: string;
  /** the tolerance our experiments solve to, on `measure` */
  readonly tolerance: number;
  readonly measure: FitReport['measure'];
  /** solves min L(w, b) at every λ (largest first), warm-started along the path */
  solvePath(set: LabelledSet, lambdas: readonly number[], options?: PathSolveOptions): PathModel[];
  /** the same models one at a time (a caller can yield to its event loop between them) */
  pathModels(set: LabelledSet, lambdas: readonly number[], options?: PathSolveOptions): Generator<PathModel>;
  /** the exact small-problem solver of the same loss (dense, for a few hundred points) */
  fitSmall(set: LabelledSet, lambda: number): FittedModel;
}

/** The whole path from an entry's generator, with `onModel` called as each model is solved. */
function wholePath(models: Generator<PathModel>, options: PathSolveOptions): PathModel[] {
  const out: PathModel[] = [];
  for (const model of models) {
    options.onModel?.(model, out.length);
    out.push(model);
  }
  return out;
}

/** The solvers: name → entry. */
export const SOLVERS: { readonly [S in PathSolverName]: SolverEntry } = Object.freeze({
  'hinge-path': {
    name: 'hinge-path',
    description:
      'primal-dual active-set Newton on the dual (free bias); feasible active-set and SMO fallbacks',
    // libsvm's KKT rule, tightened from its 1e-3
    tolerance: 1e-6,
    measure: 'kkt-violation',
    pathModels: (set, lambdas, options = {}) =>
      hingePathModels(set, lambdas, {
        tolerance: options.tolerance ?? 1e-6,
        ...(options.bytes ? { bytes: options.bytes } : {}),
        ...(options.hingeKernels ? { kernels: options.hingeKernels } : {}),
      }),
    solvePath: (set, lambdas, options = {}) =>
      wholePath(SOLVERS['hinge-path'].pathModels(set, lambdas, options), options),
    fitSmall: (set, lambda) => fitHingeSvm(set, lambda),
  },
  'logistic-path': {
    name: 'logistic-path',
    description: 'Newton-CG (Jacobi, then Cholesky-factor preconditioned)',
    // an absolute gradient norm: F and its gradient are O(1) on 0..1 pixels
    tolerance: 1e-8,
    measure: 'gradient-norm',
    pathModels: (set, lambdas, options = {}) =>
      logisticPathModels(set, lambdas, {
        tolerance: options.tolerance ?? 1e-8,
        ...(options.logisticPasses ? { passes: options.logisticPasses } : {}),
      }),
    solvePath: (set, lambdas, options = {}) =>
      wholePath(SOLVERS['logistic-path'].pathModels(set, lambdas, options), options),
    fitSmall: (set, lambda) => fitLogisticRegression(set, lambda),
  },
});
