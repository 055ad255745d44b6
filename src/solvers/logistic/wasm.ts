// The logistic path's passes in WebAssembly (assembly/solvers.ts): the same sums in the same order as the
// TypeScript ones (passes.ts), about 1.7× faster on their sparse gathers. Pure: it takes the compiled
// module, so Node (src/experiments/solver-kernels.ts reads build/solvers.wasm) and a browser can both give
// it one. Each path gets its own instance and memory, holding a copy of the data; the vectors pass through
// it on each call (a few thousand doubles against a pass over the whole data).
import { type LogisticPasses, OUTER_BLOCK } from './passes.js';
import type { Problem } from './workspace.js';

/** The exports of build/solvers.wasm (pointers are byte offsets into its memory). */
interface SolverExports {
  memory: WebAssembly.Memory;
  margins(
    lo: number,
    hi: number,
    dim: number,
    start: number,
    column: number,
    value: number,
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
    t: number,
    out: number,
  ): void;
  outerProducts(
    n: number,
    m: number,
    start: number,
    activeColumn: number,
    value: number,
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
    curvature: number,
    out: number,
  ): void;
}

const EXPORTS = ['margins', 'curvedDots', 'transposeTimes', 'outerProducts', 'curvatureDiagonal', 'memory'];

/** True when `module` is build/solvers.wasm as this code expects it (its exports). */
export function isSolverModule(module: WebAssembly.Module): boolean {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  return EXPORTS.every((name) => names.has(name));
}

/** The passes of each path on its own instance of `module` (build/solvers.wasm). */
export function wasmPasses(module: WebAssembly.Module): (data: Problem) => LogisticPasses {
  if (!isSolverModule(module)) throw new Error('wasmPasses: the module is not build/solvers.wasm');
  return (data) => {
    const wasm = new WebAssembly.Instance(module, {}).exports as unknown as SolverExports;
    const { n, dim } = data.rows;
    const nnz = data.rows.start[n];
    const m = data.active.length + 1;
    // the layout: every block 64-byte aligned, from one page on (the module's own data lies below)
    let top = 65536;
    const take = (bytes: number) => {
      const at = top;
      top += Math.ceil(bytes / 64) * 64;
      return at;
    };
    const at = {
      rowStart: take((n + 1) * 4),
      rowColumn: take(nnz * 4),
      rowValue: take(nnz * 8),
      colStart: take((dim + 1) * 4),
      colRow: take(nnz * 4),
      colValue: take(nnz * 8),
      activeColumn: take(nnz * 4),
      y: take(n * 8),
      vector: take((dim + 1) * 8),
      curvature: take(n * 8),
      perImage: take(n * 8),
      perPixel: take((dim + 1) * 8),
      hessian: take(m * m * 8),
      cursor: take(n * 4),
    };
    const pages = Math.ceil(top / 65536) - wasm.memory.buffer.byteLength / 65536;
    if (pages > 0) wasm.memory.grow(pages);
    const { buffer } = wasm.memory;
    const f64 = (offset: number, length: number) => new Float64Array(buffer, offset, length);
    const i32 = (offset: number, length: number) => new Int32Array(buffer, offset, length);
    i32(at.rowStart, n + 1).set(data.rows.start);
    i32(at.rowColumn, nnz).set(data.rows.column.subarray(0, nnz));
    f64(at.rowValue, nnz).set(data.rows.value.subarray(0, nnz));
    i32(at.colStart, dim + 1).set(data.columns.start);
    i32(at.colRow, nnz).set(data.columns.row.subarray(0, nnz));
    f64(at.colValue, nnz).set(data.columns.value.subarray(0, nnz));
    i32(at.activeColumn, nnz).set(data.activeColumn.subarray(0, nnz));
    f64(at.y, n).set(data.y);
    const vector = f64(at.vector, dim + 1);
    const curvature = f64(at.curvature, n);
    const perImage = f64(at.perImage, n);
    const perPixel = f64(at.perPixel, dim + 1);
    const hessian = f64(at.hessian, m * m);
    return {
      margins(theta, out) {
        vector.set(theta.subarray(0, dim + 1));
        wasm.margins(0, n, dim, at.rowStart, at.rowColumn, at.rowValue, at.y, at.vector, at.perImage);
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
          at.curvature,
          at.vector,
          at.perImage,
        );
        t.set(perImage);
      },
      transposeTimes(t, out) {
        perImage.set(t.subarray(0, n));
        wasm.transposeTimes(0, dim, at.colStart, at.colRow, at.colValue, at.perImage, at.perPixel);
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
        wasm.curvatureDiagonal(n, dim, at.rowStart, at.rowColumn, at.rowValue, at.curvature, at.perPixel);
        out.set(perPixel);
      },
    };
  };
}
