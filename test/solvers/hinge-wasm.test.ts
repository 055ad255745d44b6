// The hinge solvers' row dot products and weights in WebAssembly (build/solvers.wasm, src/solvers/hinge/wasm.ts): every
// gradient, kernel entry and model of a path the same bits as the TypeScript loops, on a slice of real digits.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import type { BinaryPair } from '../../src/data/pairs.js';
import { solverKernels } from '../../src/experiments/solver-kernels.js';
import { lambdaGrid } from '../../src/schema/artifacts.js';
import {
  gradientPass,
  gradientPassRows,
  kernelEntries,
  prepareHingeData,
  weightsFromAlpha,
} from '../../src/solvers/hinge/data.js';
import { hingePathModels } from '../../src/solvers/hinge-path.js';

let pair: BinaryPair;

beforeAll(() => {
  pair = selectPair(loadDataset(mnistFiles(), 'mnist'), 3, 5, 200);
});

describe('the hinge kernels in WebAssembly', () => {
  it('give the gradient passes, kernel entries and weights of the TypeScript loops, bit for bit', () => {
    const make = solverKernels().hingeKernels;
    expect(make, 'build/solvers.wasm loads (npm run build)').toBeDefined();
    if (!make) return;
    const ts = prepareHingeData(pair.train, pair.train.bytes);
    const wasm = prepareHingeData(pair.train, pair.train.bytes);
    wasm.kernels = make(wasm);
    expect(wasm.kernels).toBeDefined();
    const { n, dim } = ts;
    const u = Float64Array.from({ length: dim }, (_, k) => Math.sin(k) * 40);
    const both = (run: (d: typeof ts, out: Float64Array) => void, length: number) => {
      const a = new Float64Array(length);
      const b = new Float64Array(length);
      run(ts, a);
      run(wasm, b);
      expect(b).toEqual(a);
    };
    both((d, g) => gradientPass(d, u, g), n);
    const rows = Int32Array.from({ length: 57 }, (_, k) => (k * 37) % n);
    both((d, g) => gradientPassRows(d, u, g, rows, rows.length), n);
    both((d, out) => kernelEntries(d, 11, rows, rows.length, out), rows.length);
    // a dual point with zeros, bounds and free values, as the solvers hold it
    const alpha = Float64Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? 0 : i % 3 === 1 ? 0.01 : i / 7e4,
    );
    both((d, w) => weightsFromAlpha(d, alpha, w), dim);
    // data not given as bytes keeps the TypeScript loops
    expect(make(prepareHingeData(pair.train))).toBeUndefined();
  });

  it('solve the same path as the TypeScript loops, bit for bit', () => {
    const make = solverKernels().hingeKernels;
    if (!make) throw new Error('build/solvers.wasm is missing');
    const lambdas = lambdaGrid().filter((_, c) => c % 8 === 0);
    const options = { tolerance: 1e-6, bytes: pair.train.bytes };
    const ts = [...hingePathModels(pair.train, lambdas, options)];
    const wasm = [...hingePathModels(pair.train, lambdas, { ...options, kernels: make })];
    expect(wasm.map((m) => [m.w, m.b, m.iterations])).toEqual(ts.map((m) => [m.w, m.b, m.iterations]));
  });
});
