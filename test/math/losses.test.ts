import { describe, expect, it } from 'vitest';
import { adversarialDistance, errorDistance, weightNorm } from '../../src/math/geometry.js';
import {
  empiricalRisk,
  hingeLoss,
  regularisedLoss,
  scaledLoss,
  smallNormConstants,
  softplusDerivative,
  softplusLoss,
  type TrainingLoss,
  zeroOneLoss,
} from '../../src/math/losses.js';
import { gaussian, seededRandom } from '../../src/math/random.js';
import type { LabelledSet, LinearClassifier } from '../../src/math/types.js';

function noisySet(seed: number): LabelledSet {
  const rand = seededRandom(seed);
  const dim = 8;
  const n = 200;
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    y[r] = r % 2 ? 1 : -1;
    for (let k = 0; k < dim; k++) x[r * dim + k] = gaussian(rand) + (k === 0 ? 0.7 * y[r] : 0);
  }
  return { n, dim, x, y };
}

/** The classifier with the same boundary and ‖w‖ = t. */
function withNorm(c: LinearClassifier, t: number): LinearClassifier {
  const s = t / weightNorm(c);
  return { w: c.w.map((v) => v * s), b: c.b * s };
}

describe('losses', () => {
  it('softplus is stable and exact for |z| up to 1e4', () => {
    expect(softplusLoss(0)).toBeCloseTo(Math.LN2, 15);
    expect(softplusLoss(1e4)).toBe(0);
    expect(softplusLoss(-1e4)).toBe(1e4);
    expect(softplusLoss(40)).toBeCloseTo(Math.exp(-40), 30);
    expect(softplusLoss(-40)).toBeCloseTo(40, 12);
    expect(softplusDerivative(1e4)).toBeCloseTo(0, 15);
    expect(softplusDerivative(-1e4)).toBe(-1);
    for (const z of [-30, -3, -0.1, 0, 0.2, 5, 30]) {
      const h = 1e-6;
      const fd = (softplusLoss(z + h) - softplusLoss(z - h)) / (2 * h);
      expect(softplusDerivative(z)).toBeCloseTo(fd, 8);
      expect(Number.isFinite(softplusLoss(z))).toBe(true);
    }
  });

  it('hinge and 0-1 take their textbook values, and 0-1 is invariant to scaling', () => {
    expect(hingeLoss(-1)).toBe(2);
    expect(hingeLoss(1)).toBe(0);
    expect(hingeLoss(0.25)).toBe(0.75);
    expect(zeroOneLoss(0)).toBe(1);
    expect(zeroOneLoss(1e-9)).toBe(0);
    for (const t of [1e-3, 1, 1e3]) expect(scaledLoss('zero-one', t, -0.2)).toBe(1);
    expect(scaledLoss('hinge', 10, 0.05)).toBeCloseTo(0.5, 15);
  });

  it('regularised loss adds λ‖w‖² and leaves the bias out', () => {
    const set = noisySet(1);
    const c = { w: Float64Array.from({ length: 8 }, (_, k) => k / 10), b: 5 };
    const w2 = c.w.reduce((s, v) => s + v * v, 0);
    expect(regularisedLoss('hinge', c, set, 0.3)).toBeCloseTo(empiricalRisk('hinge', c, set) + 0.3 * w2, 12);
  });
});

describe('the two limits of the empirical risk (SPEC §1)', () => {
  const set = noisySet(2);
  const rand = seededRandom(3);
  const base: LinearClassifier = {
    w: Float64Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : 0.3 * gaussian(rand))),
    b: 0.1,
  };
  const dAdv = adversarialDistance(base, set);
  const dErr = errorDistance(base, set);

  for (const loss of ['hinge', 'softplus'] as TrainingLoss[]) {
    it(`${loss}: R ≈ α − β‖w‖ d_adv as ‖w‖ → 0`, () => {
      const { alpha, beta } = smallNormConstants(loss);
      for (const t of [1e-3, 1e-4, 1e-5]) {
        const r = empiricalRisk(loss, withNorm(base, t), set);
        // the slope (α − R)/‖w‖ tends to β d_adv; the error is O(‖w‖) for softplus, 0 for hinge
        expect(Math.abs((alpha - r) / t - beta * dAdv)).toBeLessThan(10 * t + 1e-9);
      }
    });

    it(`${loss}: R ≈ ‖w‖ d_err as ‖w‖ → ∞`, () => {
      expect(dErr).toBeGreaterThan(0);
      let previous = Number.POSITIVE_INFINITY;
      for (const t of [1e2, 1e4, 1e6]) {
        const r = empiricalRisk(loss, withNorm(base, t), set);
        const gap = Math.abs(r / t - dErr);
        // the correctly classified data stops counting: the relative gap shrinks like 1/‖w‖
        expect(gap).toBeLessThan((5 / t) * 1.0001);
        expect(gap).toBeLessThanOrEqual(previous + 1e-12);
        previous = gap;
      }
    });
  }
});
