// Training LeNet into a folder: an interrupted run resumed from its checkpoint equals an uninterrupted one bit
// for bit; bad checkpoints and changed flags stop with one clear line and nothing overwritten; a saved
// network predicts like the trainer and gives input gradients.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../src/data/dataset.js';
import { mnistFiles } from '../../src/data/sources.js';
import { InputError, UsageError } from '../../src/errors.js';
import { lenetInputGradient, lenetLogits, loadLenet } from '../../src/experiments/lenet-network.js';
import {
  CHECKPOINT_FILE,
  LENET_DEFAULTS,
  METRICS_FILE,
  readCheckpoint,
  trainLenet,
} from '../../src/experiments/lenet-training.js';
import { type TrainingSettings, trainingMetricsSchema } from '../../src/schema/training.js';

const settings: TrainingSettings = {
  seed: 5,
  weightDecay: 1e-4,
  convention: 'matconvnet',
  learningRate: LENET_DEFAULTS.learningRate,
  momentum: LENET_DEFAULTS.momentum,
  batchSize: 100,
  trainLimit: 500,
};

describe('train lenet into a folder', () => {
  let data: Dataset;
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-train-'));
  beforeAll(() => {
    const full = loadDataset(mnistFiles(), 'mnist');
    // a small test set keeps the evaluation cheap
    data = { ...full, test: { ...full.test, count: 300 } };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes from the checkpoint exactly where an uninterrupted run would be', async () => {
    const straight = join(dir, 'straight');
    const resumed = join(dir, 'resumed');
    await trainLenet({ data, settings, epochs: 3, threads: 2, dir: straight });
    await trainLenet({ data, settings, epochs: 1, threads: 2, dir: resumed });
    let resumedFrom = -1;
    await trainLenet({
      data,
      settings,
      epochs: 3,
      threads: 2,
      dir: resumed,
      onResume: (n) => (resumedFrom = n),
    });
    expect(resumedFrom).toBe(1);
    const a = readCheckpoint(straight)!;
    const b = readCheckpoint(resumed)!;
    expect(b.header.epoch).toBe(3);
    expect(b.tensors.parameters).toEqual(a.tensors.parameters);
    expect(b.tensors.velocities).toEqual(a.tensors.velocities);
    expect(b.header.history.map((e) => e.testError)).toEqual(a.header.history.map((e) => e.testError));
    const metrics = trainingMetricsSchema.parse(
      JSON.parse(readFileSync(join(resumed, METRICS_FILE), 'utf8')),
    );
    expect(metrics.epochs).toHaveLength(3);
    expect(metrics.epochs[2].trainLoss).toBeLessThan(metrics.epochs[0].trainLoss);
    expect(metrics.epochs[2].weightRms).toHaveLength(4);
  });

  it('repairs a training record left an epoch behind its checkpoint (killed between the two renames)', async () => {
    const run = join(dir, 'behind');
    await trainLenet({ data, settings, epochs: 2, threads: 2, dir: run });
    const path = join(run, METRICS_FILE);
    const full = trainingMetricsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    // what a kill after the checkpoint's rename and before the record's leaves
    writeFileSync(path, JSON.stringify({ ...full, epochs: full.epochs.slice(0, 1) }));
    // and the temp file of the killed writer (pid 999999 is not running)
    const leftover = join(run, `${METRICS_FILE}.tmp-999999-abcdef01`);
    writeFileSync(leftover, '{');
    let resumedFrom = -1;
    await trainLenet({ data, settings, epochs: 2, threads: 2, dir: run, onResume: (n) => (resumedFrom = n) });
    expect(resumedFrom).toBe(2);
    const repaired = trainingMetricsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(repaired.epochs).toEqual(full.epochs);
    expect(existsSync(leftover)).toBe(false);
  });

  it('reports a diverged training as one line of bad input, keeping the last checkpoint', async () => {
    const run = join(dir, 'diverges');
    const wild = { ...settings, learningRate: 1e6 };
    const failure = await trainLenet({ data, settings: wild, epochs: 1, threads: 2, dir: run }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(InputError);
    expect(String(failure.message)).toMatch(
      /^training diverged at epoch 1, batch \d+ \(the loss is not finite/,
    );
    expect(existsSync(join(run, METRICS_FILE))).toBe(false);
  });

  it('refuses changed flags, and a corrupt or missing checkpoint, without overwriting anything', async () => {
    const run = join(dir, 'resumed');
    const before = readFileSync(join(run, CHECKPOINT_FILE));
    await expect(
      trainLenet({ data, settings: { ...settings, weightDecay: 0.1 }, epochs: 4, threads: 2, dir: run }),
    ).rejects.toThrow(UsageError);
    await expect(
      trainLenet({ data, settings: { ...settings, weightDecay: 0.1 }, epochs: 4, threads: 2, dir: run }),
    ).rejects.toThrow('--weight-decay 0.1: ');
    const corrupt = join(dir, 'corrupt');
    await trainLenet({ data, settings, epochs: 1, threads: 1, dir: corrupt });
    const bytes = readFileSync(join(corrupt, CHECKPOINT_FILE));
    bytes[bytes.length - 9] ^= 1;
    writeFileSync(join(corrupt, CHECKPOINT_FILE), bytes);
    const attempt = trainLenet({ data, settings, epochs: 2, threads: 1, dir: corrupt });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(trainLenet({ data, settings, epochs: 2, threads: 1, dir: corrupt })).rejects.toThrow(
      /checksum mismatch.*nothing was overwritten/,
    );
    expect(readFileSync(join(corrupt, CHECKPOINT_FILE))).toEqual(bytes);
    rmSync(join(corrupt, CHECKPOINT_FILE));
    await expect(trainLenet({ data, settings, epochs: 2, threads: 1, dir: corrupt })).rejects.toThrow(
      /checkpoint is missing/,
    );
    expect(readFileSync(join(run, CHECKPOINT_FILE))).toEqual(before);
  });

  it('loads a saved network for predictions and input gradients', () => {
    const net = loadLenet(join(dir, 'straight'));
    const n = 4;
    const images = Float32Array.from(data.test.images.subarray(0, n * 784));
    const labels = Array.from(data.test.labels.subarray(0, n));
    const logits = lenetLogits(net, images, n);
    expect(logits).toHaveLength(n * 10);
    const history = readCheckpoint(join(dir, 'straight'))!.header.history;
    expect(history[2].testError).toBeLessThan(90);
    // input gradient against a central finite difference of the loss of image 0
    const gradient = lenetInputGradient(net, images, n, labels);
    const loss = (x: Float32Array) => {
      const s = lenetLogits(net, x, n).subarray(0, 10);
      const max = Math.max(...s);
      const z = s.reduce((sum, v) => sum + Math.exp(v - max), 0);
      return Math.log(z) - (s[labels[0]] - max);
    };
    let largest = 0;
    for (let k = 1; k < 784; k++) if (Math.abs(gradient[k]) > Math.abs(gradient[largest])) largest = k;
    const h = 0.5;
    const plus = images.slice();
    plus[largest] += h;
    const minus = images.slice();
    minus[largest] -= h;
    const numeric = (loss(plus) - loss(minus)) / (2 * h);
    expect(Math.abs(numeric - gradient[largest])).toBeLessThan(1e-2 * Math.abs(gradient[largest]) + 1e-6);
    expect(() => loadLenet(join(dir, 'nowhere'))).toThrow(/no such checkpoint/);
  });
});
