// The logistic path's passes over the data in WebAssembly (built into build/solvers.wasm), the same sums in
// the same order as src/solvers/logistic/passes.ts and sparseTransposeTimes (scalar f64: wasm has no fused
// multiply-add, so every value is the same bit for bit); about 1.7× faster than V8's JavaScript on these
// gathers. Every pointer is a byte offset into this module's memory, laid out by src/solvers/logistic/wasm.ts.

function f64At(base: usize, index: i32): f64 {
  return load<f64>(base + ((<usize>index) << 3));
}

function i32At(base: usize, index: i32): i32 {
  return load<i32>(base + ((<usize>index) << 2));
}

/** x_i·v over row i's entries (CSR start, column, value), two partial sums, s0 + s1 (as sparseRowDot). */
function rowDot2(start: usize, column: usize, value: usize, i: i32, v: usize): f64 {
  let s0: f64 = 0;
  let s1: f64 = 0;
  const end = i32At(start, i + 1);
  let p = i32At(start, i);
  for (; p + 1 < end; p += 2) {
    s0 += f64At(value, p) * f64At(v, i32At(column, p));
    s1 += f64At(value, p + 1) * f64At(v, i32At(column, p + 1));
  }
  if (p < end) s0 += f64At(value, p) * f64At(v, i32At(column, p));
  return s0 + s1;
}

/** out[i] = y_i (x_i·θ + θ_b) for the images lo … hi − 1 (CSR start, column, value; θ has dim + 1 entries). */
export function margins(
  lo: i32,
  hi: i32,
  dim: i32,
  start: usize,
  column: usize,
  value: usize,
  y: usize,
  theta: usize,
  out: usize,
): void {
  const b = f64At(theta, dim);
  for (let i = lo; i < hi; i++) {
    store<f64>(out + ((<usize>i) << 3), f64At(y, i) * (rowDot2(start, column, value, i, theta) + b));
  }
}

/** t_i = c_i (x_i·v + v_b) for the images lo … hi − 1, 0 where c_i = 0. */
export function curvedDots(
  lo: i32,
  hi: i32,
  dim: i32,
  start: usize,
  column: usize,
  value: usize,
  curvature: usize,
  v: usize,
  t: usize,
): void {
  const vb = f64At(v, dim);
  for (let i = lo; i < hi; i++) {
    const c = f64At(curvature, i);
    store<f64>(t + ((<usize>i) << 3), c === 0 ? 0 : c * (rowDot2(start, column, value, i, v) + vb));
  }
}

/** out[k] = Σ_r X[r, k] t[r] for the columns lo … hi − 1 (CSC start, row, value), two partial sums. */
export function transposeTimes(
  lo: i32,
  hi: i32,
  start: usize,
  row: usize,
  value: usize,
  t: usize,
  out: usize,
): void {
  for (let k = lo; k < hi; k++) {
    let s0: f64 = 0;
    let s1: f64 = 0;
    const end = i32At(start, k + 1);
    let p = i32At(start, k);
    for (; p + 1 < end; p += 2) {
      s0 += f64At(value, p) * f64At(t, i32At(row, p));
      s1 += f64At(value, p + 1) * f64At(t, i32At(row, p + 1));
    }
    if (p < end) s0 += f64At(value, p) * f64At(t, i32At(row, p));
    store<f64>(out + ((<usize>k) << 3), s0 + s1);
  }
}

/**
 * outerProductsRange of passes.ts: adds Σ_i c_i x_i x_iᵀ (c_i > least) into rows r0 … r1 − 1 of the lower
 * triangle of a (order m, on the active pixels' positions `activeColumn`) and Σ_i c_i x_ik into its last
 * row, in blocks of `block` rows, each image's entries in order; `cursor` holds n i32 of work space.
 */
export function outerProducts(
  n: i32,
  m: i32,
  start: usize,
  activeColumn: usize,
  value: usize,
  curvature: usize,
  least: f64,
  a: usize,
  cursor: usize,
  r0: i32,
  r1: i32,
  block: i32,
): void {
  const biasRow = (m - 1) * m;
  for (let i = 0; i < n; i++) {
    let p = i32At(start, i);
    const end = i32At(start, i + 1);
    while (p < end && i32At(activeColumn, p) < r0) p++;
    store<i32>(cursor + ((<usize>i) << 2), p);
  }
  for (let b0 = r0; b0 < r1; b0 += block) {
    const b1 = min(r1, b0 + block);
    for (let i = 0; i < n; i++) {
      const c = f64At(curvature, i);
      if (c <= least) continue;
      const first = i32At(start, i);
      const end = i32At(start, i + 1);
      let p = i32At(cursor, i);
      for (; p < end; p++) {
        const r = i32At(activeColumn, p);
        if (r >= b1) break;
        const cx = c * f64At(value, p);
        const row = a + ((<usize>(r * m)) << 3);
        let e = first;
        // four independent entries per step (one image's pixels are distinct)
        for (; e + 3 <= p; e += 4) {
          const q0 = row + ((<usize>i32At(activeColumn, e)) << 3);
          const q1 = row + ((<usize>i32At(activeColumn, e + 1)) << 3);
          const q2 = row + ((<usize>i32At(activeColumn, e + 2)) << 3);
          const q3 = row + ((<usize>i32At(activeColumn, e + 3)) << 3);
          store<f64>(q0, load<f64>(q0) + cx * f64At(value, e));
          store<f64>(q1, load<f64>(q1) + cx * f64At(value, e + 1));
          store<f64>(q2, load<f64>(q2) + cx * f64At(value, e + 2));
          store<f64>(q3, load<f64>(q3) + cx * f64At(value, e + 3));
        }
        for (; e <= p; e++) {
          const q = row + ((<usize>i32At(activeColumn, e)) << 3);
          store<f64>(q, load<f64>(q) + cx * f64At(value, e));
        }
        const qb = a + ((<usize>(biasRow + r)) << 3);
        store<f64>(qb, load<f64>(qb) + cx);
      }
      store<i32>(cursor + ((<usize>i) << 2), p);
    }
  }
}

/**
 * The Jacobi preconditioner's data part: out[k] = Σ_i c_i x_ik² for k < dim and out[dim] = Σ_i c_i, over the
 * images with c_i ≠ 0 in ascending order (diagonalPreconditioner's sums).
 */
export function curvatureDiagonal(
  n: i32,
  dim: i32,
  start: usize,
  column: usize,
  value: usize,
  curvature: usize,
  out: usize,
): void {
  memory.fill(out, 0, (<usize>(dim + 1)) << 3);
  const bias = out + ((<usize>dim) << 3);
  for (let i = 0; i < n; i++) {
    const c = f64At(curvature, i);
    if (c === 0) continue;
    const end = i32At(start, i + 1);
    for (let p = i32At(start, i); p < end; p++) {
      const v = f64At(value, p);
      const q = out + ((<usize>i32At(column, p)) << 3);
      store<f64>(q, load<f64>(q) + c * v * v);
    }
    store<f64>(bias, load<f64>(bias) + c);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The hinge solvers' passes (src/solvers/hinge/data.ts): dot products of sparse rows A_i with a dense u, four
// partial sums per row, s0 + s1 + (s2 + s3), as rowDot sums them. A holds the raw pixels 0..255, so the rows
// are kept as bytes with 16-bit columns (3 bytes an entry instead of 12): the screened passes read scattered
// rows, whose cost is the memory they fetch; a byte converts to the same f64 exactly.

function rowDot4(start: usize, column: usize, value: usize, i: i32, u: usize): f64 {
  const end = i32At(start, i + 1);
  let p = i32At(start, i);
  let s0: f64 = 0;
  let s1: f64 = 0;
  let s2: f64 = 0;
  let s3: f64 = 0;
  for (; p + 3 < end; p += 4) {
    s0 += byteAt(value, p) * f64At(u, columnAt(column, p));
    s1 += byteAt(value, p + 1) * f64At(u, columnAt(column, p + 1));
    s2 += byteAt(value, p + 2) * f64At(u, columnAt(column, p + 2));
    s3 += byteAt(value, p + 3) * f64At(u, columnAt(column, p + 3));
  }
  for (; p < end; p++) s0 += byteAt(value, p) * f64At(u, columnAt(column, p));
  return s0 + s1 + (s2 + s3);
}

function byteAt(base: usize, index: i32): f64 {
  return <f64>load<u8>(base + <usize>index);
}

function columnAt(base: usize, index: i32): i32 {
  return <i32>load<u16>(base + ((<usize>index) << 1));
}

/** out[k] = A_{rows[k]}·u for k < count. */
export function hingeRowDots(
  rows: usize,
  count: i32,
  start: usize,
  column: usize,
  value: usize,
  u: usize,
  out: usize,
): void {
  for (let k = 0; k < count; k++) {
    store<f64>(out + ((<usize>k) << 3), rowDot4(start, column, value, i32At(rows, k), u));
  }
}

/** out[i] = A_i·u for every row i < n. */
export function hingeAllDots(n: i32, start: usize, column: usize, value: usize, u: usize, out: usize): void {
  for (let i = 0; i < n; i++) store<f64>(out + ((<usize>i) << 3), rowDot4(start, column, value, i, u));
}

/**
 * out[k] = (A_j·A_{targets[k]}) / div for k < count: row j scattered into `scratch` (dim zeros, left zero),
 * then a row dot product per target (kernelEntries).
 */
export function hingeKernelEntries(
  j: i32,
  targets: usize,
  count: i32,
  start: usize,
  column: usize,
  value: usize,
  scratch: usize,
  div: f64,
  out: usize,
): void {
  const end = i32At(start, j + 1);
  for (let p = i32At(start, j); p < end; p++) {
    store<f64>(scratch + ((<usize>columnAt(column, p)) << 3), byteAt(value, p));
  }
  for (let k = 0; k < count; k++) {
    store<f64>(out + ((<usize>k) << 3), rowDot4(start, column, value, i32At(targets, k), scratch) / div);
  }
  for (let p = i32At(start, j); p < end; p++) store<f64>(scratch + ((<usize>columnAt(column, p)) << 3), 0);
}
