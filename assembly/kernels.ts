// WebAssembly SIMD kernels of the neural-network engine (AssemblyScript, built by `npm run build:wasm`).
// Memory is laid out by the JavaScript side; every pointer is a byte offset into this module's memory.

/**
 * C[m×n] += A[m×k] · B[k×n] for row-major f32 matrices with leading dimensions lda, ldb, ldc (in elements).
 * The inner block is 4 rows × 8 columns: 8 f32x4 accumulators stay in registers (V8 has 16 SIMD registers;
 * a larger block spills), each step loads two vectors of B and splats one element of A per row.
 */
export function sgemm(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const sa = (<usize>lda) << 2;
  const sb = (<usize>ldb) << 2;
  const sc = (<usize>ldc) << 2;
  for (let i = 0; i < m4; i += 4) {
    const a0 = a + <usize>i * sa;
    const c0 = c + <usize>i * sc;
    for (let j = 0; j < n8; j += 8) {
      let acc00 = f32x4.splat(0);
      let acc01 = f32x4.splat(0);
      let acc10 = f32x4.splat(0);
      let acc11 = f32x4.splat(0);
      let acc20 = f32x4.splat(0);
      let acc21 = f32x4.splat(0);
      let acc30 = f32x4.splat(0);
      let acc31 = f32x4.splat(0);
      let pb = b + ((<usize>j) << 2);
      let pa = a0;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pa);
        const x1 = v128.load32_splat(pa + sa);
        const x2 = v128.load32_splat(pa + 2 * sa);
        const x3 = v128.load32_splat(pa + 3 * sa);
        acc00 = f32x4.add(acc00, f32x4.mul(x0, b0));
        acc01 = f32x4.add(acc01, f32x4.mul(x0, b1));
        acc10 = f32x4.add(acc10, f32x4.mul(x1, b0));
        acc11 = f32x4.add(acc11, f32x4.mul(x1, b1));
        acc20 = f32x4.add(acc20, f32x4.mul(x2, b0));
        acc21 = f32x4.add(acc21, f32x4.mul(x2, b1));
        acc30 = f32x4.add(acc30, f32x4.mul(x3, b0));
        acc31 = f32x4.add(acc31, f32x4.mul(x3, b1));
        pb += sb;
        pa += 4;
      }
      const pc = c0 + ((<usize>j) << 2);
      v128.store(pc, f32x4.add(v128.load(pc), acc00));
      v128.store(pc, f32x4.add(v128.load(pc, 16), acc01), 16);
      v128.store(pc + sc, f32x4.add(v128.load(pc + sc), acc10));
      v128.store(pc + sc, f32x4.add(v128.load(pc + sc, 16), acc11), 16);
      v128.store(pc + 2 * sc, f32x4.add(v128.load(pc + 2 * sc), acc20));
      v128.store(pc + 2 * sc, f32x4.add(v128.load(pc + 2 * sc, 16), acc21), 16);
      v128.store(pc + 3 * sc, f32x4.add(v128.load(pc + 3 * sc), acc30));
      v128.store(pc + 3 * sc, f32x4.add(v128.load(pc + 3 * sc, 16), acc31), 16);
    }
  }
  // the edges: rows past the last block of 4, columns past the last block of 8
  edge(0, m4, n8, n, k, a, sa, b, sb, c, sc);
  edge(m4, m, 0, n, k, a, sa, b, sb, c, sc);
}

function edge(
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  k: i32,
  a: usize,
  sa: usize,
  b: usize,
  sb: usize,
  c: usize,
  sc: usize,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s: f32 = 0;
      let pa = a + <usize>i * sa;
      let pb = b + ((<usize>j) << 2);
      for (let p = 0; p < k; p++) {
        s += load<f32>(pa) * load<f32>(pb);
        pa += 4;
        pb += sb;
      }
      const pc = c + <usize>i * sc + ((<usize>j) << 2);
      store<f32>(pc, load<f32>(pc) + s);
    }
  }
}
