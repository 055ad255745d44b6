// The logistic-regression path solver against an independent dense Newton solver, on a real MNIST slice.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { regularisedLoss, softplusDerivative } from '../../src/math/losses.js';
import type { LabelledSet } from '../../src/math/types.js';
import { dotRow } from '../../src/math/vector.js';
import { type LogisticModel, PathPredictor, solveLogisticPath } from '../../src/solvers/logistic-path.js';
import { fitLogisticRegression } from '../../src/solvers/small-logistic.js';

let set: LabelledSet;
let models: LogisticModel[];
const lambdas = Array.from({ length: 81 }, (_, c) => 10 ** (2 - 0.1 * c));

beforeAll(() => {
  set = selectPair(loadDataset(mnistFiles(), 'mnist'), 4, 9, 60).train;
  models = solveLogisticPath(set, lambdas, { tolerance: 1e-9 });
});

/** ‖∇F‖ computed with plain loops, independently of the solver's sparse kernels. */
function gradientNorm(m: LogisticModel): number {
  const g = new Float64Array(set.dim + 1);
  for (let i = 0; i < set.n; i++) {
    const z = set.y[i] * (dotRow(set.x, i * set.dim, m.w, set.dim) + m.b);
    const coef = (set.y[i] * softplusDerivative(z)) / set.n;
    for (let k = 0; k < set.dim; k++) g[k] += coef * set.x[i * set.dim + k];
    g[set.dim] += coef;
  }
  for (let k = 0; k < set.dim; k++) g[k] += 2 * m.lambda * m.w[k];
  return Math.hypot(...g);
}

describe('the logistic-regression path', () => {
  it('stops at every λ with ‖∇F‖ ≤ tolerance, recomputed independently', () => {
    for (const m of models) {
      expect(m.converged).toBe(true);
      expect(gradientNorm(m)).toBeLessThanOrEqual(1.5e-9);
      expect(m.objective).toBeCloseTo(regularisedLoss('softplus', m, set, m.lambda), 12);
    }
  });

  it('agrees with a dense Newton solver (an independent implementation) at several λ', () => {
    for (const c of [0, 40, 80]) {
      const reference = fitLogisticRegression(set, lambdas[c], { tolerance: 1e-13 });
      const ours = models[c];
      expect(Math.abs(ours.objective - reference.objective)).toBeLessThanOrEqual(1e-12 * reference.objective);
      const scale = Math.hypot(...reference.w);
      const diff = Math.hypot(...ours.w.map((v, k) => v - reference.w[k]));
      // ‖w − w*‖ ≤ ‖∇F‖ / (2λ) by strong convexity
      expect(diff).toBeLessThanOrEqual(Math.max(1e-6 * scale, (2e-9 / (2 * lambdas[c])) * 1.01));
    }
  });

  it('grows ‖w‖ and lowers the training loss as λ decreases', () => {
    for (let c = 1; c < models.length; c++) {
      expect(Math.hypot(...models[c].w)).toBeGreaterThan(Math.hypot(...models[c - 1].w));
    }
  });
});

describe('the path predictor', () => {
  // θ(λ) a cubic in log λ: the polynomial through the last points predicts it exactly
  const curve = (lambda: number) => {
    const t = Math.log(lambda);
    return Float64Array.of(1 + t, 2 - t * t, 0.5 * t * t * t);
  };
  const lambdas = Array.from({ length: 12 }, (_, c) => 10 ** (2 - 0.1 * c));
  const distance = (a: Float64Array, b: Float64Array) => Math.hypot(...a.map((v, k) => v - b[k]));

  it('extrapolates a smooth path in log λ, and keeps the warm start before it has two points', () => {
    const predictor = new PathPredictor(3);
    const theta = curve(lambdas[0]);
    const closer = (lambda: number) => (candidate: Float64Array) => distance(candidate, curve(lambda));
    predictor.start(lambdas[0], theta, closer(lambdas[0]));
    predictor.record(lambdas[0], theta);
    const warm = theta.slice();
    predictor.start(lambdas[1], theta, closer(lambdas[1]));
    expect(theta).toEqual(warm);
    for (const lambda of lambdas.slice(1, 8)) {
      theta.set(curve(lambda));
      predictor.record(lambda, theta);
    }
    predictor.start(lambdas[8], theta, closer(lambdas[8]));
    expect(distance(theta, curve(lambdas[8]))).toBeLessThan(1e-9);
  });

  it('keeps the warm start where the prediction has the higher objective', () => {
    const predictor = new PathPredictor(3);
    for (const lambda of lambdas.slice(0, 4)) predictor.record(lambda, curve(lambda));
    const theta = curve(lambdas[3]);
    const warm = theta.slice();
    // an objective whose minimum is the last solution itself
    predictor.start(lambdas[4], theta, (candidate) => distance(candidate, warm));
    expect(theta).toEqual(warm);
  });
});
