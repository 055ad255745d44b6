import { describe, expect, it } from 'vitest';
import { toyClasses, toyTrainingSet } from '../../src/math/toy.js';
import type { LabelledSet } from '../../src/math/types.js';
import { fitHingeSvm, type SmallSvmFit } from '../../src/solvers/small-svm.js';
import { gaussianClouds } from '../helpers/random-sets.js';

function randomSet(seed: number, n: number, dim: number, shift: number): LabelledSet {
  return gaussianClouds(seed, n, dim, shift, 0.3);
}

function margins(set: LabelledSet, w: ArrayLike<number>, b: number): Float64Array {
  const out = new Float64Array(set.n);
  for (let r = 0; r < set.n; r++) {
    let s = b;
    for (let k = 0; k < set.dim; k++) s += w[k] * set.x[r * set.dim + k];
    out[r] = set.y[r] * s;
  }
  return out;
}

/** L(w, b) written out independently of the library. */
function objective(set: LabelledSet, lambda: number, w: ArrayLike<number>, b: number): number {
  const ys = margins(set, w, b);
  let hinge = 0;
  for (const z of ys) hinge += Math.max(0, 1 - z);
  let ww = 0;
  for (let k = 0; k < set.dim; k++) ww += w[k] * w[k];
  return hinge / set.n + lambda * ww;
}

/** min over b of (1/n) Σ max(0, 1 − y(u + b)): convex piecewise linear, a breakpoint b = y − u attains it */
function bestBias(set: LabelledSet, w: ArrayLike<number>): { b: number; risk: number } {
  const u = margins(set, w, 0).map((z, r) => z * set.y[r]);
  let best = { b: 0, risk: Number.POSITIVE_INFINITY };
  for (let r = 0; r < set.n; r++) {
    const b = set.y[r] - u[r];
    let risk = 0;
    for (let t = 0; t < set.n; t++) risk += Math.max(0, 1 - set.y[t] * (u[t] + b));
    risk /= set.n;
    if (risk < best.risk) best = { b, risk };
  }
  return best;
}

function expectKkt(set: LabelledSet, fit: SmallSvmFit, eps: number): void {
  const ys = margins(set, fit.w, fit.b);
  let sumYAlpha = 0;
  let sumAlpha = 0;
  for (let r = 0; r < set.n; r++) {
    const a = fit.alpha[r];
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(fit.C);
    sumYAlpha += set.y[r] * a;
    sumAlpha += a;
    if (a === 0) expect(ys[r]).toBeGreaterThanOrEqual(1 - eps);
    else if (a === fit.C) expect(ys[r]).toBeLessThanOrEqual(1 + eps);
    else expect(Math.abs(ys[r] - 1)).toBeLessThanOrEqual(eps);
  }
  expect(Math.abs(sumYAlpha)).toBeLessThanOrEqual(1e-12 * Math.max(sumAlpha, 1e-300));
  // w = Σ α y x
  for (let k = 0; k < set.dim; k++) {
    let wk = 0;
    for (let r = 0; r < set.n; r++) wk += fit.alpha[r] * set.y[r] * set.x[r * set.dim + k];
    expect(fit.w[k]).toBeCloseTo(wk, 10);
  }
}

function expectExact(set: LabelledSet, lambda: number, fit: SmallSvmFit): void {
  expect(fit.converged).toBe(true);
  expect(fit.kktViolation).toBeLessThanOrEqual(1e-10);
  expect(fit.C).toBeCloseTo(1 / (2 * lambda * set.n), 12);
  expect(fit.objective).toBeCloseTo(objective(set, lambda, fit.w, fit.b), 12);
  expect(fit.gap).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(fit.objective)));
  expect(fit.gap).toBeGreaterThanOrEqual(-1e-12 * Math.max(1, Math.abs(fit.objective)));
  expect(fit.objective - fit.dual).toBe(fit.gap);
}

describe('fitHingeSvm: exact soft-margin SVM with a free bias', () => {
  it('meets the KKT conditions and closes the duality gap on the toy training set, λ from 1e-7 to 10', () => {
    const set = toyTrainingSet();
    for (let e = -7; e <= 1; e += 0.5) {
      const lambda = 10 ** e;
      const fit = fitHingeSvm(set, lambda);
      expectExact(set, lambda, fit);
      // α scales like C = 1/(2λn), margins like ‖w‖ ≤ Σα‖x‖: a tolerance relative to both
      expectKkt(set, fit, 1e-8 * Math.max(1, fit.C));
    }
  });

  it('meets the KKT conditions on a non-separable random problem in dimension 5', () => {
    const set = randomSet(11, 60, 5, 0.7);
    for (const lambda of [1e-4, 1e-2, 0.3]) {
      const fit = fitHingeSvm(set, lambda);
      expectExact(set, lambda, fit);
      expectKkt(set, fit, 1e-8 * Math.max(1, fit.C));
      // non-separable: some points are misclassified or inside the margin (α = C)
      expect(fit.alpha.some((a) => a === fit.C)).toBe(true);
    }
  });

  it('agrees with a brute-force minimisation of the primal on a tiny 2-D problem', () => {
    const set = randomSet(5, 9, 2, 0.8);
    const lambda = 0.02;
    const fit = fitHingeSvm(set, lambda);
    expectExact(set, lambda, fit);
    // w ↦ min_b L(w, b) is convex: a coarse grid, then grids zoomed around the best point
    const value = (w1: number, w2: number): number =>
      bestBias(set, [w1, w2]).risk + lambda * (w1 * w1 + w2 * w2);
    let c1 = 0;
    let c2 = 0;
    let half = 10;
    let best = Number.POSITIVE_INFINITY;
    for (let level = 0; level < 6; level++) {
      const steps = level === 0 ? 200 : 60;
      const h = (2 * half) / steps;
      let b1 = c1;
      let b2 = c2;
      for (let a = 0; a <= steps; a++) {
        for (let c = 0; c <= steps; c++) {
          const w1 = c1 - half + a * h;
          const w2 = c2 - half + c * h;
          const v = value(w1, w2);
          if (v < best) {
            best = v;
            b1 = w1;
            b2 = w2;
          }
        }
      }
      c1 = b1;
      c2 = b2;
      half = 3 * h;
    }
    expect(Math.abs(fit.w[0] - c1)).toBeLessThan(3e-3);
    expect(Math.abs(fit.w[1] - c2)).toBeLessThan(3e-3);
    // the exact solver can only be better than the grid, and not by more than the grid's resolution
    expect(fit.objective).toBeLessThanOrEqual(best + 1e-12);
    expect(best - fit.objective).toBeLessThan(1e-6);
    // and its bias is optimal for its own w, up to the KKT tolerance
    const risk = fit.objective - lambda * (fit.w[0] ** 2 + fit.w[1] ** 2);
    expect(Math.abs(risk - bestBias(set, fit.w).risk)).toBeLessThan(1e-9);
  });

  it('uses libsvm’s midpoint bias when every α is at the bound C', () => {
    for (const set of [toyClasses(), randomSet(3, 40, 5, 0.5)]) {
      // balanced copy for the random set: drop the surplus of class J so all-at-C is dual feasible
      const balanced = balance(set);
      const lambda = 10;
      const fit = fitHingeSvm(balanced, lambda);
      expectExact(balanced, lambda, fit);
      expect(fit.alpha.every((a) => a === fit.C)).toBe(true);
      let maxJ = Number.NEGATIVE_INFINITY;
      let minI = Number.POSITIVE_INFINITY;
      for (let r = 0; r < balanced.n; r++) {
        let s = 0;
        for (let k = 0; k < balanced.dim; k++) s += fit.w[k] * balanced.x[r * balanced.dim + k];
        if (balanced.y[r] > 0) maxJ = Math.max(maxJ, s);
        else minI = Math.min(minI, s);
      }
      expect(fit.b).toBeCloseTo(-(maxJ + minI) / 2, 14);
    }
  });

  it('reports converged = false when the iteration cap stops it', () => {
    const set = randomSet(11, 60, 5, 0.7);
    const fit = fitHingeSvm(set, 1e-4, { maxIterations: 3 });
    expect(fit.converged).toBe(false);
    expect(fit.iterations).toBe(3);
    expect(fit.kktViolation).toBeGreaterThan(1e-10);
    expect(fit.gap).toBeGreaterThan(0);
  });

  it('honours a looser tolerance with fewer iterations', () => {
    const set = randomSet(11, 60, 5, 0.7);
    const tight = fitHingeSvm(set, 1e-3);
    const loose = fitHingeSvm(set, 1e-3, { tolerance: 1e-3 });
    expect(loose.converged).toBe(true);
    expect(loose.kktViolation).toBeLessThanOrEqual(1e-3);
    expect(loose.iterations).toBeLessThanOrEqual(tight.iterations);
  });

  it('refuses λ ≤ 0, a single class and labels other than ±1', () => {
    const set = toyClasses();
    expect(() => fitHingeSvm(set, 0)).toThrow(RangeError);
    expect(() => fitHingeSvm(set, Number.NaN)).toThrow(RangeError);
    const oneClass = { ...set, y: new Float64Array(set.n).fill(1) };
    expect(() => fitHingeSvm(oneClass, 1)).toThrow(RangeError);
    const badLabel = { ...set, y: Float64Array.from(set.y, (v, r) => (r === 0 ? 0 : v)) };
    expect(() => fitHingeSvm(badLabel, 1)).toThrow(RangeError);
  });
});

/** The same set with the larger class cut down to the size of the smaller one. */
function balance(set: LabelledSet): LabelledSet {
  let nPos = 0;
  for (const v of set.y) if (v > 0) nPos++;
  const keep = Math.min(nPos, set.n - nPos);
  const rows: number[] = [];
  let pos = 0;
  let neg = 0;
  for (let r = 0; r < set.n; r++) {
    if (set.y[r] > 0 && pos < keep) {
      rows.push(r);
      pos++;
    } else if (set.y[r] < 0 && neg < keep) {
      rows.push(r);
      neg++;
    }
  }
  const x = new Float64Array(rows.length * set.dim);
  const y = new Float64Array(rows.length);
  rows.forEach((r, t) => {
    x.set(set.x.subarray(r * set.dim, (r + 1) * set.dim), t * set.dim);
    y[t] = set.y[r];
  });
  return { n: rows.length, dim: set.dim, x, y };
}
