// The toy problem's artifact (SPEC §2, figure 4): the 2-D training set with its noisy point and the exact
// hinge-SVM and logistic-regression fits across λ, with each fit's certificate of optimality. Browser-safe.
import { z } from 'zod';
import { TRAINING_LOSSES } from '../math/losses.js';
import { ARTIFACT_VERSION } from './version.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** One fit on the λ sweep. */
export const toyFitRecordSchema = z.object({
  loss: z.enum(TRAINING_LOSSES),
  lambda: z.number().positive(),
  /** the classifier s(x) = w·x + b in the (a, b) plane */
  w: z.tuple([finite, finite]),
  b: finite,
  /** tilting angle θ against ẑ = (1, 0), in radians */
  theta: z.number().min(0).max(Math.PI),
  /** training error on the set with p, in percent */
  trainingError: z.number().min(0).max(100),
  noisyPointCorrect: z.boolean(),
  /** L(w, b) at the fit */
  objective: finite,
  /** hinge: the duality gap primal − dual; softplus: the gradient norm */
  optimality: finite,
  converged: z.boolean(),
});

/** The toy problem's training set and λ sweep for both losses. */
export const toyFitSchema = z.object({
  schema: z.literal('l2angle/toy-fit'),
  version: z.literal(ARTIFACT_VERSION),
  createdAt: z.string(),
  /** the training points (a, b); the last one is the noisy point p */
  points: z.array(z.tuple([finite, finite])).min(3),
  /** −1 for class I, +1 for class J, in the order of `points` */
  labels: z.array(z.union([z.literal(-1), z.literal(1)])),
  /** the λ values of the sweep, log-spaced over the figure's slider range, largest first */
  lambdas: z.array(z.number().positive()).min(1),
  /** every loss's fit at every λ, loss by loss in the order of `lambdas` */
  fits: z.array(toyFitRecordSchema),
});

/** The toy problem's artifact as read by the page and the CLI. */
export type ToyFitArtifact = z.infer<typeof toyFitSchema>;

/** Where the toy sweep lives inside the results folder. */
export function toyFitFile(): string {
  return 'toy/toy-fit.json';
}
