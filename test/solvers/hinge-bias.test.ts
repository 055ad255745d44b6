// The hinge solver's bias where the optimum does not fix it. With every α at a bound, L(w, b) with w fixed
// is flat over an interval of b, and libsvm's rule (calculate_rho) takes the midpoint of the interval that
// the bound sets allow. A Newton step that puts a point onto a bound in exact arithmetic can leave it at a
// rounding residue (α ≈ 1e-15·C); counted as free, that point alone set b at one end of the interval.
import { describe, expect, it } from 'vitest';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import { gaussian, seededRandom } from '../../src/math/random.js';
import type { LabelledSet } from '../../src/math/types.js';
import { prepareHingeData } from '../../src/solvers/hinge/data.js';
import { BOUND_TOLERANCE, kktSummary } from '../../src/solvers/hinge/kkt.js';
import { solveHinge, solveHingePath } from '../../src/solvers/hinge-path.js';

/** The article's grid λ_c = 10^(2 − 0.1c), c = 0 … 80. */
const GRID = Array.from({ length: 81 }, (_, c) => 10 ** (2 - 0.1 * c));

/** `perClass` points of each class in 2-D, overlapping (seeded). */
function planeSet(seed: number, perClass: number): LabelledSet {
  const rand = seededRandom(seed);
  const n = 2 * perClass;
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i < perClass ? -1 : 1;
    x[2 * i] = y[i] * 0.8 + gaussian(rand);
    x[2 * i + 1] = 0.5 * y[i] + 0.7 * gaussian(rand);
  }
  return { n, dim: 2, x, y };
}

/** The scores w·x_i with plain loops. */
function scores(set: LabelledSet, w: Float64Array): Float64Array {
  const s = new Float64Array(set.n);
  for (let i = 0; i < set.n; i++) {
    let t = 0;
    for (let k = 0; k < set.dim; k++) t += w[k] * set.x[i * set.dim + k];
    s[i] = t;
  }
  return s;
}

/** ℓ(b) = (1/n) Σ max(0, 1 − y_i (s_i + b)): L(w, b) less the constant λ‖w‖². */
function hingeMean(set: LabelledSet, s: Float64Array, b: number): number {
  let h = 0;
  for (let i = 0; i < set.n; i++) h += Math.max(0, 1 - set.y[i] * (s[i] + b));
  return h / set.n;
}

/**
 * Brute force over b with w fixed: ℓ is convex and piecewise linear with its kinks at b_i = y_i − s_i, so
 * its minimum and the ends of its set of minimisers are among the kinks; scan them all. `flat` is the
 * tolerance on ℓ for counting a kink as a minimiser.
 */
function minimisers(
  set: LabelledSet,
  s: Float64Array,
  flat = 1e-12,
): { lo: number; hi: number; min: number } {
  const kinks = Array.from({ length: set.n }, (_, i) => set.y[i] - s[i]);
  const values = kinks.map((b) => hingeMean(set, s, b));
  const min = Math.min(...values);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < set.n; i++) {
    if (values[i] <= min + flat) {
      lo = Math.min(lo, kinks[i]);
      hi = Math.max(hi, kinks[i]);
    }
  }
  return { lo, hi, min };
}

describe('the bias where L(w, ·) is flat: the midpoint of the interval, checked by brute force', () => {
  const set = planeSet(2, 25);
  const models = solveHingePath(set, GRID, { tolerance: 1e-6 });

  it('at λ = 10^−0.2 (all α at a bound, four at 0): b is the midpoint of the flat interval of L(w, ·)', () => {
    const m = models[22];
    expect(m.converged).toBe(true);
    expect(m.free).toBe(0);
    expect(m.atLower).toBe(4);
    const s = scores(set, m.w);
    const { lo, hi, min } = minimisers(set, s);
    // a genuine interval, not a point
    expect(hi - lo).toBeGreaterThan(0.02);
    expect(Math.abs(m.b - (lo + hi) / 2)).toBeLessThan(1e-9);
    expect(hingeMean(set, s, m.b)).toBeLessThanOrEqual(min + 1e-12);
    // a uniform scan confirms the interval: flat inside, higher outside
    const width = hi - lo;
    for (let k = -200; k <= 1200; k++) {
      const b = lo + (k / 1000) * width;
      const v = hingeMean(set, s, b);
      if (k >= 0 && k <= 1000) expect(v).toBeLessThanOrEqual(min + 1e-12);
      else expect(v).toBeGreaterThan(min + 1e-9);
    }
  });

  it('a cold start at the same λ gives the same midpoint', () => {
    const m = solveHinge(set, GRID[22], { tolerance: 1e-6 });
    expect(m.free).toBe(0);
    expect(Math.abs(m.b - models[22].b)).toBeLessThan(1e-9);
  });

  it('at every λ b minimises L(w, ·), and is the midpoint of the minimisers wherever they form an interval', () => {
    let intervals = 0;
    for (const m of models) {
      const s = scores(set, m.w);
      const { lo, hi, min } = minimisers(set, s);
      expect(hingeMean(set, s, m.b)).toBeLessThanOrEqual(min + 1e-9);
      if (hi - lo > 1e-6) {
        // no free α, and b in the middle of the flat stretch
        intervals++;
        expect(m.free).toBe(0);
        expect(Math.abs(m.b - (lo + hi) / 2)).toBeLessThan(1e-9);
      } else {
        expect(Math.abs(m.b - lo)).toBeLessThan(1e-6);
      }
    }
    // the large-λ end (every α at C) and several models with α at 0 as well
    expect(intervals).toBeGreaterThan(20);
  });
});

describe('α within rounding of a bound counts as at the bound (kktSummary)', () => {
  // 1-D, C = 1/4: the optimum has the inner points −1/2 (y = −1) and 1 (y = +1) at C and the outer ones
  // −3 (y = −1) and 4 (y = +1) at 0, so w = 3/8 and every b in [−1/2, 1/8] is optimal (the outer points
  // are then on or beyond the margin, the inner ones on or inside it)
  const set: LabelledSet = {
    n: 4,
    dim: 1,
    x: Float64Array.from([-3, -0.5, 1, 4]),
    y: Float64Array.from([-1, -1, 1, 1]),
  };
  const data = prepareHingeData(set);
  const C = 0.25;
  /** w, G = Qα − 1 with plain loops, and y_i G_i. */
  const gradient = (alpha: number[]) => {
    let w = 0;
    for (let i = 0; i < 4; i++) w += alpha[i] * set.y[i] * set.x[i];
    const g = Float64Array.from(set.x, (xi, i) => set.y[i] * w * xi - 1);
    return { w, g, yg: Array.from(g, (gi, i) => set.y[i] * gi) };
  };

  it('the brute force agrees: L(w, ·) is flat over [−1/2, 1/8]', () => {
    const { w } = gradient([0, C, C, 0]);
    const { lo, hi } = minimisers(
      set,
      Float64Array.from(set.x, (xi) => w * xi),
    );
    expect(lo).toBeCloseTo(-0.5, 14);
    expect(hi).toBeCloseTo(0.125, 14);
  });

  it('a residue above 0 is at 0: b is the midpoint over the bound sets, not −y G of that point', () => {
    // point 3 (y = +1) left at 4.8e-15·C by rounding, as in pair 2-7; yᵀα = 4.8e-15·C ≈ 0
    const alpha = [0, C, C, 4.8e-15 * C];
    const { g, yg } = gradient(alpha);
    const k = kktSummary(data, Float64Array.from(alpha), g, C);
    expect(k.free).toBe(0);
    expect(k.upper).toBe(2);
    expect(k.lower).toBe(2);
    // libsvm: ub from {y = −1 at C} ∪ {y = +1 at 0}, lb from {y = +1 at C} ∪ {y = −1 at 0}, b = −ρ
    const ub = Math.min(yg[1], yg[3]);
    const lb = Math.max(yg[0], yg[2]);
    expect(k.bias).toBeCloseTo(-(ub + lb) / 2, 14);
    expect(k.bias).toBeCloseTo(-0.1875, 12);
    // counted as free, that point alone gave b = −y G_3 = −1/2, the lower end of the interval
    expect(-yg[3]).toBeCloseTo(-0.5, 12);
  });

  it('a residue below C is at C', () => {
    const alpha = [0, (1 - 3e-15) * C, C, 0];
    const { g } = gradient(alpha);
    const k = kktSummary(data, Float64Array.from(alpha), g, C);
    expect(k.free).toBe(0);
    expect(k.upper).toBe(2);
    expect(k.lower).toBe(2);
    expect(k.bias).toBeCloseTo(-0.1875, 12);
  });

  it('an α clearly inside the box stays free and sets b (the mean of −y G over the free α)', () => {
    const a = 100 * BOUND_TOLERANCE * C;
    const alpha = [a, C, C, a];
    const { g, yg } = gradient(alpha);
    const k = kktSummary(data, Float64Array.from(alpha), g, C);
    expect(k.free).toBe(2);
    expect(k.bias).toBeCloseTo(-(yg[0] + yg[3]) / 2, 14);
  });

  it('the violation keeps libsvm’s exact sets (a residue above 0 can still move down)', () => {
    const alpha = [0, C, C, 4.8e-15 * C];
    const { g } = gradient(alpha);
    const k = kktSummary(data, Float64Array.from(alpha), g, C);
    // I_up = {y = +1, α < C} ∪ {y = −1, α > 0}, I_low = {y = −1, α < C} ∪ {y = +1, α > 0}, v = −y G
    const inUp = [false, true, false, true];
    const inLow = [true, false, true, true];
    const v = Array.from(g, (gi, i) => -set.y[i] * gi);
    const mUp = Math.max(...v.filter((_, i) => inUp[i]));
    const mLow = Math.min(...v.filter((_, i) => inLow[i]));
    expect(k.violation).toBeCloseTo(mUp - mLow, 14);
  });
});

describe('MNIST 2 vs 7 at λ = 10^0.9 (3000 per class): libsvm’s b and the article’s training error', () => {
  it('b = 0.29342 (midpoint of [0.28696, 0.29988]), training error 6.450 %', () => {
    const mnist = loadDataset(mnistFiles(), 'mnist');
    const { train } = selectPair(mnist, 2, 7, 3000);
    const models = solveHingePath(train, GRID.slice(0, 12), { tolerance: 1e-6, bytes: train.bytes });
    const m = models[11];
    expect(m.converged).toBe(true);
    expect(m.free).toBe(0);
    expect(m.atUpper).toBe(5998);
    expect(m.atLower).toBe(2);
    const s = scores(train, m.w);
    const { lo, hi } = minimisers(train, s);
    expect(lo).toBeCloseTo(0.28696, 5);
    expect(hi).toBeCloseTo(0.29988, 5);
    expect(m.b).toBeCloseTo(0.29342, 5);
    expect(Math.abs(m.b - (lo + hi) / 2)).toBeLessThan(1e-9);
    let errors = 0;
    // as the experiments count it: a score > 0 predicts y = +1
    for (let i = 0; i < train.n; i++) if ((s[i] + m.b > 0 ? 1 : -1) !== train.y[i]) errors++;
    expect(errors).toBe(387); // 6.450 % of 6000
  });
});

describe('kktSummary on a point that is not finite', () => {
  it('reports an infinite violation, never a converged-looking 0', () => {
    const data = { y: Float64Array.from([-1, 1]), n: 2 } as unknown as Parameters<typeof kktSummary>[0];
    const alpha = Float64Array.from([0.5, 0.5]);
    expect(kktSummary(data, alpha, Float64Array.from([Number.NaN, -1]), 1).violation).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(
      kktSummary(data, Float64Array.from([Number.NaN, 0.5]), Float64Array.from([-1, -1]), 1).violation,
    ).toBe(Number.POSITIVE_INFINITY);
  });
});
