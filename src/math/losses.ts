// Loss functions of the article (SPEC §1): 0-1, hinge and softplus, their scaled versions, the empirical
// risk and the regularised loss. Pure maths.
import { score } from './geometry.js';
import type { LabelledSet, LinearClassifier } from './types.js';
import { dot } from './vector.js';

/** The losses that training can minimise (the 0-1 loss has no gradient), in the order the page shows them. */
export const TRAINING_LOSSES = ['hinge', 'softplus'] as const;

/** A loss a linear model can be trained with. */
export type TrainingLoss = (typeof TRAINING_LOSSES)[number];

/** The three losses the article compares. */
export type LossName = 'zero-one' | TrainingLoss;

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

/** softplus(z + h) − softplus(z), accurate even when h is tiny (no cancellation between two ~ln 2 values). */
export function softplusChange(z: number, h: number): number {
  // softplus(z) = max(−z, 0) + ln(1 + e^−|z|); for z < 0 use softplus(z) = −z + softplus(−z)
  if (z < 0) return -h + softplusChange(-z, -h);
  const e = Math.exp(-z);
  // ln((1 + e^−(z+h)) / (1 + e^−z)) = ln(1 + e^−z (e^−h − 1) / (1 + e^−z))
  return Math.log1p((e * Math.expm1(-h)) / (1 + e));
}

/** A subgradient of the hinge loss: −1 for z < 1, else 0. */
export function hingeDerivative(z: number): number {
  return z < 1 ? -1 : 0;
}

/** The exact path solvers (`src/solvers/registry.ts` maps each name to its code). */
export type PathSolverName = 'hinge-path' | 'logistic-path';

/** Everything the project knows about a training loss: one entry per loss, everything else derives from it. */
export interface LossEntry {
  readonly name: TrainingLoss;
  /** the loss's own name, as in the figures' legends ("hinge") */
  readonly label: string;
  /** the loss with its model family, for toggles ("hinge (SVM)") */
  readonly toggleLabel: string;
  /** the model family in prose ("hinge-SVM", as in "the hinge-SVM path of 7 vs 9") */
  readonly model: string;
  /** the model family in full, for readouts ("softplus (logistic regression)") */
  readonly longLabel: string;
  /** f(z) of the margin z = y s(x) */
  readonly f: (z: number) => number;
  /** f′(z) (a subgradient where f has a kink) */
  readonly derivative: (z: number) => number;
  /** small-‖w‖ constants: R ≈ α − β ‖w‖ d_adv as ‖w‖ → 0 (f(0) and −f′(0)) */
  readonly alpha: number;
  readonly beta: number;
  /** margins where f has a kink, drawn as lines s(x) = ±1 in the toy figure (none for a smooth loss) */
  readonly kinks: readonly number[];
  /** the exact solver of its λ path */
  readonly pathSolver: PathSolverName;
}

/** The training losses: name → entry. */
export const LOSSES: { readonly [L in TrainingLoss]: LossEntry } = Object.freeze({
  hinge: {
    name: 'hinge',
    label: 'hinge',
    toggleLabel: 'hinge (SVM)',
    model: 'hinge-SVM',
    longLabel: 'hinge (SVM)',
    f: hingeLoss,
    derivative: hingeDerivative,
    alpha: 1,
    beta: 1,
    kinks: [-1, 1],
    pathSolver: 'hinge-path',
  },
  softplus: {
    name: 'softplus',
    label: 'softplus',
    toggleLabel: 'softplus (logistic)',
    model: 'logistic-regression',
    longLabel: 'softplus (logistic regression)',
    f: softplusLoss,
    derivative: softplusDerivative,
    alpha: Math.LN2,
    beta: 0.5,
    kinks: [],
    pathSolver: 'logistic-path',
  },
});

/** Whether a string names a training loss. */
export function isTrainingLoss(name: string): name is TrainingLoss {
  return (TRAINING_LOSSES as readonly string[]).includes(name);
}

/** The loss function f of a given name. */
export function lossFunction(name: LossName): (z: number) => number {
  return name === 'zero-one' ? zeroOneLoss : LOSSES[name].f;
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
  const { alpha, beta } = LOSSES[name];
  return { alpha, beta };
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
