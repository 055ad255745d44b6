// The logistic path's passes over the data (src/solvers/logistic/passes.ts) on a slice of real digits:
// against plain dense sums, and the same bits whichever ranges they are computed in.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import type { LabelledSet } from '../../src/math/types.js';
import {
  curvedDotsRange,
  marginsRange,
  OUTER_BLOCK,
  outerProductsRange,
} from '../../src/solvers/logistic/passes.js';
import { type Problem, problemOf } from '../../src/solvers/logistic/workspace.js';

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
