// The path measurements' passes over a pair's images in WebAssembly (src/solvers/sparse-wasm.ts) against the
// TypeScript ones, on a slice of real digits: the scores, the widest direction across ẑ, and every field of
// every model record of a path, the same bits; and the strong-λ models' shared coordinates along n̂.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import type { BinaryPair } from '../../src/data/pairs.js';
import { measurementPasses, solverKernels } from '../../src/experiments/solver-kernels.js';
import { modelRecord, pathGeometry } from '../../src/experiments/svm-path.js';
import { nearestCentroidDirection, widestDirectionAcross } from '../../src/math/geometry.js';
import { sequentialRowPasses, toSparseRows } from '../../src/math/sparse.js';
import { byteLabelledSet, type LabelledSet } from '../../src/math/types.js';
import { lambdaGrid } from '../../src/schema/artifacts.js';
import { SOLVERS } from '../../src/solvers/registry.js';

let pair: BinaryPair;

beforeAll(() => {
  pair = selectPair(loadDataset(mnistFiles(), 'mnist'), 4, 9, 150);
});

describe('the measurement passes in WebAssembly', () => {
  it('give the scores and the power iteration of the TypeScript passes, bit for bit', () => {
    const make = measurementPasses();
    expect(make, 'build/solvers.wasm loads (npm run build)').toBeDefined();
    if (!make) return;
    const { train } = pair;
    const rows = toSparseRows(train.x, train.n, train.dim);
    const ts = sequentialRowPasses(rows);
    const wasm = make(rows);
    const v = Float64Array.from({ length: train.dim }, (_, k) => Math.sin(k) / 9);
    const a = new Float64Array(train.n);
    const b = new Float64Array(train.n);
    ts.scores(v, 0.25, a);
    wasm.scores(v, 0.25, b);
    expect(b).toEqual(a);
    const nextA = Float64Array.from({ length: train.dim }, (_, k) => k / 100);
    const nextB = nextA.slice();
    expect(wasm.spreadStep(v, 0.1, nextB)).toBe(ts.spreadStep(v, 0.1, nextA));
    expect(nextB).toEqual(nextA);
    const { i, j } = { i: train.x.subarray(0, train.dim), j: train.x.subarray(train.dim, 2 * train.dim) };
    const zHat = nearestCentroidDirection(i, j);
    const origin = new Float64Array(train.dim).fill(0.2);
    expect(widestDirectionAcross(rows, zHat, origin, 40, wasm)).toEqual(
      widestDirectionAcross(rows, zHat, origin),
    );
  });

  it('leave every model record of a path as the TypeScript passes make it', () => {
    const make = measurementPasses();
    if (!make) throw new Error('build/solvers.wasm is missing');
    const models: Parameters<typeof modelRecord>[3][] = [];
    SOLVERS['hinge-path'].solvePath(pair.train, lambdaGrid(), {
      bytes: pair.train.bytes,
      ...solverKernels(),
      onModel: (model) => models.push(model),
    });
    const ts = pathGeometry(pair.train, pair.test);
    const wasm = pathGeometry(pair.train, pair.test, make);
    expect(wasm.spread).toEqual(ts.spread);
    const recordsTs = models.map((model, c) => modelRecord(pair, ts, c, model));
    const recordsWasm = models.map((model, c) => modelRecord(pair, wasm, c, model));
    expect(recordsWasm).toEqual(recordsTs);
    // the strongest λ give w ∥ ẑ: their coordinates along the data's n̂ are computed once and reused, the
    // same as each computed afresh
    expect(ts.alongLast).toBeDefined();
    const afresh = models.map((model, c) => modelRecord(pair, pathGeometry(pair.train, pair.test), c, model));
    expect(afresh).toEqual(recordsTs);
  });

  it('measure a byte set without materialising its x, to the bits of the same images given as doubles', () => {
    const make = measurementPasses();
    const models: Parameters<typeof modelRecord>[3][] = [];
    SOLVERS['hinge-path'].solvePath(pair.train, lambdaGrid().slice(0, 12), {
      bytes: pair.train.bytes,
      ...solverKernels(),
      onModel: (model) => models.push(model),
    });
    const fresh = (set: typeof pair.train) => byteLabelledSet(set.n, set.dim, set.bytes, set.y);
    const bytes = { ...pair, train: fresh(pair.train), test: fresh(pair.test) };
    const read = [vi.spyOn(bytes.train, 'x', 'get'), vi.spyOn(bytes.test, 'x', 'get')];
    const geometry = pathGeometry(bytes.train, bytes.test, make);
    const records = models.map((model, c) => modelRecord(bytes, geometry, c, model));
    for (const spy of read) expect(spy).not.toHaveBeenCalled();
    const doubles = (set: LabelledSet): LabelledSet => ({
      n: set.n,
      dim: set.dim,
      x: set.x.slice(),
      y: set.y,
    });
    const asDoubles = {
      ...pair,
      train: doubles(pair.train),
      test: doubles(pair.test),
    } as unknown as BinaryPair;
    const reference = pathGeometry(asDoubles.train, asDoubles.test, make);
    expect(geometry.u).toEqual(reference.u);
    expect(geometry.representatives).toEqual(reference.representatives);
    expect(records).toEqual(models.map((model, c) => modelRecord(asDoubles, reference, c, model)));
  });
});
