// Adversarial training of linear models against ℓ2 perturbations (beyond the article): one artifact per pair,
// loss and λ, with the ε path's models, the λ path's models for comparison, and the robust test errors of
// both families at every ε. Distances on the 0..1 pixel scale. Browser-safe.
import { z } from 'zod';
import { TRAINING_LOSSES } from '../math/losses.js';
import { ARTIFACT_VERSION } from './version.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const percent = z.number().min(0).max(100);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
/** θ, d_adv and d_err have no value for the constant classifier w = 0 */
const undefinedAtZero = finite.nullable();

/** One adversarially trained model: the minimiser of F_ε at one ε. */
export const robustModelSchema = z.object({
  epsilon: z.number().min(0),
  lambda: z.number().positive(),
  normW: z.number().min(0),
  bias: finite,
  theta: undefinedAtZero,
  dAdv: undefinedAtZero,
  dErr: undefinedAtZero,
  errTrain: percent,
  errTest: percent,
  /** % of test images misclassified under the worst ℓ2 perturbation of norm ε */
  robustErrTest: percent,
  /** F_ε at the model */
  objective: finite,
  /** F_ε − D(a), D the Fenchel dual: a certificate of optimality */
  gap: z.number().min(0),
  /** the solver's stopping measure ('duality-gap' or 'gradient-norm') and its value */
  measure: z.string(),
  optimality: z.number().min(0),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  /** ε ≥ ε*: the optimum is w = 0 */
  collapsed: z.boolean(),
  /** hinge: the λ of the ordinary SVM with the same boundary */
  equivalentLambda: z.number().positive().optional(),
  /** w as a 28×28 picture: base64 Float32 */
  w: base64,
  /** robust test error (%) of this model at every ε of the artifact's grid */
  robustErrCurve: z.array(percent),
});

/** One model of the ordinary λ path, for the trade-off curves. */
export const robustPathModelSchema = z.object({
  c: z.number().int().nonnegative(),
  lambda: z.number().positive(),
  normW: z.number().positive(),
  theta: finite,
  dAdv: finite,
  errTrain: percent,
  errTest: percent,
  /** robust test error (%) at every ε of the artifact's grid */
  robustErrCurve: z.array(percent),
});

/** The artifact of `l2angle robust`. */
export const robustSchema = z.object({
  schema: z.literal('l2angle/robust'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string(),
  classI: z.number().int().min(0),
  classJ: z.number().int().min(0),
  loss: z.enum(TRAINING_LOSSES),
  lambda: z.number().positive(),
  perClass: z.number().int().positive(),
  nTrain: z.number().int().positive(),
  nTest: z.number().int().positive(),
  createdAt: z.string(),
  solver: z.object({ description: z.string(), wallSeconds: z.number().min(0) }),
  /** ‖j − i‖ and ε* = ½‖j − i‖ */
  centroidDistance: z.number().positive(),
  collapseThreshold: z.number().positive(),
  epsilons: z.array(z.number().min(0)),
  models: z.array(robustModelSchema),
  lambdaPath: z.array(robustPathModelSchema),
});

/** An adversarial-training artifact. */
export type RobustArtifact = z.infer<typeof robustSchema>;
/** One model of it. */
export type RobustModelRecord = z.infer<typeof robustModelSchema>;

/** The `--csv` header of `l2angle robust` (a contract: outside checks read it). */
export const ROBUST_CSV_COLUMNS = [
  'epsilon',
  'lambda',
  'norm_w',
  'bias',
  'theta',
  'd_adv',
  'd_err',
  'err_train',
  'err_test',
  'robust_err_test',
  'objective',
  'gap',
  'iterations',
] as const;

/** λ as a file-name tag: 1e-6, 0.0001 → 1e-4, 3.1622776601683795e-5 stays as it is. */
export function lambdaTag(lambda: number): string {
  return lambda.toExponential().replace('e+', 'e').replace(/\.0+e/, 'e');
}

/** Where an adversarial-training artifact lives inside the results folder. */
export function robustFile(
  dataset: string,
  classI: number,
  classJ: number,
  loss: string,
  lambda: number,
): string {
  return `robust/${dataset}-${classI}-${classJ}-${loss}-${lambdaTag(lambda)}.json`;
}
