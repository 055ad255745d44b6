import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/math/random.js';
import {
  Conv2d,
  type Layer,
  lenet,
  MaxPool2x2,
  Relu,
  Sequential,
  type Shape4,
  sizeOf,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
} from '../../src/nn/layers.js';

function randomTensor(shape: Shape4, rand: () => number, std = 1): Tensor {
  const t = tensor(shape);
  for (let k = 0; k < t.data.length; k++) t.data[k] = std * gaussian(rand);
  return t;
}

function randomConv(cin: number, cout: number, k: number, rand: () => number, std: number): Conv2d {
  const conv = new Conv2d(cin, cout, k);
  conv.initGaussian(rand, std);
  // Non-zero biases, so that a bias gradient routed wrongly cannot hide behind a zero value.
  for (let o = 0; o < cout; o++) conv.b[o] = 0.3 * gaussian(rand);
  return conv;
}

/**
 * Relative error ‖numeric − analytic‖ / max(‖numeric‖, ‖analytic‖) on up to 40 entries of `values`, the
 * numeric gradient from central differences of `loss` (a Float64 number); the step actually taken is measured
 * after Float32 rounding.
 */
function gradientError(values: Float32Array, analytic: Float32Array, loss: () => number, rand: () => number) {
  const count = Math.min(values.length, 40);
  const picks =
    values.length <= 40
      ? [...values.keys()]
      : Array.from({ length: count }, () => Math.floor(rand() * values.length));
  let diff = 0;
  let nn = 0;
  let na = 0;
  for (const k of picks) {
    const orig = values[k];
    const eps = 1e-3 * Math.max(1, Math.abs(orig));
    values[k] = orig + eps;
    const up = values[k];
    const lossUp = loss();
    values[k] = orig - eps;
    const down = values[k];
    const lossDown = loss();
    values[k] = orig;
    const numeric = (lossUp - lossDown) / (up - down);
    diff += (numeric - analytic[k]) ** 2;
    nn += numeric ** 2;
    na += analytic[k] ** 2;
  }
  const scale = Math.sqrt(Math.max(nn, na));
  expect(scale).toBeGreaterThan(0);
  return Math.sqrt(diff) / scale;
}

/** Checks a lone layer against the linear loss Σ r·output (in Float64): input, weight and bias gradients. */
function checkLayer(layer: Layer, inputShape: Shape4, seed: number): void {
  const rand = seededRandom(seed);
  const x = randomTensor(inputShape, rand);
  const outShape = layer.outputShape(inputShape);
  const r = new Float64Array(sizeOf(outShape)).map(() => gaussian(rand));
  const loss = () => {
    const out = layer.forward(x).data;
    let s = 0;
    for (let k = 0; k < out.length; k++) s += r[k] * out[k];
    return s;
  };
  for (const p of layer.parameters()) p.dw.fill(0);
  const out = layer.forward(x);
  expect(out.shape).toEqual(outShape);
  const dx = layer.backward(tensor(outShape, Float32Array.from(r))).data;
  expect(dx.length).toBe(x.data.length);
  const grads = layer.parameters().map((p) => Float32Array.from(p.dw));
  expect(gradientError(x.data, dx, loss, rand)).toBeLessThan(1e-2);
  layer.parameters().forEach((p, i) => {
    expect(gradientError(p.w, grads[i], loss, rand)).toBeLessThan(1e-2);
  });
}

function smallNet(rand: () => number, std = 0.5): Sequential {
  return new Sequential([
    randomConv(2, 3, 3, rand, std), // 2×10×10 → 3×8×8
    new Relu(),
    new MaxPool2x2(), // → 3×4×4
    randomConv(3, 6, 3, rand, std), // → 6×2×2
    new Relu(),
    randomConv(6, 5, 2, rand, std), // fully connected → 5×1×1
  ]);
}

describe('layer gradients against central differences', () => {
  it('Conv2d: input, weight and bias gradients (3×3, fully connected and 1×1 kernels)', () => {
    checkLayer(randomConv(2, 3, 3, seededRandom(1), 0.5), [2, 2, 6, 5], 11);
    checkLayer(randomConv(3, 4, 4, seededRandom(2), 0.5), [3, 3, 4, 4], 12);
    checkLayer(randomConv(5, 2, 1, seededRandom(3), 0.5), [2, 5, 1, 1], 13);
  });

  it('MaxPool2x2: input gradient, odd sizes included', () => {
    checkLayer(new MaxPool2x2(), [2, 3, 6, 6], 21);
    checkLayer(new MaxPool2x2(), [1, 2, 5, 7], 22);
  });

  it('Relu: input gradient', () => {
    checkLayer(new Relu(), [2, 3, 4, 4], 31);
  });

  it('a small network with softmax cross-entropy: every weight, bias and the input (via inputGradient)', () => {
    const rand = seededRandom(41);
    const net = smallNet(rand);
    const x = randomTensor([3, 2, 10, 10], rand);
    const labels = [0, 3, 4];
    for (const t of [1, 2.5]) {
      const loss = () => softmaxCrossEntropy(net.forward(x), labels, t).loss;
      net.zeroGrad();
      const dx = net.inputGradient(x, (out) => softmaxCrossEntropy(out, labels, t).grad).data;
      const grads = net.parameters().map((p) => Float32Array.from(p.dw));
      expect(grads).toHaveLength(6);
      expect(gradientError(x.data, dx, loss, rand)).toBeLessThan(1e-2);
      net.parameters().forEach((p, i) => {
        expect(gradientError(p.w, grads[i], loss, rand)).toBeLessThan(1e-2);
      });
    }
  });

  it('gradients accumulate across backward calls until zeroGrad', () => {
    const rand = seededRandom(5);
    const net = smallNet(rand);
    const x = randomTensor([2, 2, 10, 10], rand);
    const step = () => net.backward(softmaxCrossEntropy(net.forward(x), [1, 2]).grad);
    net.zeroGrad();
    step();
    const once = net.parameters().map((p) => Float32Array.from(p.dw));
    step();
    net.parameters().forEach((p, i) => {
      for (let k = 0; k < p.dw.length; k++) expect(p.dw[k]).toBeCloseTo(2 * once[i][k], 5);
    });
    net.zeroGrad();
    for (const p of net.parameters()) expect(p.dw.every((v) => v === 0)).toBe(true);
  });
});

describe('layer behaviour', () => {
  it('max pooling routes the gradient to the first of tied maxima', () => {
    const pool = new MaxPool2x2();
    const x = tensor([1, 1, 2, 2], Float32Array.of(1, 3, 3, 2));
    expect(Array.from(pool.forward(x).data)).toEqual([3]);
    expect(Array.from(pool.backward(tensor([1, 1, 1, 1], Float32Array.of(5))).data)).toEqual([0, 5, 0, 0]);
  });

  it('convolution matches a hand computation', () => {
    const conv = new Conv2d(1, 1, 2);
    conv.w.set([1, 2, 3, 4]);
    conv.b[0] = 0.5;
    const out = conv.forward(tensor([1, 1, 2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)));
    expect(out.shape).toEqual([1, 1, 1, 2]);
    expect(Array.from(out.data)).toEqual([1 + 4 + 12 + 20 + 0.5, 2 + 6 + 15 + 24 + 0.5]);
  });

  it('weights decay, biases do not', () => {
    expect(new Conv2d(2, 3, 3).parameters().map((p) => p.decay)).toEqual([true, false]);
  });

  it('refuses mismatched shapes and backward before forward', () => {
    expect(() => new Conv2d(2, 3, 3).outputShape([1, 1, 5, 5])).toThrow(/channels/);
    expect(() => new Conv2d(1, 3, 3).outputShape([1, 1, 2, 5])).toThrow(/smaller/);
    expect(() => new Relu().backward(tensor([1, 1, 1, 1]))).toThrow(/before forward/);
    expect(() => tensor([1, 2, 2, 2], new Float32Array(3))).toThrow();
  });
});

describe('softmax cross-entropy', () => {
  const logits = tensor([2, 4, 1, 1], Float32Array.of(1, -2, 0.5, 3, 0, 0, 0, 0));
  const labels = [2, 1];

  function direct(s: Float32Array, y: number[], t: number): number {
    let total = 0;
    for (let b = 0; b < y.length; b++) {
      const row = Array.from(s.subarray(4 * b, 4 * b + 4), (v) => v / t);
      const z = row.reduce((a, v) => a + Math.exp(v), 0);
      total += -Math.log(Math.exp(row[y[b]]) / z);
    }
    return total / y.length;
  }

  it('equals the mean of −log softmax(s)_y, with gradient (p − onehot)/n', () => {
    const { loss, grad } = softmaxCrossEntropy(logits, labels);
    expect(loss).toBeCloseTo(direct(logits.data, labels, 1), 10);
    expect(grad.data[4 + 1]).toBeCloseTo((0.25 - 1) / 2, 6);
    expect(grad.data[4 + 0]).toBeCloseTo(0.25 / 2, 6);
    for (let b = 0; b < 2; b++) {
      const row = grad.data.subarray(4 * b, 4 * b + 4);
      expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 6);
    }
  });

  it('with temperature t equals the loss of s/t, and its gradient is 1/t of the gradient there', () => {
    for (const t of [0.5, 3]) {
      const scaled = tensor(
        logits.shape,
        logits.data.map((v) => v / t),
      );
      const hot = softmaxCrossEntropy(logits, labels, t);
      const cold = softmaxCrossEntropy(scaled, labels, 1);
      expect(hot.loss).toBeCloseTo(direct(logits.data, labels, t), 6);
      expect(hot.loss).toBeCloseTo(cold.loss, 6);
      for (let k = 0; k < 8; k++) expect(hot.grad.data[k]).toBeCloseTo(cold.grad.data[k] / t, 6);
    }
  });

  it('stays finite for huge scores', () => {
    const big = tensor([1, 3, 1, 1], Float32Array.of(1000, -1000, 999));
    const { loss, grad } = softmaxCrossEntropy(big, [2]);
    expect(loss).toBeCloseTo(Math.log(1 + Math.exp(1)), 4);
    expect(grad.data.every(Number.isFinite)).toBe(true);
  });

  it('refuses bad labels and temperatures', () => {
    expect(() => softmaxCrossEntropy(logits, [0, 4])).toThrow(/label/);
    expect(() => softmaxCrossEntropy(logits, [0])).toThrow(/labels/);
    expect(() => softmaxCrossEntropy(logits, labels, 0)).toThrow(/temperature/);
  });
});

describe('LeNet', () => {
  it('maps 1×28×28 to 20×24×24, 20×12×12, 50×8×8, 50×4×4, 500×1×1, 500×1×1, 10×1×1', () => {
    const net = lenet(0);
    expect(net.shapes([2, 1, 28, 28]).map((s) => s.slice(1))).toEqual([
      [1, 28, 28],
      [20, 24, 24],
      [20, 12, 12],
      [50, 8, 8],
      [50, 4, 4],
      [500, 1, 1],
      [500, 1, 1],
      [10, 1, 1],
    ]);
    const out = net.forward(randomTensor([1, 1, 28, 28], seededRandom(1), 50));
    expect(out.shape).toEqual([1, 10, 1, 1]);
    expect(out.data.every(Number.isFinite)).toBe(true);
  });

  it('draws weights from N(0, 0.01²) deterministically for a seed, with zero biases', () => {
    const a = lenet(7).parameters();
    const b = lenet(7).parameters();
    const c = lenet(8).parameters();
    expect(a).toHaveLength(8);
    for (const [i, p] of a.entries()) expect(Array.from(p.w)).toEqual(Array.from(b[i].w));
    expect(Array.from(a[0].w)).not.toEqual(Array.from(c[0].w));
    const weights = a.filter((p) => p.decay);
    const biases = a.filter((p) => !p.decay);
    expect(weights.map((p) => p.w.length)).toEqual([500, 25000, 400000, 5000]);
    for (const p of biases) expect(p.w.every((v) => v === 0)).toBe(true);
    const big = weights[2].w;
    const mean = big.reduce((s, v) => s + v, 0) / big.length;
    const sd = Math.sqrt(big.reduce((s, v) => s + (v - mean) ** 2, 0) / big.length);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(sd).toBeCloseTo(0.01, 3);
  });
});

describe('training', () => {
  it('a small convnet overfits 20 random digit-like images with plain SGD', () => {
    const rand = seededRandom(2024);
    const net = new Sequential([
      randomConv(1, 8, 5, rand, 0.2), // 1×14×14 → 8×10×10
      new MaxPool2x2(), // → 8×5×5
      randomConv(8, 32, 5, rand, 0.1), // fully connected → 32×1×1
      new Relu(),
      randomConv(32, 10, 1, rand, 0.2), // → 10×1×1
    ]);
    const x = randomTensor([20, 1, 14, 14], rand);
    const labels = Array.from({ length: 20 }, (_, i) => i % 10);
    const first = softmaxCrossEntropy(net.forward(x), labels).loss;
    let loss = first;
    for (let step = 0; step < 300 && loss >= 0.05; step++) {
      net.zeroGrad();
      const out = softmaxCrossEntropy(net.forward(x), labels);
      loss = out.loss;
      net.backward(out.grad);
      for (const p of net.parameters()) for (let k = 0; k < p.w.length; k++) p.w[k] -= 0.1 * p.dw[k];
    }
    expect(first).toBeGreaterThan(1);
    expect(loss).toBeLessThan(0.05);
  });
});
