import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { FastConv2d, fastLenet } from '../../src/nn/fast-conv.js';
import { Conv2d, lenet, softmaxCrossEntropy, tensor } from '../../src/nn/layers.js';

function maxRelative(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let worst = 0;
  for (let k = 0; k < a.length; k++) scale = Math.max(scale, Math.abs(b[k]));
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst / Math.max(scale, 1e-30);
}

describe('the convolution on the wasm GEMM', () => {
  it('equals the reference Conv2d: output, weight, bias and input gradients (1e-5 relative)', () => {
    const rand = seededRandom(3);
    for (const [n, cin, cout, k, h] of [
      [3, 1, 4, 5, 12],
      [2, 6, 5, 3, 7],
      [4, 5, 7, 4, 4],
      [5, 8, 3, 1, 1],
    ]) {
      const reference = new Conv2d(cin, cout, k);
      const fast = new FastConv2d(cin, cout, k);
      reference.initGaussian(rand, 0.5);
      fast.w.set(reference.w);
      for (let c = 0; c < cout; c++) reference.b[c] = fast.b[c] = gaussian(rand);
      const x = tensor(
        [n, cin, h, h],
        Float32Array.from({ length: n * cin * h * h }, () => gaussian(rand)),
      );
      const y1 = reference.forward(x);
      const y2 = fast.forward(x);
      expect(y2.shape).toEqual(y1.shape);
      expect(maxRelative(y2.data, y1.data)).toBeLessThan(1e-5);
      const g = tensor(
        y1.shape,
        Float32Array.from({ length: y1.data.length }, () => gaussian(rand)),
      );
      const dx1 = reference.backward(g);
      const dx2 = fast.backward(g);
      expect(maxRelative(dx2.data, dx1.data)).toBeLessThan(1e-5);
      expect(maxRelative(fast.dw, reference.dw)).toBeLessThan(1e-5);
      expect(maxRelative(fast.db, reference.db)).toBeLessThan(1e-5);
    }
  });

  it('gives LeNet the same loss and gradients as the reference layers', () => {
    const rand = seededRandom(4);
    const x = tensor(
      [6, 1, 28, 28],
      Float32Array.from({ length: 6 * 784 }, () => 100 * gaussian(rand)),
    );
    const labels = [0, 1, 2, 3, 4, 5];
    const nets = [lenet(5), fastLenet(5)];
    const results = nets.map((net) => {
      net.zeroGrad();
      const { loss, grad } = softmaxCrossEntropy(net.forward(x), labels);
      net.backward(grad);
      return { loss, grads: net.parameters().map((p) => p.dw) };
    });
    expect(results[1].loss).toBeCloseTo(results[0].loss, 6);
    for (const [k, dw] of results[1].grads.entries())
      expect(maxRelative(dw, results[0].grads[k])).toBeLessThan(1e-4);
  });
});
