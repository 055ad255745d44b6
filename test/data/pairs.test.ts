import { beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../../src/data/dataset.js';
import { type BinaryPair, pixelScale, selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import { UsageError } from '../../src/errors.js';
import { inputError, syntheticDataset } from './idx-builder.js';

describe('selectPair on MNIST, 7 against 9', () => {
  let mnist: Dataset;
  let pair: BinaryPair;
  beforeAll(() => {
    mnist = loadDataset(mnistFiles(), 'mnist');
    pair = selectPair(mnist, 7, 9);
  });

  it('takes 3000 images of each class, 7s at y = −1 and 9s at y = +1', () => {
    expect([pair.classI, pair.classJ, pair.perClass]).toEqual([7, 9, 3000]);
    expect(pair.train.n).toBe(6000);
    expect(pair.train.dim).toBe(784);
    let sevens = 0;
    let wrong = 0;
    for (let k = 0; k < pair.train.n; k++) {
      const label = mnist.train.labels[pair.trainIndex[k]];
      if (label === 7) sevens++;
      if (pair.train.y[k] !== (label === 7 ? -1 : label === 9 ? 1 : Number.NaN)) wrong++;
    }
    expect(sevens).toBe(3000);
    expect(wrong).toBe(0);
  });

  it('keeps the first 3000 images of each class, interleaved in file order', () => {
    let increasing = true;
    for (let k = 1; k < pair.trainIndex.length; k++)
      increasing &&= pair.trainIndex[k] > pair.trainIndex[k - 1];
    expect(increasing).toBe(true);
    for (const c of [7, 9]) {
      const chosen = Array.from(pair.trainIndex).filter((k) => mnist.train.labels[k] === c);
      expect(chosen).toEqual(firstPositions(mnist.train.labels, c, 3000));
    }
  });

  it('copies the bytes of the chosen images and scales x = byte / 255', () => {
    expect(pixelScale).toBe(255);
    let mismatches = 0;
    for (let k = 0; k < pair.train.n; k++) {
      const src = pair.trainIndex[k] * 784;
      for (let p = 0; p < 784; p++) {
        const b = mnist.train.images[src + p];
        if (pair.train.bytes[k * 784 + p] !== b || pair.train.x[k * 784 + p] !== b / 255) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('tests on every 7 and 9 of the test file (1028 + 1009)', () => {
    expect(pair.test.n).toBe(2037);
    expect(pair.testIndex.length).toBe(2037);
    let nines = 0;
    for (let k = 0; k < pair.test.n; k++) {
      const label = mnist.test.labels[pair.testIndex[k]];
      expect(label === 7 || label === 9).toBe(true);
      if (pair.test.y[k] === 1) nines++;
    }
    expect(nines).toBe(1009);
    expect(pair.test.x[783]).toBe(pair.test.bytes[783] / 255);
  });
});

function firstPositions(labels: Uint8Array, label: number, limit: number): number[] {
  const positions: number[] = [];
  for (let k = 0; k < labels.length && positions.length < limit; k++)
    if (labels[k] === label) positions.push(k);
  return positions;
}

describe('selectPair on small synthetic data', () => {
  const data = syntheticDataset([3, 1, 3, 3, 2, 1, 3, 3], [1, 2, 3, 3, 0]);

  it('balances the classes when one has fewer images than asked', () => {
    const pair = selectPair(data, 1, 3, 5);
    expect(pair.perClass).toBe(2);
    expect(Array.from(pair.trainIndex)).toEqual([0, 1, 2, 5]);
    expect(Array.from(pair.train.y)).toEqual([1, -1, 1, -1]);
    expect(Array.from(pair.testIndex)).toEqual([0, 2, 3]);
    expect(Array.from(pair.test.y)).toEqual([-1, 1, 1]);
    // pixel of image k in the synthetic set is 10 × label + k
    expect(Array.from(pair.train.bytes.subarray(0, 8))).toEqual([30, 30, 30, 30, 11, 11, 11, 11]);
    expect(pair.train.x[4]).toBe(11 / 255);
  });

  it('keeps only perClass images of each class', () => {
    const pair = selectPair(data, 1, 3, 1);
    expect(Array.from(pair.trainIndex)).toEqual([0, 1]);
    expect(pair.train.n).toBe(2);
  });

  it('refuses a class with no image', () => {
    expect(inputError(() => selectPair(data, 1, 4)).message).toBe(
      'synthetic: the training set has no image of class 4',
    );
    expect(inputError(() => selectPair(data, 0, 1)).message).toBe(
      'synthetic: the training set has no image of class 0',
    );
  });

  it('refuses equal, reversed or out-of-range classes with a UsageError', () => {
    expect(() => selectPair(data, 7, 7)).toThrow(new UsageError('--pair 7,7: the two classes must differ'));
    expect(() => selectPair(data, 9, 7)).toThrow(UsageError);
    expect(() => selectPair(data, 9, 7)).toThrow('--pair 9,7: give the smaller class first (7,9)');
    expect(() => selectPair(data, 7, 10)).toThrow('--pair 7,10: classes are digits 0..9');
    expect(() => selectPair(data, -1, 3)).toThrow(UsageError);
    expect(() => selectPair(data, 1.5, 3)).toThrow(UsageError);
    expect(() => selectPair(data, 1, 3, 0)).toThrow(UsageError);
  });
});
