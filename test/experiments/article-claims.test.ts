// The article's published numbers for the exact hinge SVM on full MNIST pairs (3000 images per class):
// 7 vs 9 tilts to θ ≈ 1.48 rad with d_adv ≈ 0.13 at the weakest regularisation, 0 vs 1 only to θ ≈ 1.07;
// training error and d_adv fall as λ decreases and test error is lowest at an intermediate λ.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { computeSvmPath } from '../../src/experiments/svm-run.js';
import type { SvmPath } from '../../src/schema/artifacts.js';

let data: Dataset;
const paths: Record<string, SvmPath> = {};

beforeAll(() => {
  data = loadDataset(mnistFiles(), 'mnist');
  for (const [i, j] of [
    [7, 9],
    [0, 1],
  ]) {
    paths[`${i}-${j}`] = computeSvmPath(selectPair(data, i, j, 3000), 'mnist', 'hinge', {
      rows: 28,
      cols: 28,
    }).artifact;
  }
}, 120_000);

describe('exact hinge SVM on MNIST, as in the article', () => {
  it('7 vs 9: θ ≈ 1.48 rad and d_adv ≈ 0.13 at λ = 1e-6; θ = 0 at λ = 100', () => {
    const { models, centroidDistance } = paths['7-9'];
    const weak = models[80];
    expect(weak.theta).toBeGreaterThan(1.46);
    expect(weak.theta).toBeLessThan(1.5);
    expect(weak.dAdv).toBeGreaterThan(0.12);
    expect(weak.dAdv).toBeLessThan(0.14);
    expect(models[0].theta).toBeLessThan(1e-6);
    expect(models[0].dAdv).toBeCloseTo(centroidDistance / 2, 9);
    // ‖x_m − x‖ → small: the mirror image of the representative is close to it
    expect(weak.mirrors.I.distance).toBeLessThan(0.3 * models[0].mirrors.I.distance);
  });

  it('0 vs 1 tilts much less: θ ≈ 1.07 rad at λ = 1e-6', () => {
    const weak = paths['0-1'].models[80];
    expect(weak.theta).toBeGreaterThan(1.04);
    expect(weak.theta).toBeLessThan(1.1);
  });

  it('training error and d_adv fall, θ rises, and test error is lowest at an intermediate λ (7 vs 9)', () => {
    const { models } = paths['7-9'];
    expect(models[80].errTrain).toBeLessThan(models[0].errTrain / 10);
    for (let c = 16; c < models.length; c++) {
      expect(models[c].dAdv).toBeLessThanOrEqual(models[c - 1].dAdv + 1e-9);
      expect(models[c].theta).toBeGreaterThanOrEqual(models[c - 1].theta - 1e-9);
    }
    const errTest = models.map((m) => m.errTest);
    const best = errTest.indexOf(Math.min(...errTest));
    expect(best).toBeGreaterThan(10);
    expect(best).toBeLessThan(70);
    expect(errTest[best]).toBeLessThan(errTest[80] - 1);
    expect(errTest[best]).toBeLessThan(errTest[0] - 1);
    for (const m of models) expect(m.converged).toBe(true);
  });
});
