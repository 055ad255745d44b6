// WebAssembly SIMD kernels of the neural-network engine (AssemblyScript, built by `npm run build:wasm`).
// Memory is laid out by the JavaScript side; every pointer is a byte offset into this module's memory.

// Packed GEMM (GotoBLAS loop order): blocks of A and B are copied into contiguous panels first, reading
// any strides, so that transposed operands (the backward passes' Aᵀ·B and A·Bᵀ) need no separate copies,
// and the micro-kernel streams both panels sequentially.
const MR = 4;
const NR = 8;
const KC = 256;
const MC = 64;
const NC = 512;

/** Bytes of scratch memory that sgemmPacked needs: the two panels and the edge tile. */
export function packedWorkBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/**
 * C[m×n] += op(A)·op(B) where element (i, p) of op(A) is at a + 4·(i·rsA + p·csA) and element (p, j) of
 * op(B) at b + 4·(p·rsB + j·csB); C is row-major with leading dimension ldc; `work` holds the panels.
 */
export function sgemmPacked(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  rsA: i32,
  csA: i32,
  b: usize,
  rsB: i32,
  csB: i32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  const bp = work + <usize>(MC * KC * 4);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b, rsB, csB, pc, jc, bp);
      blockProduct(m, nc, kc, a, rsA, csA, pc, jc, bp, c, ldc, work);
    }
  }
}

/** n columns rounded up to whole panels of NR (packB pads the last panel with zeros). */
function paddedColumns(n: i32): i32 {
  return ((n + NR - 1) / NR) * NR;
}

/** Floats of a k × n operand B packed whole by `prepackB` (each block's panels, edges padded to NR columns). */
export function prepackedFloats(n: i32, k: i32): i32 {
  return k * paddedColumns(n);
}

/**
 * Packs all of op(B) (k × n, strides as in sgemmPacked) into `out` once, in the order sgemmPrepacked reads it:
 * for a B that many products share (a network's weights while they do not change).
 */
export function prepackB(n: i32, k: i32, b: usize, rsB: i32, csB: i32, out: usize): void {
  let q = out;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    const padded = paddedColumns(nc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b, rsB, csB, pc, jc, q);
      q += (<usize>(kc * padded)) << 2;
    }
  }
}

/** sgemmPacked with op(B) packed by `prepackB` (the same sums in the same order: the same result, bit for bit). */
export function sgemmPrepacked(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  rsA: i32,
  csA: i32,
  packed: usize,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  let panels = packed;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    const padded = paddedColumns(nc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      blockProduct(m, nc, kc, a, rsA, csA, pc, jc, panels, c, ldc, work);
      panels += (<usize>(kc * padded)) << 2;
    }
  }
}

/** C[:, jc..jc + nc) += op(A)[:, pc..pc + kc) · (the packed kc × nc block of B at bp). */
function blockProduct(
  m: i32,
  nc: i32,
  kc: i32,
  a: usize,
  rsA: i32,
  csA: i32,
  pc: i32,
  jc: i32,
  bp: usize,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  const ap = work;
  // the edge tile lives in `work` too, so that threads sharing one memory never share scratch
  const tile = work + <usize>((MC * KC + KC * NC) * 4);
  for (let ic = 0; ic < m; ic += MC) {
    const mc = min(MC, m - ic);
    packA(mc, kc, a, rsA, csA, ic, pc, ap);
    for (let jr = 0; jr < nc; jr += NR) {
      const nr = min(NR, nc - jr);
      const bpanel = bp + <usize>(jr * kc * 4);
      for (let ir = 0; ir < mc; ir += MR) {
        const mr = min(MR, mc - ir);
        const cptr = c + (<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) * 4;
        microKernel(kc, ap + <usize>(ir * kc * 4), bpanel, cptr, <usize>ldc * 4, mr, nr, tile);
      }
    }
  }
}

// Packing runs once per block but touches every element: the common strides (a row-major operand, or a
// transposed one) move 4×4 blocks with SIMD transposes; anything else, and the ragged edges, go one by one.

/** The 4×4 transpose of the rows r0…r3, stored as 4 consecutive vectors at `out`. */
function storeTransposed(r0: v128, r1: v128, r2: v128, r3: v128, out: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(out + stride, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(out + 2 * stride, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(out + 3 * stride, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

function packA(mc: i32, kc: i32, a: usize, rsA: i32, csA: i32, i0: i32, p0: i32, out: usize): void {
  let q = out;
  for (let ir = 0; ir < mc; ir += MR) {
    let p = 0;
    if (ir + MR <= mc) {
      const base = a + ((<usize>(i0 + ir) * <usize>rsA + <usize>p0 * <usize>csA) << 2);
      if (csA === 1) {
        // rows of A are contiguous: transpose 4 rows × 4 columns at a time
        const row = (<usize>rsA) << 2;
        for (; p + 4 <= kc; p += 4) {
          const s = base + ((<usize>p) << 2);
          storeTransposed(
            v128.load(s),
            v128.load(s + row),
            v128.load(s + 2 * row),
            v128.load(s + 3 * row),
            q,
            16,
          );
          q += 64;
        }
      } else if (rsA === 1) {
        // A is transposed in memory: the 4 rows of column p are contiguous
        const col = (<usize>csA) << 2;
        for (; p < kc; p++) {
          v128.store(q, v128.load(base + <usize>p * col));
          q += 16;
        }
      }
    }
    for (; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        const i = ir + r;
        const v: f32 =
          i < mc ? load<f32>(a + (<usize>(i0 + i) * <usize>rsA + <usize>(p0 + p) * <usize>csA) * 4) : 0;
        store<f32>(q, v);
        q += 4;
      }
    }
  }
}

function packB(kc: i32, nc: i32, b: usize, rsB: i32, csB: i32, p0: i32, j0: i32, out: usize): void {
  let q = out;
  for (let jr = 0; jr < nc; jr += NR) {
    let p = 0;
    if (jr + NR <= nc) {
      const base = b + ((<usize>p0 * <usize>rsB + <usize>(j0 + jr) * <usize>csB) << 2);
      if (csB === 1) {
        // rows of B are contiguous: copy 8 values per row
        const row = (<usize>rsB) << 2;
        for (; p < kc; p++) {
          const s = base + <usize>p * row;
          v128.store(q, v128.load(s));
          v128.store(q, v128.load(s, 16), 16);
          q += 32;
        }
      } else if (rsB === 1) {
        // B is transposed in memory: columns are contiguous, transpose two 4×4 blocks per 4 rows
        const col = (<usize>csB) << 2;
        for (; p + 4 <= kc; p += 4) {
          const s = base + ((<usize>p) << 2);
          storeTransposed(
            v128.load(s),
            v128.load(s + col),
            v128.load(s + 2 * col),
            v128.load(s + 3 * col),
            q,
            32,
          );
          const h = s + 4 * col;
          storeTransposed(
            v128.load(h),
            v128.load(h + col),
            v128.load(h + 2 * col),
            v128.load(h + 3 * col),
            q + 16,
            32,
          );
          q += 128;
        }
      }
    }
    for (; p < kc; p++) {
      const row = b + <usize>(p0 + p) * <usize>rsB * 4;
      for (let s = 0; s < NR; s++) {
        const j = jr + s;
        const v: f32 = j < nc ? load<f32>(row + <usize>(j0 + j) * <usize>csB * 4) : 0;
        store<f32>(q, v);
        q += 4;
      }
    }
  }
}

function microKernel(
  kc: i32,
  ap: usize,
  bp: usize,
  c: usize,
  ldcBytes: usize,
  mr: i32,
  nr: i32,
  tile: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  // one pointer drives the loop: V8 then keeps the loop overhead to two adds and a compare
  const end = ap + ((<usize>kc) << 4);
  while (ap < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const x0 = v128.load32_splat(ap);
    const x1 = v128.load32_splat(ap, 4);
    const x2 = v128.load32_splat(ap, 8);
    const x3 = v128.load32_splat(ap, 12);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0));
    c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    c10 = f32x4.add(c10, f32x4.mul(x1, b0));
    c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    c20 = f32x4.add(c20, f32x4.mul(x2, b0));
    c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    c30 = f32x4.add(c30, f32x4.mul(x3, b0));
    c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    ap += 16;
    bp += 32;
  }
  if (mr === MR && nr === NR) {
    v128.store(c, f32x4.add(v128.load(c), c00));
    v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c10));
    v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c20));
    v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
    c += ldcBytes;
    v128.store(c, f32x4.add(v128.load(c), c30));
    v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
    return;
  }
  // a partial tile at the matrix edge: spill the block, add only the valid part
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let r = 0; r < mr; r++) {
    for (let s = 0; s < nr; s++) {
      const pc = c + <usize>r * ldcBytes + ((<usize>s) << 2);
      store<f32>(pc, load<f32>(pc) + load<f32>(tile + ((<usize>(r * NR + s)) << 2)));
    }
  }
}

/**
 * The attacks' step on n float32 values: x ← clip(x + scale·g, lower, upper), computed in float64 from the
 * float32 operands and rounded to float32 when stored, the clip by f64x2.max then f64x2.min (IEEE max and
 * min, as Math.max and Math.min: −0 below +0, NaN kept), so the same bits as the TypeScript loop
 * (src/nn/attack.ts clippedStep), two lanes at a time.
 */
export function clippedStep(x: usize, g: usize, n: i32, scale: f64, lower: f64, upper: f64): void {
  const s2 = f64x2.splat(scale);
  const lo2 = f64x2.splat(lower);
  const hi2 = f64x2.splat(upper);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const off = (<usize>k) << 2;
    const x4 = v128.load(x + off);
    const g4 = v128.load(g + off);
    const xl = f64x2.promote_low_f32x4(x4);
    const gl = f64x2.promote_low_f32x4(g4);
    const xh = f64x2.promote_low_f32x4(i32x4.shuffle(x4, x4, 2, 3, 0, 1));
    const gh = f64x2.promote_low_f32x4(i32x4.shuffle(g4, g4, 2, 3, 0, 1));
    const vl = f64x2.min(hi2, f64x2.max(lo2, f64x2.add(xl, f64x2.mul(s2, gl))));
    const vh = f64x2.min(hi2, f64x2.max(lo2, f64x2.add(xh, f64x2.mul(s2, gh))));
    v128.store(x + off, i32x4.shuffle(f32x4.demote_f64x2_zero(vl), f32x4.demote_f64x2_zero(vh), 0, 1, 4, 5));
  }
  for (; k < n; k++) {
    const off = (<usize>k) << 2;
    const v = <f64>load<f32>(x + off) + scale * <f64>load<f32>(g + off);
    store<f32>(x + off, <f32>min(upper, max(lower, v)));
  }
}

/**
 * Momentum SGD on n float32 parameters at w with velocities v and gradients g: v ← μ·v − λ·w − g, then
 * w ← w + η·v, each value computed in float64 from the float32 operands and rounded to float32 when stored
 * (the operations of MomentumSgd.step in TypeScript, in its order, so the same bits), two lanes at a time.
 */
export function momentumStep(w: usize, v: usize, g: usize, n: i32, mu: f64, decay: f64, eta: f64): void {
  const m2 = f64x2.splat(mu);
  const d2 = f64x2.splat(decay);
  const e2 = f64x2.splat(eta);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const off = (<usize>k) << 2;
    const w4 = v128.load(w + off);
    const v4 = v128.load(v + off);
    const g4 = v128.load(g + off);
    // low and high halves in float64
    const wl = f64x2.promote_low_f32x4(w4);
    const vl = f64x2.promote_low_f32x4(v4);
    const gl = f64x2.promote_low_f32x4(g4);
    const wh = f64x2.promote_low_f32x4(i32x4.shuffle(w4, w4, 2, 3, 0, 1));
    const vh = f64x2.promote_low_f32x4(i32x4.shuffle(v4, v4, 2, 3, 0, 1));
    const gh = f64x2.promote_low_f32x4(i32x4.shuffle(g4, g4, 2, 3, 0, 1));
    const nl = f64x2.sub(f64x2.sub(f64x2.mul(m2, vl), f64x2.mul(d2, wl)), gl);
    const nh = f64x2.sub(f64x2.sub(f64x2.mul(m2, vh), f64x2.mul(d2, wh)), gh);
    const ul = f64x2.add(wl, f64x2.mul(e2, nl));
    const uh = f64x2.add(wh, f64x2.mul(e2, nh));
    v128.store(v + off, i32x4.shuffle(f32x4.demote_f64x2_zero(nl), f32x4.demote_f64x2_zero(nh), 0, 1, 4, 5));
    v128.store(w + off, i32x4.shuffle(f32x4.demote_f64x2_zero(ul), f32x4.demote_f64x2_zero(uh), 0, 1, 4, 5));
  }
  for (; k < n; k++) {
    const off = (<usize>k) << 2;
    const wk = <f64>load<f32>(w + off);
    const vk = mu * <f64>load<f32>(v + off) - decay * wk - <f64>load<f32>(g + off);
    store<f32>(v + off, <f32>vk);
    store<f32>(w + off, <f32>(wk + eta * vk));
  }
}
