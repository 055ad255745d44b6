// The logistic path's passes in WebAssembly (assembly/solvers.ts): the same sums in the same order as the
// TypeScript ones (passes.ts), on the data kept as pixel bytes (3 bytes an entry instead of 12). Pure: it
// takes the compiled module, so Node (src/experiments/solver-kernels.ts reads build/solvers.wasm) and a
// browser can both give it one. Each path gets its own instance and memory, holding a copy of the data; the vectors pass through
// it on each call (a few thousand doubles against a pass over the whole data).

import { byteDataInstance } from '../wasm-module.js';
import { type LogisticPasses, OUTER_BLOCK } from './passes.js';
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
 * The passes of each path on its own instance of `module` (build/solvers.wasm), for data of pixel bytes
 * (x = byte / 255) with at most 65 536 images and pixels; other data gets undefined (the TypeScript passes).
 */
export function wasmPasses(module: WebAssembly.Module): (data: Problem) => LogisticPasses | undefined {
  return (data) => {
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
    const vector = f64(at.vector, dim + 1);
    const curvature = f64(at.curvature, n);
    const perImage = f64(at.perImage, n);
    const perPixel = f64(at.perPixel, dim + 1);
    const hessian = f64(at.hessian, m * m);
    let order = 0;
    return {
      margins(theta, out) {
        vector.set(theta.subarray(0, dim + 1));
        wasm.margins(
          0,
          n,
          dim,
          at.rowStart,
          at.rowColumn,
          at.rowValue,
          at.table,
          at.y,
          at.vector,
          at.perImage,
        );
        out.set(perImage);
      },
      curvedDots(c, v, t) {
        curvature.set(c.subarray(0, n));
        vector.set(v.subarray(0, dim + 1));
        wasm.curvedDots(
          0,
          n,
          dim,
          at.rowStart,
          at.rowColumn,
          at.rowValue,
          at.table,
          at.curvature,
          at.vector,
          at.perImage,
        );
        t.set(perImage);
      },
      transposeTimes(t, out) {
        perImage.set(t.subarray(0, n));
        wasm.transposeTimes(0, dim, at.colStart, at.colRow, at.colValue, at.table, at.perImage, at.perPixel);
        out.set(perPixel.subarray(0, dim));
      },
      outerProducts(c, least, a) {
        curvature.set(c.subarray(0, n));
        hessian.fill(0);
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
          0,
          m - 1,
          OUTER_BLOCK,
        );
        a.set(hessian);
      },
      curvatureDiagonal(c, out) {
        curvature.set(c.subarray(0, n));
        wasm.curvatureDiagonal(
          n,
          dim,
          at.rowStart,
          at.rowColumn,
          at.rowValue,
          at.table,
          at.curvature,
          at.perPixel,
        );
        out.set(perPixel);
      },
      // the factor stays in the module's memory (the block the outer products are built in) for the solves
      factor(a, mm) {
        f64(at.hessian, mm * mm).set(a.subarray(0, mm * mm));
        order = mm;
        return wasm.choleskyFactor(at.hessian, mm) === 1;
      },
      solve(b) {
        const x = f64(at.perPixel, order);
        x.set(b.subarray(0, order));
        wasm.choleskySolve(at.hessian, order, at.perPixel);
        b.set(x);
      },
    };
  };
}
