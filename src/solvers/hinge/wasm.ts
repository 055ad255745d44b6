// The hinge solvers' row dot products and weights in WebAssembly (assembly/solvers.ts): the same sums as
// rowDot, so every gradient and kernel entry is the TypeScript one bit for bit. Pure: it takes the compiled
// build/solvers.wasm. Each data set gets its own instance holding its rows as bytes: compressed rows with
// 16-bit columns for sparse data (MNIST), dense rows for data prepared dense (half of Fashion-MNIST's pairs),
// and dense rows beside the compressed ones where they make the kernel entries cheaper.
import { solverInstance } from '../wasm-module.js';
import { copyLeadingFactor, type FactorKernels } from './cholesky.js';
import type { HingeData, HingeKernels } from './data.js';
import type { SharedHingeDots } from './shared-kernels.js';

interface FactorExports {
  memory: WebAssembly.Memory;
  factorForward(u: number, cap: number, m: number, b: number): number;
  factorRemoveUpdate(u: number, cap: number, m: number, k: number, v: number): void;
  factorBackward(u: number, cap: number, m: number, b: number): void;
}

interface HingeExports {
  hingeRowDots(
    rows: number,
    count: number,
    start: number,
    column: number,
    value: number,
    u: number,
    out: number,
  ): void;
  hingeAllDots(n: number, start: number, column: number, value: number, u: number, out: number): void;
  hingeKernelEntries(
    j: number,
    targets: number,
    count: number,
    start: number,
    column: number,
    value: number,
    scratch: number,
    div: number,
    out: number,
  ): void;
  hingeKernelEntriesDense(
    j: number,
    targets: number,
    count: number,
    dense: number,
    stride: number,
    wide: number,
    div: number,
    out: number,
  ): void;
  hingeDenseRowDots(
    rows: number,
    count: number,
    dense: number,
    stride: number,
    dim: number,
    u: number,
    out: number,
  ): void;
  hingeDenseAllDots(n: number, dense: number, stride: number, dim: number, u: number, out: number): void;
  hingeDenseAddRows(
    rows: number,
    coefs: number,
    count: number,
    dense: number,
    stride: number,
    dim: number,
    u: number,
  ): void;
  hingeDenseWeights(
    n: number,
    dim: number,
    alpha: number,
    y: number,
    dense: number,
    stride: number,
    u: number,
  ): void;
  hingeAddRows(
    rows: number,
    coefs: number,
    count: number,
    start: number,
    column: number,
    value: number,
    u: number,
  ): void;
  hingeWeights(
    n: number,
    dim: number,
    alpha: number,
    y: number,
    start: number,
    column: number,
    value: number,
    u: number,
  ): void;
}

/**
 * The row dot products of one instance (wasmHingeDots) by ranges, so that a pass can be split between threads
 * (shared-kernels.ts): the caller sets u (and the list of rows) in the instance's views.
 */
export interface WasmHingeDots {
  /** dim entries */
  readonly u: Float64Array;
  /** the rows of rowDots: n entries */
  readonly rows: Int32Array;
  /** the dot products: n entries */
  readonly out: Float64Array;
  /** out[k] = A_{rows[k]}·u for k in lo … hi − 1 */
  rowDots(lo: number, hi: number): void;
  /** out[i] = A_i·u for the images i in lo … hi − 1 */
  allDots(lo: number, hi: number): void;
}

/** Bytes a dense row of `dim` pixels takes in an instance: a multiple of 16, for whole v128 loads. */
function denseStride(dim: number): number {
  return Math.ceil(dim / 16) * 16;
}

/** Largest dense copy of the rows an instance holds (bytes). */
const DENSE_BYTES = 2 ** 28;

/**
 * True for data the wasm kernels take: raw pixels (the data prepared from bytes) with at most 65 536 pixels
 * (the bound that keeps the integer kernel entries exact), as compressed rows or, for data prepared dense,
 * when its rows fit in 256 MB as bytes.
 */
function takesData(data: HingeData): boolean {
  if (data.root !== 255 || data.dim > 65536) return false;
  return data.sparse || data.n * denseStride(data.dim) <= DENSE_BYTES;
}

/**
 * Whether the instance holds the rows dense, for the kernel entries (hingeKernelEntriesDense): data prepared
 * dense, and compressed rows that fill at least an eighth of their pixels (MNIST's digits fill about a
 * fifth) when the dense copy takes at most 256 MB. Sparser data keeps the compressed rows only, where a
 * target costs its nonzeros rather than its width.
 */
function denseKernels(data: HingeData): boolean {
  if (!data.sparse) return true;
  const bytes = data.n * denseStride(data.dim);
  return bytes <= DENSE_BYTES && data.start[data.n] * 8 >= bytes;
}

/**
 * A fresh instance of `module` holding the data's rows, and its blocks: compressed rows (bytes with 16-bit
 * columns) for data prepared sparse; with `dense`, or for data prepared dense, each row as dim zero-padded
 * bytes. Its row dot products read the rows as the data holds them (rowDot's sums).
 */
function hingeInstance(module: WebAssembly.Module, data: HingeData, dense = false) {
  const { n, dim, sparse } = data;
  const nnz = sparse ? data.start[n] : 0;
  const stride = dense || !sparse ? denseStride(dim) : 0;
  const { exports, at } = solverInstance(module, {
    start: sparse ? (n + 1) * 4 : 0,
    column: nnz * 2,
    value: nnz,
    u: dim * 8,
    scratch: dim * 8,
    rows: n * 4,
    out: n * 8,
    alpha: n * 8,
    y: n * 8,
    dense: n * stride,
    wide: stride * 2,
  });
  const wasm = exports as unknown as HingeExports;
  const { buffer } = exports.memory;
  new Float64Array(buffer, at.y, n).set(data.y);
  if (sparse) {
    new Int32Array(buffer, at.start, n + 1).set(data.start);
    new Uint16Array(buffer, at.column, nnz).set(data.column.subarray(0, nnz));
    // the raw pixels: integers 0..255 (prepareHingeData checked them against the bytes)
    new Uint8Array(buffer, at.value, nnz).set(data.value.subarray(0, nnz));
  }
  if (stride > 0) {
    const rows = new Uint8Array(buffer, at.dense, n * stride);
    if (sparse) {
      const { start, column, value } = data;
      for (let i = 0; i < n; i++) {
        const offset = i * stride;
        for (let p = start[i]; p < start[i + 1]; p++) rows[offset + column[p]] = value[p];
      }
    } else for (let i = 0; i < n; i++) rows.set(data.dense.subarray(i * dim, (i + 1) * dim), i * stride);
  }
  const dots: WasmHingeDots = sparse
    ? {
        u: new Float64Array(buffer, at.u, dim),
        rows: new Int32Array(buffer, at.rows, n),
        out: new Float64Array(buffer, at.out, n),
        rowDots: (lo, hi) =>
          wasm.hingeRowDots(at.rows + 4 * lo, hi - lo, at.start, at.column, at.value, at.u, at.out + 8 * lo),
        // the row starts from lo on: each holds its row's absolute offset
        allDots: (lo, hi) =>
          wasm.hingeAllDots(hi - lo, at.start + 4 * lo, at.column, at.value, at.u, at.out + 8 * lo),
      }
    : {
        u: new Float64Array(buffer, at.u, dim),
        rows: new Int32Array(buffer, at.rows, n),
        out: new Float64Array(buffer, at.out, n),
        rowDots: (lo, hi) =>
          wasm.hingeDenseRowDots(at.rows + 4 * lo, hi - lo, at.dense, stride, dim, at.u, at.out + 8 * lo),
        allDots: (lo, hi) =>
          wasm.hingeDenseAllDots(hi - lo, at.dense + lo * stride, stride, dim, at.u, at.out + 8 * lo),
      };
  return { wasm, at, buffer, dots, stride };
}

/** The row dot products on an instance of their own, for a helper thread; undefined for other data. */
export function wasmHingeDots(module: WebAssembly.Module, data: HingeData): WasmHingeDots | undefined {
  return takesData(data) ? hingeInstance(module, data).dots : undefined;
}

/**
 * The kernels of each data set on its own instance of `module`, for raw pixels (the data prepared from bytes,
 * at most 65 536 pixels) held as compressed rows or dense; other data keeps the TypeScript loops. `share` (given the
 * instance's dot products) may take over the long row-dot passes, splitting them with another thread.
 */
export function wasmHingeKernels(
  module: WebAssembly.Module,
  share?: (dots: WasmHingeDots, data: HingeData) => SharedHingeDots,
): (data: HingeData) => HingeKernels | undefined {
  return (data) => {
    if (!takesData(data)) return undefined;
    const { n, dim, div, sparse } = data;
    const { wasm, at, buffer, dots, stride } = hingeInstance(module, data, denseKernels(data));
    const { u, rows, out } = dots;
    const alpha = new Float64Array(buffer, at.alpha, n);
    const shared = share?.(dots, data);
    return {
      rowDots(list, count, v, into) {
        u.set(v.subarray(0, dim));
        rows.set(list.subarray(0, count));
        if (shared) shared.rowDots(count, into);
        else {
          dots.rowDots(0, count);
          into.set(out.subarray(0, count));
        }
      },
      allDots(v, into) {
        u.set(v.subarray(0, dim));
        if (shared) shared.allDots(into);
        else {
          dots.allDots(0, n);
          into.set(out);
        }
      },
      kernelEntries(j, targets, count, into) {
        rows.set(targets.subarray(0, count));
        if (stride > 0)
          wasm.hingeKernelEntriesDense(j, at.rows, count, at.dense, stride, at.wide, div, at.out);
        else
          wasm.hingeKernelEntries(j, at.rows, count, at.start, at.column, at.value, at.scratch, div, at.out);
        into.set(out.subarray(0, count));
      },
      uncached: stride > 0,
      addRows(list, coefs, count, into) {
        u.set(into.subarray(0, dim));
        rows.set(list.subarray(0, count));
        // the coefficients go where the row dot products come out (count ≤ n doubles)
        out.set(coefs.subarray(0, count));
        if (sparse) wasm.hingeAddRows(at.rows, at.out, count, at.start, at.column, at.value, at.u);
        else wasm.hingeDenseAddRows(at.rows, at.out, count, at.dense, stride, dim, at.u);
        into.set(u);
      },
      weights(a, into) {
        alpha.set(a.subarray(0, n));
        if (sparse) wasm.hingeWeights(n, dim, at.alpha, at.y, at.start, at.column, at.value, at.u);
        else wasm.hingeDenseWeights(n, dim, at.alpha, at.y, at.dense, stride, at.u);
        into.set(u);
      },
      factor: () => wasmFactorKernels(module),
    };
  };
}

/**
 * A Cholesky factor's storage in an instance of its own (its memory grows with the factor) and its loops in
 * WebAssembly. Each reserve takes a fresh region at the top of the memory and copies the factor into it at
 * the new stride; the regions before stay unused (the strides double, so they add at most a third).
 */
function wasmFactorKernels(module: WebAssembly.Module): FactorKernels {
  const { exports } = solverInstance(module, {});
  const wasm = exports as unknown as FactorExports;
  const { memory } = wasm;
  let top = 65536;
  let uAt = 0;
  let workAt = 0;
  let stride = 0;
  return {
    reserve(cap, m) {
      const base = Math.ceil(top / 64) * 64;
      const end = base + cap * cap * 8 + cap * 8;
      const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
      if (pages > 0) memory.grow(pages);
      const { buffer } = memory;
      const u = new Float64Array(buffer, base, cap * cap);
      if (m > 0) copyLeadingFactor(new Float64Array(buffer, uAt, stride * stride), stride, u, cap, m);
      uAt = base;
      workAt = base + cap * cap * 8;
      stride = cap;
      top = end;
      return { u, work: new Float64Array(buffer, workAt, cap) };
    },
    forwardSubstitute: (cap, m) => wasm.factorForward(uAt, cap, m, workAt),
    removeUpdate: (cap, m, k) => wasm.factorRemoveUpdate(uAt, cap, m, k, workAt),
    backSubstitute: (cap, m) => wasm.factorBackward(uAt, cap, m, workAt),
  };
}
