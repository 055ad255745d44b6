// Early stopping of unregularised logistic regression (beyond the article; Soudry et al. 2018): gradient
// descent's iterates at logarithmically spaced steps beside the λ paths. Distances on the 0..1 pixel scale.
// Browser-safe.
import { z } from 'zod';
import { ARTIFACT_VERSION } from './version.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const percent = z.number().min(0).max(100);

/** Gradient descent's model after t steps. */
export const descentRecordSchema = z.object({
  t: z.number().int().positive(),
  normW: z.number().positive(),
  bias: finite,
  theta: finite,
  dAdv: finite,
  dErr: finite,
  errTrain: percent,
  errTest: percent,
  /** the unregularised logistic risk R and ‖∇R‖ */
  risk: z.number().min(0),
  gradientNorm: z.number().min(0),
  /** the angle (radians) between w(t) and the λ → 0 hinge model's w */
  angleToHardMargin: z.number().min(0),
  /** the λ of the logistic λ path whose θ equals θ(t) (log-linear between grid points); null outside its range */
  lambdaOfEqualTheta: z.number().positive().nullable(),
});

/** One model of a λ path, as the figure draws it. */
export const pathPointSchema = z.object({
  lambda: z.number().positive(),
  normW: z.number().positive(),
  theta: finite,
  dAdv: finite,
  errTrain: percent,
  errTest: percent,
});

/** The artifact of `l2angle early-stopping`. */
export const earlyStoppingSchema = z.object({
  schema: z.literal('l2angle/early-stopping'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string(),
  classI: z.number().int().min(0),
  classJ: z.number().int().min(0),
  perClass: z.number().int().positive(),
  nTrain: z.number().int().positive(),
  nTest: z.number().int().positive(),
  createdAt: z.string(),
  steps: z.number().int().positive(),
  /** the fixed step 1/L, L = 1.01 σ_max(X̃)² / (4n) */
  stepSize: z.number().positive(),
  wallSeconds: z.number().min(0),
  /** the λ → 0 end of the hinge path: its λ, θ, training error, and whether it is the hard-margin SVM (no α at C) */
  hardMargin: z.object({
    lambda: z.number().positive(),
    theta: finite,
    errTrain: percent,
    exact: z.boolean(),
  }),
  records: z.array(descentRecordSchema),
  /** the logistic (softplus) and hinge λ paths on the same training set */
  softplusPath: z.array(pathPointSchema),
  hingePath: z.array(pathPointSchema),
});

/** An early-stopping artifact. */
export type EarlyStopping = z.infer<typeof earlyStoppingSchema>;
/** One of its records. */
export type DescentRecord = z.infer<typeof descentRecordSchema>;

/** The `--csv` header of `l2angle early-stopping`. */
export const EARLY_STOPPING_CSV_COLUMNS = [
  't',
  'norm_w',
  'bias',
  'theta',
  'd_adv',
  'd_err',
  'err_train',
  'err_test',
  'risk',
  'gradient_norm',
  'angle_to_hard_margin',
  'lambda_equal_theta',
] as const;

/** Where an early-stopping artifact lives inside the results folder. */
export function earlyStoppingFile(dataset: string, classI: number, classJ: number): string {
  return `early-stopping/${dataset}-${classI}-${classJ}.json`;
}
