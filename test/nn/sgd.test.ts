import { describe, expect, it } from 'vitest';
import { permutation, seededRandom } from '../../src/math/random.js';
import { DenseEngine } from '../../src/nn/dense-engine.js';
import { loadKernels } from '../../src/nn/kernels.js';
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

  it('updates large tensors on the wasm kernels with the same bits as the TypeScript loop', () => {
    const rand = seededRandom(9);
    // 4 103 values: above the size that goes to wasm, and not a multiple of its 4 lanes
    const tensor = () => {
      const w = Float32Array.from({ length: 4103 }, () => rand() - 0.5);
      const dw = Float32Array.from({ length: 4103 }, () => (rand() - 0.5) * 1e-3);
      // zeros of both signs, subnormals and a huge value among them
      w.set([0, -0, 1e-40, -1e-40, 3e38], 0);
      dw.set([-0, 0, 1e-42, 0, -1e30], 0);
      return { w, dw, decay: true };
    };
    const a = [tensor(), { w: Float32Array.of(0.5), dw: Float32Array.of(0.1), decay: false }];
    const b = a.map((p) => ({ w: Float32Array.from(p.w), dw: Float32Array.from(p.dw), decay: p.decay }));
    const settings = { learningRate: 0.03, momentum: 0.9, weightDecay: 0.02 };
    const engine = new DenseEngine(loadKernels(), 100, 50, 4);
    const loop = new MomentumSgd(a, settings);
    const wasm = new MomentumSgd(b, settings, false, engine.momentumUpdate);
    for (let step = 0; step < 5; step++) {
      loop.step();
      wasm.step();
    }
    const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer));
    for (const k of [0, 1]) {
      expect(bits(b[k].w)).toEqual(bits(a[k].w));
      expect(bits(wasm.velocity[k])).toEqual(bits(loop.velocity[k]));
    }
    expect(() =>
      engine.momentumUpdate(
        new Float32Array(5001),
        new Float32Array(5001),
        new Float32Array(5001),
        0.9,
        0,
        0.1,
      ),
    ).toThrow(/at most 5000/);
  });
});
