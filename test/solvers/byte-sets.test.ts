// Sets of pixel bytes whose x is computed only when read (byteLabelledSet): the solvers take such a set's bytes
// without reading x, and every model is the bits of the same set given as doubles.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import { solverKernels } from '../../src/experiments/solver-kernels.js';
import { sparseRowsOf, toSparseColumns, toSparseRows } from '../../src/math/sparse.js';
import { byteLabelledSet, type LabelledSet, pixelBytesOf } from '../../src/math/types.js';
import { lambdaGrid } from '../../src/schema/artifacts.js';
import { prepareHingeData } from '../../src/solvers/hinge/data.js';
import { SOLVERS } from '../../src/solvers/registry.js';

let data: Dataset;

beforeAll(() => {
  data = loadDataset(mnistFiles(), 'mnist');
});

/** The pair's training set as doubles, the way a caller without bytes gives it. */
function asDoubles(set: LabelledSet & { bytes: Uint8Array }): LabelledSet {
  return { n: set.n, dim: set.dim, x: Float64Array.from(set.bytes, (b) => b / 255), y: set.y };
}

describe('a pair of byte images', () => {
  it('computes x = byte / 255 on its first read, once', () => {
    const { train } = selectPair(data, 3, 5, 50);
    const read = vi.spyOn(train, 'x', 'get');
    const first = train.x;
    expect(train.x).toBe(first);
    expect(read).toHaveBeenCalledTimes(2);
    expect(Array.from(first)).toEqual(Array.from(train.bytes, (b) => b / 255));
    expect(pixelBytesOf(train)).toBe(train.bytes);
    expect(pixelBytesOf(asDoubles(train))).toBeUndefined();
    // a copy carries x as data: it is no longer known to be the bytes
    expect(pixelBytesOf({ ...train })).toBeUndefined();
    expect(Array.from({ ...train }.x)).toEqual(Array.from(first));
  });

  it('gives the CSR rows of x from its bytes', () => {
    const { train } = selectPair(data, 3, 5, 50);
    const read = vi.spyOn(train, 'x', 'get');
    const rows = sparseRowsOf(train);
    expect(read).not.toHaveBeenCalled();
    const reference = toSparseRows(asDoubles(train).x, train.n, train.dim);
    for (const key of ['start', 'column', 'value'] as const)
      expect(Array.from(rows[key])).toEqual(Array.from(reference[key]));
    // each entry's byte goes with it, in the rows and in their columns, for the wasm passes
    expect(reference.bytes).toBeUndefined();
    expect(Array.from(rows.bytes ?? [])).toEqual(Array.from(rows.value, (v) => Math.round(v * 255)));
    const columns = toSparseColumns(rows);
    expect(Array.from(columns.bytes ?? [])).toEqual(Array.from(columns.value, (v) => Math.round(v * 255)));
  });

  it('gives the same rows and columns from bytes four at a time and from bytes that are not word-aligned', () => {
    const { train } = selectPair(data, 0, 1, 40);
    // the same images at an odd byte offset, and cut into rows of 49 pixels (not word-aligned)
    const shifted = new Uint8Array(train.bytes.length + 1);
    shifted.set(train.bytes, 1);
    const sets = [
      train,
      byteLabelledSet(train.n, train.dim, shifted.subarray(1), train.y),
      byteLabelledSet(
        train.n * 16,
        train.dim / 16,
        train.bytes,
        Float64Array.from({ length: train.n * 16 }, () => 1),
      ),
    ];
    for (const set of sets) {
      const rows = sparseRowsOf(set);
      const reference = toSparseRows(asDoubles(set).x, set.n, set.dim);
      for (const key of ['start', 'column', 'value'] as const)
        expect(Array.from(rows[key])).toEqual(Array.from(reference[key]));
      const columns = toSparseColumns(rows);
      const referenceColumns = toSparseColumns(reference);
      for (const key of ['start', 'row', 'value'] as const)
        expect(Array.from(columns[key])).toEqual(Array.from(referenceColumns[key]));
      expect(Array.from(columns.bytes ?? [])).toEqual(Array.from(columns.value, (v) => Math.round(v * 255)));
    }
  });

  it('is refused by the hinge solver, naming both lengths, when its labels do not fit its images', () => {
    const set = byteLabelledSet(2, 4, new Uint8Array(8).fill(3), Float64Array.of(1));
    expect(() => prepareHingeData(set, set.bytes)).toThrow(
      'hinge solver: x holds 8 values and y 1 labels for n = 2, dim = 4',
    );
  });

  for (const solver of ['hinge-path', 'logistic-path'] as const) {
    it(`is solved by ${solver} from its bytes, x unread, to the bits of the same set as doubles`, () => {
      const { train } = selectPair(data, 3, 5, 150, { withTest: false });
      const lambdas = lambdaGrid().slice(20, 50);
      const options = { bytes: train.bytes, ...solverKernels() };
      const read = vi.spyOn(train, 'x', 'get');
      const fromBytes = SOLVERS[solver].solvePath(train, lambdas, options);
      expect(read).not.toHaveBeenCalled();
      const fromDoubles = SOLVERS[solver].solvePath(asDoubles(train), lambdas, options);
      expect(fromBytes.length).toBe(lambdas.length);
      fromBytes.forEach((model, c) => {
        expect(Array.from(model.w)).toEqual(Array.from(fromDoubles[c].w));
        expect(model.b).toBe(fromDoubles[c].b);
      });
    });
  }
});
