// The exact hinge-SVM path: KKT conditions and duality gap checked independently of the solver's own
// bookkeeping, agreement with a brute-force solution, the article's λ = 100 limit, and the fallbacks.
import { describe, expect, it } from 'vitest';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import {
  adversarialDistance,
  centroids,
  nearestCentroidDirection,
  tiltingAngle,
} from '../../src/math/geometry.js';
import { regularisedLoss } from '../../src/math/losses.js';
import { gaussian, seededRandom } from '../../src/math/random.js';
import type { LabelledSet } from '../../src/math/types.js';
import { distance, dot, norm } from '../../src/math/vector.js';
import { type HingePathModel, solveHinge, solveHingePath } from '../../src/solvers/hinge-path.js';

/** The article's grid λ_c = 10^(2 − 0.1c), c = 0 … 80. */
const GRID = Array.from({ length: 81 }, (_, c) => 10 ** (2 - 0.1 * c));

const mnist = loadDataset(mnistFiles(), 'mnist');

/** The first `perClass` training images of digits a (y = −1) and b (y = +1) in file order, with their bytes. */
function mnistPair(a: number, b: number, perClass: number): { set: LabelledSet; bytes: Uint8Array } {
  const { train } = selectPair(mnist, a, b, perClass);
  return { set: train, bytes: train.bytes };
}

/** Everything about a model recomputed from its α with plain loops. */
function independent(set: LabelledSet, model: HingePathModel) {
  const { n, dim, x, y } = set;
  const C = 1 / (2 * model.lambda * n);
  const w = new Float64Array(dim);
  let eq = 0;
  let boxViolation = 0;
  for (let i = 0; i < n; i++) {
    const a = model.alpha[i];
    boxViolation = Math.max(boxViolation, -a, a - C);
    eq += y[i] * a;
    for (let k = 0; k < dim; k++) w[k] += a * y[i] * x[i * dim + k];
  }
  let wError = 0;
  for (let k = 0; k < dim; k++) wError = Math.max(wError, Math.abs(w[k] - model.w[k]));
  // libsvm's m(α) − M(α) with G_i = y_i w·x_i − 1
  let up = Number.NEGATIVE_INFINITY;
  let low = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += w[k] * x[i * dim + k];
    const v = -y[i] * (y[i] * s - 1);
    const a = model.alpha[i];
    const inUp = y[i] > 0 ? a < C : a > 0;
    const inLow = y[i] > 0 ? a > 0 : a < C;
    if (inUp) up = Math.max(up, v);
    if (inLow) low = Math.min(low, v);
  }
  let sumAlpha = 0;
  let w2 = 0;
  for (let i = 0; i < n; i++) sumAlpha += model.alpha[i];
  for (let k = 0; k < dim; k++) w2 += w[k] * w[k];
  const objective = regularisedLoss('hinge', { w, b: model.b }, set, model.lambda);
  const dual = 2 * model.lambda * (sumAlpha - w2 / 2);
  return { C, w, eq, boxViolation, wError, violation: up - low, objective, gap: objective - dual };
}

/** Twenty points in 2-D, overlapping classes (seeded). */
function toySet(): LabelledSet {
  const rand = seededRandom(11);
  const n = 20;
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i < 10 ? -1 : 1;
    x[2 * i] = y[i] * 0.8 + gaussian(rand);
    x[2 * i + 1] = 0.5 * y[i] + 0.7 * gaussian(rand);
  }
  return { n, dim: 2, x, y };
}

/**
 * Brute force: φ(w) = min_b L(w, b) is convex; for fixed w, L is convex piecewise linear in b with its
 * minimum at a breakpoint b = y_i − w·x_i, so φ is exact. Minimise φ by nested golden-section searches.
 */
function bruteForce(set: LabelledSet, lambda: number): { w: [number, number]; objective: number } {
  const { n, x, y } = set;
  const phi = (w1: number, w2: number): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      const b = y[j] - (w1 * x[2 * j] + w2 * x[2 * j + 1]);
      let loss = 0;
      for (let i = 0; i < n; i++) loss += Math.max(0, 1 - y[i] * (w1 * x[2 * i] + w2 * x[2 * i + 1] + b));
      best = Math.min(best, loss / n);
    }
    return best + lambda * (w1 * w1 + w2 * w2);
  };
  const golden = (f: (t: number) => number, lo: number, hi: number): number => {
    const g = (Math.sqrt(5) - 1) / 2;
    let a = lo;
    let b = hi;
    let c = b - g * (b - a);
    let d = a + g * (b - a);
    let fc = f(c);
    let fd = f(d);
    for (let k = 0; k < 90; k++) {
      if (fc < fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - g * (b - a);
        fc = f(c);
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + g * (b - a);
        fd = f(d);
      }
    }
    return (a + b) / 2;
  };
  const R = 1 / Math.sqrt(lambda); // λ‖w‖² ≤ L(0, b) ≤ 1
  const inner = (w1: number): number => golden((w2) => phi(w1, w2), -R, R);
  const w1 = golden((t) => phi(t, inner(t)), -R, R);
  const w2 = inner(w1);
  return { w: [w1, w2], objective: phi(w1, w2) };
}

describe('exact hinge path on a real MNIST slice (7 vs 9, 150 per class, 81 λ, tolerance 1e-6)', () => {
  const { set, bytes } = mnistPair(7, 9, 150);
  const models = solveHingePath(set, GRID, { tolerance: 1e-6, bytes });

  it('meets the KKT conditions at every λ, recomputed from α', () => {
    expect(models).toHaveLength(81);
    for (const m of models) {
      const ind = independent(set, m);
      expect(m.converged).toBe(true);
      expect(m.warning).toBeUndefined();
      expect(ind.boxViolation).toBeLessThanOrEqual(0);
      expect(Math.abs(ind.eq)).toBeLessThan(1e-9 * ind.C);
      expect(ind.wError).toBeLessThan(1e-9 * (1 + Math.max(...m.w.map(Math.abs))));
      expect(ind.violation).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(ind.violation - m.kktViolation)).toBeLessThan(1e-9);
    }
  });

  it('has a duality gap near zero and the reported objective L(w, b) at every λ', () => {
    for (const m of models) {
      const ind = independent(set, m);
      expect(Math.abs(m.objective - ind.objective)).toBeLessThan(1e-10 * Math.max(1, ind.objective));
      expect(Math.abs(m.gap - ind.gap)).toBeLessThan(1e-9);
      expect(m.gap).toBeGreaterThan(-1e-10);
      expect(m.gap).toBeLessThan(1e-6);
    }
  });

  it('at λ = 100 puts every α at C, w parallel to j − i and b at the midpoint rule', () => {
    const m = models[0];
    expect(m.lambda).toBe(100);
    expect(m.atUpper).toBe(set.n);
    const { i, j } = centroids(set);
    const z = nearestCentroidDirection(i, j);
    // sin θ = ‖w − (w·ẑ)ẑ‖/‖w‖ resolves angles far below arccos's ~1.5e-8 floor near 1
    const wz = dot(m.w, z);
    const residual = norm(m.w.map((v, k) => v - wz * z[k]));
    expect(wz).toBeGreaterThan(0);
    expect(residual / norm(m.w)).toBeLessThan(1e-12);
    expect(tiltingAngle(m.w, z)).toBeLessThan(2e-8);
    let maxPos = Number.NEGATIVE_INFINITY;
    let minNeg = Number.POSITIVE_INFINITY;
    for (let r = 0; r < set.n; r++) {
      let s = 0;
      for (let k = 0; k < set.dim; k++) s += m.w[k] * set.x[r * set.dim + k];
      if (set.y[r] > 0) maxPos = Math.max(maxPos, s);
      else minNeg = Math.min(minNeg, s);
    }
    expect(m.b).toBeCloseTo(-(maxPos + minNeg) / 2, 12);
  });

  it('satisfies d_adv = ½‖j − i‖ cos θ at every λ, θ rising as λ falls', () => {
    const { i, j } = centroids(set);
    const z = nearestCentroidDirection(i, j);
    const half = distance(i, j) / 2;
    for (const m of models) {
      const theta = tiltingAngle(m.w, z);
      const dAdv = adversarialDistance({ w: m.w, b: m.b }, set);
      expect(Math.abs(dAdv - half * Math.cos(theta))).toBeLessThan(1e-10);
    }
    const thetas = models.map((m) => tiltingAngle(m.w, z));
    expect(thetas[0]).toBeLessThan(2e-8);
    expect(thetas[80]).toBeGreaterThan(1);
    for (let c = 1; c < thetas.length; c++) expect(thetas[c]).toBeGreaterThan(thetas[c - 1] - 1e-3);
  });

  it('gives the same models without the raw bytes (kernel from the 0..1 values)', () => {
    const some = [10, 30, 50, 80].map((c) => GRID[c]);
    const plain = solveHingePath(set, some, { tolerance: 1e-6 });
    const exact = solveHingePath(set, some, { tolerance: 1e-6, bytes });
    for (let k = 0; k < some.length; k++) {
      expect(Math.abs(plain[k].objective - exact[k].objective)).toBeLessThan(1e-10);
      for (let d = 0; d < set.dim; d++) expect(plain[k].w[d]).toBeCloseTo(exact[k].w[d], 6);
    }
  });

  it('a cold start at one small λ and a warm start from the path agree with the path', () => {
    const c = 70;
    const cold = solveHinge(set, GRID[c], { tolerance: 1e-6, bytes });
    const warm = solveHinge(set, GRID[c], {
      tolerance: 1e-6,
      bytes,
      warmStart: { lambda: GRID[c - 1], alpha: models[c - 1].alpha },
    });
    for (const m of [cold, warm]) {
      expect(m.converged).toBe(true);
      expect(independent(set, m).violation).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(m.objective - models[c].objective)).toBeLessThan(1e-9);
    }
  });
});

describe('agreement with a brute-force solution of a tiny 2-D problem', () => {
  const set = toySet();
  const lambdas = [1, 0.1, 0.01, 1e-3];
  const models = solveHingePath(set, lambdas, { tolerance: 1e-9 });

  it.each(lambdas.map((l, k) => [l, k]))('λ = %s', (lambda, k) => {
    const m = models[k];
    const brute = bruteForce(set, lambda);
    expect(m.converged).toBe(true);
    // the brute force can only be worse than the exact optimum, and by its own search error
    expect(m.objective).toBeLessThanOrEqual(brute.objective + 1e-12);
    expect(brute.objective - m.objective).toBeLessThan(1e-9);
    expect(Math.abs(m.w[0] - brute.w[0])).toBeLessThan(1e-4);
    expect(Math.abs(m.w[1] - brute.w[1])).toBeLessThan(1e-4);
    expect(independent(set, m).violation).toBeLessThanOrEqual(1e-9);
  });
});

describe('fallbacks', () => {
  const { set, bytes } = mnistPair(7, 9, 60);
  const lambdas = GRID.filter((_, c) => c % 4 === 0);

  it('finishes with the active-set method when the Newton phase is capped at one iteration', () => {
    const models = solveHingePath(set, lambdas, { tolerance: 1e-6, bytes, maxIterations: 1 });
    const fallback = models.filter((m) => m.method === 'active-set');
    expect(fallback.length).toBeGreaterThan(5);
    for (const m of fallback) expect(m.fallbackReason).toBe('iteration-cap');
    for (const m of models) {
      expect(m.converged).toBe(true);
      expect(independent(set, m).violation).toBeLessThanOrEqual(1e-6);
    }
    // same optimum as the uncapped path
    const reference = solveHingePath(set, lambdas, { tolerance: 1e-6, bytes });
    for (let k = 0; k < lambdas.length; k++) {
      expect(Math.abs(models[k].objective - reference[k].objective)).toBeLessThan(1e-9);
    }
  });

  it('finishes with SMO when both Newton-type phases are capped', () => {
    const some = [lambdas[5], lambdas[10]];
    const models = solveHingePath(set, some, {
      tolerance: 1e-4,
      bytes,
      maxIterations: 1,
      maxActiveSetIterations: 1,
    });
    for (const m of models) {
      expect(m.method).toBe('smo');
      expect(m.converged).toBe(true);
      expect(m.smoIterations).toBeGreaterThan(0);
      expect(independent(set, m).violation).toBeLessThanOrEqual(1e-4);
    }
  });

  it('reports a cap that stops every method as not converged, with a warning', () => {
    const m = solveHinge(set, lambdas[15], {
      tolerance: 1e-8,
      maxIterations: 1,
      maxActiveSetIterations: 1,
      maxSmoIterations: 3,
    });
    expect(m.converged).toBe(false);
    expect(m.warning).toMatch(/KKT violation/);
    expect(m.kktViolation).toBeGreaterThan(1e-8);
  });

  it('hands over to the active-set method when the factor refuses pivots (strict threshold)', () => {
    const models = solveHingePath(set, lambdas, { tolerance: 1e-6, bytes, pivotRatio: 0.5 });
    const reference = solveHingePath(set, lambdas, { tolerance: 1e-6, bytes });
    expect(models.some((m) => m.fallbackReason === 'singular' && m.method === 'active-set')).toBe(true);
    for (let k = 0; k < lambdas.length; k++) {
      expect(models[k].converged).toBe(true);
      expect(independent(set, models[k]).violation).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(models[k].objective - reference[k].objective)).toBeLessThan(1e-9);
    }
  });

  it('converges on duplicated images, whose kernel block is singular', () => {
    // every image twice: identical free points make K_FF singular
    const n = 2 * set.n;
    const x = new Float64Array(n * set.dim);
    const y = new Float64Array(n);
    for (let i = 0; i < set.n; i++) {
      for (const copy of [i, i + set.n]) {
        x.set(set.x.subarray(i * set.dim, (i + 1) * set.dim), copy * set.dim);
        y[copy] = set.y[i];
      }
    }
    const doubled: LabelledSet = { n, dim: set.dim, x, y };
    const models = solveHingePath(doubled, lambdas, { tolerance: 1e-6 });
    const single = solveHingePath(set, lambdas, { tolerance: 1e-6 });
    expect(models.some((m) => m.refusedPivots > 0 || m.method !== 'pdas')).toBe(true);
    for (let k = 0; k < lambdas.length; k++) {
      const m = models[k];
      expect(m.converged).toBe(true);
      expect(independent(doubled, m).violation).toBeLessThanOrEqual(1e-6);
      // doubling the data at the same λ is the original problem: same w, same objective
      expect(Math.abs(m.objective - single[k].objective)).toBeLessThan(1e-8);
    }
  });
});

describe('input checks', () => {
  it('rejects one-class data, bad labels and bytes that do not match x', () => {
    const x = new Float64Array([0, 1, 1, 0]);
    expect(() => solveHinge({ n: 2, dim: 2, x, y: new Float64Array([1, 1]) }, 1)).toThrow(/both classes/);
    expect(() => solveHinge({ n: 2, dim: 2, x, y: new Float64Array([1, 0]) }, 1)).toThrow(/label/);
    const bytes = new Uint8Array([0, 255, 255, 1]);
    expect(() => solveHinge({ n: 2, dim: 2, x, y: new Float64Array([1, -1]) }, 1, { bytes })).toThrow(
      /bytes/,
    );
    expect(() => solveHinge({ n: 2, dim: 2, x, y: new Float64Array([1, -1]) }, 0)).toThrow(/λ/);
  });

  it('solves dense data with more free points than dimensions (3 features, 200 points)', () => {
    // K_FF has rank ≤ 3 while up to 4 points are free: only the shifted factor K_FF + c·11ᵀ is regular
    const rand = seededRandom(9);
    const n = 200;
    const x = new Float64Array(3 * n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2 === 0 ? -1 : 1;
      for (let k = 0; k < 3; k++) x[3 * i + k] = 0.4 * y[i] + gaussian(rand);
    }
    const set: LabelledSet = { n, dim: 3, x, y };
    const models = solveHingePath(set, GRID, { tolerance: 1e-9 });
    expect(Math.max(...models.map((m) => m.free))).toBeGreaterThan(3);
    for (const m of models) {
      expect(m.converged).toBe(true);
      expect(independent(set, m).violation).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(m.gap)).toBeLessThan(1e-9);
    }
  });

  it('solves unbalanced classes (cold start with a feasible α)', () => {
    const rand = seededRandom(5);
    const n = 40;
    const x = new Float64Array(3 * n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i < 30 ? -1 : 1;
      for (let k = 0; k < 3; k++) x[3 * i + k] = y[i] * 0.5 * (k + 1) + gaussian(rand);
    }
    const set: LabelledSet = { n, dim: 3, x, y };
    const models = solveHingePath(
      set,
      GRID.filter((_, c) => c % 8 === 0),
      { tolerance: 1e-8 },
    );
    for (const m of models) {
      expect(m.converged).toBe(true);
      const ind = independent(set, m);
      expect(ind.violation).toBeLessThanOrEqual(1e-8);
      expect(Math.abs(ind.eq)).toBeLessThan(1e-9 * ind.C);
      expect(m.gap).toBeLessThan(1e-7);
    }
  });
});
