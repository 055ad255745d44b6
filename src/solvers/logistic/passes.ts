// The logistic path's passes over the data, the bulk of its time: margins, the Hessian product's row and
// column passes, and the preconditioner's outer products, with its dense factor and triangular solves. Each
// pass is written over a range of independent outputs (rows of the data or of H), every output summed in one
// fixed order whichever range computes it.
// `sequentialPasses` runs them here in TypeScript; `wasmPasses` (wasm.ts) runs the same sums in
// WebAssembly, bit for bit the same; shared-passes.ts splits the wasm row and column passes and outer products
// with the thread that measures the models (a third thread, as first tried, did not pay on two cores: it
// competed with the measuring one). Pure TypeScript.
import { sparseRowDot, sparseTransposeTimes } from '../../math/sparse.js';
import { choleskyInPlace, choleskySolve } from '../dense-cholesky.js';
import type { Problem } from './workspace.js';

/** Rows of H built at once by the outer products (128 × 581 doubles: about 0.6 MB, within a core's L2 cache). */
export const OUTER_BLOCK = 128;

/** The passes as the solver calls them; every implementation gives the same values, bit for bit. */
export interface LogisticPasses {
  /** out[i] = y_i (x_i·θ + θ_b) for every image (θ: w then b) */
  margins(theta: Float64Array, out: Float64Array): void;
  /** t[i] = c_i (x_i·v + v_b) for every image, 0 where c_i = 0 */
  curvedDots(curvature: Float64Array, v: Float64Array, t: Float64Array): void;
  /** out[k] = Σ_i X_ik t_i for every pixel k (out[dim] untouched) */
  transposeTimes(t: Float64Array, out: Float64Array): void;
  /** outerProductsRange over every row of H, into `a` (zero on entry) */
  outerProducts(curvature: Float64Array, least: number, a: Float64Array): void;
  /** out[k] = Σ_i c_i x_ik² for every pixel k and out[dim] = Σ_i c_i (the Jacobi preconditioner's sums) */
  curvatureDiagonal(curvature: Float64Array, out: Float64Array): void;
  /**
   * Cholesky-factors the m × m matrix `a` (its lower triangle, row-major; dense-cholesky.ts's order) and
   * keeps the factor for `solve`, in `a` itself or in memory of its own; false when a pivot is not positive
   */
  factor(a: Float64Array, m: number): boolean;
  /** b ← (L Lᵀ)⁻¹ b on b's first m entries, with the factor of the last successful `factor` */
  solve(b: Float64Array): void;
}

/** The passes in TypeScript on this thread. */
export function sequentialPasses(data: Problem): LogisticPasses {
  const { n } = data.rows;
  const cursor = new Int32Array(n);
  let factored: Float64Array = new Float64Array(0);
  let order = 0;
  return {
    margins: (theta, out) => marginsRange(data, theta, out, 0, n),
    curvedDots: (curvature, v, t) => curvedDotsRange(data, curvature, v, t, 0, n),
    transposeTimes: (t, out) => sparseTransposeTimes(data.columns, t, out),
    outerProducts: (curvature, least, a) =>
      outerProductsRange(data, curvature, least, a, cursor, 0, data.active.length),
    curvatureDiagonal: (curvature, out) => curvatureDiagonal(data, curvature, out),
    factor(a, m) {
      if (!choleskyInPlace(a, m)) return false;
      factored = a;
      order = m;
      return true;
    },
    solve: (b) => choleskySolve(factored, order, b),
  };
}

/** The Jacobi preconditioner's sums (see LogisticPasses.curvatureDiagonal), images in ascending order. */
export function curvatureDiagonal(data: Problem, curvature: Float64Array, out: Float64Array): void {
  const { start, column, value, dim, n } = data.rows;
  out.fill(0, 0, dim + 1);
  for (let i = 0; i < n; i++) {
    const c = curvature[i];
    if (c === 0) continue;
    for (let p = start[i]; p < start[i + 1]; p++) out[column[p]] += c * value[p] * value[p];
    out[dim] += c;
  }
}

/** z_i = y_i (x_i·θ + θ_b) for the images lo … hi − 1 (θ: w then b). */
export function marginsRange(
  data: Problem,
  theta: Float64Array,
  out: Float64Array,
  lo: number,
  hi: number,
): void {
  const { rows, y } = data;
  const b = theta[rows.dim];
  for (let i = lo; i < hi; i++) out[i] = y[i] * (sparseRowDot(rows, i, theta) + b);
}

/** t_i = c_i (x_i·v + v_b) for the images lo … hi − 1, 0 where c_i = 0. */
export function curvedDotsRange(
  data: Problem,
  curvature: Float64Array,
  v: Float64Array,
  t: Float64Array,
  lo: number,
  hi: number,
): void {
  const { rows } = data;
  const vb = v[rows.dim];
  for (let i = lo; i < hi; i++) {
    const c = curvature[i];
    t[i] = c === 0 ? 0 : c * (sparseRowDot(rows, i, v) + vb);
  }
}

/**
 * Adds Σ_i c_i x_i x_iᵀ over the images with c_i > least into rows r0 … r1 − 1 of the lower triangle of `a`
 * (order m = active pixels + 1, on the active pixels' positions) and Σ_i c_i x_ik into the same columns of
 * its last row (a starts at zero), in blocks of OUTER_BLOCK rows: for each image, the products of its entries whose pixel falls in the block with
 * its entries at or below them. The block stays in cache while each image's entries are read from L1 (a row
 * of H at a time re-read every image from memory once per pixel it lights: 1.3–2× slower). Each entry sums
 * its images in ascending order. `cursor` (one per image) is work space.
 */
export function outerProductsRange(
  data: Problem,
  curvature: Float64Array,
  least: number,
  a: Float64Array,
  cursor: Int32Array,
  r0: number,
  r1: number,
): void {
  const { start, value, n } = data.rows;
  const { activeColumn } = data;
  const m = data.active.length + 1;
  const biasRow = (m - 1) * m;
  // each image's first entry at or after row r0
  for (let i = 0; i < n; i++) {
    let p = start[i];
    const end = start[i + 1];
    while (p < end && activeColumn[p] < r0) p++;
    cursor[i] = p;
  }
  for (let b0 = r0; b0 < r1; b0 += OUTER_BLOCK) {
    const b1 = Math.min(r1, b0 + OUTER_BLOCK);
    for (let i = 0; i < n; i++) {
      const c = curvature[i];
      if (c <= least) continue;
      const first = start[i];
      const end = start[i + 1];
      let p = cursor[i];
      for (; p < end; p++) {
        const r = activeColumn[p];
        if (r >= b1) break;
        const cx = c * value[p];
        const row = r * m;
        let e = first;
        for (; e + 3 <= p; e += 4) {
          const q0 = row + activeColumn[e];
          const q1 = row + activeColumn[e + 1];
          const q2 = row + activeColumn[e + 2];
          const q3 = row + activeColumn[e + 3];
          a[q0] += cx * value[e];
          a[q1] += cx * value[e + 1];
          a[q2] += cx * value[e + 2];
          a[q3] += cx * value[e + 3];
        }
        for (; e <= p; e++) a[row + activeColumn[e]] += cx * value[e];
        a[biasRow + r] += cx;
      }
      cursor[i] = p;
    }
  }
}
