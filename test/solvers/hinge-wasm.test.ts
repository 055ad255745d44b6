// The hinge solvers' row dot products and weights in WebAssembly (build/solvers.wasm, src/solvers/hinge/wasm.ts): every
// gradient, kernel entry and model of a path the same bits as the TypeScript loops, on a slice of real digits.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import type { BinaryPair } from '../../src/data/pairs.js';
import { solverKernels } from '../../src/experiments/solver-kernels.js';
import { byteLabelledSet } from '../../src/math/types.js';
import { lambdaGrid } from '../../src/schema/artifacts.js';
import { CholeskyFactor } from '../../src/solvers/hinge/cholesky.js';
import {
  addRows,
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
  it('give the gradient passes, kernel entries, weights and row updates of the TypeScript loops, bit for bit', () => {
    samePasses(pair.train.bytes, pair.train);
    const make = solverKernels().hingeKernels;
    // data not given as bytes keeps the TypeScript loops
    expect(make?.(prepareHingeData(pair.train))).toBeUndefined();
  });

  it('do the same on data held dense (more than half the pixels lit: the digits inverted)', () => {
    const { bytes, set } = inverted(pair.train);
    expect(prepareHingeData(set, bytes).sparse).toBe(false);
    samePasses(bytes, set);
  });

  it('take kernel entries from dense rows where the pixels fill an eighth of them, exact at the largest sums', () => {
    const make = solverKernels().hingeKernels;
    if (!make) throw new Error('build/solvers.wasm is missing');
    // MNIST's digits: dense rows, no kernel cache
    const digits = prepareHingeData(pair.train, pair.train.bytes);
    expect(make(digits)?.uncached).toBe(true);
    // a width that is not a multiple of 16 (zero padding), rows of 255s (the largest products) beside sparse
    // rows, and an odd number of targets (the pair loop's tail)
    const n = 9;
    const dim = 37;
    const bytes = new Uint8Array(n * dim);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < dim; k++)
        bytes[i * dim + k] = i < 3 ? 255 : (i * 31 + k * 17) % 5 === 0 ? (i * k) % 256 : 0;
    const y = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const set = byteLabelledSet(n, dim, bytes, y);
    const ts = prepareHingeData(set, bytes);
    const wasm = prepareHingeData(set, bytes);
    wasm.kernels = make(wasm);
    expect(wasm.kernels?.uncached).toBe(true);
    const targets = Int32Array.from([0, 8, 1, 4, 2, 7, 3]);
    for (const j of [0, 5, 8]) {
      const a = new Float64Array(targets.length);
      const b = new Float64Array(targets.length);
      kernelEntries(ts, j, targets, targets.length, a);
      kernelEntries(wasm, j, targets, targets.length, b);
      expect(b).toEqual(a);
    }
    const top = new Float64Array(1);
    kernelEntries(wasm, 0, Int32Array.of(1), 1, top);
    expect(top[0]).toBe(dim);
    // sparse rows (under an eighth filled) keep the compressed rows and the cache
    const few = new Uint8Array(n * dim);
    for (let i = 0; i < n; i++) few[i * dim + (i % dim)] = 200;
    const sparse = prepareHingeData(byteLabelledSet(n, dim, few, y), few);
    expect(make(sparse)?.uncached).toBe(false);
  });

  it('grow, shrink and solve with a Cholesky factor of kernel blocks as the TypeScript loops do, bit for bit', () => {
    const make = solverKernels().hingeKernels;
    if (!make) throw new Error('build/solvers.wasm is missing');
    const data = prepareHingeData(pair.train, pair.train.bytes);
    const kernels = make(data);
    if (!kernels) throw new Error('no kernels for byte data');
    // two factors from capacity 4, so that both grow through several strides
    const ts = new CholeskyFactor(4);
    const wasm = new CholeskyFactor(4, kernels.factor());
    const points = Array.from({ length: 90 }, (_, k) => (k * 53) % data.n);
    // the points the factors hold, in their order
    const held: number[] = [];
    const q = new Float64Array(points.length);
    const both = (run: (f: CholeskyFactor) => number | undefined) => {
      const a = run(ts);
      const b = run(wasm);
      expect(b).toBe(a);
    };
    const append = (point: number) => {
      kernelEntries(data, point, Int32Array.from(held), held.length, q);
      both((f) => f.append(q, data.diag[point] + 1, 1e-12));
      expect(wasm.size).toBe(held.length + 1);
      held.push(point);
    };
    const solved = () => {
      const b = Float64Array.from({ length: ts.size }, (_, k) => Math.cos(k));
      const x = b.slice();
      const y = b.slice();
      ts.solve(x);
      wasm.solve(y);
      expect(y).toEqual(x);
    };
    ts.ridge = 1;
    wasm.ridge = 1;
    for (const point of points.slice(0, 70)) append(point);
    solved();
    const dead = Int32Array.of(0, 3, 4, 31, 50, 69);
    ts.remove(dead, dead.length);
    wasm.remove(dead, dead.length);
    for (let r = dead.length - 1; r >= 0; r--) held.splice(dead[r], 1);
    expect(wasm.size).toBe(64);
    solved();
    for (const point of points.slice(70)) append(point);
    solved();
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

  it('solve the same path as the TypeScript loops on data held dense, bit for bit', () => {
    const make = solverKernels().hingeKernels;
    if (!make) throw new Error('build/solvers.wasm is missing');
    const { bytes, set } = inverted(pair.train);
    const lambdas = lambdaGrid().filter((_, c) => c % 8 === 0);
    const options = { tolerance: 1e-6, bytes };
    const ts = [...hingePathModels(set, lambdas, options)];
    const wasm = [...hingePathModels(set, lambdas, { ...options, kernels: make })];
    expect(wasm.map((m) => [m.w, m.b, m.iterations])).toEqual(ts.map((m) => [m.w, m.b, m.iterations]));
  });
});

/** The digits with every pixel inverted (255 − byte): the same images, held dense by prepareHingeData. */
function inverted(train: BinaryPair['train']): {
  bytes: Uint8Array;
  set: ReturnType<typeof byteLabelledSet>;
} {
  const bytes = train.bytes.map((b) => 255 - b);
  return { bytes, set: byteLabelledSet(train.n, train.dim, bytes, Float64Array.from(train.y)) };
}

/** Every pass of the wasm kernels on `set` (prepared from `bytes`) equals the TypeScript loops' bit for bit. */
function samePasses(bytes: Uint8Array, set: BinaryPair['train']): void {
  const make = solverKernels().hingeKernels;
  expect(make, 'build/solvers.wasm loads (npm run build)').toBeDefined();
  if (!make) return;
  const ts = prepareHingeData(set, bytes);
  const wasm = prepareHingeData(set, bytes);
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
    expect(Array.from(b, (v) => Object.is(v, -0))).toEqual(Array.from(a, (v) => Object.is(v, -0)));
  };
  both((d, g) => gradientPass(d, u, g), n);
  const rows = Int32Array.from({ length: 57 }, (_, k) => (k * 37) % n);
  both((d, g) => gradientPassRows(d, u, g, rows, rows.length), n);
  both((d, out) => kernelEntries(d, 11, rows, rows.length, out), rows.length);
  // a dual point with zeros, bounds and free values, as the solvers hold it
  const alpha = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 0.01 : i / 7e4));
  both((d, w) => weightsFromAlpha(d, alpha, w), dim);
  const coefs = Float64Array.from(rows, (_, k) => (k % 2 === 0 ? 1e-3 : -2e-3) * (k + 1));
  both((d, w) => {
    w.set(u);
    // zeros of both signs in u: a row's zero pixels add ±0 to them
    w[3] = -0;
    w[4] = 0;
    addRows(d, rows, coefs, rows.length, w);
  }, dim);
}
