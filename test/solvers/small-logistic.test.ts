import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { toyClasses, toyTrainingSet } from '../../src/math/toy.js';
import type { LabelledSet } from '../../src/math/types.js';
import { fitLogisticRegression } from '../../src/solvers/small-logistic.js';
import { gaussianClouds } from '../helpers/random-sets.js';

function randomSet(seed: number, n: number, dim: number, shift: number): LabelledSet {
  return gaussianClouds(seed, n, dim, shift, 0.2);
}

/** L(w, b) and its gradient, written out independently of the library (naive softplus is fine here). */
function objectiveAndGradient(
  set: LabelledSet,
  lambda: number,
  w: ArrayLike<number>,
  b: number,
): { value: number; grad: Float64Array } {
  const { n, dim, x, y } = set;
  const grad = new Float64Array(dim + 1);
  let value = 0;
  for (let r = 0; r < n; r++) {
    let s = b;
    for (let k = 0; k < dim; k++) s += w[k] * x[r * dim + k];
    const z = y[r] * s;
    value += z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    const d = (-1 / (1 + Math.exp(z))) * y[r];
    for (let k = 0; k < dim; k++) grad[k] += (d * x[r * dim + k]) / n;
    grad[dim] += d / n;
  }
  value /= n;
  for (let k = 0; k < dim; k++) {
    value += lambda * w[k] * w[k];
    grad[k] += 2 * lambda * w[k];
  }
  return { value, grad };
}

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, t) => s + t * t, 0));

describe('fitLogisticRegression: exact L2 logistic regression with a free bias', () => {
  it('drives the gradient below 1e-12 of its value at the zero model', () => {
    const cases: [LabelledSet, number][] = [
      [toyTrainingSet(), 1e-6],
      [toyTrainingSet(), 1e-3],
      [toyTrainingSet(), 10],
      [randomSet(1, 80, 5, 0.6), 1e-3],
      [randomSet(2, 30, 12, 0.4), 0.05],
    ];
    for (const [set, lambda] of cases) {
      const fit = fitLogisticRegression(set, lambda);
      expect(fit.converged).toBe(true);
      const zero = objectiveAndGradient(set, lambda, new Float64Array(set.dim), 0);
      const here = objectiveAndGradient(set, lambda, fit.w, fit.b);
      expect(fit.gradientNorm).toBeLessThanOrEqual(1e-12 * norm(zero.grad));
      // an independent gradient agrees to rounding
      expect(norm(here.grad)).toBeLessThanOrEqual(1e-11 * norm(zero.grad));
      expect(fit.objective).toBeCloseTo(here.value, 13);
      expect(fit.iterations).toBeLessThan(60);
    }
  });

  it('is not beaten by random small perturbations of (w, b)', () => {
    const set = randomSet(3, 50, 4, 0.5);
    const lambda = 0.01;
    const fit = fitLogisticRegression(set, lambda);
    const rand = seededRandom(99);
    for (let trial = 0; trial < 200; trial++) {
      const scale = 10 ** (-6 + 4 * rand());
      const w = fit.w.map((v) => v + scale * gaussian(rand));
      const b = fit.b + scale * gaussian(rand);
      expect(objectiveAndGradient(set, lambda, w, b).value).toBeGreaterThanOrEqual(fit.objective - 1e-15);
    }
  });

  it('agrees with plain gradient descent run long on a tiny problem', () => {
    const set = randomSet(4, 7, 2, 0.5);
    const lambda = 0.02;
    const fit = fitLogisticRegression(set, lambda);
    // step 1/Lipschitz: softplus'' ≤ ¼, so ‖∇²L‖ ≤ ¼ max ‖(x, 1)‖² + 2λ
    let maxSq = 0;
    for (let r = 0; r < set.n; r++) maxSq = Math.max(maxSq, 1 + set.x[2 * r] ** 2 + set.x[2 * r + 1] ** 2);
    const step = 1 / (maxSq / 4 + 2 * lambda);
    const w = new Float64Array(2);
    let b = 0;
    for (let it = 0; it < 100_000; it++) {
      const { grad } = objectiveAndGradient(set, lambda, w, b);
      w[0] -= step * grad[0];
      w[1] -= step * grad[1];
      b -= step * grad[2];
    }
    expect(fit.w[0]).toBeCloseTo(w[0], 8);
    expect(fit.w[1]).toBeCloseTo(w[1], 8);
    expect(fit.b).toBeCloseTo(b, 8);
  });

  it('gives the same optimum from a warm start', () => {
    const set = randomSet(5, 40, 3, 0.5);
    const cold = fitLogisticRegression(set, 1e-3);
    const warm = fitLogisticRegression(set, 1e-3, { initial: { w: [1, -2, 3], b: 0.5 } });
    expect(warm.converged).toBe(true);
    for (let k = 0; k < 3; k++) expect(warm.w[k]).toBeCloseTo(cold.w[k], 10);
    expect(warm.b).toBeCloseTo(cold.b, 10);
    // starting at the optimum needs no step
    const again = fitLogisticRegression(set, 1e-3, { initial: cold });
    expect(again.iterations).toBe(0);
  });

  it('solves λ = 0 on non-separable data, and reports converged = false on separable data', () => {
    const overlapping = randomSet(6, 60, 2, 0.3);
    const fit = fitLogisticRegression(overlapping, 0);
    expect(fit.converged).toBe(true);
    const { grad } = objectiveAndGradient(overlapping, 0, fit.w, fit.b);
    expect(norm(grad)).toBeLessThan(1e-12);

    // the clean toy classes are separable: the optimum does not exist
    const separable = fitLogisticRegression(toyClasses(), 0, { maxIterations: 50 });
    expect(separable.converged).toBe(false);
    expect(separable.iterations).toBeLessThanOrEqual(50);
    expect(Number.isFinite(separable.w[0]) && Number.isFinite(separable.b)).toBe(true);
  });

  it('reports converged = false when the iteration cap stops it', () => {
    const fit = fitLogisticRegression(toyTrainingSet(), 1e-6, { maxIterations: 2 });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBe(2);
  });

  it('refuses λ < 0, a single class and labels other than ±1', () => {
    const set = toyClasses();
    expect(() => fitLogisticRegression(set, -1)).toThrow(RangeError);
    expect(() => fitLogisticRegression({ ...set, y: new Float64Array(set.n).fill(-1) }, 1)).toThrow(
      RangeError,
    );
    const badLabel = { ...set, y: Float64Array.from(set.y, (v, r) => (r === 0 ? 2 : v)) };
    expect(() => fitLogisticRegression(badLabel, 1)).toThrow(RangeError);
  });
});
