// The logistic path's passes in WebAssembly (assembly/solvers.ts): the same sums in the same order as the
// TypeScript ones (passes.ts), on the data kept as pixel bytes (3 bytes an entry instead of 12). Pure: it
// takes the compiled module, so Node (src/experiments/solver-kernels.ts reads build/solvers.wasm) and a
// browser can both give it one. Each path gets its own instance and memory, holding a copy of the data; the vectors pass through
// it on each call (a few thousand doubles against a pass over the whole data).

import { byteDataInstance } from '../wasm-module.js';
import { type LogisticPasses, OUTER_BLOCK } from './passes.js';
import type { SharedPassRunner } from './shared-passes.js';
import type { Problem } from './workspace.js';

/** The exports of build/solvers.wasm (pointers are byte offsets into its memory). */
export interface SolverExports {
  memory: WebAssembly.Memory;
  margins(
    lo: number,
    hi: number,
    dim: number,
    start: number,
    column: number,
    value: number,
    table: number,
    y: number,
    theta: number,
    out: number,
  ): void;
  curvedDots(
    lo: number,
    hi: number,
    dim: number,
    start: number,
    column: number,
    value: number,
    table: number,
    curvature: number,
    v: number,
    t: number,
  ): void;
  transposeTimes(
    lo: number,
    hi: number,
    start: number,
    row: number,
    value: number,
    table: number,
    t: number,
    out: number,
  ): void;
  outerProducts(
    n: number,
    m: number,
    start: number,
    activeColumn: number,
    value: number,
    table: number,
    curvature: number,
    least: number,
    a: number,
    cursor: number,
    r0: number,
    r1: number,
    block: number,
  ): void;
  curvatureDiagonal(
    n: number,
    dim: number,
    start: number,
    column: number,
    value: number,
    table: number,
    curvature: number,
    out: number,
  ): void;
  choleskyFactor(a: number, m: number): number;
  choleskySolve(l: number, m: number, b: number): void;
}

/**
 * The passes' kernels on one instance of build/solvers.wasm holding a copy of a path's data: the caller sets
 * each call's inputs in the instance's views, and the row and column passes and the outer products compute a
 * range of their outputs (every output the same bits whichever range computes it), so a pass can be split
 * between threads, each with an instance of its own (shared-passes.ts).
 */
export interface WasmPassKernel {
  /** θ or v: dim + 1 entries, bias last */
  readonly vector: Float64Array;
  /** c: one per image */
  readonly curvature: Float64Array;
  /** the row passes' outputs, and transposeTimes' input t: one per image */
  readonly perImage: Float64Array;
  /** transposeTimes' output and curvatureDiagonal's: dim + 1 entries */
  readonly perPixel: Float64Array;
  /** the outer products' matrix, then the factor: order m = active pixels + 1, row-major */
  readonly hessian: Float64Array;
  /** perImage[i] = y_i (x_i·θ + θ_b) for i in lo … hi − 1 (θ = vector) */
  margins(lo: number, hi: number): void;
  /** perImage[i] = c_i (x_i·v + v_b) for i in lo … hi − 1, 0 where c_i = 0 */
  curvedDots(lo: number, hi: number): void;
  /** perPixel[k] = Σ_i X_ik t_i for k in lo … hi − 1 (t = perImage) */
  transposeTimes(lo: number, hi: number): void;
  /**
   * Adds the outer products of the images with c_i > least into rows r0 … r1 − 1 of hessian's lower triangle
   * and the same columns of its last row (outerProductsRange of passes.ts)
   */
  outerProducts(least: number, r0: number, r1: number): void;
  curvatureDiagonal(): void;
  /** Cholesky-factors hessian's first m × m entries in place; false when a pivot is not positive */
  factor(m: number): boolean;
  /** perPixel[0 … m − 1] ← (L Lᵀ)⁻¹ of itself, L the factor of order m in hessian */
  solve(m: number): void;
}

/**
 * The kernels on a fresh instance of `module` (build/solvers.wasm) holding `data` as pixel bytes (x = byte /
 * 255), or undefined for data of another form or with more than 65 536 images or pixels.
 */
export function wasmPassKernel(module: WebAssembly.Module, data: Problem): WasmPassKernel | undefined {
  const { n, dim } = data.rows;
  const nnz = data.rows.start[n];
  const m = data.active.length + 1;
  const instance = byteDataInstance(module, data, {
    activeColumn: nnz * 2,
    vector: (dim + 1) * 8,
    curvature: n * 8,
    perImage: n * 8,
    perPixel: (dim + 1) * 8,
    hessian: m * m * 8,
    cursor: n * 4,
  });
  if (!instance) return undefined;
  const { at } = instance;
  const wasm = instance.exports as unknown as SolverExports;
  const { buffer } = wasm.memory;
  const f64 = (offset: number, length: number) => new Float64Array(buffer, offset, length);
  new Uint16Array(buffer, at.activeColumn, nnz).set(data.activeColumn.subarray(0, nnz));
  return {
    vector: f64(at.vector, dim + 1),
    curvature: f64(at.curvature, n),
    perImage: f64(at.perImage, n),
    perPixel: f64(at.perPixel, dim + 1),
    hessian: f64(at.hessian, m * m),
    margins: (lo, hi) =>
      wasm.margins(
        lo,
        hi,
        dim,
        at.rowStart,
        at.rowColumn,
        at.rowValue,
        at.table,
        at.y,
        at.vector,
        at.perImage,
      ),
    curvedDots: (lo, hi) =>
      wasm.curvedDots(
        lo,
        hi,
        dim,
        at.rowStart,
        at.rowColumn,
        at.rowValue,
        at.table,
        at.curvature,
        at.vector,
        at.perImage,
      ),
    transposeTimes: (lo, hi) =>
      wasm.transposeTimes(lo, hi, at.colStart, at.colRow, at.colValue, at.table, at.perImage, at.perPixel),
    outerProducts: (least, r0, r1) =>
      wasm.outerProducts(
        n,
        m,
        at.rowStart,
        at.activeColumn,
        at.rowValue,
        at.table,
        at.curvature,
        least,
        at.hessian,
        at.cursor,
        r0,
        r1,
        OUTER_BLOCK,
      ),
    curvatureDiagonal: () =>
      wasm.curvatureDiagonal(
        n,
        dim,
        at.rowStart,
        at.rowColumn,
        at.rowValue,
        at.table,
        at.curvature,
        at.perPixel,
      ),
    factor: (order) => wasm.choleskyFactor(at.hessian, order) === 1,
    solve: (order) => wasm.choleskySolve(at.hessian, order, at.perPixel),
  };
}

/**
 * The passes on a kernel (wasmPassKernel), all on this thread; `share` (shared-passes.ts) may take over the
 * row and column passes and the outer products, splitting each with another thread: the same bits either way.
 */
export function kernelPasses(
  kernel: WasmPassKernel,
  data: Problem,
  share?: SharedPassRunner,
): LogisticPasses {
  const { n, dim } = data.rows;
  const m = data.active.length + 1;
  const { vector, curvature, perImage, perPixel, hessian } = kernel;
  let order = 0;
  return {
    margins(theta, out) {
      vector.set(theta.subarray(0, dim + 1));
      if (share) share.margins(out);
      else {
        kernel.margins(0, n);
        out.set(perImage);
      }
    },
    curvedDots(c, v, t) {
      curvature.set(c.subarray(0, n));
      vector.set(v.subarray(0, dim + 1));
      if (share) share.curvedDots(t);
      else {
        kernel.curvedDots(0, n);
        t.set(perImage);
      }
    },
    transposeTimes(t, out) {
      perImage.set(t.subarray(0, n));
      if (share) share.transposeTimes(out);
      else {
        kernel.transposeTimes(0, dim);
        out.set(perPixel.subarray(0, dim));
      }
    },
    outerProducts(c, least, a) {
      curvature.set(c.subarray(0, n));
      hessian.fill(0);
      if (share) share.outerProducts(least, a);
      else {
        kernel.outerProducts(least, 0, m - 1);
        a.set(hessian);
      }
    },
    curvatureDiagonal(c, out) {
      curvature.set(c.subarray(0, n));
      kernel.curvatureDiagonal();
      out.set(perPixel);
    },
    // the factor stays in the module's memory (the block the outer products are built in) for the solves
    factor(a, mm) {
      hessian.subarray(0, mm * mm).set(a.subarray(0, mm * mm));
      order = mm;
      return kernel.factor(mm);
    },
    solve(b) {
      const x = perPixel.subarray(0, order);
      x.set(b.subarray(0, order));
      kernel.solve(order);
      b.set(x);
    },
  };
}

/**
 * The passes of each path on its own instance of `module` (build/solvers.wasm), for data of pixel bytes
 * (x = byte / 255) with at most 65 536 images and pixels; other data gets undefined (the TypeScript passes).
 */
export function wasmPasses(module: WebAssembly.Module): (data: Problem) => LogisticPasses | undefined {
  return (data) => {
    const kernel = wasmPassKernel(module, data);
    return kernel && kernelPasses(kernel, data);
  };
}
