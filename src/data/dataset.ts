// Loading a dataset's four idx files into labelled byte images, with the cross-file checks idx cannot make.
import { basename } from 'node:path';
import { CLASS_COUNT } from '../article.js';
import { InputError } from '../errors.js';
import { readIdxFile } from './idx.js';
import type { DatasetFiles } from './sources.js';

/** Classes every study here knows (MNIST's digits, Fashion-MNIST's ten kinds of clothing). */
export const CLASSES = CLASS_COUNT;

/** A set of grey-level images with their class labels, as stored in the idx files. */
export interface ImageSet {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, 0..255, image after image */
  images: Uint8Array;
  /** count class labels (0..9 for MNIST) */
  labels: Uint8Array;
}

/** A dataset: its training and test sets, with images of one size. */
export interface Dataset {
  name: string;
  train: ImageSet;
  test: ImageSet;
}

function loadImageSet(imagesPath: string, labelsPath: string): ImageSet {
  const images = readIdxFile(imagesPath, { rank: 3 });
  const labels = readIdxFile(labelsPath, { rank: 1 });
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new InputError(
      `${basename(labelsPath)} has ${labels.dims[0]} labels but ${basename(imagesPath)} has ${count} images: ` +
        'each image needs exactly one label',
    );
  }
  if (count === 0) throw new InputError(`${basename(imagesPath)} has no images: expected at least one`);
  const bad = labels.data.findIndex((label) => label >= CLASSES);
  if (bad >= 0) {
    throw new InputError(
      `${basename(labelsPath)}: label ${bad} is ${labels.data[bad]}, expected a class from 0 to ${CLASSES - 1}`,
    );
  }
  return { count, rows, cols, images: images.data, labels: labels.data };
}

/** Reads and cross-checks a dataset's four idx files; every defect is an InputError naming the files. */
export function loadDataset(files: DatasetFiles, name: string): Dataset {
  const train = loadImageSet(files.trainImages, files.trainLabels);
  const test = loadImageSet(files.testImages, files.testLabels);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new InputError(
      `${basename(files.trainImages)} has ${train.rows}×${train.cols} images but ` +
        `${basename(files.testImages)} has ${test.rows}×${test.cols}: training and test images must have one size`,
    );
  }
  return { name, train, test };
}
