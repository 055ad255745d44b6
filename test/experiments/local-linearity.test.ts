// The local-linearity sweep on a small real slice of 7 vs 9: a valid artifact, the article's trend (weight
// decay shrinks the local scales and tilts the local normals towards ẑ), and resuming from the partial file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { type BinaryPair, selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import {
  binaryTemperature,
  isSweepDone,
  type LocalLinearityOptions,
  localLinearityStudy,
  partialPath,
  runLocalLinearity,
} from '../../src/experiments/local-linearity.js';
import { ResultsStore } from '../../src/experiments/store.js';
import { type Kernels, loadKernels } from '../../src/nn/kernels.js';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import {
  adversarialFile,
  type LocalLinearity,
  localLinearityFile,
  localLinearitySchema,
} from '../../src/schema/nn-artifacts.js';

const OPTIONS: LocalLinearityOptions = {
  hidden: 12,
  weightDecays: [0, 0.03, 0.3],
  epochs: 6,
  batchSize: 50,
  attackImages: 16,
  filters: 3,
};

const ID = { dataset: 'mnist', classI: 7, classJ: 9, perClass: 150 };

let pair: BinaryPair;
let kernels: Kernels;
let sweep: LocalLinearity;
let dir: string;

beforeAll(async () => {
  pair = selectPair(loadDataset(mnistFiles(), 'mnist'), 7, 9, 150);
  kernels = loadKernels();
  dir = mkdtempSync(join(tmpdir(), 'l2angle-ll-'));
  sweep = await localLinearityStudy(pair, 'mnist', kernels, OPTIONS);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the local-linearity sweep on 150 images per class of 7 vs 9', () => {
  it('is a valid artifact with one model per weight decay and consistent counts', () => {
    expect(() => localLinearitySchema.parse(sweep)).not.toThrow();
    expect(sweep.models.map((m) => m.weightDecay)).toEqual([0, 0.03, 0.3]);
    expect(sweep.nTrain).toBe(300);
    expect(sweep.attack.testIndex).toHaveLength(16);
    for (const m of sweep.models) {
      expect(m.epochLoss).toHaveLength(6);
      expect(m.flat).toBe(0);
      const h = m.signedDistance.histogram;
      expect(h.counts.reduce((a, b) => a + b, 0) + h.below + h.above).toBe(300);
      const s = m.localScale.histogram;
      expect(s.counts.reduce((a, b) => a + b, 0) + s.below + s.above).toBe(300);
      expect(m.theta.quantiles.every((q) => q >= 0 && q <= Math.PI)).toBe(true);
      expect(m.filters).toHaveLength(3);
      expect(decodeFloat32(m.filters[0].picture)).toHaveLength(784);
      expect(m.attack.norms).toHaveLength(16);
      expect(m.attack.successVsBudget).toHaveLength(sweep.attack.budgets.length);
      expect(m.attack.successVsBudget[m.attack.successVsBudget.length - 1]).toBeCloseTo(
        m.attack.successRate,
        9,
      );
      expect(m.attack.examples.map((e) => e.label).sort()).toEqual([7, 9]);
    }
  });

  it('shows the article’s trend: more weight decay, smaller local scales, local normals nearer ẑ, larger d_adv', () => {
    const [none, mid, strong] = sweep.models;
    const median = (m: (typeof sweep.models)[number]) => m.localScale.quantiles[3];
    expect(sweep.quantileLevels[3]).toBe(0.5);
    expect(median(mid)).toBeLessThan(median(none));
    expect(median(strong)).toBeLessThan(0.5 * median(mid));
    expect(strong.theta.quantiles[3]).toBeLessThan(none.theta.quantiles[3]);
    expect(strong.dAdv!).toBeGreaterThan(none.dAdv!);
    expect(strong.normW1).toBeLessThan(none.normW1);
  });

  it('certifies radii that no successful attack beats (Hein & Andriushchenko’s bound for the ReLU)', () => {
    for (const m of sweep.models) {
      expect(m.certified.violations).toBe(0);
      expect(m.certified.attackedRadius).toHaveLength(16);
      for (const [r, radius] of m.certified.attackedRadius.entries()) {
        if (m.attack.success[r]) expect(radius).toBeLessThanOrEqual(m.attack.norms[r]);
      }
      // quantiles rise with the level; the bound is below the linearised distance at every level
      const { quantiles } = m.certified.test;
      for (let k = 1; k < quantiles.length; k++)
        expect(quantiles[k]).toBeGreaterThanOrEqual(quantiles[k - 1]);
      expect(m.certified.test.quantiles[3]).toBeLessThanOrEqual(m.certified.linearisedTest.quantiles[3]);
    }
  });

  it('calibrates the binary temperature so the median of σ(|s|/t) is 0.95', () => {
    const scores = [-3, -1, 0.5, 2, 4];
    const { t, median } = binaryTemperature(scores);
    expect(median).toBeCloseTo(0.95, 6);
    expect(t).toBeCloseTo(2 / Math.log(19), 6);
  });

  it('resumes an interrupted sweep from its partial file and recognises a finished one', async () => {
    const file = localLinearityFile('mnist', 7, 9);
    const store = new ResultsStore(dir);
    const path = store.pathOf(file);
    expect(path.endsWith('nn/local-linearity-mnist-7-9.json')).toBe(true);
    // interrupt the run right after its first model is saved
    const interrupt = (_done: number, _total: number, status: string) => {
      if (status.endsWith(': done')) throw new Error('interrupted');
    };
    await expect(runLocalLinearity(pair, 'mnist', kernels, store, file, OPTIONS, interrupt)).rejects.toThrow(
      'interrupted',
    );
    expect(existsSync(path)).toBe(false);
    const saved = JSON.parse(readFileSync(store.pathOf(partialPath(file)), 'utf8')) as {
      models: LocalLinearity['models'];
    };
    expect(saved.models).toHaveLength(1);

    const seen: string[] = [];
    const full = await runLocalLinearity(pair, 'mnist', kernels, store, file, OPTIONS, (_d, _t, status) =>
      seen.push(status),
    );
    expect(seen[0]).toBe('λ = 0: resumed');
    expect(full.models[0]).toEqual(saved.models[0]);
    expect(full.models).toHaveLength(3);
    expect(existsSync(store.pathOf(partialPath(file)))).toBe(false);
    expect(isSweepDone(store, file, ID, OPTIONS)).toBe(true);
    expect(isSweepDone(store, file, ID, { ...OPTIONS, epochs: 7 })).toBe(false);
    // the same seed gives the same networks as the in-memory sweep
    expect(full.models.map((m) => m.errTrain)).toEqual(sweep.models.map((m) => m.errTrain));
    expect(full.models[2].localScale.quantiles).toEqual(sweep.models[2].localScale.quantiles);
    expect(localLinearitySchema.parse(JSON.parse(readFileSync(path, 'utf8'))).models).toHaveLength(3);
  });

  it('trains the networks on two threads with the same bits; a failing thread ends the sweep with its message', async () => {
    // worker threads load compiled modules: the threaded sweep comes from dist/, as the commands run it
    const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
    const compiled = (await import(
      dist('experiments/local-linearity.js')
    )) as typeof import('../../src/experiments/local-linearity.js');
    const compiledKernels = (await import(dist('nn/kernels.js'))) as typeof import('../../src/nn/kernels.js');
    const statuses: string[] = [];
    const threaded = await compiled.localLinearityStudy(
      pair,
      'mnist',
      compiledKernels.loadKernels(),
      OPTIONS,
      (_done, _total, status) => statuses.push(status),
      [],
      undefined,
      2,
    );
    const timeless = (a: LocalLinearity) => a.models.map(({ seconds: _, ...m }) => m);
    expect(timeless(threaded)).toEqual(timeless(sweep));
    expect(statuses.filter((s) => s.endsWith(': done'))).toHaveLength(3);
    await expect(
      compiled.localLinearityStudy(
        pair,
        'mnist',
        compiledKernels.loadKernels(),
        { ...OPTIONS, learningRate: 1e9 },
        undefined,
        [],
        undefined,
        2,
      ),
    ).rejects.toThrow(/training diverged/);
  });

  it('names files safely and refuses bad settings with one clear line', async () => {
    expect(adversarialFile('lenet-low')).toBe('nn/adversarial-lenet-low.json');
    expect(() => adversarialFile('../x')).toThrow(/letters, digits/);
    await expect(localLinearityStudy(pair, 'mnist', kernels, { weightDecays: [-1] })).rejects.toThrow(
      /weight decay -1/,
    );
    await expect(localLinearityStudy(pair, 'mnist', kernels, { hidden: 0 })).rejects.toThrow(/hidden 0/);
  });
});
