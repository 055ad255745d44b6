// Loading a dataset's four idx files into labelled byte images, with the cross-file checks idx cannot make.
import { basename } from 'node:path';
import { CLASS_COUNT } from '../article.js';
import { InputError } from '../errors.js';
import { itemsAt, openIdxFile, readIdxFile } from './idx.js';
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

/** A set's labels, with its images read from the file only where asked for (openDataset). */
export interface ImageSource {
  count: number;
  rows: number;
  cols: number;
  labels: Uint8Array;
  /** the images at positions `index`, rows × cols bytes each, one after another */
  read(index: Int32Array): Uint8Array;
}

/** A dataset opened for reading some of its images: every check of loadDataset is made when it opens. */
export interface DatasetSource {
  name: string;
  train: ImageSource;
  test: ImageSource;
}

/** The images of a set already in memory, as an ImageSource. */
export function imageSourceOf(set: ImageSet): ImageSource {
  const { count, rows, cols, labels, images } = set;
  return {
    count,
    rows,
    cols,
    labels,
    read: (index) => itemsAt(images, count, rows * cols, index, 'the images'),
  };
}

/** Checks that a set's labels go with its images; returns the set's shape. */
function checkLabels(dims: number[], labels: Uint8Array, imagesPath: string, labelsPath: string) {
  const [count, rows, cols] = dims;
  if (labels.length !== count) {
    throw new InputError(
      `${basename(labelsPath)} has ${labels.length} labels but ${basename(imagesPath)} has ${count} images: ` +
        'each image needs exactly one label',
    );
  }
  if (count === 0) throw new InputError(`${basename(imagesPath)} has no images: expected at least one`);
  const bad = labels.findIndex((label) => label >= CLASSES);
  if (bad >= 0) {
    throw new InputError(
      `${basename(labelsPath)}: label ${bad} is ${labels[bad]}, expected a class from 0 to ${CLASSES - 1}`,
    );
  }
  return { count, rows, cols };
}

function loadImageSet(imagesPath: string, labelsPath: string): ImageSet {
  const images = readIdxFile(imagesPath, { rank: 3 });
  const labels = readIdxFile(labelsPath, { rank: 1 }).data;
  return { ...checkLabels(images.dims, labels, imagesPath, labelsPath), images: images.data, labels };
}

function openImageSet(imagesPath: string, labelsPath: string): ImageSource {
  const images = openIdxFile(imagesPath, { rank: 3 });
  const labels = readIdxFile(labelsPath, { rank: 1 }).data;
  return { ...checkLabels(images.dims, labels, imagesPath, labelsPath), labels, read: images.read };
}

function checkSizes(files: DatasetFiles, train: { rows: number; cols: number }, test: typeof train): void {
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new InputError(
      `${basename(files.trainImages)} has ${train.rows}×${train.cols} images but ` +
        `${basename(files.testImages)} has ${test.rows}×${test.cols}: training and test images must have one size`,
    );
  }
}

/** Reads and cross-checks a dataset's four idx files; every defect is an InputError naming the files. */
export function loadDataset(files: DatasetFiles, name: string): Dataset {
  const train = loadImageSet(files.trainImages, files.trainLabels);
  const test = loadImageSet(files.testImages, files.testLabels);
  checkSizes(files, train, test);
  return { name, train, test };
}

/**
 * Opens a dataset's four idx files with loadDataset's checks, reading the labels but not the images: a
 * study that takes a few thousand of them (a pair: selectPair) reads only those from a raw file.
 */
export function openDataset(files: DatasetFiles, name: string): DatasetSource {
  const train = openImageSet(files.trainImages, files.trainLabels);
  const test = openImageSet(files.testImages, files.testLabels);
  checkSizes(files, train, test);
  return { name, train, test };
}
