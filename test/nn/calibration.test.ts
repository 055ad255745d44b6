// Calibration maths on cases whose answer is known, and the NLL-optimal temperature against a grid search.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/math/random.js';
import {
  expectedCalibrationError,
  negativeLogLikelihood,
  nllTemperature,
  topTwoMargins,
} from '../../src/nn/calibration.js';

describe('calibration', () => {
  it('gives ECE 0 to confident right answers and about 1 to confident wrong ones', () => {
    const right = { logits: [50, 0, 0, 0, 50, 0], labels: [0, 1], classes: 3 };
    expect(expectedCalibrationError(right, 1)).toBeCloseTo(0, 12);
    const wrong = { logits: [50, 0, 0, 0, 50, 0], labels: [1, 2], classes: 3 };
    expect(expectedCalibrationError(wrong, 1)).toBeCloseTo(1, 12);
  });

  it('finds the temperature of least NLL (checked against a fine grid) and never does worse than t = 1', () => {
    const rand = seededRandom(3);
    const n = 400;
    const classes = 10;
    const logits = new Float64Array(n * classes);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = Math.floor(rand() * classes);
      for (let k = 0; k < classes; k++) logits[i * classes + k] = 3 * (rand() - 0.5);
      // over-confident and right 70 % of the time
      const top = rand() < 0.7 ? labels[i] : (labels[i] + 1) % classes;
      logits[i * classes + top] += 12;
    }
    const data = { logits, labels, classes };
    const best = nllTemperature(data);
    let grid = Number.POSITIVE_INFINITY;
    for (let k = -600; k <= 600; k++) grid = Math.min(grid, negativeLogLikelihood(data, Math.exp(k / 100)));
    expect(best.nll).toBeLessThanOrEqual(grid + 1e-9);
    expect(best.nll).toBeLessThanOrEqual(negativeLogLikelihood(data, 1));
    expect(best.t).toBeGreaterThan(1);
    // for these over-confident logits, temperature scaling improves the ECE as well
    expect(expectedCalibrationError(data, best.t)).toBeLessThan(expectedCalibrationError(data, 1));
  });

  it('measures the top-two margin', () => {
    expect(Array.from(topTwoMargins([1, 5, 3, -2, -1, -7], 3))).toEqual([2, 1]);
  });
});
