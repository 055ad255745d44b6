// Hand-made idx buffers and small synthetic datasets for the data-layer tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Dataset, ImageSet } from '../../src/data/dataset.js';
import type { DatasetFiles } from '../../src/data/sources.js';
import { InputError } from '../../src/errors.js';

/** An idx buffer of unsigned bytes with the given dimensions and payload. */
export function idxBytes(dims: number[], data: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x0800 + dims.length);
  for (let k = 0; k < dims.length; k++) view.setUint32(4 + 4 * k, dims[k]);
  bytes.set(data, header);
  return bytes;
}

/** A fresh temporary directory for files a test writes. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'l2angle-data-'));
}

/** Writes bytes to `name` in `dir` and returns the path. */
export function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** An image set of `rows`×`cols` images whose pixels all equal 10 × label + position in the set (mod 256). */
export function syntheticSet(labels: number[], rows = 2, cols = 2): ImageSet {
  const dim = rows * cols;
  const images = new Uint8Array(labels.length * dim);
  for (let k = 0; k < labels.length; k++) images.fill((10 * labels[k] + k) % 256, k * dim, (k + 1) * dim);
  return { count: labels.length, rows, cols, images, labels: Uint8Array.from(labels) };
}

/** A dataset from training and test labels, with synthetic images. */
export function syntheticDataset(trainLabels: number[], testLabels: number[]): Dataset {
  return { name: 'synthetic', train: syntheticSet(trainLabels), test: syntheticSet(testLabels) };
}

/** Writes a dataset's four idx files (raw) into `dir`. */
export function writeDataset(dir: string, data: Dataset): DatasetFiles {
  const images = (s: ImageSet) => idxBytes([s.count, s.rows, s.cols], s.images);
  const labels = (s: ImageSet) => idxBytes([s.count], s.labels);
  return {
    trainImages: writeTemp(dir, 'train-images-idx3-ubyte', images(data.train)),
    trainLabels: writeTemp(dir, 'train-labels-idx1-ubyte', labels(data.train)),
    testImages: writeTemp(dir, 't10k-images-idx3-ubyte', images(data.test)),
    testLabels: writeTemp(dir, 't10k-labels-idx1-ubyte', labels(data.test)),
  };
}

/** The InputError that `run` throws, checked to be one line (fails the test if it throws nothing or something else). */
export function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).not.toContain('\n');
    return err as InputError;
  }
  throw new Error('expected an InputError');
}
