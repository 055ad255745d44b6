// Loss functions of the article (SPEC §1): 0-1, hinge and softplus, their scaled versions, the empirical
// risk and the regularised loss. Pure maths.
import { score } from './geometry.js';
import type { LabelledSet, LinearClassifier } from './types.js';
import { dot } from './vector.js';

/** The three losses the article compares. */
export type LossName = 'zero-one' | 'hinge' | 'softplus';

/** The losses that training can minimise (the 0-1 loss has no gradient). */
export type TrainingLoss = Exclude<LossName, 'zero-one'>;

/** 0-1 loss: 1 for a misclassified margin z ≤ 0, else 0. */
export function zeroOneLoss(z: number): number {
  return z <= 0 ? 1 : 0;
}

/** Hinge loss max(1 − z, 0) (SVM). */
export function hingeLoss(z: number): number {
  return z < 1 ? 1 - z : 0;
}

/** Softplus (logistic) loss ln(1 + e^−z), exact to rounding for any finite z (no overflow at |z| = 1e4). */
export function softplusLoss(z: number): number {
  // ln(1 + e^−z) = max(−z, 0) + ln(1 + e^−|z|): the exponent is never positive
  return Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Derivative of the softplus loss, −1/(1 + e^z), stable for large |z|. */
export function softplusDerivative(z: number): number {
  if (z >= 0) {
    const e = Math.exp(-z);
    return -e / (1 + e);
  }
  return -1 / (1 + Math.exp(z));
}

/** The loss function f of a given name. */
export function lossFunction(name: LossName): (z: number) => number {
  switch (name) {
    case 'zero-one':
      return zeroOneLoss;
    case 'hinge':
      return hingeLoss;
    case 'softplus':
      return softplusLoss;
  }
}

/** Scaled loss f_‖w‖(z) = f(‖w‖ z): the loss seen as a function of the signed distance z = y d(x). */
export function scaledLoss(name: LossName, normW: number, z: number): number {
  return lossFunction(name)(normW * z);
}

/**
 * Small-‖w‖ constants (α, β) with R ≈ α − β ‖w‖ d_adv as ‖w‖ → 0: (1, 1) for hinge, (ln 2, ½) for
 * softplus (the first-order Taylor expansion of the loss at 0).
 */
export function smallNormConstants(name: TrainingLoss): { alpha: number; beta: number } {
  return name === 'hinge' ? { alpha: 1, beta: 1 } : { alpha: Math.LN2, beta: 0.5 };
}

/** Empirical risk R(w, b) = (1/n) Σ f(y s(x)). */
export function empiricalRisk(name: LossName, c: LinearClassifier, set: LabelledSet): number {
  const f = lossFunction(name);
  let s = 0;
  for (let r = 0; r < set.n; r++) s += f(set.y[r] * score(c, set.x, r * set.dim));
  return s / set.n;
}

/** Regularised loss L(w, b) = R(w, b) + λ‖w‖² (the bias b is not regularised). */
export function regularisedLoss(
  name: LossName,
  c: LinearClassifier,
  set: LabelledSet,
  lambda: number,
): number {
  return empiricalRisk(name, c, set) + lambda * dot(c.w, c.w);
}
