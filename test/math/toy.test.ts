import { describe, expect, it } from 'vitest';
import {
  adversarialDistance,
  centroids,
  errorRate,
  nearestCentroidDirection,
  signedDistance,
  tiltingAngle,
} from '../../src/math/geometry.js';
import {
  TOY_NOISY_POINT,
  TOY_NOISY_POINT_DESCRIPTION,
  toyBoundary,
  toyClasses,
  toyImage,
  toyPoint,
  toyPointImages,
  toyTrainingSet,
} from '../../src/math/toy.js';
import type { LabelledSet } from '../../src/math/types.js';
import { distance, norm } from '../../src/math/vector.js';
import { fitToy, TOY_LAMBDA_RANGE } from '../../src/solvers/toy-fit.js';

function row(set: LabelledSet, r: number): Float64Array {
  return set.x.subarray(r * set.dim, (r + 1) * set.dim);
}

describe('toy pictures', () => {
  it('draw a central square of value a on a background of value b', () => {
    const img = toyImage(-0.7, 0.3);
    expect(img.length).toBe(144);
    let inside = 0;
    for (let r = 0; r < 12; r++) {
      for (let c = 0; c < 12; c++) {
        const central = r >= 4 && r < 8 && c >= 4 && c < 8;
        expect(img[r * 12 + c]).toBe(central ? -0.7 : 0.3);
        if (central) inside++;
      }
    }
    expect(inside).toBe(16);
    expect(toyImage(1, -1, 5, 1)[2 * 5 + 2]).toBe(1);
    expect(() => toyImage(1.5, 0)).toThrow(RangeError);
    expect(() => toyImage(0, 0, 4, 6)).toThrow(RangeError);
  });
});

describe('toy classes', () => {
  it('are balanced, evenly spaced on b = 0 and separable by a = 0', () => {
    const set = toyClasses();
    expect(set.n).toBe(18);
    expect(set.dim).toBe(2);
    let nI = 0;
    for (let r = 0; r < set.n; r++) {
      const [a, b] = row(set, r);
      expect(b).toBe(0);
      if (set.y[r] < 0) {
        nI++;
        expect(a).toBeGreaterThanOrEqual(-1);
        expect(a).toBeLessThanOrEqual(-0.2 + 1e-15);
      } else {
        expect(a).toBeGreaterThanOrEqual(0.2 - 1e-15);
        expect(a).toBeLessThanOrEqual(1);
      }
    }
    expect(nI).toBe(9);
    expect(row(set, 0)[0]).toBe(-1);
    expect(row(set, 1)[0]).toBeCloseTo(-0.9, 15);
    expect(errorRate(toyBoundary(0), set)).toBe(0);
  });

  it('give d_adv = ½‖j − i‖ = 0.6 for L_0', () => {
    const set = toyClasses();
    const { i, j } = centroids(set);
    expect(i[0]).toBeCloseTo(-0.6, 14);
    expect(j[0]).toBeCloseTo(0.6, 14);
    expect(adversarialDistance(toyBoundary(0), set)).toBeCloseTo(0.5 * distance(i, j), 14);
    expect(adversarialDistance(toyBoundary(0), set)).toBeCloseTo(0.6, 14);
  });

  it('satisfy the identity d_adv = ½‖j − i‖ cos θ for every L_θ', () => {
    const set = toyClasses();
    const { i, j } = centroids(set);
    const z = nearestCentroidDirection(i, j);
    for (let theta = 0; theta < Math.PI; theta += 0.1) {
      const c = toyBoundary(theta);
      expect(tiltingAngle(c.w, z)).toBeCloseTo(theta, 7);
      expect(adversarialDistance(c, set)).toBeCloseTo(0.5 * distance(i, j) * Math.cos(theta), 14);
    }
  });
});

describe('projected and mirror images on the toy plane', () => {
  it('x_p lies on L_θ and x_m is on the other side at the same distance', () => {
    const set = toyClasses();
    for (const theta of [0, 0.4, 1, 1.5]) {
      const c = toyBoundary(theta);
      for (let r = 0; r < set.n; r++) {
        const { x, xp, xm } = toyPointImages(row(set, r), theta);
        const d = signedDistance(c, x);
        expect(Math.abs(signedDistance(c, xp))).toBeLessThan(1e-15);
        expect(signedDistance(c, xm)).toBeCloseTo(-d, 14);
        // a reflection through a line through the origin keeps the picture's values in [−1, 1]
        expect(norm(xm)).toBeCloseTo(norm(x), 14);
        expect(() => toyImage(xm[0], xm[1])).not.toThrow();
      }
    }
  });

  it('makes x and x_m nearly identical pictures as θ → π/2', () => {
    const x = toyPoint(-0.6, 0);
    const far = toyPointImages(x, 0);
    const near = toyPointImages(x, Math.PI / 2 - 0.01);
    expect(distance(far.x, far.xm)).toBeCloseTo(1.2, 14);
    expect(distance(near.x, near.xm)).toBeLessThan(0.013);
    // yet they are classified oppositely with the same confidence
    const c = toyBoundary(Math.PI / 2 - 0.01);
    expect(Math.sign(signedDistance(c, near.x))).toBe(-Math.sign(signedDistance(c, near.xm)));
  });

  it('accepts a fitted classifier in place of θ', () => {
    const c = { w: Float64Array.of(3, 4), b: 1 };
    const { xp, xm } = toyPointImages(toyPoint(0.5, 0.5), c);
    expect(Math.abs(signedDistance(c, xp))).toBeLessThan(1e-15);
    expect(signedDistance(c, xm)).toBeCloseTo(-signedDistance(c, toyPoint(0.5, 0.5)), 14);
  });
});

describe('toy training set with the noisy point p', () => {
  it('is the clean classes plus p, labelled J, last', () => {
    const set = toyTrainingSet();
    expect(set.n).toBe(19);
    expect(Array.from(row(set, 18))).toEqual([...TOY_NOISY_POINT]);
    expect(set.y[18]).toBe(1);
    expect(TOY_NOISY_POINT_DESCRIPTION).toContain('p = (−0.5, 0.1)');
    // p sits among the class-I points: L_0 misclassifies it
    expect(errorRate(toyBoundary(0), set)).toBeCloseTo(100 / 19, 12);
  });

  it('breaks the balanced identity by exactly the bias and class-size terms', () => {
    const set = toyTrainingSet();
    const c = { w: Float64Array.of(0.8, 2), b: 0.3 };
    const { i, j } = centroids(set);
    const wn = norm(c.w);
    const nJ = 10;
    const nI = 9;
    const proj = (v: Float64Array): number => (c.w[0] * v[0] + c.w[1] * v[1]) / wn;
    const expected = (nJ * proj(j) - nI * proj(i) + ((nJ - nI) * c.b) / wn) / set.n;
    expect(adversarialDistance(c, set)).toBeCloseTo(expected, 14);
    const theta = tiltingAngle(c.w, nearestCentroidDirection(i, j));
    expect(Math.abs(adversarialDistance(c, set) - 0.5 * distance(i, j) * Math.cos(theta))).toBeGreaterThan(
      1e-3,
    );
  });
});

describe('fitToy: the tilt that L2 regularisation undoes', () => {
  it('hinge: tiny λ tilts to θ > 1.2 and classifies p; large λ keeps θ < 0.3 and gives p up', () => {
    const tiny = fitToy('hinge', 1e-6);
    expect(tiny.converged).toBe(true);
    expect(tiny.theta).toBeGreaterThan(1.2);
    // the hard-margin limit w = (5, 35), b = 0: the line a + 7b = 0, whose margin 1/‖w‖ is set by p, the
    // class-I image (−0.2, 0) and the class-J image (0.2, 0) together
    expect(tiny.theta).toBeCloseTo(Math.acos(1 / Math.sqrt(50)), 8);
    expect(tiny.noisyPointCorrect).toBe(true);
    expect(tiny.trainingError).toBe(0);
    const large = fitToy('hinge', 1e-2);
    expect(large.converged).toBe(true);
    expect(large.theta).toBeLessThan(0.3);
    expect(large.noisyPointCorrect).toBe(false);
    expect(large.trainingError).toBeCloseTo(100 / 19, 12);
  });

  it('softplus: the same switch, a little lower in λ', () => {
    const tiny = fitToy('softplus', 1e-6);
    expect(tiny.converged).toBe(true);
    expect(tiny.theta).toBeGreaterThan(1.2);
    expect(tiny.noisyPointCorrect).toBe(true);
    const large = fitToy('softplus', 1e-2);
    expect(large.converged).toBe(true);
    expect(large.theta).toBeLessThan(0.3);
    expect(large.noisyPointCorrect).toBe(false);
  });

  it('θ falls monotonically along the documented slider range for both losses', () => {
    for (const loss of ['hinge', 'softplus'] as const) {
      let previous = Number.POSITIVE_INFINITY;
      const [lo, hi] = TOY_LAMBDA_RANGE;
      for (let t = 0; t <= 40; t++) {
        const lambda = lo * (hi / lo) ** (t / 40);
        const fit = fitToy(loss, lambda);
        expect(fit.converged).toBe(true);
        expect(fit.theta).toBeLessThanOrEqual(previous + 1e-9);
        previous = fit.theta;
      }
    }
  });

  it('fits satisfy the identity d_adv = ½‖j − i‖ cos θ on the clean classes', () => {
    const clean = toyClasses();
    const { i, j } = centroids(clean);
    for (const loss of ['hinge', 'softplus'] as const) {
      for (const lambda of [1e-6, 1e-4, 1e-3, 1e-2, 1e-1]) {
        const fit = fitToy(loss, lambda);
        const expected = 0.5 * distance(i, j) * Math.cos(fit.theta);
        expect(adversarialDistance(fit.classifier, clean)).toBeCloseTo(expected, 12);
      }
    }
  });

  it('is fast enough for a slider: well under 5 ms a fit', () => {
    for (const loss of ['hinge', 'softplus'] as const) fitToy(loss, 1e-3);
    const start = performance.now();
    let fits = 0;
    for (const loss of ['hinge', 'softplus'] as const) {
      for (let t = 0; t <= 40; t++, fits++) fitToy(loss, 10 ** (-7 + (6 * t) / 40));
    }
    expect((performance.now() - start) / fits).toBeLessThan(5);
  });
});
