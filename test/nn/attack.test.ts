// The attacks reach their target on small networks trained here on real MNIST slices; batching does not
// change what happens to any one image; failures are reported, never hidden.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { adversarialStudy } from '../../src/experiments/adversarial.js';
import { fileProgressStore, splitAttack } from '../../src/experiments/adversarial-worker.js';
import { permutation, seededRandom } from '../../src/math/random.js';
import { binaryAttack, clippedStep, targetedAttack } from '../../src/nn/attack.js';
import { DenseEngine } from '../../src/nn/dense-engine.js';
import { trainTwoLayer } from '../../src/nn/dense-training.js';
import { FastConv2d } from '../../src/nn/fast-conv.js';
import { gatherBatch, meanImage } from '../../src/nn/input.js';
import { loadKernels } from '../../src/nn/kernels.js';
import { Conv2d, Relu, Sequential, softmaxCrossEntropy } from '../../src/nn/layers.js';
import { MomentumSgd } from '../../src/nn/sgd.js';
import { calibrateTemperature } from '../../src/nn/temperature.js';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import { adversarialSchema } from '../../src/schema/nn-artifacts.js';

const SIZE = 784;
const HIDDEN = 64;
let data: Dataset;
let network: Sequential;
let mean: Float32Array;
let temperature: number;

/** A small multiclass network, 784 → 64 ReLU → 10 (on the wasm GEMM unless `fast` is false), as convolutions so it is a `Sequential` like LeNet. */
function smallNet(seed: number, fast = true): Sequential {
  const make = (i: number, o: number, k: number) => (fast ? new FastConv2d(i, o, k) : new Conv2d(i, o, k));
  const fc1 = make(1, HIDDEN, 28);
  const fc2 = make(HIDDEN, 10, 1);
  const rand = seededRandom(seed);
  fc1.initGaussian(rand, 0.001);
  fc2.initGaussian(rand, 0.1);
  return new Sequential([fc1, new Relu(), fc2]);
}

function logitsOf(net: Sequential, pixels: Float32Array, n: number): Float32Array {
  const input = new Float32Array(n * SIZE);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < SIZE; k++) input[i * SIZE + k] = pixels[i * SIZE + k] - mean[k];
  return net.forward({ data: input, shape: [n, 1, 28, 28] }).data;
}

function argmax(v: Float32Array, offset: number): number {
  let best = 0;
  for (let k = 1; k < 10; k++) if (v[offset + k] > v[offset + best]) best = k;
  return best;
}

function testPixels(indices: number[]): Float32Array {
  const out = new Float32Array(indices.length * SIZE);
  for (const [r, i] of indices.entries())
    out.set(data.test.images.subarray(i * SIZE, (i + 1) * SIZE), r * SIZE);
  return out;
}

beforeAll(() => {
  data = loadDataset(mnistFiles(), 'mnist');
  const n = 2000;
  mean = meanImage(data.train.images, n, SIZE);
  network = smallNet(1);
  const sgd = new MomentumSgd(network.parameters(), { learningRate: 0.0005, momentum: 0.9, weightDecay: 0 });
  const batch = 50;
  const input = new Float32Array(batch * SIZE);
  for (let epoch = 0; epoch < 3; epoch++) {
    const order = permutation(n, seededRandom(epoch));
    for (let start = 0; start < n; start += batch) {
      gatherBatch(data.train.images, SIZE, order, start, batch, mean, input);
      const labels = Array.from(order.subarray(start, start + batch), (i) => data.train.labels[i]);
      network.zeroGrad();
      const out = network.forward({ data: input, shape: [batch, 1, 28, 28] });
      network.backward(softmaxCrossEntropy(out, labels).grad);
      sgd.step();
    }
  }
  network.zeroGrad();
  temperature = calibrateTemperature(logitsOf(network, testPixels([...Array(500).keys()]), 500)).t;
});

describe('targetedAttack on a small trained network', () => {
  const images = Array.from({ length: 12 }, (_, i) => i);

  it('learned something: most test images are classified right', () => {
    const logits = logitsOf(network, testPixels(images), images.length);
    const right = images.filter((i, r) => argmax(logits, r * 10) === data.test.labels[i]).length;
    expect(right).toBeGreaterThanOrEqual(9);
  });

  it('reaches p_target ≥ 0.95 for every image, with pixels kept in 0..255 and norms ≤ steps', () => {
    const pixels = testPixels(images);
    const targets = images.map((i) => (data.test.labels[i] + 1) % 10);
    const done: number[] = [];
    const result = targetedAttack(network, mean, pixels, targets, { temperature, batchSize: 5 }, (d) =>
      done.push(d),
    );
    expect(done[done.length - 1]).toBe(images.length);
    const logits = logitsOf(network, result.adversarial, images.length);
    for (const [r] of images.entries()) {
      expect(result.success[r]).toBe(1);
      expect(result.probability[r]).toBeGreaterThanOrEqual(0.95);
      expect(argmax(logits, r * 10)).toBe(targets[r]);
      expect(result.steps[r]).toBeGreaterThan(0);
      expect(result.norm[r]).toBeLessThanOrEqual(result.steps[r] + 1e-3);
    }
    expect(Math.min(...result.adversarial)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...result.adversarial)).toBeLessThanOrEqual(255);
    for (const p of network.parameters()) expect(p.dw.every((v) => v === 0)).toBe(true);
  });

  it('treats each image on its own: batched in fives, the steps and images equal one image at a time', () => {
    // the reference layers compute every image alone, so batching must not change a single step
    const reference = smallNet(0, false);
    for (const [k, p] of reference.parameters().entries()) p.w.set(network.parameters()[k].w);
    const few = images.slice(0, 7);
    const pixels = testPixels(few);
    const targets = few.map((i) => (data.test.labels[i] + 3) % 10);
    const together = targetedAttack(reference, mean, pixels, targets, {
      temperature,
      batchSize: 5,
      stepSize: 8,
    });
    for (const [r] of few.entries()) {
      const alone = targetedAttack(reference, mean, pixels.subarray(r * SIZE, (r + 1) * SIZE), [targets[r]], {
        temperature,
        batchSize: 1,
        stepSize: 8,
      });
      expect(alone.steps[0]).toBe(together.steps[r]);
      expect(alone.norm[0]).toBeCloseTo(together.norm[r], 3);
    }
  });

  it('reports failures at the step cap and takes no step for an image already at its target', () => {
    const pixels = testPixels(images.slice(0, 3));
    const targets = images.slice(0, 3).map((i) => (data.test.labels[i] + 1) % 10);
    const capped = targetedAttack(network, mean, pixels, targets, { temperature, maxSteps: 2 });
    expect(Array.from(capped.success)).toEqual([0, 0, 0]);
    expect(Array.from(capped.steps)).toEqual([2, 2, 2]);
    const logits = logitsOf(network, pixels, 3);
    const own = [0, 1, 2].map((r) => argmax(logits, r * 10));
    const confident = targetedAttack(network, mean, pixels, own, { temperature: temperature / 100 });
    expect(Array.from(confident.steps)).toEqual([0, 0, 0]);
    expect(Array.from(confident.norm)).toEqual([0, 0, 0]);
  });

  it('refuses targets that are not classes and pixels outside 0..255', () => {
    const pixels = testPixels([0]);
    expect(() => targetedAttack(network, mean, pixels, [10], { temperature })).toThrow(/target 10/);
    const bright = pixels.map(() => 300);
    expect(() => targetedAttack(network, mean, bright, [1], { temperature })).toThrow(/expected 0\.\.255/);
    expect(() => targetedAttack(network, mean, pixels, [1], { temperature: 0 })).toThrow(/temperature 0/);
  });
});

describe('adversarialStudy on the small network', () => {
  it('calibrates t, attacks one image per digit towards d + 1 and a seeded draw, and validates', async () => {
    const test = {
      count: 500,
      rows: 28,
      cols: 28,
      images: data.test.images.subarray(0, 500 * SIZE),
      labels: data.test.labels.subarray(0, 500),
    };
    const options = { seed: 3, studyImages: 12, stepSize: 4, batchSize: 20 };
    const study = await adversarialStudy(network, 'small', mean, test, options);
    expect(() => adversarialSchema.parse(study)).not.toThrow();
    expect(Math.abs(study.temperature.median - 0.95)).toBeLessThanOrEqual(0.001);
    expect(study.targeted.map((e) => e.digit)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const e of study.targeted) {
      expect(e.target).toBe((e.digit + 1) % 10);
      expect(test.labels[e.testIndex]).toBe(e.digit);
      if (e.success) expect(e.predicted).toBe(e.target);
      const [original, adversarial, perturbation] = [e.original, e.adversarial, e.perturbation].map(
        decodeFloat32,
      );
      expect(perturbation[300]).toBeCloseTo(adversarial[300] - original[300], 4);
      let nn = 0;
      for (const v of perturbation) nn += v * v;
      expect(Math.sqrt(nn)).toBeCloseTo(e.norm, 2);
    }
    expect(study.study.norms).toHaveLength(12);
    expect(study.study.targets).toEqual(study.study.labels.map((l) => (l + 1) % 10));
    const curve = study.study.successVsBudget;
    for (let k = 1; k < curve.length; k++) expect(curve[k]).toBeGreaterThanOrEqual(curve[k - 1]);
    expect(curve[curve.length - 1]).toBeCloseTo(study.study.successRate, 9);
    // the images depend on the seed and labels only: another network would be attacked on the same ones
    const again = await adversarialStudy(network, 'small', mean, test, {
      ...options,
      studyImages: 3,
      maxSteps: 1,
    });
    expect(again.targeted.map((e) => e.testIndex)).toEqual(study.targeted.map((e) => e.testIndex));
    expect(again.study.testIndex).toEqual(study.study.testIndex.slice(0, 3));
    expect(again.study.successRate).toBe(0);
    expect(again.study.normQuantiles).toBeNull();
  });
});

describe('binaryAttack on a 2-layer network of 7 vs 9', () => {
  it('pushes every image across the boundary until σ(−y s/t) ≥ 0.95, clipped to 0..1', () => {
    const pair = selectPair(data, 7, 9, 150);
    const engine = new DenseEngine(loadKernels(), 784, 20, 50);
    const settings = {
      learningRate: 0.01,
      momentum: 0.9,
      batchSize: 50,
      epochs: 10,
      seed: 2,
      weightDecay: 0,
    };
    const net = trainTwoLayer(pair.train, 20, settings, engine);
    const n = 30;
    const scores = Array.from({ length: pair.test.n }, (_, r) => net.score(pair.test.x, r * 784));
    const logits = new Float64Array(2 * scores.length);
    for (const [r, s] of scores.entries()) logits[2 * r + 1] = s;
    const t = calibrateTemperature(logits, { classes: 2 }).t;
    const pixels = Float32Array.from(pair.test.x.subarray(0, n * 784));
    const labels = pair.test.y.subarray(0, n);
    const result = binaryAttack(net, engine, pixels, labels, { temperature: t });
    for (let r = 0; r < n; r++) {
      expect(result.success[r]).toBe(1);
      const s = net.score(result.adversarial, r * 784);
      expect(-labels[r] * s).toBeGreaterThanOrEqual(t * Math.log(19) * (1 - 1e-5));
      expect(result.norm[r]).toBeLessThanOrEqual(result.steps[r] / 255 + 1e-5);
    }
    expect(Math.min(...result.adversarial)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...result.adversarial)).toBeLessThanOrEqual(1);
    expect(() => binaryAttack(net, engine, pixels, new Float64Array(n), { temperature: t })).toThrow(
      /label 0/,
    );
  });
});

describe('the attack split over threads', () => {
  it('deals the images round-robin and puts every result back in place, equal to one undivided attack', async () => {
    const indices = Array.from({ length: 13 }, (_, k) => 7 * k + 1);
    const pixels = testPixels(indices);
    const targets = indices.map((i) => (data.test.labels[i] + 1) % 10);
    const options = { temperature, stepSize: 4, maxSteps: 30, batchSize: 5 };
    const whole = targetedAttack(network, mean, pixels, targets, options);
    const shares: number[][] = [];
    const seen: number[] = [];
    // the shares run here, on this thread, through the same merging code as the worker threads
    const split = splitAttack('unused', 3, async (share, progress) => {
      shares.push(share.targets);
      return targetedAttack(network, mean, share.images, share.targets, share.options, progress);
    });
    const parts = await split(pixels, targets, options, (done) => seen.push(done));
    expect(shares.map((s) => s.length)).toEqual([5, 4, 4]);
    expect(shares[1]).toEqual([targets[1], targets[4], targets[7], targets[10]]);
    expect(parts.steps).toEqual(whole.steps);
    expect(parts.success).toEqual(whole.success);
    expect(parts.probability).toEqual(whole.probability);
    expect(parts.norm).toEqual(whole.norm);
    expect(parts.adversarial).toEqual(whole.adversarial);
    expect(Math.max(...seen)).toBe(13);
  });

  it('resumes an interrupted attack from its saved state and ends exactly where an uninterrupted one ends', async () => {
    const indices = Array.from({ length: 9 }, (_, k) => 11 * k + 3);
    const pixels = testPixels(indices);
    const targets = indices.map((i) => (data.test.labels[i] + 1) % 10);
    const options = { temperature, stepSize: 4, maxSteps: 40, batchSize: 5 };
    const whole = targetedAttack(network, mean, pixels, targets, options);
    const dir = mkdtempSync(join(tmpdir(), 'l2angle-attack-'));
    try {
      const file = join(dir, 'adversarial.partial.json');
      // a store that writes every time (the real one writes every 15 s)
      const store = fileProgressStore(file, 'net-1', 0);
      // the first run is killed after its shares have moved five rounds and saved them
      const killing = splitAttack(
        'unused',
        2,
        async (share, progress, onState) => {
          let rounds = 0;
          return targetedAttack(
            network,
            mean,
            share.images,
            share.targets,
            share.options,
            progress,
            (state) => {
              onState?.(state);
              if (++rounds === 5) throw new Error('killed');
            },
          );
        },
        store,
      );
      await expect(killing(pixels, targets, options)).rejects.toThrow('killed');
      expect(existsSync(file)).toBe(true);
      const partial = store.load(JSON.parse(readFileSync(file, 'utf8')).key, 9, SIZE);
      expect(partial?.steps.some((s) => s > 0)).toBe(true);
      // another network's progress is not used
      expect(
        fileProgressStore(file, 'net-2', 0).load(JSON.parse(readFileSync(file, 'utf8')).key, 9, SIZE),
      ).toBe(undefined);
      let started = -1;
      const resuming = splitAttack(
        'unused',
        2,
        async (share, progress, onState) => {
          started = Math.max(started, ...(share.options.resume?.steps ?? [0]));
          return targetedAttack(network, mean, share.images, share.targets, share.options, progress, onState);
        },
        store,
      );
      const parts = await resuming(pixels, targets, options);
      expect(started).toBeGreaterThan(0);
      expect(parts.steps).toEqual(whole.steps);
      expect(parts.success).toEqual(whole.success);
      expect(parts.adversarial).toEqual(whole.adversarial);
      expect(parts.norm).toEqual(whole.norm);
      // a finished attack leaves no progress file
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the attack step on the wasm kernels', () => {
  it('equals the TypeScript step bit for bit: clipped ends, zeros of both signs, tiny and huge values', () => {
    const size = 787; // not a multiple of 4: the scalar tail runs too
    const engine = new DenseEngine(loadKernels(), size, 3, 4);
    const random = seededRandom(11);
    const special = [0, -0, 1, 255, 1e-45, -1e-45, 3e38, -3e38, 0.5, 254.999];
    for (const [scale, lower, upper] of [
      [0.37, 0, 255],
      [1 / 255, 0, 1],
      [1e30, -1, 1],
      [1e-30, 0, 0],
    ] as const) {
      const x = new Float32Array(size + 5);
      const g = new Float32Array(size + 9);
      for (let k = 0; k < x.length; k++) x[k] = k < special.length ? special[k] : (random() - 0.2) * 300;
      for (let k = 0; k < g.length; k++)
        g[k] = special[(k * 7) % special.length] * (random() < 0.5 ? -1 : 1) || random() - 0.5;
      const a = Float32Array.from(x);
      const b = Float32Array.from(x);
      clippedStep(a, 5, g, 9, size - 5, scale, lower, upper);
      engine.clippedStep(b, 5, g, 9, size - 5, scale, lower, upper);
      expect(Array.from(b, (v) => Object.is(v, -0))).toEqual(Array.from(a, (v) => Object.is(v, -0)));
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    }
    expect(() =>
      engine.clippedStep(new Float32Array(size + 1), 0, new Float32Array(size + 1), 0, size + 1, 1, 0, 1),
    ).toThrow(/a step of 788 values/);
  });
});
