// The certified radius of a 2-layer ReLU network: below the linearised distance, never beaten by the sign
// of s along random directions and along the gradient, and exact for a network with one hidden unit.
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { toSparseRows } from '../../src/math/sparse.js';
import { certificateWeights, certify, certifyRows } from '../../src/nn/certified.js';
import { TwoLayerNet } from '../../src/nn/dense.js';

/** s(x) with plain loops. */
function score(net: TwoLayerNet, x: Float64Array): number {
  let s = net.b2[0];
  for (let k = 0; k < net.hidden; k++) {
    let pre = net.b1[k];
    for (let p = 0; p < net.inputs; p++) pre += net.w1[k * net.inputs + p] * x[p];
    s += net.w2[k] * Math.max(0, pre);
  }
  return s;
}

describe('certified radii of a 2-layer ReLU network', () => {
  const pair = selectPair(loadDataset(mnistFiles(), 'mnist'), 7, 9, 20);
  const net = TwoLayerNet.initialised(784, 30, 3);
  for (let k = 0; k < 30; k++) net.b1[k] = 0.3 * Math.sin(k);
  net.b2[0] = 0.1;
  const weights = certificateWeights(net);

  it('is ≤ the linearised distance, and s keeps its sign inside it along random and gradient directions', () => {
    const random = seededRandom(5);
    for (let r = 0; r < pair.train.n; r++) {
      const x = pair.train.x.subarray(r * 784, (r + 1) * 784);
      const c = certify(net, weights, x);
      expect(c.score).toBeCloseTo(score(net, Float64Array.from(x)), 5);
      expect(c.radius).toBeGreaterThan(0);
      expect(c.radius).toBeLessThanOrEqual(c.linearised);
      for (let trial = 0; trial < 20; trial++) {
        const u = Float64Array.from({ length: 784 }, () => gaussian(random));
        const length = Math.hypot(...u);
        const moved = Float64Array.from(x, (v, p) => v + (0.999 * c.radius * u[p]) / length);
        expect(Math.sign(score(net, moved))).toBe(Math.sign(c.score));
      }
    }
  });

  it('gives the same certificates image by image and in a batch over sparse rows', () => {
    const batch = certifyRows(net, weights, toSparseRows(pair.train.x, pair.train.n, 784));
    for (let r = 0; r < pair.train.n; r++) {
      const one = certify(net, weights, pair.train.x, r * 784);
      expect(batch[r].score).toBeCloseTo(one.score, 10);
      expect(batch[r].localScale).toBeCloseTo(one.localScale, 10);
      expect(batch[r].radius).toBeCloseTo(one.radius, 10);
    }
  });

  it('is exact for one hidden unit: the distance to the boundary, or to the unit’s hyperplane', () => {
    const one = new TwoLayerNet(2, 1);
    one.w1.set([3, 4]);
    one.b1[0] = 0;
    one.w2[0] = 1;
    one.b2[0] = -5;
    // s = ReLU(3a + 4b) − 5: at (2, 1), s = 5, ‖∇s‖ = 5, the boundary 3a + 4b = 5 is at distance 1
    const c = certify(one, certificateWeights(one), [2, 1]);
    expect(c.radius).toBeCloseTo(1, 12);
    expect(c.linearised).toBeCloseTo(1, 12);
    // at (−1, −1) the unit is off: s = −5 everywhere near; the hyperplane is 7/5 away, beyond it L = 5
    const off = certify(one, certificateWeights(one), [-1, -1]);
    expect(off.radius).toBeCloseTo(7 / 5 + 0, 12);
    expect(off.linearised).toBe(Number.POSITIVE_INFINITY);
  });
});
