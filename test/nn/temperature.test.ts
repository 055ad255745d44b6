// The temperature solver: the median top-class probability at the t it returns is the target.
import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { calibrateTemperature, medianTopProbability, topProbability } from '../../src/nn/temperature.js';

function randomLogits(n: number, classes: number, spread: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: n * classes }, () => spread * gaussian(rand));
}

describe('calibrateTemperature', () => {
  it.each([
    [1001, 10, 5],
    [1000, 10, 40],
    [7, 3, 0.01],
  ])('reaches a median of 0.95 ± 0.001 (n = %i, %i classes, logit spread %f)', (n, classes, spread) => {
    const logits = randomLogits(n, classes, spread, n);
    const { t, median } = calibrateTemperature(logits, { classes });
    expect(Math.abs(median - 0.95)).toBeLessThan(1e-6);
    expect(medianTopProbability(logits, classes, t)).toBeCloseTo(median, 12);
  });

  it('has the closed form t = median |s| / ln 19 for a binary score given as logits (0, s)', () => {
    const rand = seededRandom(5);
    const s = Array.from({ length: 501 }, () => 3 * gaussian(rand));
    const logits = new Float64Array(2 * s.length);
    for (const [i, v] of s.entries()) logits[2 * i + 1] = v;
    const { t } = calibrateTemperature(logits, { classes: 2 });
    const medianAbs = s.map(Math.abs).sort((a, b) => a - b)[250];
    expect(t).toBeCloseTo(medianAbs / Math.log(19), 7);
  });

  it('gives a lower temperature for a higher target, and top-class probabilities are stable for huge logits', () => {
    const logits = randomLogits(301, 10, 8, 2);
    const a = calibrateTemperature(logits, { target: 0.9 }).t;
    const b = calibrateTemperature(logits, { target: 0.99 }).t;
    expect(b).toBeLessThan(a);
    expect(topProbability([1e4, 0, -1e4], 0, 3, 1)).toBe(1);
    expect(topProbability([5, 5], 0, 2, 0.001)).toBeCloseTo(0.5, 15);
  });

  it('refuses bad logits and unreachable targets with one clear line', () => {
    expect(() => calibrateTemperature(new Float32Array(15))).toThrow(/n × 10 logits/);
    expect(() => calibrateTemperature(Float32Array.from([0, Number.NaN]), { classes: 2 })).toThrow(
      /logit 1 is NaN/,
    );
    expect(() => calibrateTemperature(new Float32Array(20), { target: 0.05 })).toThrow(/strictly between/);
    expect(() => calibrateTemperature(new Float32Array(20))).toThrow(/tied top logits/);
  });
});
