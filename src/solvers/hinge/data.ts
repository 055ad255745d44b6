// The training data as the hinge solvers read it, and the hot loops over it: the gradient pass (scores of
// every image against w), row updates of w, and exact kernel entries. Kept small and separate so that a
// later step can swap them for wasm SIMD versions.
//
// Scaling: the solvers work on a matrix A with x = A / root (root = 255 when the raw idx bytes are given,
// so A holds integers, else root = 1 and A = x). Kernel entries K_ij = x_i·x_j = (A_i·A_j) / div with
// div = root²: with bytes the integer dot product is exact in Float64 (784·255² < 2^53) and the single
// division rounds it once, so every kernel entry is the correctly rounded exact value.
// w is kept as u = Σ α_i y_i A_i, i.e. w = u / root and x_i·w = (A_i·u) / div.

import { type LabelledSet, pixelBytesOf } from '../../math/types.js';
import { dotRow } from '../../math/vector.js';
import type { FactorKernels } from './cholesky.js';

/** Training data in the solvers' layout (see the file comment for the scaling). */
export interface HingeData {
  readonly n: number;
  readonly dim: number;
  readonly y: Float64Array;
  /** x = A / root */
  readonly root: number;
  /** root² */
  readonly div: number;
  /** true: A is stored as compressed sparse rows (start, column, value); false: dense row-major `dense` */
  readonly sparse: boolean;
  readonly start: Int32Array;
  readonly column: Int32Array;
  readonly value: Float64Array;
  readonly dense: Float64Array;
  /** K_ii = ‖x_i‖² */
  readonly diag: Float64Array;
  /** dim zeros, used (and restored to zero) by the kernel-entry routines */
  readonly scratch: Float64Array;
  /** number of images with y = +1 and y = −1 */
  readonly nPositive: number;
  readonly nNegative: number;
  /** n values of work space for the row dot products */
  readonly dots: Float64Array;
  /** the hot loops elsewhere (e.g. WebAssembly), giving the same values bit for bit; sparse data only */
  kernels: HingeKernels | undefined;
}

/**
 * The row dot products the solvers spend most of their time in, for another implementation of them (such as
 * `wasmHingeKernels`). Each must give the values of rowDot and kernelEntries here, bit for bit.
 */
export interface HingeKernels {
  /** out[k] = A_{rows[k]}·u for k < count */
  rowDots(rows: Int32Array, count: number, u: Float64Array, out: Float64Array): void;
  /** out[i] = A_i·u for every image */
  allDots(u: Float64Array, out: Float64Array): void;
  /** out[k] = x_j·x_{targets[k]} for k < count */
  kernelEntries(j: number, targets: Int32Array, count: number, out: Float64Array): void;
  /**
   * true when kernelEntries is faster than reading entries back from a cache of them (kernel-cache.ts), so
   * that the solver keeps none: the wasm kernels on dense rows take about 60–120 ns an entry on MNIST, the
   * cache's scattered reads of its 32 MB matrix about 100 ns.
   */
  uncached?: boolean;
  /** u ← u + coefs[k]·A_{rows[k]} for k = 0 … count − 1 in order (addRows) */
  addRows(rows: Int32Array, coefs: Float64Array, count: number, u: Float64Array): void;
  /** u = Σ α_i y_i A_i, in index order (weightsFromAlpha) */
  weights(alpha: Float64Array, u: Float64Array): void;
  /** the storage and loops of a new Cholesky factor of kernel blocks (cholesky.ts) */
  factor(): FactorKernels;
}

/** Density above which a dense layout is faster than compressed rows. */
const DENSE_THRESHOLD = 0.5;

/**
 * Builds the solvers' view of a labelled set. With `bytes` (the raw 0..255 pixels, x = bytes / 255), kernel
 * entries are exact; the bytes must match x.
 */
export function prepareHingeData(set: LabelledSet, bytes?: Uint8Array): HingeData {
  const { n, dim, y } = set;
  if (!(n >= 1) || !(dim >= 1)) throw new RangeError('hinge solver: the training set is empty');
  // a set made from these very bytes (byteLabelledSet) has x = bytes / 255 by construction: x is not read
  const own = bytes !== undefined && pixelBytesOf(set) === bytes;
  const x = own ? undefined : set.x;
  // an own set's x has its bytes' n × dim values (byteLabelledSet checks them)
  const xLength = x?.length ?? n * dim;
  if (xLength !== n * dim || y.length !== n) {
    throw new RangeError(
      `hinge solver: x holds ${xLength} values and y ${y.length} labels for n = ${n}, dim = ${dim}`,
    );
  }
  let nPositive = 0;
  let nNegative = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) nPositive++;
    else if (y[i] === -1) nNegative++;
    else throw new RangeError(`hinge solver: label ${y[i]} of image ${i} is not −1 or +1`);
  }
  if (nPositive === 0 || nNegative === 0)
    throw new RangeError('hinge solver: both classes need at least one image');
  let root = 1;
  if (bytes !== undefined) {
    if (bytes.length !== n * dim)
      throw new RangeError(`hinge solver: ${bytes.length} bytes given for ${n * dim} pixels`);
    if (x !== undefined) {
      for (let k = 0; k < n * dim; k++) {
        if (bytes[k] / 255 !== x[k]) {
          throw new RangeError(
            `hinge solver: bytes[${k}] / 255 = ${bytes[k] / 255} differs from x[${k}] = ${x[k]}`,
          );
        }
      }
    }
    root = 255;
  }
  const a: ArrayLike<number> = bytes ?? set.x;
  let nnz = 0;
  for (let k = 0; k < n * dim; k++) if (a[k] !== 0) nnz++;
  const sparse = nnz < DENSE_THRESHOLD * n * dim;
  const start = new Int32Array(sparse ? n + 1 : 0);
  const column = new Int32Array(sparse ? nnz : 0);
  const value = new Float64Array(sparse ? nnz : 0);
  const dense = new Float64Array(sparse ? 0 : n * dim);
  const diag = new Float64Array(n);
  const div = root * root;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    let s = 0;
    if (sparse) start[i] = p;
    for (let k = 0; k < dim; k++) {
      const v = a[off + k];
      s += v * v;
      if (sparse) {
        if (v !== 0) {
          column[p] = k;
          value[p] = v;
          p++;
        }
      } else dense[off + k] = v;
    }
    diag[i] = s / div;
  }
  if (sparse) start[n] = p;
  return {
    n,
    dim,
    y: Float64Array.from(y),
    root,
    div,
    sparse,
    start,
    column,
    value,
    dense,
    diag,
    scratch: new Float64Array(dim),
    nPositive,
    nNegative,
    dots: new Float64Array(n),
    kernels: undefined,
  };
}

/** A_i·u for one row. */
export function rowDot(d: HingeData, i: number, u: Float64Array): number {
  if (!d.sparse) return dotRow(d.dense, i * d.dim, u, d.dim);
  const { column, value } = d;
  const end = d.start[i + 1];
  let p = d.start[i];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (; p + 3 < end; p += 4) {
    s0 += value[p] * u[column[p]];
    s1 += value[p + 1] * u[column[p + 1]];
    s2 += value[p + 2] * u[column[p + 2]];
    s3 += value[p + 3] * u[column[p + 3]];
  }
  for (; p < end; p++) s0 += value[p] * u[column[p]];
  return s0 + s1 + (s2 + s3);
}

/**
 * The gradient pass: G_i = y_i x_i·w − 1 = y_i (A_i·u)/div − 1 for every image (the dual gradient of
 * ½αᵀQα − Σα), in one pass over the data.
 */
export function gradientPass(d: HingeData, u: Float64Array, g: Float64Array): void {
  const { n, y, div } = d;
  if (d.kernels) {
    d.kernels.allDots(u, g);
    for (let i = 0; i < n; i++) g[i] = (y[i] * g[i]) / div - 1;
    return;
  }
  for (let i = 0; i < n; i++) g[i] = (y[i] * rowDot(d, i, u)) / div - 1;
}

/** The gradient pass restricted to the images rows[0 … count − 1]. */
export function gradientPassRows(
  d: HingeData,
  u: Float64Array,
  g: Float64Array,
  rows: Int32Array,
  count: number,
): void {
  const { y, div } = d;
  if (d.kernels) {
    const { dots } = d;
    d.kernels.rowDots(rows, count, u, dots);
    for (let k = 0; k < count; k++) {
      const i = rows[k];
      g[i] = (y[i] * dots[k]) / div - 1;
    }
    return;
  }
  for (let k = 0; k < count; k++) {
    const i = rows[k];
    g[i] = (y[i] * rowDot(d, i, u)) / div - 1;
  }
}

/** u ← u + a·A_i. */
export function addRow(d: HingeData, i: number, a: number, u: Float64Array): void {
  if (!d.sparse) {
    const off = i * d.dim;
    for (let k = 0; k < d.dim; k++) u[k] += a * d.dense[off + k];
    return;
  }
  const { column, value } = d;
  const end = d.start[i + 1];
  for (let p = d.start[i]; p < end; p++) u[column[p]] += a * value[p];
}

/** u ← u + coefs[k]·A_{rows[k]} for k = 0 … count − 1, one row after the other (addRow's sums). */
export function addRows(
  d: HingeData,
  rows: Int32Array,
  coefs: Float64Array,
  count: number,
  u: Float64Array,
): void {
  if (d.kernels) {
    if (count > 0) d.kernels.addRows(rows, coefs, count, u);
    return;
  }
  for (let k = 0; k < count; k++) addRow(d, rows[k], coefs[k], u);
}

/** u = Σ α_i y_i A_i recomputed from scratch, in index order. */
export function weightsFromAlpha(d: HingeData, alpha: Float64Array, u: Float64Array): void {
  if (d.kernels) {
    d.kernels.weights(alpha, u);
    return;
  }
  u.fill(0);
  for (let i = 0; i < d.n; i++) if (alpha[i] !== 0) addRow(d, i, alpha[i] * d.y[i], u);
}

/** Kernel entries out[k] = x_j·x_{targets[k]} for k < count (exact when A is integer). */
export function kernelEntries(
  d: HingeData,
  j: number,
  targets: Int32Array,
  count: number,
  out: Float64Array,
): void {
  const { div } = d;
  if (d.kernels) {
    d.kernels.kernelEntries(j, targets, count, out);
    return;
  }
  if (!d.sparse) {
    const off = j * d.dim;
    for (let k = 0; k < count; k++) {
      out[k] = dotRow(d.dense, targets[k] * d.dim, d.dense.subarray(off, off + d.dim), d.dim) / div;
    }
    return;
  }
  const s = scatter(d, j);
  for (let k = 0; k < count; k++) out[k] = rowDot(d, targets[k], s) / div;
  unscatter(d, j);
}

/** A whole kernel column out[t] = x_j·x_t for every image t. */
export function kernelColumn(d: HingeData, j: number, out: Float64Array): void {
  const { div, n } = d;
  if (!d.sparse) {
    const off = j * d.dim;
    const row = d.dense.subarray(off, off + d.dim);
    for (let t = 0; t < n; t++) out[t] = dotRow(d.dense, t * d.dim, row, d.dim) / div;
    return;
  }
  const s = scatter(d, j);
  for (let t = 0; t < n; t++) out[t] = rowDot(d, t, s) / div;
  unscatter(d, j);
}

function scatter(d: HingeData, j: number): Float64Array {
  const { scratch, column, value } = d;
  for (let p = d.start[j]; p < d.start[j + 1]; p++) scratch[column[p]] = value[p];
  return scratch;
}

function unscatter(d: HingeData, j: number): void {
  const { scratch, column } = d;
  for (let p = d.start[j]; p < d.start[j + 1]; p++) scratch[column[p]] = 0;
}
