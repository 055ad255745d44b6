import { describe, expect, it } from 'vitest';
import { permutation, seededRandom } from '../../src/math/random.js';
import { MomentumSgd } from '../../src/nn/sgd.js';

describe('momentum SGD with weight decay (MatConvNet’s rule)', () => {
  it('follows v ← μv − λW − g, W ← W + ηv, and does not decay biases', () => {
    const weight = { w: Float32Array.of(1, -2), dw: Float32Array.of(0.5, 0.25), decay: true };
    const bias = { w: Float32Array.of(3), dw: Float32Array.of(0.5), decay: false };
    const sgd = new MomentumSgd([weight, bias], { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 });
    sgd.step();
    // v = −0.01·1 − 0.5 = −0.51 → w = 1 − 0.051
    expect(weight.w[0]).toBeCloseTo(0.949, 6);
    expect(sgd.velocity[0][0]).toBeCloseTo(-0.51, 6);
    expect(bias.w[0]).toBeCloseTo(3 - 0.05, 6);
    sgd.step();
    // v = 0.9·(−0.51) − 0.01·0.949 − 0.5
    const v = 0.9 * -0.51 - 0.01 * 0.949 - 0.5;
    expect(sgd.velocity[0][0]).toBeCloseTo(v, 6);
    expect(weight.w[0]).toBeCloseTo(0.949 + 0.1 * v, 5);
  });

  it('with no gradient, weight decay shrinks weights geometrically (the W ← W − ηλW of the article)', () => {
    const p = { w: Float32Array.of(2), dw: Float32Array.of(0), decay: true };
    const sgd = new MomentumSgd([p], { learningRate: 0.5, momentum: 0, weightDecay: 0.1 });
    for (let t = 0; t < 10; t++) sgd.step();
    expect(p.w[0]).toBeCloseTo(2 * 0.95 ** 10, 5);
  });

  it('refuses negative or non-finite settings', () => {
    expect(() => new MomentumSgd([], { learningRate: -1, momentum: 0.9, weightDecay: 0 })).toThrow(
      /learningRate/,
    );
    expect(() => new MomentumSgd([], { learningRate: 1, momentum: Number.NaN, weightDecay: 0 })).toThrow(
      /momentum/,
    );
  });
});

describe('seeded shuffling', () => {
  it('draws the same permutation for the same seed, and a permutation it is', () => {
    const a = permutation(1000, seededRandom(42));
    const b = permutation(1000, seededRandom(42));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, k) => k));
    expect(Array.from(permutation(1000, seededRandom(43)))).not.toEqual(Array.from(a));
  });
});
