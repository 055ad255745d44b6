// Adversarial training against ℓ2 perturbations, solved exactly along an ε path at one λ:
//
//   F_ε(w, b) = (1/n) Σ f(y (w·x + b) − ε‖w‖) + λ‖w‖²   (weight decay scales the loss, ε shifts it).
//
// The hinge loss reduces to the ordinary SVM at a larger λ (robust/hinge.ts); softplus is solved by its own
// Newton method (robust/softplus.ts); both are certified by F_ε's duality gap (robust/dual.ts). Pure maths.
import type { TrainingLoss } from '../math/losses.js';
import type { LabelledSet } from '../math/types.js';
import type { HingePathModel } from './hinge-path.js';
import { problemOf } from './logistic/workspace.js';
import type { PathModel } from './registry.js';
import { collapsedModel } from './robust/dual.js';
import { robustHingeModels } from './robust/hinge.js';
import type { RobustModel, RobustPathOptions } from './robust/model.js';
import { robustSoftplusModels } from './robust/softplus.js';

export { ROBUST_GAP_TOLERANCE } from './robust/dual.js';
export type { RobustModel, RobustPathOptions } from './robust/model.js';

/** Settings of `solveRobustPath`. */
export interface RobustSolveOptions extends RobustPathOptions {
  /** the hinge's SVM solves: libsvm's KKT tolerance (default 1e-6, as the λ path) */
  kktTolerance?: number;
  /** softplus: the gradient-norm tolerance (default 1e-8, as the λ path) */
  gradientTolerance?: number;
  /** the training images as raw bytes 0..255 (exact kernel entries for the hinge) */
  bytes?: Uint8Array;
}

/** ½‖j − i‖: for ε at or beyond it the constant classifier w = 0 is optimal. */
export function collapseThreshold(set: LabelledSet): number {
  return collapsedModel('softplus', problemOf(set), new Float64Array(set.dim)).threshold;
}

/**
 * The minimisers of F_ε for each ε of `epsilons` (ascending, ≥ 0) at λ, one at a time, warm-started from
 * `start`, the λ path's model at the same λ (for the hinge, a model of the hinge solver, with its dual
 * variables). The ε = 0 row is `start` itself.
 */
export function* robustModels(
  set: LabelledSet,
  loss: TrainingLoss,
  lambda: number,
  epsilons: readonly number[],
  start: PathModel,
  options: RobustSolveOptions = {},
): Generator<RobustModel> {
  if (!(lambda > 0) || !Number.isFinite(lambda))
    throw new RangeError(`robust: λ = ${lambda} must be positive`);
  for (let k = 0; k < epsilons.length; k++) {
    const e = epsilons[k];
    if (!(e >= 0) || !Number.isFinite(e)) throw new RangeError(`robust: ε = ${e} must be finite and ≥ 0`);
    if (k > 0 && !(e > epsilons[k - 1])) throw new RangeError('robust: the ε values must be ascending');
  }
  if (!(Math.abs(start.lambda - lambda) <= 1e-12 * lambda))
    throw new RangeError(`robust: the start model is at λ = ${start.lambda}, not ${lambda}`);
  const data = problemOf(set);
  const collapse = collapsedModel(loss, data, new Float64Array(set.dim));
  if (loss === 'hinge') {
    if (!('alpha' in start))
      throw new RangeError('robust: the hinge needs a start model of the hinge solver');
    yield* robustHingeModels(set, data, lambda, epsilons, start as HingePathModel, collapse, {
      tolerance: options.kktTolerance ?? 1e-6,
      ...(options.bytes ? { bytes: options.bytes } : {}),
    });
  } else {
    yield* robustSoftplusModels(data, lambda, epsilons, start, collapse, {
      tolerance: options.gradientTolerance ?? 1e-8,
    });
  }
}

/** The whole ε path at once (see `robustModels`); `onModel` sees each model as soon as it is solved. */
export function solveRobustPath(
  set: LabelledSet,
  loss: TrainingLoss,
  lambda: number,
  epsilons: readonly number[],
  start: PathModel,
  options: RobustSolveOptions = {},
): RobustModel[] {
  const models: RobustModel[] = [];
  for (const model of robustModels(set, loss, lambda, epsilons, start, options)) {
    options.onModel?.(model, models.length);
    models.push(model);
  }
  return models;
}
