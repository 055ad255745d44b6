// The binary problems of the article (SPEC §3): class I against class J, balanced training set, full test set.
import { PER_CLASS } from '../article.js';
import { InputError, UsageError } from '../errors.js';
import { type ByteLabelledSet, byteLabelledSet } from '../math/types.js';
import {
  type Dataset,
  type DatasetSource,
  type ImageSet,
  type ImageSource,
  imageSourceOf,
} from './dataset.js';

export { type ByteLabelledSet, pixelScale } from '../math/types.js';

/** The problem "class I (y = −1) against class J (y = +1)", with where each image came from in the files. */
export interface BinaryPair {
  classI: number;
  classJ: number;
  /** training images per class actually used (smaller than asked when a class has fewer) */
  perClass: number;
  train: ByteLabelledSet;
  test: ByteLabelledSet;
  /** position in the training file of each training image */
  trainIndex: Int32Array;
  /** position in the test file of each test image */
  testIndex: Int32Array;
}

function checkClasses(classI: number, classJ: number, perClass: number): void {
  const pair = `--pair ${classI},${classJ}`;
  for (const c of [classI, classJ]) {
    if (!Number.isInteger(c) || c < 0 || c > 9) throw new UsageError(`${pair}: classes are digits 0..9`);
  }
  if (classI === classJ) throw new UsageError(`${pair}: the two classes must differ`);
  if (classI > classJ) throw new UsageError(`${pair}: give the smaller class first (${classJ},${classI})`);
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw new UsageError(`--per-class ${perClass}: must be a positive whole number`);
  }
}

function countLabel(labels: Uint8Array, label: number): number {
  let count = 0;
  for (let k = 0; k < labels.length; k++) if (labels[k] === label) count++;
  return count;
}

/** Positions, in file order, of the first `limitI` images of class I and `limitJ` of class J, interleaved. */
function chooseIndex(
  set: ImageSet | ImageSource,
  classI: number,
  classJ: number,
  limitI: number,
  limitJ: number,
): Int32Array {
  const index = new Int32Array(limitI + limitJ);
  let takenI = 0;
  let takenJ = 0;
  let n = 0;
  for (let k = 0; k < set.count && n < index.length; k++) {
    const label = set.labels[k];
    if (label === classI && takenI < limitI) {
      takenI++;
      index[n++] = k;
    } else if (label === classJ && takenJ < limitJ) {
      takenJ++;
      index[n++] = k;
    }
  }
  return index;
}

/** The chosen images as bytes (read from the file only where `set` is an ImageSource); x is computed when first read (byteLabelledSet). */
function gather(set: ImageSet | ImageSource, index: Int32Array, classJ: number): ByteLabelledSet {
  const dim = set.rows * set.cols;
  const bytes = ('images' in set ? imageSourceOf(set) : set).read(index);
  const y = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) y[k] = set.labels[index[k]] === classJ ? 1 : -1;
  return byteLabelledSet(index.length, dim, bytes, y);
}

/**
 * Builds the pair problem: the first `perClass` training images of each class and every test image of both.
 * `withTest: false` leaves the test set empty (a solver's thread that never reads it). From an opened dataset
 * (openDataset) only the chosen images are read.
 */
export function selectPair(
  data: Dataset | DatasetSource,
  classI: number,
  classJ: number,
  perClass = PER_CLASS,
  { withTest = true }: { withTest?: boolean } = {},
): BinaryPair {
  checkClasses(classI, classJ, perClass);
  const counts = (set: ImageSet | ImageSource) => [
    countLabel(set.labels, classI),
    countLabel(set.labels, classJ),
  ];
  const [trainI, trainJ] = counts(data.train);
  const [testI, testJ] = counts(data.test);
  for (const [have, c, where] of [
    [trainI, classI, 'training'],
    [trainJ, classJ, 'training'],
    [testI, classI, 'test'],
    [testJ, classJ, 'test'],
  ] as const) {
    if (have === 0) throw new InputError(`${data.name}: the ${where} set has no image of class ${c}`);
  }
  // A class short of images shrinks both, so the training set stays balanced.
  const used = Math.min(perClass, trainI, trainJ);
  const trainIndex = chooseIndex(data.train, classI, classJ, used, used);
  const testIndex = withTest ? chooseIndex(data.test, classI, classJ, testI, testJ) : new Int32Array(0);
  return {
    classI,
    classJ,
    perClass: used,
    train: gather(data.train, trainIndex, classJ),
    test: gather(data.test, testIndex, classJ),
    trainIndex,
    testIndex,
  };
}
