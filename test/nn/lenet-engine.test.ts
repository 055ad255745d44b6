import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { mnistFiles } from '../../src/data/sources.js';
import { adversarialStudy } from '../../src/experiments/adversarial.js';
import { gaussian, seededRandom } from '../../src/math/random.js';
import { fastLenet } from '../../src/nn/fast-conv.js';
import { lenet } from '../../src/nn/layers.js';
import { LenetEngine } from '../../src/nn/lenet-engine.js';
import { LenetTrainer } from '../../src/nn/trainer.js';

const IMAGE = 784;

/** Inputs on the scale LeNet sees: 0..255 pixels minus a mean image, here Gaussian with spread 80. */
function inputs(n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n * IMAGE }, () => 80 * gaussian(random));
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < a.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    norm = Math.max(norm, Math.abs(b[k]));
  }
  return diff / norm;
}

describe('LenetEngine (forward and input gradient on the wasm engine)', () => {
  const n = 7;
  const net = lenet(3);
  const weights = net.parameters().map((p) => p.w);
  const engine = LenetEngine.create(weights, 12);
  const x = inputs(n, 11);
  const random = seededRandom(5);
  const g = Float32Array.from({ length: n * 10 }, () => gaussian(random));

  it('gives the reference layers’ scores and input gradients (1e-5 relative)', () => {
    const reference = net.forward({ data: x, shape: [n, 1, 28, 28] });
    const gx = net.backward({ data: g, shape: reference.shape }).data;
    engine.input().set(x);
    const scores = engine.scores(n);
    expect(relativeError(scores, reference.data)).toBeLessThan(1e-5);
    const dx = engine.inputGradient(n, g);
    expect(relativeError(dx, gx)).toBeLessThan(1e-5);
  });

  it('agrees with central finite differences of Σ g·s', () => {
    const one = LenetEngine.create(weights, 1);
    const image = x.slice(0, IMAGE);
    const gOne = g.slice(0, 10);
    const objective = (v: Float32Array) => {
      one.input().set(v);
      const s = one.scores(1);
      let total = 0;
      for (let k = 0; k < 10; k++) total += gOne[k] * s[k];
      return total;
    };
    one.input().set(image);
    one.scores(1);
    const dx = one.inputGradient(1, gOne).slice();
    for (const pixel of [0, 200, 405, 783]) {
      const h = 0.5;
      const up = image.slice();
      const down = image.slice();
      up[pixel] += h;
      down[pixel] -= h;
      const numeric = (objective(up) - objective(down)) / (2 * h);
      expect(Math.abs(numeric - dx[pixel])).toBeLessThan(1e-3 * Math.max(1, Math.abs(dx[pixel])) + 2e-3);
    }
  });

  it('gives each image the same bits alone as in a pass with others', () => {
    engine.input().set(x);
    const together = engine.scores(n).slice();
    const gTogether = engine.inputGradient(n, g).slice();
    for (const b of [0, 4, 6]) {
      engine.input().set(x.subarray(b * IMAGE, (b + 1) * IMAGE));
      expect(engine.scores(1)).toEqual(together.subarray(b * 10, (b + 1) * 10));
      expect(engine.inputGradient(1, g.subarray(b * 10, (b + 1) * 10))).toEqual(
        gTogether.subarray(b * IMAGE, (b + 1) * IMAGE),
      );
    }
  });

  it('refuses passes larger than its capacity, and weights of other shapes', () => {
    expect(() => engine.scores(13)).toThrow(/1 to 12/);
    expect(() => LenetEngine.create(weights.slice(1), 4)).toThrow(/LeNet's shapes/);
  });
});

describe('the adversarial study on the engine', () => {
  it('gives the reference layers’ temperature, steps, norms and classes on a briefly trained LeNet', async () => {
    const data = loadDataset(mnistFiles(), 'mnist');
    const n = 300;
    const mean = new Float32Array(IMAGE);
    for (let i = 0; i < 6000; i++)
      for (let k = 0; k < IMAGE; k++) mean[k] += data.train.images[i * IMAGE + k] / 6000;
    const trainer = await LenetTrainer.create({ seed: 0, weightDecay: 1e-4, threads: 1 });
    const x = new Float32Array(n * IMAGE);
    for (let step = 0; step < 15; step++) {
      for (let b = 0; b < n; b++) {
        const i = step * n + b;
        for (let k = 0; k < IMAGE; k++) x[b * IMAGE + k] = data.train.images[i * IMAGE + k] - mean[k];
      }
      await trainer.step(x, data.train.labels.subarray(step * n, (step + 1) * n), n);
    }
    const weights = trainer.state().parameters;
    await trainer.close();
    const reference = fastLenet(0);
    for (const [i, p] of reference.parameters().entries()) p.w.set(weights[i]);
    const test = {
      count: 400,
      rows: 28,
      cols: 28,
      images: data.test.images.subarray(0, 400 * IMAGE),
      labels: data.test.labels.subarray(0, 400),
    };
    const options = { seed: 1, studyImages: 4, stepSize: 4, maxSteps: 80, batchSize: 20 };
    const theirs = await adversarialStudy(reference, 'reference', mean, test, options);
    const ours = await adversarialStudy(LenetEngine.create(weights, 20), 'engine', mean, test, options);
    expect(Math.abs(ours.temperature.t / theirs.temperature.t - 1)).toBeLessThan(1e-5);
    expect(ours.testError).toBe(theirs.testError);
    expect(ours.study.steps).toEqual(theirs.study.steps);
    expect(ours.targeted.map((e) => e.steps)).toEqual(theirs.targeted.map((e) => e.steps));
    expect(ours.targeted.map((e) => e.predicted)).toEqual(theirs.targeted.map((e) => e.predicted));
    // float32 rounding (Winograd's conv2 against the direct sum) drifts along 80 clipped steps of 4 grey levels
    for (const [r, e] of ours.targeted.entries())
      expect(Math.abs(e.norm - theirs.targeted[r].norm)).toBeLessThanOrEqual(1e-3 * theirs.targeted[r].norm);
    // the attack moved the images: some steps were taken
    expect(ours.study.steps.some((s) => s > 0)).toBe(true);
  });
});
