// The toy figure with a noisy training point (SPEC §2, figure 4): a hinge SVM or an L2 logistic regression
// fitted on the toy training set for one λ, with the tilt it ends up with. Fast enough (well under a
// millisecond on 19 points in 2-D) to refit on every move of the λ slider. Pure maths.
import { centroids, errorRate, nearestCentroidDirection, score, tiltingAngle } from '../math/geometry.js';
import { LOSSES, type TrainingLoss } from '../math/losses.js';
import { TOY_NOISY_POINT, toyClasses, toyTrainingSet } from '../math/toy.js';
import type { LabelledSet, LinearClassifier } from '../math/types.js';
import { SOLVERS } from './registry.js';

/** One fit of the toy figure: the classifier, its tilt and how it treats the noisy point p. */
export interface ToyFit {
  loss: TrainingLoss;
  lambda: number;
  classifier: LinearClassifier;
  /**
   * Tilting angle θ = arccos(ŵ·ẑ) with ẑ from the centroids of the clean classes, i.e. ẑ = (1, 0): the same
   * angle as the θ of the line L_θ in the earlier figures (the centroids of the training set itself would
   * tilt ẑ slightly towards p and make the two figures disagree).
   */
  theta: number;
  /** training error on the toy training set (p included), in percent */
  trainingError: number;
  /** whether p is on J's side of the boundary */
  noisyPointCorrect: boolean;
  /** the regularised loss at the fit (hinge: the primal L(w, b); softplus: L(w, b)) */
  objective: number;
  /** the certificate of optimality: hinge, the duality gap primal − dual; softplus, the gradient norm */
  optimality: number;
  /** whether the solver met its tolerance (see fitHingeSvm and fitLogisticRegression) */
  converged: boolean;
}

/**
 * The λ range for the figure's slider; along it θ falls monotonically for both losses. Switches, measured
 * by bisection. Hinge: θ = acos(1/√50) ≈ 1.429 (the hard-margin SVM) for λ ≤ 4.2e-5, where C reaches the
 * largest hard-margin α; p classified correctly for λ < 1.46e-4; θ > 1.2 for λ < 2.56e-4; θ < 0.3 for
 * λ > 2.98e-3. Softplus: p classified correctly for λ < 4.37e-5; θ > 1.2 for λ < 1.07e-4; θ < 0.3 for
 * λ > 1.50e-3. Above the range the classes' imbalance (p makes J larger by one) takes over: with nearly
 * every point inside the margin the free bias drifts towards J (the training error exceeds 6 % from
 * λ ≈ 0.28 for hinge and 0.16 for softplus, and from λ ≈ 0.35 / 0.55 p is "correct" only because almost
 * everything is sent to J). That is the article's poorly determined bias at very large λ, not the tilt
 * this figure is about.
 */
export const TOY_LAMBDA_RANGE: readonly [number, number] = Object.freeze([1e-6, 1e-1] as [number, number]);

// built once: the slider refits many times on the same immutable data
let trainingSet: LabelledSet | undefined;
let cleanDirection: Float64Array | undefined;

/** Fits the hinge SVM or the L2 logistic regression (λ > 0) on the toy training set and measures its tilt. */
export function fitToy(loss: TrainingLoss, lambda: number): ToyFit {
  if (trainingSet === undefined || cleanDirection === undefined) {
    trainingSet = toyTrainingSet();
    const { i, j } = centroids(toyClasses());
    cleanDirection = nearestCentroidDirection(i, j);
  }
  if (!(lambda > 0) || !Number.isFinite(lambda)) {
    throw new RangeError(`fitToy(): λ must be positive and finite, got ${lambda}`);
  }
  const fit = SOLVERS[LOSSES[loss].pathSolver].fitSmall(trainingSet, lambda);
  const classifier: LinearClassifier = { w: fit.w, b: fit.b };
  const { objective, converged } = fit;
  // the certificate the artifact has always carried: the duality gap where there is one, else ‖∇L‖
  const optimality = fit.gap ?? fit.optimality;
  return {
    loss,
    lambda,
    classifier,
    theta: tiltingAngle(classifier.w, cleanDirection),
    trainingError: errorRate(classifier, trainingSet),
    noisyPointCorrect: score(classifier, Float64Array.from(TOY_NOISY_POINT)) > 0,
    objective,
    optimality,
    converged,
  };
}
