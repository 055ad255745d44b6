// The central experiment (SPEC §3): a λ path of exact linear models on one digit pair, and the artifact
// with everything the article's MNIST figures need.
import type { BinaryPair } from '../data/pairs.js';
import {
  centroids,
  mirrorImage,
  nearestCentroidDirection,
  type TiltingPlaneBasis,
  tiltingAngle,
  tiltingPlaneBasis,
  tiltingPlanePoint,
  widestDirectionAcross,
} from '../math/geometry.js';
import type { TrainingLoss } from '../math/losses.js';
import { type SparseRowPasses, type SparseRows, sequentialRowPasses, sparseRowsOf } from '../math/sparse.js';
import { imageInto, type LabelledSet } from '../math/types.js';
import { distance, dot, dotRow, norm } from '../math/vector.js';
import { ARTIFACT_VERSION, SVM_CSV_COLUMNS, type SvmModel, type SvmPath } from '../schema/artifacts.js';
import { bytesToBase64, encodeFloat32, quantise } from '../schema/encoding.js';
import type { PathModel } from '../solvers/registry.js';

/** Histogram bins of the article: y·d(x) in units of (0..255-scale distance)/100, width 0.5 from −20 to 20. */
export const HISTOGRAM = {
  min: -20,
  max: 20,
  width: 0.5,
  unit: 'signed distance y·d(x) on the 0..255 pixel scale, divided by 100 (= 2.55 × distance on the 0..1 scale)',
  perClass: 1500,
} as const;
const HISTOGRAM_SCALE = 2.55;

/** The representatives' rule, stated in the artifact. */
export const REPRESENTATIVE_RULE =
  'the training image of each class closest (Euclidean) to its class centroid; ties go to the earlier image';

/** Scores s(x) = w·x + b of every image, over the non-zero pixels only (digits are mostly background). */
function scores(rows: SparseRows, passes: SparseRowPasses, w: Float64Array, b: number): Float64Array {
  const out = new Float64Array(rows.n);
  passes.scores(w, b, out);
  return out;
}

function errorPercent(set: LabelledSet, s: Float64Array): number {
  let wrong = 0;
  for (let r = 0; r < set.n; r++) if ((s[r] > 0 ? 1 : -1) !== set.y[r]) wrong++;
  return (100 * wrong) / set.n;
}

/** Which training images the histogram counts: the first `perClass` of each class in training-set order. */
function histogramMembers(set: LabelledSet, perClass: number): Uint8Array {
  const member = new Uint8Array(set.n);
  let takenI = 0;
  let takenJ = 0;
  for (let r = 0; r < set.n; r++) {
    if (set.y[r] > 0 ? takenJ++ < perClass : takenI++ < perClass) member[r] = 1;
  }
  return member;
}

function closestToCentroid(set: LabelledSet, label: number, centroid: Float64Array): number {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  // image by image (imageInto): a byte set's x is never materialised
  const { y, dim } = set;
  const image = new Float64Array(dim);
  for (let r = 0; r < set.n; r++) {
    if (y[r] !== label) continue;
    let s = 0;
    imageInto(set, r, image);
    for (let k = 0; k < dim; k++) {
      const d = image[k] - centroid[k];
      s += d * d;
    }
    if (s < bestDistance) {
      bestDistance = s;
      best = r;
    }
  }
  return best;
}

/** What stays the same along a path: centroids, ẑ, the midpoint o and the u coordinates. */
export interface PathGeometry {
  i: Float64Array;
  j: Float64Array;
  zHat: Float64Array;
  origin: Float64Array;
  /** u = (x − o)·ẑ of every training image */
  u: Float64Array;
  /** n̂ of the models whose w is parallel to ẑ (strong λ): the training images' widest direction across ẑ */
  spread: Float64Array;
  histogramMember: Uint8Array;
  representatives: { I: number; J: number };
  /** the training and test images as sparse rows, for the 81 rounds of scoring, and the passes over them */
  trainRows: SparseRows;
  testRows: SparseRows;
  trainPasses: SparseRowPasses;
  testPasses: SparseRowPasses;
  /** the coordinates along the last n̂ that was not from w (coordinatesAlong) */
  alongLast?: { n: Float64Array; v: Float64Array };
}

/**
 * Computes the path-independent geometry of a pair's training set; `rowPasses` gives the passes over a set of
 * rows (TypeScript unless the caller gives others, such as WebAssembly's: the same values).
 */
export function pathGeometry(
  train: LabelledSet,
  test: LabelledSet,
  rowPasses: (rows: SparseRows) => SparseRowPasses = sequentialRowPasses,
): PathGeometry {
  const { i, j } = centroids(train);
  const zHat = nearestCentroidDirection(i, j);
  const origin = i.map((v, k) => (v + j[k]) / 2);
  const oz = dot(origin, zHat);
  const u = new Float64Array(train.n);
  const image = new Float64Array(train.dim);
  for (let r = 0; r < train.n; r++) u[r] = dotRow(imageInto(train, r, image), 0, zHat, train.dim) - oz;
  const trainRows = sparseRowsOf(train);
  const testRows = sparseRowsOf(test);
  const trainPasses = rowPasses(trainRows);
  return {
    i,
    j,
    zHat,
    origin,
    u,
    spread: widestDirectionAcross(trainRows, zHat, origin, undefined, trainPasses),
    histogramMember: histogramMembers(train, HISTOGRAM.perClass),
    representatives: { I: closestToCentroid(train, -1, i), J: closestToCentroid(train, 1, j) },
    trainRows,
    testRows,
    trainPasses,
    testPasses: rowPasses(testRows),
  };
}

/**
 * (x − o)·n̂ of every training image, for the models whose w is parallel to ẑ. Their n̂ comes from the data
 * alone (the widest direction across ẑ), so the strong-λ models share it: the last one computed is kept and
 * reused while n̂ is the same bit for bit (each is a dense pass over the images).
 */
function coordinatesAlong(train: LabelledSet, geometry: PathGeometry, n: Float64Array): Float64Array {
  const kept = geometry.alongLast;
  if (kept && kept.n.length === n.length && kept.n.every((value, k) => Object.is(value, n[k]))) return kept.v;
  const on = dot(geometry.origin, n);
  const v = new Float64Array(train.n);
  const image = new Float64Array(train.dim);
  for (let r = 0; r < train.n; r++) v[r] = dotRow(imageInto(train, r, image), 0, n, train.dim) - on;
  geometry.alongLast = { n: Float64Array.from(n), v };
  return v;
}

/** The mirror image of training image r through a model's boundary, with its tilting-plane coordinates. */
function mirrorRecord(
  train: LabelledSet,
  r: number,
  model: PathModel,
  basis: TiltingPlaneBasis,
  origin: Float64Array,
): SvmModel['mirrors']['I'] {
  const x = imageInto(train, r, new Float64Array(train.dim));
  const xm = mirrorImage({ w: model.w, b: model.b }, x);
  const [u, v] = tiltingPlanePoint(basis, x, origin);
  const [uMirror, vMirror] = tiltingPlanePoint(basis, xm, origin);
  return { picture: encodeFloat32(xm), distance: distance(x, xm), u, v, uMirror, vMirror };
}

/** The per-model record of SPEC §3 for one solved model. */
export function modelRecord(pair: BinaryPair, geometry: PathGeometry, c: number, model: PathModel): SvmModel {
  const { train, test } = pair;
  const normW = norm(model.w);
  if (!(normW > 0) || !Number.isFinite(normW)) {
    throw new RangeError(`λ = ${model.lambda}: the solver returned ‖w‖ = ${normW}; no boundary to measure`);
  }
  const sTrain = scores(geometry.trainRows, geometry.trainPasses, model.w, model.b);
  const sTest = scores(geometry.testRows, geometry.testPasses, model.w, model.b);
  let dAdv = 0;
  let dErr = 0;
  const bins = Math.round((HISTOGRAM.max - HISTOGRAM.min) / HISTOGRAM.width);
  const histogram = new Array<number>(bins).fill(0);
  for (let r = 0; r < train.n; r++) {
    const yd = (train.y[r] * sTrain[r]) / normW;
    dAdv += yd;
    if (yd <= 0) dErr -= yd;
    if (geometry.histogramMember[r]) {
      const bin = Math.floor((yd * HISTOGRAM_SCALE - HISTOGRAM.min) / HISTOGRAM.width);
      // values beyond the axis are counted in the end bins, so every image is shown
      histogram[Math.min(bins - 1, Math.max(0, bin))]++;
    }
  }
  dAdv /= train.n;
  dErr /= train.n;
  // v = (x − o)·n̂ from the scores: (x − o)·w = s(x) − s(o) and n = w − (w·ẑ)ẑ
  const basis = tiltingPlaneBasis(model.w, geometry.zHat, geometry.spread);
  const wz = dot(model.w, geometry.zHat);
  const wn = dot(model.w, basis.n);
  const sOrigin = dot(model.w, geometry.origin) + model.b;
  const v = new Float64Array(train.n);
  if (Math.abs(wn) > 1e-9 * normW) {
    for (let r = 0; r < train.n; r++) v[r] = (sTrain[r] - sOrigin - wz * geometry.u[r]) / wn;
  } else v.set(coordinatesAlong(train, geometry, basis.n));
  return {
    c,
    lambda: model.lambda,
    normW,
    bias: model.b,
    margin: 1 / normW,
    theta: tiltingAngle(model.w, geometry.zHat),
    dAdv,
    dErr,
    midDistance: sOrigin / normW,
    errTrain: errorPercent(train, sTrain),
    errTest: errorPercent(test, sTest),
    objective: model.objective,
    // solvers without a dual report no gap: the artifact's field is then 0 (see its schema)
    gap: model.gap ?? 0,
    optimality: model.optimality,
    iterations: model.iterations,
    converged: model.converged,
    w: encodeFloat32(model.w),
    planeV: quantise(v),
    histogram,
    mirrors: {
      I: mirrorRecord(train, geometry.representatives.I, model, basis, geometry.origin),
      J: mirrorRecord(train, geometry.representatives.J, model, basis, geometry.origin),
    },
  };
}

/** The artifact of a whole path (models in grid order, c = 0 first). */
export function svmPathArtifact(
  pair: BinaryPair,
  dataset: string,
  loss: TrainingLoss,
  geometry: PathGeometry,
  records: SvmModel[],
  solver: { name: string; tolerance: number; wallSeconds: number },
  imageSize: { rows: number; cols: number },
  perClassRequested: number,
): SvmPath {
  const { train } = pair;
  const labels = new Uint8Array(train.n);
  for (let r = 0; r < train.n; r++) labels[r] = train.y[r] > 0 ? 1 : 0;
  const picture = (r: number) => bytesToBase64(pair.train.bytes.subarray(r * train.dim, (r + 1) * train.dim));
  return {
    schema: 'l2angle/svm-path',
    version: ARTIFACT_VERSION,
    dataset,
    classI: pair.classI,
    classJ: pair.classJ,
    loss,
    perClass: pair.perClass,
    perClassRequested,
    nTrain: train.n,
    nTest: pair.test.n,
    imageSize,
    solver,
    createdAt: new Date().toISOString(),
    centroidDistance: distance(geometry.i, geometry.j),
    centroids: { i: encodeFloat32(geometry.i), j: encodeFloat32(geometry.j) },
    trainLabels: bytesToBase64(labels),
    planeU: quantise(geometry.u),
    histogram: { ...HISTOGRAM },
    representatives: {
      rule: REPRESENTATIVE_RULE,
      I: { index: geometry.representatives.I, picture: picture(geometry.representatives.I) },
      J: { index: geometry.representatives.J, picture: picture(geometry.representatives.J) },
    },
    models: records,
  };
}

/** The `--csv` table of a path: the contract header, then one row per model (errors in %). */
export function svmPathCsv(models: readonly SvmModel[]): string {
  const rows = models.map((m) =>
    [
      m.c,
      m.lambda,
      m.normW,
      m.bias,
      m.margin,
      m.theta,
      m.dAdv,
      m.dErr,
      m.midDistance,
      m.errTrain,
      m.errTest,
      m.objective,
      m.gap,
      m.iterations,
    ]
      .map((v) => String(v))
      .join(','),
  );
  return `${SVM_CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}
