// The logistic path's passes over the data (src/solvers/logistic/passes.ts) on a slice of real digits:
// against plain dense sums, and the same bits whichever ranges they are computed in.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { solverKernels } from '../../src/experiments/solver-kernels.js';
import type { LabelledSet } from '../../src/math/types.js';
import { lambdaGrid } from '../../src/schema/artifacts.js';
import {
  curvatureDiagonal,
  curvedDotsRange,
  marginsRange,
  OUTER_BLOCK,
  outerProductsRange,
  sequentialPasses,
} from '../../src/solvers/logistic/passes.js';
import { type Problem, problemOf } from '../../src/solvers/logistic/workspace.js';
import { logisticPathModels } from '../../src/solvers/logistic-path.js';

let set: LabelledSet;
let data: Problem;
let curvature: Float64Array;

beforeAll(() => {
  set = selectPair(loadDataset(mnistFiles(), 'mnist'), 7, 9, 150).train;
  data = problemOf(set);
  // curvatures of a fixed sequence, a fifth of them zero or below the cut used below
  curvature = Float64Array.from({ length: set.n }, (_, i) => (i % 5 === 0 ? 1e-9 : 0.5 + Math.sin(i) / 3));
});

describe('the logistic passes', () => {
  it('margins and curved row dots are the dense sums, over any split of the images', () => {
    const { n, dim } = set;
    const theta = Float64Array.from({ length: dim + 1 }, (_, k) => Math.cos(k) / 10);
    const whole = new Float64Array(n);
    marginsRange(data, theta, whole, 0, n);
    const split = new Float64Array(n);
    marginsRange(data, theta, split, 0, 101);
    marginsRange(data, theta, split, 101, n);
    expect(split).toEqual(whole);
    const t = new Float64Array(n);
    curvedDotsRange(data, curvature, theta, t, 0, n);
    for (let i = 0; i < n; i++) {
      let s = theta[dim];
      for (let k = 0; k < dim; k++) s += set.x[i * dim + k] * theta[k];
      expect(whole[i]).toBeCloseTo(set.y[i] * s, 12);
      expect(t[i]).toBeCloseTo(curvature[i] * s, 12);
    }
  });

  it('the outer products are Σ c_i x_i x_iᵀ on the lit pixels, bit for bit over any split of the rows', () => {
    const { n, dim } = set;
    const na = data.active.length;
    const m = na + 1;
    expect(na).toBeGreaterThan(2 * OUTER_BLOCK);
    const least = 1e-6;
    const whole = new Float64Array(m * m);
    outerProductsRange(data, curvature, least, whole, new Int32Array(n), 0, na);
    // rows split off a block boundary, in a different order
    const split = new Float64Array(m * m);
    outerProductsRange(data, curvature, least, split, new Int32Array(n), 200, na);
    outerProductsRange(data, curvature, least, split, new Int32Array(n), 0, 200);
    expect(split).toEqual(whole);
    let worst = 0;
    for (let r = 0; r < na; r++) {
      const k = data.active[r];
      for (let q = 0; q <= r; q++) {
        const l = data.active[q];
        let s = 0;
        for (let i = 0; i < n; i++)
          if (curvature[i] > least) s += curvature[i] * set.x[i * dim + k] * set.x[i * dim + l];
        worst = Math.max(worst, Math.abs(whole[r * m + q] - s));
      }
      let b = 0;
      for (let i = 0; i < n; i++) if (curvature[i] > least) b += curvature[i] * set.x[i * dim + k];
      worst = Math.max(worst, Math.abs(whole[na * m + r] - b));
      // the upper triangle stays zero
      for (let q = r + 1; q < m; q++) expect(whole[r * m + q]).toBe(0);
    }
    expect(worst).toBeLessThan(1e-12);
  });
});

describe('the logistic passes in WebAssembly (build/solvers.wasm)', () => {
  it('give every value of the TypeScript passes bit for bit', () => {
    const factory = solverKernels().logisticPasses;
    expect(factory, 'build/solvers.wasm loads (npm run build)').toBeDefined();
    if (!factory) return;
    const wasm = factory(data);
    if (!wasm) throw new Error('the digits are pixel bytes: the wasm passes take them');
    const ts = sequentialPasses(data);
    const { n, dim } = set;
    const v = Float64Array.from({ length: dim + 1 }, (_, k) => Math.sin(3 * k) / 7);
    const pair = <T extends Float64Array>(make: () => T, run: (p: typeof ts, out: T) => void) => {
      const a = make();
      const b = make();
      run(ts, a);
      run(wasm, b);
      expect(b).toEqual(a);
    };
    pair(
      () => new Float64Array(n),
      (p, out) => p.margins(v, out),
    );
    pair(
      () => new Float64Array(n),
      (p, out) => p.curvedDots(curvature, v, out),
    );
    const t = Float64Array.from({ length: n }, (_, i) => Math.cos(i) / 3);
    pair(
      () => new Float64Array(dim + 1),
      (p, out) => p.transposeTimes(t, out),
    );
    pair(
      () => new Float64Array(dim + 1),
      (p, out) => p.curvatureDiagonal(curvature, out),
    );
    const m = data.active.length + 1;
    pair(
      () => new Float64Array(m * m),
      (p, out) => p.outerProducts(curvature, 1e-6, out),
    );
    // data that are not pixel bytes keep the TypeScript passes
    const halved = { ...set, x: set.x.map((v) => v / 2) };
    expect(factory(problemOf(halved))).toBeUndefined();
    const direct = new Float64Array(dim + 1);
    curvatureDiagonal(data, curvature, direct);
    expect(direct[dim]).toBeCloseTo(
      curvature.reduce((s, c) => s + c, 0),
      10,
    );
  });

  it('factor the Hessian and solve with it as dense-cholesky.ts does, bit for bit, and refuse what is not positive definite', () => {
    const factory = solverKernels().logisticPasses;
    if (!factory) throw new Error('build/solvers.wasm is missing');
    const wasm = factory(data);
    if (!wasm) throw new Error('the digits are pixel bytes: the wasm passes take them');
    const ts = sequentialPasses(data);
    const m = data.active.length + 1;
    expect(m).toBeGreaterThan(5 * 48); // several of the factorisation's column blocks
    const h = new Float64Array(m * m);
    ts.outerProducts(curvature, 1e-6, h);
    for (let r = 0; r < m - 1; r++) h[r * m + r] += 2e-3;
    for (const c of curvature) if (c > 1e-6) h[m * m - 1] += c;
    const a = h.slice();
    const b = h.slice();
    expect(ts.factor(a, m)).toBe(true);
    expect(wasm.factor(b, m)).toBe(true);
    // the right-hand sides as CG hands them over: m entries, then the unused rest of the buffer
    const rhs = Float64Array.from({ length: set.dim + 1 }, (_, k) => Math.sin(5 * k + 1));
    const x = rhs.slice();
    const y = rhs.slice();
    ts.solve(x);
    wasm.solve(y);
    expect(y).toEqual(x);
    // x solves H x = rhs on its first m entries
    let worst = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += (k <= i ? h[i * m + k] : h[k * m + i]) * x[k];
      worst = Math.max(worst, Math.abs(s - rhs[i]));
    }
    expect(worst).toBeLessThan(1e-9);
    const bad = h.slice();
    bad[(m - 2) * m + (m - 2)] = -1;
    expect(wasm.factor(bad.slice(), m)).toBe(false);
    expect(ts.factor(bad.slice(), m)).toBe(false);
  });

  it('solve the same path as the TypeScript passes, bit for bit', () => {
    const factory = solverKernels().logisticPasses;
    if (!factory) throw new Error('build/solvers.wasm is missing');
    const lambdas = lambdaGrid().filter((_, c) => c % 10 === 0);
    const ts = [...logisticPathModels(set, lambdas)];
    const wasm = [...logisticPathModels(set, lambdas, { passes: factory })];
    expect(wasm.map((m) => [m.w, m.b, m.iterations, m.cgIterations])).toEqual(
      ts.map((m) => [m.w, m.b, m.iterations, m.cgIterations]),
    );
  });
});
