// Every result file that an experiment writes and the web page reads: one schema each, validated at the
// boundary (zod), browser-safe. Experiments import it to write, the server and the page import it to read.
import { z } from 'zod';
import { ArtifactError } from '../errors.js';

import { TRAINING_LOSSES } from '../math/losses.js';
import { earlyStoppingSchema } from './early-stopping.js';
import { lenetSweepSchema } from './lenet-sweep.js';
import { logitScaleSchema } from './logit-scale.js';
import { adversarialSchema, localLinearitySchema } from './nn-artifacts.js';
import { robustSchema } from './robust.js';
import { sweepCellRecordSchema } from './sweep.js';
import { toyFitSchema } from './toy.js';
import { lenetSeedsSchema, lenetStudySchema, trainingMetricsSchema } from './training.js';
import { ARTIFACT_VERSION } from './version.js';

export { ARTIFACT_VERSION };

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();
const percent = z.number().min(0).max(100);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const quantised = z.object({ scale: z.number().positive(), data: base64 });

/** The losses a linear model can be trained with. */
export const trainingLossSchema = z.enum(TRAINING_LOSSES);

// the λ grid is one of the article's settings; re-exported here, where the paths' artifacts are defined
export { lambdaGrid } from '../article.js';

/** A representative image's mirror image through one model's boundary. */
const mirrorSchema = z.object({
  /** x_m = x − 2 d(x) ŵ as a 28×28 picture on the 0..1 scale (values may leave 0..1): base64 Float32 */
  picture: base64,
  /** ‖x_m − x‖ = 2|d(x)| on the 0..1 scale */
  distance: finite,
  /** tilting-plane coordinates (relative to o) of x and of x_m */
  u: finite,
  v: finite,
  uMirror: finite,
  vMirror: finite,
});

/** One trained linear model on the λ path (SPEC §3 "per model record"); distances on the 0..1 pixel scale. */
export const svmModelSchema = z.object({
  c: count,
  lambda: z.number().positive(),
  normW: finite,
  bias: finite,
  /** 1/‖w‖ */
  margin: finite,
  /** tilting angle θ in radians */
  theta: z.number().min(0).max(Math.PI),
  dAdv: finite,
  dErr: finite,
  /** signed distance of the centroids' midpoint o = (i + j)/2 to the boundary */
  midDistance: finite,
  errTrain: percent,
  errTest: percent,
  /** L(w, b) = R(w, b) + λ‖w‖² at the solution */
  objective: finite,
  /** primal − dual objective (hinge) or 0 with gradient norm reported (softplus) */
  gap: finite,
  /** max KKT violation (hinge, libsvm's measure) or gradient norm (softplus) at the solution */
  optimality: finite,
  iterations: count,
  converged: z.boolean(),
  /** w as a 28×28 picture: base64 Float32, row-major */
  w: base64,
  /** tilting-plane coordinate v = (x − o)·n̂ of every training image, in training-set order */
  planeV: quantised,
  /** histogram of y·d(x) (see the artifact's `histogram` for bins) */
  histogram: z.array(count),
  /** mirror images of the two representatives (x of class I, y of class J) through this boundary */
  mirrors: z.object({ I: mirrorSchema, J: mirrorSchema }),
});

/** The whole λ path of one pair and loss: everything the article's MNIST figures need. */
export const svmPathSchema = z.object({
  schema: z.literal('l2angle/svm-path'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string().min(1),
  classI: z.number().int().min(0).max(9),
  classJ: z.number().int().min(0).max(9),
  loss: trainingLossSchema,
  /** training images per class actually used */
  perClass: count,
  /** training images per class asked for (a resumed run recomputes a path computed with another value) */
  perClassRequested: count,
  nTrain: count,
  nTest: count,
  imageSize: z.object({ rows: count, cols: count }),
  solver: z.object({
    name: z.string(),
    tolerance: z.number().positive(),
    wallSeconds: z.number().nonnegative(),
  }),
  createdAt: z.string(),
  /** ‖j − i‖ on the 0..1 scale */
  centroidDistance: finite,
  /** the class centroids i and j as base64 Float32 pictures */
  centroids: z.object({ i: base64, j: base64 }),
  /** training labels in training-set order, base64 bytes: 0 for class I, 1 for class J */
  trainLabels: base64,
  /** tilting-plane coordinate u = (x − o)·ẑ of every training image (the same for every λ) */
  planeU: quantised,
  histogram: z.object({
    /** bin edges are min, min + width, …, max in units of `unit` */
    min: finite,
    max: finite,
    width: z.number().positive(),
    unit: z.string(),
    /** the histogram counts the first `perClass` training images of each class */
    perClass: count,
  }),
  /**
   * The representatives x (class I) and y (class J): `index` in training-set order, `picture` the image's own
   * 28×28 pixels as stored in the dataset, row-major, base64 of raw bytes 0..255 (divide by 255 for the 0..1
   * scale of the mirrors).
   */
  representatives: z.object({
    rule: z.string(),
    I: z.object({ index: count, picture: base64 }),
    J: z.object({ index: count, picture: base64 }),
  }),
  models: z.array(svmModelSchema).min(1),
});

/** A trained λ path as the page and the CLI see it. */
export type SvmPath = z.infer<typeof svmPathSchema>;
/** One model of a λ path. */
export type SvmModel = z.infer<typeof svmModelSchema>;

/** The nearest-centroid geometry of one pair: the λ → ∞ limit of every model on the path. */
export const pairGeometrySchema = z.object({
  classI: z.number().int().min(0).max(9),
  classJ: z.number().int().min(0).max(9),
  nTrain: count,
  nTest: count,
  /** ‖j − i‖ on the 0..1 scale */
  centroidDistance: finite,
  /** the nearest-centroid classifier (normal ẑ, boundary through o): training and test error in % */
  errTrain: percent,
  errTest: percent,
  /** its adversarial distance, ½‖j − i‖ on balanced training data */
  dAdv: finite,
});

/** The nearest-centroid geometry of every pair of a dataset. */
export const datasetGeometrySchema = z.object({
  schema: z.literal('l2angle/dataset-geometry'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string().min(1),
  perClass: count,
  createdAt: z.string(),
  pairs: z.array(pairGeometrySchema),
});

/** The geometry of one pair. */
export type PairGeometry = z.infer<typeof pairGeometrySchema>;
/** The geometry of all pairs of a dataset. */
export type DatasetGeometry = z.infer<typeof datasetGeometrySchema>;

/** Where a dataset's pair geometry lives inside the results folder. */
export function datasetGeometryFile(dataset: string): string {
  return `geometry/${dataset}.json`;
}

/** The CSV columns of `l2angle svm --csv` (a contract: outside checks read them). */
export const SVM_CSV_COLUMNS = [
  'c',
  'lambda',
  'norm_w',
  'bias',
  'margin',
  'theta',
  'd_adv',
  'd_err',
  'mid_distance',
  'err_train',
  'err_test',
  'objective',
  'gap',
  'iterations',
] as const;

/** Where a λ path lives inside the results folder. */
export function svmPathFile(dataset: string, classI: number, classJ: number, loss: string): string {
  return `svm/${dataset}-${classI}-${classJ}-${loss}.json`;
}

/** Every artifact kind, by its `schema` field. */
export const artifactSchemas = {
  'l2angle/toy-fit': toyFitSchema,
  'l2angle/svm-path': svmPathSchema,
  'l2angle/dataset-geometry': datasetGeometrySchema,
  'l2angle/lenet-training': trainingMetricsSchema,
  'l2angle/lenet-study': lenetStudySchema,
  'l2angle/lenet-seeds': lenetSeedsSchema,
  'l2angle/local-linearity': localLinearitySchema,
  'l2angle/adversarial': adversarialSchema,
  'l2angle/sweep-cell': sweepCellRecordSchema,
  'l2angle/logit-scale': logitScaleSchema,
  'l2angle/lenet-sweep': lenetSweepSchema,
  'l2angle/robust': robustSchema,
  'l2angle/early-stopping': earlyStoppingSchema,
} as const;

/** The name of an artifact kind. */
export type ArtifactKind = keyof typeof artifactSchemas;

/** Checks a parsed JSON value against an artifact schema; the error names the file and the first problem. */
export function validateArtifact<K extends ArtifactKind>(
  kind: K,
  value: unknown,
  source: string,
): z.infer<(typeof artifactSchemas)[K]> {
  const result = artifactSchemas[kind].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new ArtifactError(`${source}: not a valid ${kind} artifact: ${where}: ${issue.message}`);
  }
  return result.data as z.infer<(typeof artifactSchemas)[K]>;
}

// the error class lives with the others, so that catching it does not load the schemas
export { ArtifactError };
