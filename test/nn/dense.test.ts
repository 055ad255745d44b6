// The 2-layer binary ReLU network: gradients against finite differences, the wasm engine against the
// reference loops, the local-linearity identity, and training on a real slice of 7 vs 9.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { type BinaryPair, selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { TwoLayerNet } from '../../src/nn/dense.js';
import { DenseEngine, flushSubnormals } from '../../src/nn/dense-engine.js';
import { trainTwoLayer } from '../../src/nn/dense-training.js';
import { type Kernels, loadKernels } from '../../src/nn/kernels.js';
import { localGeometry } from '../../src/nn/local-geometry.js';

let kernels: Kernels;
let pair: BinaryPair;

beforeAll(() => {
  kernels = loadKernels();
  pair = selectPair(loadDataset(mnistFiles(), 'mnist'), 7, 9, 150);
});

/** A small network with non-zero biases (so a misrouted bias gradient cannot hide) and random data. */
function randomProblem(inputs: number, hidden: number, n: number, seed: number) {
  const rand = seededRandom(seed);
  const net = TwoLayerNet.initialised(inputs, hidden, seed);
  for (let k = 0; k < hidden; k++) net.b1[k] = 0.3 * gaussian(rand);
  net.b2[0] = 0.2;
  const x = Float64Array.from({ length: n * inputs }, () => gaussian(rand));
  const y = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
  return { net, x, y };
}

/** Central difference of f with respect to w[k], measuring the step actually taken after Float32 rounding. */
function numeric(w: Float32Array, k: number, f: () => number, h = 1e-2): number {
  const saved = w[k];
  w[k] = saved + h;
  const up = w[k];
  const fUp = f();
  w[k] = saved - h;
  const down = w[k];
  const fDown = f();
  w[k] = saved;
  return (fUp - fDown) / (up - down);
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let size = 0;
  for (let k = 0; k < a.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    size = Math.max(size, Math.abs(a[k]), Math.abs(b[k]));
  }
  return diff / Math.max(size, 1e-30);
}

describe('the 2-layer network’s reference gradients', () => {
  it('match central differences of the softplus loss for W1, b1, W2 and b2', () => {
    const { net, x, y } = randomProblem(7, 5, 9, 1);
    const loss = () => {
      const copy = new TwoLayerNet(7, 5);
      copy.w1.set(net.w1);
      copy.b1.set(net.b1);
      copy.w2.set(net.w2);
      copy.b2.set(net.b2);
      return copy.lossGradient(x, y, 9);
    };
    net.zeroGrad();
    net.lossGradient(x, y, 9);
    for (const p of net.parameters()) {
      const approx = Array.from(p.w, (_, k) => numeric(p.w, k, loss, 1e-3));
      expect(relativeError(approx, p.dw)).toBeLessThan(2e-3);
    }
  });

  it('give ∇ₓs equal to central differences of s(x), image by image', () => {
    const { net, x } = randomProblem(11, 6, 4, 2);
    const xs = Float32Array.from(x);
    for (let i = 0; i < 4; i++) {
      const { gradient } = net.localLinear(xs, i * 11);
      const approx = Array.from({ length: 11 }, (_, p) =>
        numeric(xs, i * 11 + p, () => net.score(xs, i * 11), 1e-3),
      );
      expect(relativeError(approx, gradient)).toBeLessThan(2e-3);
    }
  });
});

describe('the wasm engine', () => {
  it('gives the reference scores, parameter gradients and input gradients (1e-5 relative)', () => {
    const { net, x, y } = randomProblem(30, 9, 13, 3);
    const engine = new DenseEngine(kernels, 30, 9, 16);
    engine.input().set(Float32Array.from(x));
    const scores = new Float32Array(16);
    engine.forward(net, 13, scores);
    const reference = Array.from({ length: 13 }, (_, i) => net.score(engine.input(), i * 30));
    expect(relativeError(scores.subarray(0, 13), reference)).toBeLessThan(1e-5);

    // the same batch-mean softplus gradient through the engine
    const dScores = new Float32Array(16);
    for (let i = 0; i < 13; i++) {
      const z = y[i] * scores[i];
      dScores[i] = -y[i] / (1 + Math.exp(z)) / 13;
    }
    net.zeroGrad();
    engine.backward(dScores, true, false);
    const fast = net.parameters().map((p) => Float32Array.from(p.dw));
    net.zeroGrad();
    net.lossGradient(engine.input(), y, 13);
    for (const [k, p] of net.parameters().entries()) expect(relativeError(fast[k], p.dw)).toBeLessThan(1e-5);

    const ones = new Float32Array(16).fill(1);
    const dx = engine.backward(ones, false, true) as Float32Array;
    expect(dx.length).toBe(13 * 30);
    for (let i = 0; i < 13; i++) {
      const { gradient } = net.localLinear(engine.input(), i * 30);
      expect(relativeError(dx.subarray(i * 30, (i + 1) * 30), gradient)).toBeLessThan(1e-5);
    }
  });

  it("computes some rows' input gradients with the same bits as the whole batch's, and keeps copied weights", () => {
    const { net, x } = randomProblem(30, 9, 13, 5);
    const engine = new DenseEngine(kernels, 30, 9, 16);
    engine.input().set(Float32Array.from(x));
    const scores = new Float32Array(16);
    engine.forward(net, 13, scores);
    const dScores = Float32Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? -1 : 0.5));
    const whole = Float32Array.from(engine.backward(dScores, false, true) as Float32Array);
    const rows = [11, 2, 7];
    const some = engine.inputGradientOf(dScores, rows);
    expect(some.length).toBe(3 * 30);
    for (const [r, row] of rows.entries()) {
      expect(Array.from(some.subarray(r * 30, (r + 1) * 30))).toEqual(
        Array.from(whole.subarray(row * 30, (row + 1) * 30)),
      );
    }
    // the pattern: units with pre-activation > 0; unchanged on a second look
    const pattern = new Uint8Array(9);
    expect(engine.activePattern(4, pattern, 0)).toBe(true);
    expect(engine.activePattern(4, pattern, 0)).toBe(false);
    const { active } = net.localLinear(engine.input(), 4 * 30);
    expect(pattern.reduce((a, b) => a + b, 0)).toBe(active);
    expect(() => engine.activePattern(13, pattern, 0)).toThrow(/row 13 of a batch of 13/);
    // 'kept' weights: the same scores without copying W1 again; refused for a network never copied in
    const again = new Float32Array(16);
    engine.forward(net, 13, again, 'kept');
    expect(Array.from(again)).toEqual(Array.from(scores));
    expect(() => engine.forward(TwoLayerNet.initialised(30, 9, 6), 13, again, 'kept')).toThrow(
      /not copied in/,
    );
  });

  it('flushes subnormals to +0 and leaves zeros and normal values as they are', () => {
    const values = Float32Array.from([0, -0, 1e-40, -1e-40, 1.2e-38, -3, 5e-39]);
    flushSubnormals(values);
    expect(Array.from(values).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([
      0,
      '-0',
      0,
      0,
      Math.fround(1.2e-38),
      -3,
      0,
    ]);
  });

  it('refuses a network of another shape and a batch larger than its own', () => {
    const engine = new DenseEngine(kernels, 30, 9, 4);
    expect(() => engine.forward(new TwoLayerNet(30, 8), 2, new Float32Array(4))).toThrow(/built for 30→9/);
    expect(() => engine.forward(new TwoLayerNet(30, 9), 5, new Float32Array(4))).toThrow(
      /5 rows for a batch of 4/,
    );
    expect(() => new TwoLayerNet(0, 3)).toThrow(/positive integers/);
  });
});

describe('training on 150 images per class of 7 vs 9', () => {
  const settings = { learningRate: 0.01, momentum: 0.9, batchSize: 50, epochs: 8, seed: 4 };

  it('lowers the loss and fits the training set; the local linear model reproduces s(x) exactly', () => {
    const engine = new DenseEngine(kernels, 784, 20, 50);
    const losses: number[] = [];
    const net = trainTwoLayer(pair.train, 20, { ...settings, epochs: 20, weightDecay: 0 }, engine, (e) =>
      losses.push(e.loss),
    );
    expect(losses).toHaveLength(20);
    expect(losses[19]).toBeLessThan(0.3 * losses[0]);
    let wrong = 0;
    for (let r = 0; r < pair.train.n; r++) {
      const local = net.localLinear(pair.train.x, r * 784);
      if ((local.score > 0 ? 1 : -1) !== pair.train.y[r]) wrong++;
      // s(x) = ∇ₓs·x + s₀: the network is exactly affine around x
      let affine = local.offset;
      for (let p = 0; p < 784; p++) affine += local.gradient[p] * pair.train.x[r * 784 + p];
      expect(Math.abs(affine - local.score)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(local.score)));
    }
    expect(wrong / pair.train.n).toBeLessThan(0.05);
  });

  it('same seed, same network; the engine’s local scales are ‖∇ₓs‖ of the reference', () => {
    const engine = new DenseEngine(kernels, 784, 20, 50);
    const a = trainTwoLayer(pair.train, 20, { ...settings, epochs: 2, weightDecay: 0.01 }, engine);
    const b = trainTwoLayer(pair.train, 20, { ...settings, epochs: 2, weightDecay: 0.01 }, engine);
    expect(Array.from(a.w1)).toEqual(Array.from(b.w1));
    const direction = new Float64Array(784);
    direction[400] = 1;
    const geometry = localGeometry(a, pair.train, engine, direction);
    for (const r of [0, 17, 299]) {
      const { gradient, score } = a.localLinear(pair.train.x, r * 784);
      let nn = 0;
      for (const v of gradient) nn += v * v;
      expect(geometry.scale[r]).toBeCloseTo(Math.sqrt(nn), 4);
      expect(geometry.score[r]).toBeCloseTo(score, 4);
      expect(geometry.cosine[r]).toBeCloseTo(gradient[400] / Math.sqrt(nn), 4);
    }
  });

  it('weight decay shrinks the local scales, as λ shrinks ‖w‖ for the SVM', () => {
    const engine = new DenseEngine(kernels, 784, 20, 50);
    const direction = new Float64Array(784);
    const median = (decay: number) => {
      const net = trainTwoLayer(pair.train, 20, { ...settings, weightDecay: decay }, engine);
      const s = Array.from(localGeometry(net, pair.train, engine, direction).scale).sort((u, v) => u - v);
      return s[s.length >> 1];
    };
    const scales = [0, 0.03, 0.3].map(median);
    expect(scales[1]).toBeLessThan(scales[0]);
    expect(scales[2]).toBeLessThan(0.5 * scales[1]);
  });

  it('refuses labels other than ±1 and a mismatched engine with a clear message', () => {
    const engine = new DenseEngine(kernels, 784, 20, 50);
    const bad = { n: 2, dim: 784, x: new Float64Array(2 * 784), y: new Float64Array([1, 0]) };
    expect(() => trainTwoLayer(bad, 20, { ...settings, weightDecay: 0 }, engine)).toThrow(
      /label 0 is not ±1/,
    );
    expect(() =>
      trainTwoLayer(pair.train, 20, { ...settings, batchSize: 10, weightDecay: 0 }, engine),
    ).toThrow(/engine batch 50/);
  });

  it('stops with a divergence line when the loss is no longer finite, instead of training on NaN', () => {
    const engine = new DenseEngine(kernels, 784, 20, 50);
    const poisoned = { ...pair.train, x: Float64Array.from(pair.train.x) };
    poisoned.x[3] = Number.POSITIVE_INFINITY;
    expect(() => trainTwoLayer(poisoned, 20, { ...settings, epochs: 1, weightDecay: 0 }, engine)).toThrow(
      /training diverged in epoch 1 \(the loss is not finite\)/,
    );
  });
});
