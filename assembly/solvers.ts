// The logistic path's passes over the data in WebAssembly (built into build/solvers.wasm), the same sums in
// the same order as src/solvers/logistic/passes.ts and sparseTransposeTimes, so every value is the same bit
// for bit: wasm has no fused multiply-add, and where f64x2 lanes are used each lane holds one of the scalar
// code's partial sums, added in its order. Every pointer is a byte offset into this module's memory, laid
// out by src/solvers/logistic/wasm.ts (and hinge/wasm.ts for the hinge passes below).

/**
 * The layout version of these exports (their parameters and the data layouts they read), checked by
 * src/solvers/wasm-module.ts against its own so that a build/solvers.wasm of another version is never called.
 */
export function layoutVersion(): i32 {
  return 6;
}

function f64At(base: usize, index: i32): f64 {
  return load<f64>(base + ((<usize>index) << 3));
}

function i32At(base: usize, index: i32): i32 {
  return load<i32>(base + ((<usize>index) << 2));
}

// The logistic passes and the measurements' passes keep the data as bytes: an image's pixel is byte / 255,
// and `table` holds those 256 doubles, so table[byte] is the very value the TypeScript passes read
// (src/solvers/logistic/wasm.ts and sparse-wasm.ts check it entry by entry), from 3 bytes an entry (u8
// value, u16 index) instead of 12. Two paths solved at once (svm --all), or a path and its measurements
// (svm --pair), then keep their data in the shared L3 cache instead of streaming it from memory.

function u16At(base: usize, index: i32): i32 {
  return <i32>load<u16>(base + ((<usize>index) << 1));
}

function tableAt(table: usize, value: usize, index: i32): f64 {
  return load<f64>(table + ((<usize>load<u8>(value + <usize>index)) << 3));
}

/**
 * Σ table[value[p]] · x[index[p]] for p = lo … hi − 1 (u16 indices, u8 values), two partial sums: s0 over the
 * even entries and s1 over the odd ones are the lanes of one f64x2, each summed in the scalar order, s0 + s1.
 */
function pairedByteDot(lo: i32, hi: i32, index: usize, value: usize, table: usize, x: usize): f64 {
  let s = f64x2.splat(0);
  let p = lo;
  for (; p + 1 < hi; p += 2) {
    const values = f64x2.replace_lane(f64x2.splat(tableAt(table, value, p)), 1, tableAt(table, value, p + 1));
    const gathered = f64x2.replace_lane(
      f64x2.splat(f64At(x, u16At(index, p))),
      1,
      f64At(x, u16At(index, p + 1)),
    );
    s = f64x2.add(s, f64x2.mul(values, gathered));
  }
  let s0 = f64x2.extract_lane(s, 0);
  if (p < hi) s0 += tableAt(table, value, p) * f64At(x, u16At(index, p));
  return s0 + f64x2.extract_lane(s, 1);
}

/** out[i] = y_i (x_i·θ + θ_b) for the images lo … hi − 1 (CSR start, column, value; θ has dim + 1 entries). */
export function margins(
  lo: i32,
  hi: i32,
  dim: i32,
  start: usize,
  column: usize,
  value: usize,
  table: usize,
  y: usize,
  theta: usize,
  out: usize,
): void {
  const b = f64At(theta, dim);
  for (let i = lo; i < hi; i++) {
    const dot = pairedByteDot(i32At(start, i), i32At(start, i + 1), column, value, table, theta);
    store<f64>(out + ((<usize>i) << 3), f64At(y, i) * (dot + b));
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
  table: usize,
  curvature: usize,
  v: usize,
  t: usize,
): void {
  const vb = f64At(v, dim);
  for (let i = lo; i < hi; i++) {
    const c = f64At(curvature, i);
    let ti: f64 = 0;
    if (c !== 0) ti = c * (pairedByteDot(i32At(start, i), i32At(start, i + 1), column, value, table, v) + vb);
    store<f64>(t + ((<usize>i) << 3), ti);
  }
}

/** out[k] = Σ_r X[r, k] t[r] for the columns lo … hi − 1 (CSC start, row, value), two partial sums. */
export function transposeTimes(
  lo: i32,
  hi: i32,
  start: usize,
  row: usize,
  value: usize,
  table: usize,
  t: usize,
  out: usize,
): void {
  for (let k = lo; k < hi; k++) {
    const dot = pairedByteDot(i32At(start, k), i32At(start, k + 1), row, value, table, t);
    store<f64>(out + ((<usize>k) << 3), dot);
  }
}

/**
 * outerProductsRange of passes.ts: adds Σ_i c_i x_i x_iᵀ (c_i > least) into rows r0 … r1 − 1 of the lower
 * triangle of a (order m, on the active pixels' positions `activeColumn`, u16) and Σ_i c_i x_ik into its last
 * row, in blocks of `block` rows, each image's entries in order; `cursor` holds n i32 of work space.
 */
export function outerProducts(
  n: i32,
  m: i32,
  start: usize,
  activeColumn: usize,
  value: usize,
  table: usize,
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
    while (p < end && u16At(activeColumn, p) < r0) p++;
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
        const r = u16At(activeColumn, p);
        if (r >= b1) break;
        const cx = c * tableAt(table, value, p);
        const row = a + ((<usize>(r * m)) << 3);
        let e = first;
        // four independent entries per step (one image's pixels are distinct)
        for (; e + 3 <= p; e += 4) {
          const q0 = row + ((<usize>u16At(activeColumn, e)) << 3);
          const q1 = row + ((<usize>u16At(activeColumn, e + 1)) << 3);
          const q2 = row + ((<usize>u16At(activeColumn, e + 2)) << 3);
          const q3 = row + ((<usize>u16At(activeColumn, e + 3)) << 3);
          store<f64>(q0, load<f64>(q0) + cx * tableAt(table, value, e));
          store<f64>(q1, load<f64>(q1) + cx * tableAt(table, value, e + 1));
          store<f64>(q2, load<f64>(q2) + cx * tableAt(table, value, e + 2));
          store<f64>(q3, load<f64>(q3) + cx * tableAt(table, value, e + 3));
        }
        for (; e <= p; e++) {
          const q = row + ((<usize>u16At(activeColumn, e)) << 3);
          store<f64>(q, load<f64>(q) + cx * tableAt(table, value, e));
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
  table: usize,
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
      const v = tableAt(table, value, p);
      const q = out + ((<usize>u16At(column, p)) << 3);
      store<f64>(q, load<f64>(q) + c * v * v);
    }
    store<f64>(bias, load<f64>(bias) + c);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The hinge solvers' passes (src/solvers/hinge/data.ts): dot products of sparse rows A_i with a dense u, four
// partial sums per row (the lanes of two f64x2), s0 + s1 + (s2 + s3), as rowDot sums them. A holds the raw
// pixels 0..255, so the rows are kept as bytes with 16-bit columns (3 bytes an entry instead of 12): the
// screened passes read scattered rows, whose cost is the memory they fetch; a byte converts to the same f64
// exactly.

function rowDot4(start: usize, column: usize, value: usize, i: i32, u: usize): f64 {
  const end = i32At(start, i + 1);
  let p = i32At(start, i);
  // lanes (s0, s1) and (s2, s3): four bytes widened to f64 pairs, against four gathered entries of u
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  for (; p + 3 < end; p += 4) {
    const words = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(value + <usize>p)));
    lo = f64x2.add(lo, f64x2.mul(f64x2.convert_low_i32x4_u(words), gathered(u, column, p)));
    const upper = i32x4.shuffle(words, words, 2, 3, 0, 1);
    hi = f64x2.add(hi, f64x2.mul(f64x2.convert_low_i32x4_u(upper), gathered(u, column, p + 2)));
  }
  let s0 = f64x2.extract_lane(lo, 0);
  for (; p < end; p++) s0 += byteAt(value, p) * f64At(u, columnAt(column, p));
  return s0 + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
}

/** (u[column[p]], u[column[p + 1]]) for 16-bit columns. */
function gathered(u: usize, column: usize, p: i32): v128 {
  const first = f64x2.splat(f64At(u, columnAt(column, p)));
  return f64x2.replace_lane(first, 1, f64At(u, columnAt(column, p + 1)));
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

/**
 * The same entries from dense rows of pixel bytes (`stride` bytes a row, a multiple of 16, zero-padded):
 * row j widened once to 16-bit lanes in `wide` (stride × 2 bytes), then each target's bytes against it by
 * i32x4.dot_i16x8_s. Every product and sum is an exact integer (a lane sums at most stride / 8 pairs of
 * products ≤ 255², under 2³¹ for stride ≤ 65 536; the four lanes are added as f64, exactly), so each entry
 * equals hingeKernelEntries' bit for bit, in about a fifth of the time on MNIST's rows.
 */
export function hingeKernelEntriesDense(
  j: i32,
  targets: usize,
  count: i32,
  dense: usize,
  stride: i32,
  wide: usize,
  div: f64,
  out: usize,
): void {
  const row = dense + <usize>j * <usize>stride;
  for (let c = 0; c < stride; c += 16) {
    const bytes = v128.load(row + <usize>c);
    const at = wide + ((<usize>c) << 1);
    v128.store(at, i16x8.extend_low_i8x16_u(bytes));
    v128.store(at + 16, i16x8.extend_high_i8x16_u(bytes));
  }
  let k = 0;
  // two targets at a time: two rows streaming from memory at once
  for (; k + 1 < count; k += 2) {
    const first = dense + <usize>i32At(targets, k) * <usize>stride;
    const second = dense + <usize>i32At(targets, k + 1) * <usize>stride;
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let b0 = i32x4.splat(0);
    let b1 = i32x4.splat(0);
    for (let c = 0; c < stride; c += 16) {
      const at = wide + ((<usize>c) << 1);
      const w0 = v128.load(at);
      const w1 = v128.load(at, 16);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load8x8_u(first + <usize>c), w0));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load8x8_u(first + <usize>c, 8), w1));
      b0 = i32x4.add(b0, i32x4.dot_i16x8_s(v128.load8x8_u(second + <usize>c), w0));
      b1 = i32x4.add(b1, i32x4.dot_i16x8_s(v128.load8x8_u(second + <usize>c, 8), w1));
    }
    store<f64>(out + ((<usize>k) << 3), laneSum(i32x4.add(a0, a1)) / div);
    store<f64>(out + ((<usize>(k + 1)) << 3), laneSum(i32x4.add(b0, b1)) / div);
  }
  if (k < count) {
    const target = dense + <usize>i32At(targets, k) * <usize>stride;
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    for (let c = 0; c < stride; c += 16) {
      const at = wide + ((<usize>c) << 1);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load8x8_u(target + <usize>c), v128.load(at)));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load8x8_u(target + <usize>c, 8), v128.load(at, 16)));
    }
    store<f64>(out + ((<usize>k) << 3), laneSum(i32x4.add(a0, a1)) / div);
  }
}

/** The sum of four non-negative 32-bit lanes, exactly (as f64). */
function laneSum(sum: v128): f64 {
  return (
    <f64>i32x4.extract_lane(sum, 0) +
    <f64>i32x4.extract_lane(sum, 1) +
    (<f64>i32x4.extract_lane(sum, 2) + <f64>i32x4.extract_lane(sum, 3))
  );
}

// ---------------------------------------------------------------------------------------------------------
// The logistic preconditioner's dense Cholesky factor and its triangular solves (src/solvers/dense-cholesky.ts),
// the factor kept in this module's memory between the solves. The factorisation is that file's blocked,
// right-looking one, entry for entry in the same order. The solves use f64x2 lanes that hold exactly the
// scalar code's partial sums (forward: (s0, s1) and (s2, s3); backward: independent entries), so every value
// is the same bit for bit.

/** Columns per block of the factorisation (BLOCK in dense-cholesky.ts). */
const BLOCK: i32 = 48;

function at(a: usize, index: i32): usize {
  return a + ((<usize>index) << 3);
}

/** Factorises the lower triangle of the m × m row-major matrix at `a` in place; 0 on a non-positive pivot. */
export function choleskyFactor(a: usize, m: i32): i32 {
  for (let k0 = 0; k0 < m; k0 += BLOCK) {
    const k1 = min(k0 + BLOCK, m);
    if (!factorDiagonalBlock(a, m, k0, k1)) return 0;
    for (let i = k1; i < m; i++) {
      const ri = i * m;
      for (let j = k0; j < k1; j++) {
        const rj = j * m;
        let s = load<f64>(at(a, ri + j));
        for (let t = k0; t < j; t++) s -= load<f64>(at(a, ri + t)) * load<f64>(at(a, rj + t));
        store<f64>(at(a, ri + j), s / load<f64>(at(a, rj + j)));
      }
    }
    for (let i = k1; i < m; i++) subtractPanelProducts(a, m, k0, k1, i);
  }
  return 1;
}

function factorDiagonalBlock(a: usize, m: i32, k0: i32, k1: i32): bool {
  for (let j = k0; j < k1; j++) {
    const rj = j * m;
    let d = load<f64>(at(a, rj + j));
    for (let t = k0; t < j; t++) {
      const x = load<f64>(at(a, rj + t));
      d -= x * x;
    }
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    store<f64>(at(a, rj + j), ljj);
    const inv = 1 / ljj;
    for (let i = j + 1; i < k1; i++) {
      const ri = i * m;
      let s = load<f64>(at(a, ri + j));
      for (let t = k0; t < j; t++) s -= load<f64>(at(a, ri + t)) * load<f64>(at(a, rj + t));
      store<f64>(at(a, ri + j), s * inv);
    }
  }
  return true;
}

/** Row i of the trailing triangle (columns k1 … i) less the panel's products, each a sum over t from 0. */
function subtractPanelProducts(a: usize, m: i32, k0: i32, k1: i32, i: i32): void {
  const ri = i * m;
  let j = k1;
  for (; j + 3 <= i; j += 4) {
    const r0 = j * m;
    const r1 = r0 + m;
    const r2 = r1 + m;
    const r3 = r2 + m;
    let s0: f64 = 0;
    let s1: f64 = 0;
    let s2: f64 = 0;
    let s3: f64 = 0;
    for (let t = k0; t < k1; t++) {
      const x = load<f64>(at(a, ri + t));
      s0 += x * load<f64>(at(a, r0 + t));
      s1 += x * load<f64>(at(a, r1 + t));
      s2 += x * load<f64>(at(a, r2 + t));
      s3 += x * load<f64>(at(a, r3 + t));
    }
    store<f64>(at(a, ri + j), load<f64>(at(a, ri + j)) - s0);
    store<f64>(at(a, ri + j + 1), load<f64>(at(a, ri + j + 1)) - s1);
    store<f64>(at(a, ri + j + 2), load<f64>(at(a, ri + j + 2)) - s2);
    store<f64>(at(a, ri + j + 3), load<f64>(at(a, ri + j + 3)) - s3);
  }
  for (; j <= i; j++) {
    const rj = j * m;
    let s: f64 = 0;
    for (let t = k0; t < k1; t++) s += load<f64>(at(a, ri + t)) * load<f64>(at(a, rj + t));
    store<f64>(at(a, ri + j), load<f64>(at(a, ri + j)) - s);
  }
}

/** Solves L Lᵀ x = b in place (the m doubles at b become x) with the factor at l from choleskyFactor. */
export function choleskySolve(l: usize, m: i32, b: usize): void {
  for (let i = 0; i < m; i++) {
    const row = at(l, i * m);
    // lanes (s0, s1) and (s2, s3) of dense-cholesky.ts's four partial sums
    let lo = f64x2.replace_lane(f64x2.splat(0), 0, load<f64>(at(b, i)));
    let hi = f64x2.splat(0);
    let k = 0;
    for (; k + 3 < i; k += 4) {
      const p = (<usize>k) << 3;
      lo = f64x2.sub(lo, f64x2.mul(v128.load(row + p), v128.load(b + p)));
      hi = f64x2.sub(hi, f64x2.mul(v128.load(row + p, 16), v128.load(b + p, 16)));
    }
    let s0 = f64x2.extract_lane(lo, 0);
    for (; k < i; k++) s0 -= load<f64>(at(row, k)) * load<f64>(at(b, k));
    const s = s0 + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
    store<f64>(at(b, i), s / load<f64>(at(row, i)));
  }
  for (let i = m - 1; i >= 0; i--) {
    const row = at(l, i * m);
    const xi = load<f64>(at(b, i)) / load<f64>(at(row, i));
    store<f64>(at(b, i), xi);
    const x = f64x2.splat(xi);
    let k = 0;
    for (; k + 1 < i; k += 2) {
      const p = (<usize>k) << 3;
      v128.store(b + p, f64x2.sub(v128.load(b + p), f64x2.mul(v128.load(row + p), x)));
    }
    if (k < i) store<f64>(at(b, k), load<f64>(at(b, k)) - load<f64>(at(row, k)) * xi);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The measurements' passes over a pair's images (src/math/sparse.ts's SparseRowPasses): scores of every
// image against a model, and the power iteration of widestDirectionAcross, in sparseRowDot's and
// sparseRowAxpy's orders.

/** out[r] = x_r·v + b for the rows 0 … n − 1 (CSR start, u16 column, u8 value through `table`). */
export function rowScores(
  n: i32,
  start: usize,
  column: usize,
  value: usize,
  table: usize,
  v: usize,
  b: f64,
  out: usize,
): void {
  for (let r = 0; r < n; r++) {
    const dot = pairedByteDot(i32At(start, r), i32At(start, r + 1), column, value, table, v);
    store<f64>(out + ((<usize>r) << 3), dot + b);
  }
}

/**
 * One step of widestDirectionAcross's power iteration: for each row in order s_r = x_r·v − on, and, where s_r
 * ≠ 0, next += s_r x_r entry by entry; returns Σ_r s_r summed in row order.
 */
export function spreadStep(
  n: i32,
  start: usize,
  column: usize,
  value: usize,
  table: usize,
  v: usize,
  on: f64,
  next: usize,
): f64 {
  let sum: f64 = 0;
  for (let r = 0; r < n; r++) {
    const lo = i32At(start, r);
    const hi = i32At(start, r + 1);
    const s = pairedByteDot(lo, hi, column, value, table, v) - on;
    sum += s;
    if (s === 0) continue;
    for (let p = lo; p < hi; p++) {
      const q = next + ((<usize>u16At(column, p)) << 3);
      store<f64>(q, load<f64>(q) + s * tableAt(table, value, p));
    }
  }
  return sum;
}

/** u = Σ_i (α_i y_i) A_i over the images with α_i ≠ 0 in index order, entry by entry (weightsFromAlpha). */
export function hingeWeights(
  n: i32,
  dim: i32,
  alpha: usize,
  y: usize,
  start: usize,
  column: usize,
  value: usize,
  u: usize,
): void {
  memory.fill(u, 0, (<usize>dim) << 3);
  for (let i = 0; i < n; i++) {
    const a = f64At(alpha, i);
    if (a === 0) continue;
    const ay = a * f64At(y, i);
    const end = i32At(start, i + 1);
    for (let p = i32At(start, i); p < end; p++) {
      const q = u + ((<usize>columnAt(column, p)) << 3);
      store<f64>(q, load<f64>(q) + ay * byteAt(value, p));
    }
  }
}

// The same passes for data held dense (rows of `stride` pixel bytes, the first dim of them the image): the
// sums of src/math/vector.ts dotRow (partial sums s0 … s3 by column mod 4, s0 + s1 + (s2 + s3)) and
// hinge/data.ts addRow's per-entry updates over every column, zeros included, so the same bits.

/** dotRow(row, u) over dim bytes: lanes (s0, s1) and (s2, s3), the tail into s0. */
function denseRowDot(row: usize, dim: i32, u: usize): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let k = 0;
  for (; k + 3 < dim; k += 4) {
    const words = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(row + <usize>k)));
    const at = u + ((<usize>k) << 3);
    lo = f64x2.add(lo, f64x2.mul(f64x2.convert_low_i32x4_u(words), v128.load(at)));
    const upper = i32x4.shuffle(words, words, 2, 3, 0, 1);
    hi = f64x2.add(hi, f64x2.mul(f64x2.convert_low_i32x4_u(upper), v128.load(at, 16)));
  }
  let s0 = f64x2.extract_lane(lo, 0);
  for (; k < dim; k++) s0 += byteAt(row, k) * f64At(u, k);
  return s0 + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
}

/** out[k] = A_{rows[k]}·u for k < count, dense rows. */
export function hingeDenseRowDots(
  rows: usize,
  count: i32,
  dense: usize,
  stride: i32,
  dim: i32,
  u: usize,
  out: usize,
): void {
  for (let k = 0; k < count; k++) {
    const row = dense + <usize>i32At(rows, k) * <usize>stride;
    store<f64>(out + ((<usize>k) << 3), denseRowDot(row, dim, u));
  }
}

/** out[i] = A_i·u for the n dense rows from `dense` on. */
export function hingeDenseAllDots(n: i32, dense: usize, stride: i32, dim: i32, u: usize, out: usize): void {
  for (let i = 0; i < n; i++) {
    store<f64>(out + ((<usize>i) << 3), denseRowDot(dense + <usize>i * <usize>stride, dim, u));
  }
}

/** u[c] ← u[c] + a · A_ic for every column c < dim (addRow on a dense row), four entries at a time. */
function addDenseRow(row: usize, dim: i32, a: f64, u: usize): void {
  const a2 = f64x2.splat(a);
  let c = 0;
  for (; c + 3 < dim; c += 4) {
    const at = u + ((<usize>c) << 3);
    const words = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(row + <usize>c)));
    const upper = i32x4.shuffle(words, words, 2, 3, 0, 1);
    v128.store(at, f64x2.add(v128.load(at), f64x2.mul(a2, f64x2.convert_low_i32x4_u(words))));
    v128.store(at, f64x2.add(v128.load(at, 16), f64x2.mul(a2, f64x2.convert_low_i32x4_u(upper))), 16);
  }
  for (; c < dim; c++) {
    const at = u + ((<usize>c) << 3);
    store<f64>(at, load<f64>(at) + a * byteAt(row, c));
  }
}

/** u ← u + coefs[k]·A_{rows[k]} for k < count in order, dense rows. */
export function hingeDenseAddRows(
  rows: usize,
  coefs: usize,
  count: i32,
  dense: usize,
  stride: i32,
  dim: i32,
  u: usize,
): void {
  for (let k = 0; k < count; k++) {
    addDenseRow(dense + <usize>i32At(rows, k) * <usize>stride, dim, f64At(coefs, k), u);
  }
}

/** u = Σ α_i y_i A_i in index order (weightsFromAlpha), dense rows. */
export function hingeDenseWeights(
  n: i32,
  dim: i32,
  alpha: usize,
  y: usize,
  dense: usize,
  stride: i32,
  u: usize,
): void {
  memory.fill(u, 0, (<usize>dim) << 3);
  for (let i = 0; i < n; i++) {
    const a = f64At(alpha, i);
    if (a === 0) continue;
    addDenseRow(dense + <usize>i * <usize>stride, dim, a * f64At(y, i), u);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The hinge solvers' growable Cholesky factor (src/solvers/hinge/cholesky.ts): U = Lᵀ row-major with stride
// cap, the loops of forwardSubstitute, removeUpdate and backSubstitute. The inner loops over i are
// independent entries, two to an f64x2, each computed as the scalar code computes it.

/** L z = b in place for the first m entries of b; returns ‖z‖² (forwardSubstitute). */
export function factorForward(u: usize, cap: i32, m: i32, b: usize): f64 {
  let sq: f64 = 0;
  let k = 0;
  for (; k + 3 < m; k += 4) {
    const r0 = k * cap;
    const r1 = r0 + cap;
    const r2 = r1 + cap;
    const r3 = r2 + cap;
    const z0 = f64At(b, k) / f64At(u, r0 + k);
    const z1 = (f64At(b, k + 1) - f64At(u, r0 + k + 1) * z0) / f64At(u, r1 + k + 1);
    const z2 =
      (f64At(b, k + 2) - f64At(u, r0 + k + 2) * z0 - f64At(u, r1 + k + 2) * z1) / f64At(u, r2 + k + 2);
    const z3 =
      (f64At(b, k + 3) - f64At(u, r0 + k + 3) * z0 - f64At(u, r1 + k + 3) * z1 - f64At(u, r2 + k + 3) * z2) /
      f64At(u, r3 + k + 3);
    store<f64>(at(b, k), z0);
    store<f64>(at(b, k + 1), z1);
    store<f64>(at(b, k + 2), z2);
    store<f64>(at(b, k + 3), z3);
    sq += z0 * z0 + z1 * z1 + z2 * z2 + z3 * z3;
    const v0 = f64x2.splat(z0);
    const v1 = f64x2.splat(z1);
    const v2 = f64x2.splat(z2);
    const v3 = f64x2.splat(z3);
    const p0 = at(u, r0);
    const p1 = at(u, r1);
    const p2 = at(u, r2);
    const p3 = at(u, r3);
    let i = k + 4;
    for (; i + 1 < m; i += 2) {
      const o = (<usize>i) << 3;
      let t = f64x2.add(f64x2.mul(v128.load(p0 + o), v0), f64x2.mul(v128.load(p1 + o), v1));
      t = f64x2.add(f64x2.add(t, f64x2.mul(v128.load(p2 + o), v2)), f64x2.mul(v128.load(p3 + o), v3));
      v128.store(b + o, f64x2.sub(v128.load(b + o), t));
    }
    if (i < m) {
      const t = f64At(p0, i) * z0 + f64At(p1, i) * z1 + f64At(p2, i) * z2 + f64At(p3, i) * z3;
      store<f64>(at(b, i), f64At(b, i) - t);
    }
  }
  for (; k < m; k++) {
    const row = at(u, k * cap);
    const zk = f64At(b, k) / f64At(row, k);
    store<f64>(at(b, k), zk);
    sq += zk * zk;
    if (zk !== 0) {
      const z = f64x2.splat(zk);
      let i = k + 1;
      for (; i + 1 < m; i += 2) {
        const o = (<usize>i) << 3;
        v128.store(b + o, f64x2.sub(v128.load(b + o), f64x2.mul(v128.load(row + o), z)));
      }
      if (i < m) store<f64>(at(b, i), f64At(b, i) - f64At(row, i) * zk);
    }
  }
  return sq;
}

/** The trailing block's rank-one updates for removing position k, v = column k of L below it (removeUpdate). */
export function factorRemoveUpdate(u: usize, cap: i32, m: i32, k: i32, v: usize): void {
  for (let j = k + 1; j < m; j++) {
    const row = at(u, j * cap);
    const ljj = f64At(row, j);
    const vj = f64At(v, j);
    if (vj === 0) continue;
    const rr = Math.sqrt(ljj * ljj + vj * vj);
    const c = rr / ljj;
    const s = vj / ljj;
    store<f64>(at(row, j), rr);
    const ic = 1 / c;
    const cc = f64x2.splat(c);
    const ss = f64x2.splat(s);
    const icc = f64x2.splat(ic);
    let i = j + 1;
    for (; i + 1 < m; i += 2) {
      const o = (<usize>i) << 3;
      const vi = v128.load(v + o);
      const lij = f64x2.mul(f64x2.add(v128.load(row + o), f64x2.mul(ss, vi)), icc);
      v128.store(row + o, lij);
      v128.store(v + o, f64x2.sub(f64x2.mul(cc, vi), f64x2.mul(ss, lij)));
    }
    if (i < m) {
      const vi = f64At(v, i);
      const lij = (f64At(row, i) + s * vi) * ic;
      store<f64>(at(row, i), lij);
      store<f64>(at(v, i), c * vi - s * lij);
    }
  }
}

/** Lᵀ x = b in place for the first m entries of b (backSubstitute). */
export function factorBackward(u: usize, cap: i32, m: i32, b: usize): void {
  for (let k = m - 1; k >= 0; k--) {
    const row = at(u, k * cap);
    let s = f64At(b, k);
    for (let i = k + 1; i < m; i++) s -= f64At(row, i) * f64At(b, i);
    store<f64>(at(b, k), s / f64At(row, k));
  }
}

/** u ← u + coefs[k]·A_{rows[k]} for k = 0 … count − 1 in order, entry by entry (addRows). */
export function hingeAddRows(
  rows: usize,
  coefs: usize,
  count: i32,
  start: usize,
  column: usize,
  value: usize,
  u: usize,
): void {
  for (let k = 0; k < count; k++) {
    const i = i32At(rows, k);
    const a = f64At(coefs, k);
    const end = i32At(start, i + 1);
    for (let p = i32At(start, i); p < end; p++) {
      const q = u + ((<usize>columnAt(column, p)) << 3);
      store<f64>(q, load<f64>(q) + a * byteAt(value, p));
    }
  }
}
