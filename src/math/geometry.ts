// The geometry of a linear classifier in image space (SPEC §1): distances to the boundary, projected and
// mirror images, centroids, the tilting angle and the tilting plane. Pure maths: runs in Node and browsers.
import { type SparseRowPasses, type SparseRows, sequentialRowPasses } from './sparse.js';
import { imageInto, type LabelledSet, type LinearClassifier } from './types.js';
import { dot, dotRow, norm, unit, type Vec } from './vector.js';

/** ‖w‖, refusing a zero weight vector: such a classifier has no boundary, so no distance is defined. */
export function weightNorm(c: LinearClassifier): number {
  const n = norm(c.w);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new RangeError(`the classifier's weight vector has norm ${n}: its boundary is undefined`);
  }
  return n;
}

/** Raw score s(x) = w·x + b of an image (or of row `offset / dim` of a row-major matrix). */
export function score(c: LinearClassifier, x: Vec, offset = 0): number {
  return dotRow(x, offset, c.w, c.w.length) + c.b;
}

/** Signed Euclidean distance d(x) = ŵ·x + b' of an image to the boundary (positive on J's side). */
export function signedDistance(c: LinearClassifier, x: Vec): number {
  return score(c, x) / weightNorm(c);
}

/** Projected image x_p = x − d(x) ŵ: the closest image on the boundary. */
export function projectedImage(c: LinearClassifier, x: Vec): Float64Array {
  return moveAlongNormal(c, x, 1);
}

/** Mirror image x_m = x − 2 d(x) ŵ: same distance to the boundary, other class. */
export function mirrorImage(c: LinearClassifier, x: Vec): Float64Array {
  return moveAlongNormal(c, x, 2);
}

function moveAlongNormal(c: LinearClassifier, x: Vec, times: number): Float64Array {
  const n = weightNorm(c);
  // x − t d(x) ŵ = x − t s(x) w / ‖w‖²
  const step = (times * score(c, x)) / (n * n);
  const out = new Float64Array(x.length);
  for (let k = 0; k < out.length; k++) out[k] = x[k] - step * c.w[k];
  return out;
}

/** y d(x) for every image of a set: positive when correctly classified, in pixel-distance units. */
export function labelledDistances(c: LinearClassifier, set: LabelledSet): Float64Array {
  const n = weightNorm(c);
  const out = new Float64Array(set.n);
  for (let i = 0; i < set.n; i++) out[i] = (set.y[i] * score(c, set.x, i * set.dim)) / n;
  return out;
}

/** Adversarial distance d_adv = (1/n) Σ y d(x): the mean distance of the data to the boundary. */
export function adversarialDistance(c: LinearClassifier, set: LabelledSet): number {
  const yd = labelledDistances(c, set);
  let s = 0;
  for (let i = 0; i < yd.length; i++) s += yd[i];
  return s / set.n;
}

/** Error distance d_err = (1/n) Σ_M (−y d(x)): how far, on average, the misclassified data is misclassified. */
export function errorDistance(c: LinearClassifier, set: LabelledSet): number {
  const yd = labelledDistances(c, set);
  let s = 0;
  for (let i = 0; i < yd.length; i++) if (yd[i] <= 0) s -= yd[i];
  return s / set.n;
}

/** Error rate in percent: images that s(x) sends to the wrong class (s ≤ 0 means class I). */
export function errorRate(c: LinearClassifier, set: LabelledSet): number {
  let wrong = 0;
  for (let i = 0; i < set.n; i++) {
    const predicted = score(c, set.x, i * set.dim) > 0 ? 1 : -1;
    if (predicted !== set.y[i]) wrong++;
  }
  return (100 * wrong) / set.n;
}

/** The class centroids: i, the mean of class I (y = −1), and j, the mean of class J (y = +1). */
export function centroids(set: LabelledSet): { i: Float64Array; j: Float64Array } {
  const i = new Float64Array(set.dim);
  const j = new Float64Array(set.dim);
  let nI = 0;
  let nJ = 0;
  // image by image (imageInto): a byte set's x is never materialised
  const { y, dim } = set;
  const image = new Float64Array(dim);
  for (let r = 0; r < set.n; r++) {
    const target = y[r] > 0 ? j : i;
    if (y[r] > 0) nJ++;
    else nI++;
    imageInto(set, r, image);
    for (let k = 0; k < dim; k++) target[k] += image[k];
  }
  if (nI === 0 || nJ === 0) throw new RangeError('centroids(): both classes need at least one image');
  for (let k = 0; k < set.dim; k++) {
    i[k] /= nI;
    j[k] /= nJ;
  }
  return { i, j };
}

/** Unit normal ẑ = (j − i)/‖j − i‖ of the nearest-centroid classifier. */
export function nearestCentroidDirection(i: Vec, j: Vec): Float64Array {
  const diff = new Float64Array(i.length);
  for (let k = 0; k < diff.length; k++) diff[k] = j[k] - i[k];
  return unit(diff);
}

/** The nearest-centroid classifier: normal ẑ, boundary through the midpoint o = (i + j)/2. */
export function nearestCentroidClassifier(i: Vec, j: Vec): LinearClassifier {
  const z = nearestCentroidDirection(i, j);
  let b = 0;
  for (let k = 0; k < z.length; k++) b -= (z[k] * (i[k] + j[k])) / 2;
  return { w: z, b };
}

/** Tilting angle θ = arccos(ŵ·ẑ) ∈ [0, π] between the classifier and the nearest-centroid classifier. */
export function tiltingAngle(w: Vec, zHat: Vec): number {
  const c = dot(w, zHat) / norm(w);
  return Math.acos(Math.min(1, Math.max(-1, c)));
}

/**
 * The direction orthogonal to ẑ along which the images (rows, sparse) about `origin` spread most: the leading
 * eigenvector of their covariance restricted to ẑ's orthogonal complement, by power iteration from a fixed
 * start (so the result is deterministic), with its sign chosen so that its largest component is positive.
 * Over the non-zero pixels only: for an MNIST pair about five times cheaper than over dense rows; `passes`
 * (over `rows`) run each step's row passes, in TypeScript unless the caller gives others.
 */
export function widestDirectionAcross(
  rows: SparseRows,
  zHat: Vec,
  origin: Vec,
  iterations = 40,
  passes: SparseRowPasses = sequentialRowPasses(rows),
): Float64Array {
  const { n, dim, start, column, value } = rows;
  const project = (v: Float64Array) => {
    const vz = dot(v, zHat);
    for (let k = 0; k < dim; k++) v[k] -= vz * zHat[k];
    return v;
  };
  // start: Σ_r |x_r − o| per pixel, a vector with weight wherever the images vary (a zero pixel adds |o_k|)
  let v: Float64Array = new Float64Array(dim);
  const zeros = new Float64Array(dim).fill(n);
  for (let p = 0; p < start[n]; p++) {
    const k = column[p];
    v[k] += Math.abs(value[p] - origin[k]);
    zeros[k]--;
  }
  for (let k = 0; k < dim; k++) v[k] += zeros[k] * Math.abs(origin[k]);
  project(v);
  if (norm(v) === 0) return v;
  v = unit(v);
  const next = new Float64Array(dim);
  for (let it = 0; it < iterations; it++) {
    // next = Σ_r s_r (x_r − o) with s_r = (x_r − o)·v
    next.fill(0);
    const sum = passes.spreadStep(v, dot(origin, v), next);
    for (let k = 0; k < dim; k++) next[k] -= sum * origin[k];
    project(next);
    if (norm(next) === 0) break;
    v = unit(next);
  }
  let largest = 0;
  for (let k = 1; k < dim; k++) if (Math.abs(v[k]) > Math.abs(v[largest])) largest = k;
  if (v[largest] < 0) for (let k = 0; k < dim; k++) v[k] = -v[k];
  return v;
}

/** An orthonormal basis (ẑ, n̂) of the tilting plane: the plane that holds ẑ and w. */
export interface TiltingPlaneBasis {
  readonly z: Float64Array;
  readonly n: Float64Array;
}

/**
 * Tilting-plane basis by Gram–Schmidt: n = w − (w·ẑ)ẑ, n̂ = n/‖n‖. When w is parallel to ẑ (θ = 0 or π)
 * the plane is not defined by w. Then n̂ is `fallback` orthogonalised against ẑ when one is given (the
 * experiments pass the data's widest direction across ẑ, so the images do not collapse onto a line), else
 * the coordinate axis on which ẑ is smallest, orthogonalised: deterministic and well conditioned.
 */
export function tiltingPlaneBasis(w: Vec, zHat: Vec, fallback?: Vec): TiltingPlaneBasis {
  const dim = zHat.length;
  const z = Float64Array.from(zHat);
  const wz = dot(w, z);
  const n = new Float64Array(dim);
  for (let k = 0; k < dim; k++) n[k] = w[k] - wz * z[k];
  // relative threshold: below it, n is rounding noise and its direction meaningless
  if (norm(n) > 1e-12 * norm(w)) return { z, n: unit(n) };
  if (fallback !== undefined) {
    const fz = dot(fallback, z);
    for (let k = 0; k < dim; k++) n[k] = fallback[k] - fz * z[k];
    if (norm(n) > 1e-9 * norm(fallback)) return { z, n: unit(n) };
  }
  let axis = 0;
  for (let k = 1; k < dim; k++) if (Math.abs(z[k]) < Math.abs(z[axis])) axis = k;
  n.fill(0);
  n[axis] = 1;
  const za = z[axis];
  for (let k = 0; k < dim; k++) n[k] -= za * z[k];
  return { z, n: unit(n) };
}

/**
 * Coordinates (u, v) = ((x − o)·ẑ, (x − o)·n̂) of every image of a set, interleaved (u0, v0, u1, v1, …).
 * Distances between images of the plane are true pixel distances.
 */
export function tiltingPlaneCoordinates(
  basis: TiltingPlaneBasis,
  set: LabelledSet,
  origin: Vec,
): Float64Array {
  const oz = dot(origin, basis.z);
  const on = dot(origin, basis.n);
  const out = new Float64Array(2 * set.n);
  for (let r = 0; r < set.n; r++) {
    out[2 * r] = dotRow(set.x, r * set.dim, basis.z, set.dim) - oz;
    out[2 * r + 1] = dotRow(set.x, r * set.dim, basis.n, set.dim) - on;
  }
  return out;
}

/** Coordinates (u, v) of one image in the tilting plane, relative to `origin`. */
export function tiltingPlanePoint(basis: TiltingPlaneBasis, x: Vec, origin: Vec): [number, number] {
  let u = 0;
  let v = 0;
  for (let k = 0; k < x.length; k++) {
    const d = x[k] - origin[k];
    u += d * basis.z[k];
    v += d * basis.n[k];
  }
  return [u, v];
}

/**
 * The boundary as a line in the tilting plane: cu·u + cv·v + c0 = 0 with (cu, cv) a unit vector, so that
 * cu·u + cv·v + c0 is the signed distance d(x) of any image whose coordinates are (u, v). Exact because w
 * lies in the plane.
 */
export function boundaryInTiltingPlane(
  c: LinearClassifier,
  basis: TiltingPlaneBasis,
  origin: Vec,
): { cu: number; cv: number; c0: number } {
  const n = weightNorm(c);
  return { cu: dot(c.w, basis.z) / n, cv: dot(c.w, basis.n) / n, c0: score(c, origin) / n };
}
