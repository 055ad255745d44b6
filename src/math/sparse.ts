// Compressed sparse rows (CSR) of a row-major image matrix. MNIST digits are ~80 % background zeros, so
// products with the data matrix over the non-zero pixels only are about five times cheaper.
import { type LabelledSet, pixelBytesOf, pixelValues } from './types.js';
import type { Vec } from './vector.js';

/** The non-zero entries of an n × dim matrix, row by row. */
export interface SparseRows {
  readonly n: number;
  readonly dim: number;
  /** row r's entries are start[r] … start[r + 1] − 1 */
  readonly start: Int32Array;
  /** column of each entry */
  readonly column: Int32Array;
  /** value of each entry */
  readonly value: Float64Array;
  /** each entry's pixel byte, value = pixelValues[byte], for rows made from pixel bytes (sparseRowsOf) */
  readonly bytes?: Uint8Array;
}

/**
 * The passes the measurements make over one fixed set of rows, for another implementation of them (such as
 * WebAssembly's, src/solvers/sparse-wasm.ts); each gives sequentialRowPasses' values bit for bit.
 */
export interface SparseRowPasses {
  /** out[r] = row r · v + b for every row (sparseRowDot) */
  scores(v: Float64Array, b: number, out: Float64Array): void;
  /**
   * For each row in order, s_r = row r · v − on, and where s_r ≠ 0, next ← next + s_r · row r (sparseRowAxpy);
   * returns Σ_r s_r, summed in row order
   */
  spreadStep(v: Float64Array, on: number, next: Float64Array): number;
}

/** The passes in TypeScript. */
export function sequentialRowPasses(rows: SparseRows): SparseRowPasses {
  return {
    scores(v, b, out) {
      for (let r = 0; r < rows.n; r++) out[r] = sparseRowDot(rows, r, v) + b;
    },
    spreadStep(v, on, next) {
      let sum = 0;
      for (let r = 0; r < rows.n; r++) {
        const s = sparseRowDot(rows, r, v) - on;
        sum += s;
        if (s !== 0) sparseRowAxpy(rows, r, s, next);
      }
      return sum;
    },
  };
}

/**
 * The CSR form of a set's images: from its bytes where it has them by construction (`pixelBytesOf`: the same
 * entries, byte / 255, without reading x), else from x.
 */
export function sparseRowsOf(set: LabelledSet): SparseRows {
  const { n, dim } = set;
  const bytes = pixelBytesOf(set);
  return bytes ? compressBytes(bytes, n, dim) : toSparseRows(set.x, n, dim);
}

/** 0x80 in each byte of `w` that is not zero, 0 elsewhere. */
function litBytes(w: number): number {
  return (((w & 0x7f7f7f7f) + 0x7f7f7f7f) | w) & 0x80808080;
}

/**
 * The CSR form of pixel bytes (value = pixelValues[byte], each entry's byte kept too), four bytes at a time
 * where the rows are word-aligned: the background's zero words are skipped whole.
 */
function compressBytes(a: Uint8Array, n: number, dim: number): SparseRows {
  const words =
    (dim & 3) === 0 && (a.byteOffset & 3) === 0
      ? new Uint32Array(a.buffer, a.byteOffset, (n * dim) >> 2)
      : undefined;
  let nnz = 0;
  if (words) {
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      if (word === 0) continue;
      const lit = litBytes(word);
      nnz += ((lit >>> 7) & 1) + ((lit >>> 15) & 1) + ((lit >>> 23) & 1) + (lit >>> 31);
    }
  } else for (let k = 0; k < n * dim; k++) if (a[k] !== 0) nnz++;
  const start = new Int32Array(n + 1);
  const column = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  const bytes = new Uint8Array(nnz);
  // pixels per block: a word (skipped when zero), or a whole row when the rows are not word-aligned
  const block = words ? 4 : dim;
  let p = 0;
  for (let r = 0; r < n; r++) {
    start[r] = p;
    const off = r * dim;
    for (let k0 = 0; k0 < dim; k0 += block) {
      if (words && words[(off + k0) >> 2] === 0) continue;
      for (let k = k0; k < k0 + block; k++) {
        const v = a[off + k];
        if (v !== 0) {
          column[p] = k;
          value[p] = pixelValues[v];
          bytes[p] = v;
          p++;
        }
      }
    }
  }
  start[n] = p;
  return { n, dim, start, column, value, bytes };
}

/** The CSR form of a row-major n × dim matrix. */
export function toSparseRows(x: Vec, n: number, dim: number): SparseRows {
  let nnz = 0;
  for (let k = 0; k < n * dim; k++) if (x[k] !== 0) nnz++;
  const start = new Int32Array(n + 1);
  const column = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let p = 0;
  for (let r = 0; r < n; r++) {
    start[r] = p;
    const off = r * dim;
    for (let k = 0; k < dim; k++) {
      const v = x[off + k];
      if (v !== 0) {
        column[p] = k;
        value[p] = v;
        p++;
      }
    }
  }
  start[n] = p;
  return { n, dim, start, column, value };
}

/** Dot product of row r with v. */
export function sparseRowDot(m: SparseRows, r: number, v: Vec): number {
  const { start, column, value } = m;
  let s0 = 0;
  let s1 = 0;
  const end = start[r + 1];
  let p = start[r];
  // two partial sums shorten the dependency chain of the additions
  for (; p + 1 < end; p += 2) {
    s0 += value[p] * v[column[p]];
    s1 += value[p + 1] * v[column[p + 1]];
  }
  if (p < end) s0 += value[p] * v[column[p]];
  return s0 + s1;
}

/** out ← out + a · row r. */
export function sparseRowAxpy(m: SparseRows, r: number, a: number, out: Float64Array): void {
  const { start, column, value } = m;
  const end = start[r + 1];
  for (let p = start[r]; p < end; p++) out[column[p]] += a * value[p];
}

/** The same matrix by columns (CSC): Xᵀt becomes a gather per column, as fast as a row dot product. */
export interface SparseColumns {
  readonly n: number;
  readonly dim: number;
  /** column k's entries are start[k] … start[k + 1] − 1 */
  readonly start: Int32Array;
  /** row of each entry */
  readonly row: Int32Array;
  readonly value: Float64Array;
  /** each entry's pixel byte, where the rows had them */
  readonly bytes?: Uint8Array;
}

/** The column form of a CSR matrix. */
export function toSparseColumns(m: SparseRows): SparseColumns {
  const { n, dim, start: rowStart, column, value: rowValue, bytes: rowBytes } = m;
  const nnz = rowStart[n];
  const start = new Int32Array(dim + 1);
  for (let p = 0; p < nnz; p++) start[column[p] + 1]++;
  for (let k = 0; k < dim; k++) start[k + 1] += start[k];
  const next = start.slice(0, dim);
  const row = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  const bytes = rowBytes && new Uint8Array(nnz);
  for (let r = 0; r < n; r++) {
    const end = rowStart[r + 1];
    for (let p = rowStart[r]; p < end; p++) {
      const q = next[column[p]]++;
      row[q] = r;
      value[q] = rowValue[p];
    }
  }
  // the bytes in a pass of their own: the loop above stays free of a test per entry
  if (bytes && rowBytes) {
    next.set(start.subarray(0, dim));
    for (let p = 0; p < nnz; p++) bytes[next[column[p]]++] = rowBytes[p];
  }
  return { n, dim, start, row, value, ...(bytes ? { bytes } : {}) };
}

/** out[k] = Σ_r X[r, k] t[r] for every column k (out has at least dim entries; the rest is untouched). */
export function sparseTransposeTimes(m: SparseColumns, t: Float64Array, out: Float64Array): void {
  sparseTransposeTimesColumns(m, t, out, 0, m.dim);
}

/** The same for the columns lo … hi − 1 only (each column's sum is the same whichever range it is in). */
export function sparseTransposeTimesColumns(
  m: SparseColumns,
  t: Float64Array,
  out: Float64Array,
  lo: number,
  hi: number,
): void {
  const { start, row, value } = m;
  for (let k = lo; k < hi; k++) {
    let s0 = 0;
    let s1 = 0;
    const end = start[k + 1];
    let p = start[k];
    for (; p + 1 < end; p += 2) {
      s0 += value[p] * t[row[p]];
      s1 += value[p + 1] * t[row[p + 1]];
    }
    if (p < end) s0 += value[p] * t[row[p]];
    out[k] = s0 + s1;
  }
}
