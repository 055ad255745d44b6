import { describe, expect, it } from 'vitest';
import {
  adversarialDistance,
  boundaryInTiltingPlane,
  centroids,
  errorDistance,
  errorRate,
  mirrorImage,
  nearestCentroidClassifier,
  nearestCentroidDirection,
  projectedImage,
  signedDistance,
  tiltingAngle,
  tiltingPlaneBasis,
  tiltingPlaneCoordinates,
  tiltingPlanePoint,
  widestDirectionAcross,
} from '../../src/math/geometry.js';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { toSparseRows } from '../../src/math/sparse.js';
import type { LabelledSet, LinearClassifier } from '../../src/math/types.js';
import { distance, dot, norm } from '../../src/math/vector.js';

/** A random balanced two-class set in `dim` dimensions, classes shifted apart along a random direction. */
function randomBalancedSet(seed: number, perClass: number, dim: number): LabelledSet {
  const rand = seededRandom(seed);
  const n = 2 * perClass;
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    y[r] = r % 2 === 0 ? -1 : 1;
    for (let k = 0; k < dim; k++) x[r * dim + k] = gaussian(rand) + (k < 3 ? 0.8 * y[r] : 0);
  }
  return { n, dim, x, y };
}

function randomClassifier(seed: number, dim: number): LinearClassifier {
  const rand = seededRandom(seed);
  const w = new Float64Array(dim);
  for (let k = 0; k < dim; k++) w[k] = gaussian(rand) * 3;
  return { w, b: gaussian(rand) };
}

function row(set: LabelledSet, r: number): Float64Array {
  return set.x.subarray(r * set.dim, (r + 1) * set.dim);
}

describe('the article’s identity d_adv = ½‖j − i‖ cos θ', () => {
  it('holds to 1e-10 relative for random classifiers on random balanced data', () => {
    for (let trial = 0; trial < 20; trial++) {
      const dim = 5 + trial * 13;
      const set = randomBalancedSet(100 + trial, 40 + trial, dim);
      const c = randomClassifier(200 + trial, dim);
      const { i, j } = centroids(set);
      const theta = tiltingAngle(c.w, nearestCentroidDirection(i, j));
      const expected = 0.5 * distance(i, j) * Math.cos(theta);
      const actual = adversarialDistance(c, set);
      expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-10 * Math.max(Math.abs(expected), 1e-3));
    }
  });

  it('gives θ = 0 and d_adv = ½‖j − i‖ for the nearest-centroid classifier', () => {
    const set = randomBalancedSet(7, 50, 30);
    const { i, j } = centroids(set);
    const c = nearestCentroidClassifier(i, j);
    expect(tiltingAngle(c.w, nearestCentroidDirection(i, j))).toBeLessThan(1e-7);
    expect(adversarialDistance(c, set)).toBeCloseTo(0.5 * distance(i, j), 12);
    // its boundary passes through the midpoint of the centroids
    const o = i.map((v, k) => (v + j[k]) / 2);
    expect(Math.abs(signedDistance(c, o))).toBeLessThan(1e-12);
  });
});

describe('projected and mirror images', () => {
  it('x_p lies on the boundary and x_m mirrors x: d(x_m) = −d(x)', () => {
    const set = randomBalancedSet(3, 10, 17);
    const c = randomClassifier(4, 17);
    for (let r = 0; r < set.n; r++) {
      const x = row(set, r);
      const d = signedDistance(c, x);
      expect(Math.abs(signedDistance(c, projectedImage(c, x)))).toBeLessThan(1e-12 * (1 + Math.abs(d)));
      expect(signedDistance(c, mirrorImage(c, x))).toBeCloseTo(-d, 12);
      // the mirror image is 2|d(x)| away, along the normal
      expect(distance(x, mirrorImage(c, x))).toBeCloseTo(2 * Math.abs(d), 12);
    }
  });

  it('refuses a zero weight vector instead of returning NaN', () => {
    const c = { w: new Float64Array(3), b: 1 };
    expect(() => signedDistance(c, new Float64Array(3))).toThrow(/norm 0/);
  });
});

describe('tilting angle and plane', () => {
  it('θ is in [0, π], with π for the reversed nearest-centroid classifier', () => {
    const rand = seededRandom(9);
    for (let t = 0; t < 200; t++) {
      const w = Float64Array.from({ length: 6 }, () => gaussian(rand));
      const z = Float64Array.from({ length: 6 }, () => gaussian(rand));
      const zHat = z.map((v) => v / norm(z));
      const theta = tiltingAngle(w, zHat);
      expect(theta).toBeGreaterThanOrEqual(0);
      expect(theta).toBeLessThanOrEqual(Math.PI);
    }
    const zHat = Float64Array.of(0.6, 0.8);
    expect(tiltingAngle(Float64Array.of(-3, -4), zHat)).toBeCloseTo(Math.PI, 7);
  });

  it('distances between points of the plane equal pixel distances, and the boundary line gives d(x)', () => {
    const set = randomBalancedSet(11, 30, 40);
    const c = randomClassifier(12, 40);
    const { i, j } = centroids(set);
    const basis = tiltingPlaneBasis(c.w, nearestCentroidDirection(i, j));
    expect(dot(basis.z, basis.n)).toBeCloseTo(0, 14);
    expect(norm(basis.n)).toBeCloseTo(1, 14);
    const o = i.map((v, k) => (v + j[k]) / 2);
    // points in the plane: o + u ẑ + v n̂
    const rand = seededRandom(13);
    const line = boundaryInTiltingPlane(c, basis, o);
    for (let t = 0; t < 20; t++) {
      const [u1, v1, u2, v2] = [0, 0, 0, 0].map(() => gaussian(rand) * 4);
      const p = o.map((ok, k) => ok + u1 * basis.z[k] + v1 * basis.n[k]);
      const q = o.map((ok, k) => ok + u2 * basis.z[k] + v2 * basis.n[k]);
      expect(tiltingPlanePoint(basis, p, o)[0]).toBeCloseTo(u1, 11);
      expect(tiltingPlanePoint(basis, p, o)[1]).toBeCloseTo(v1, 11);
      expect(distance(p, q)).toBeCloseTo(Math.hypot(u1 - u2, v1 - v2), 11);
      expect(line.cu * u1 + line.cv * v1 + line.c0).toBeCloseTo(signedDistance(c, p), 11);
    }
    // the boundary's normal lies in the plane: (cu, cv) is a unit vector
    expect(Math.hypot(line.cu, line.cv)).toBeCloseTo(1, 12);
    // and the coordinates of the data agree with tiltingPlanePoint
    const coords = tiltingPlaneCoordinates(basis, set, o);
    const [u0, v0] = tiltingPlanePoint(basis, row(set, 0), o);
    expect(coords[0]).toBeCloseTo(u0, 12);
    expect(coords[1]).toBeCloseTo(v0, 12);
  });

  it('is deterministic and orthonormal when θ = 0 (w parallel to ẑ)', () => {
    const zHat = Float64Array.of(0.48, 0.6, 0.64);
    const a = tiltingPlaneBasis(Float64Array.of(0.96, 1.2, 1.28), zHat);
    const b = tiltingPlaneBasis(Float64Array.of(0.96, 1.2, 1.28), zHat);
    expect(Array.from(a.n)).toEqual(Array.from(b.n));
    expect(dot(a.n, zHat)).toBeCloseTo(0, 14);
    expect(norm(a.n)).toBeCloseTo(1, 14);
  });

  it('takes the given fallback, orthogonalised, when θ = 0, and ignores it otherwise', () => {
    const zHat = Float64Array.of(1, 0, 0);
    const fallback = Float64Array.of(0.5, 0, 2);
    expect(Array.from(tiltingPlaneBasis(Float64Array.of(3, 0, 0), zHat, fallback).n)).toEqual([0, 0, 1]);
    expect(Array.from(tiltingPlaneBasis(Float64Array.of(3, 4, 0), zHat, fallback).n)).toEqual([0, 1, 0]);
  });
});

describe('the widest direction across ẑ', () => {
  it('finds the axis of largest spread orthogonal to ẑ, whatever the spread along ẑ', () => {
    const rand = seededRandom(4);
    const n = 2000;
    const x = new Float64Array(n * 4);
    // spread 10 along ẑ = e0 (ignored), 3 along e2, 1 along e1 and e3
    for (let r = 0; r < n; r++) {
      x[r * 4] = 10 * gaussian(rand);
      x[r * 4 + 1] = gaussian(rand);
      x[r * 4 + 2] = 3 * gaussian(rand) + 5;
      x[r * 4 + 3] = gaussian(rand);
    }
    const d = widestDirectionAcross(
      toSparseRows(x, n, 4),
      Float64Array.of(1, 0, 0, 0),
      Float64Array.of(0, 0, 5, 0),
    );
    expect(norm(d)).toBeCloseTo(1, 12);
    expect(d[0]).toBeCloseTo(0, 12);
    expect(d[2]).toBeGreaterThan(0.99);
  });
});

describe('error distance and error rate', () => {
  it('d_err counts only misclassified images, and error rate is the share of them', () => {
    const x = Float64Array.of(-2, -1, 0.5, 1, 3);
    const y = Float64Array.of(-1, -1, -1, 1, 1);
    const set = { n: 5, dim: 1, x, y };
    const c = { w: Float64Array.of(2), b: 0 };
    // only x = 0.5 (class I, d = 0.5) is misclassified
    expect(errorDistance(c, set)).toBeCloseTo(0.5 / 5, 15);
    expect(errorRate(c, set)).toBeCloseTo(20, 12);
  });
});
