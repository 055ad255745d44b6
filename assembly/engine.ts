// The LeNet training engine (AssemblyScript, wasm SIMD, built into build/engine.wasm with a shared imported
// memory so that worker threads train on one copy of the weights).
//
// Activations are channels-last (HWC) per image: a 5×5 patch of a 20-channel map is then five contiguous runs
// of 100 floats, so the convolutions read their patches straight from the maps (no im2col copies) and a
// pooled gradient can be routed to the one position that won its window without scanning zeros (conv2's
// backward passes do 1/4 of the dense work). conv2's forward pass runs by Winograd's F(2×2, 5×5), fused with
// the max pooling that follows it; conv1 and the GEMMs are direct, on 4×8-style register tiles.
// Internal weight layouts (the trainer converts from and to the reference layers' [out][in][kh][kw]):
//   conv1 [tap = ky·5 + kx][20 channels]          conv2 [50][ky][kx][20]  (one 500-float row per filter)
//   fc1   [500][(y·4 + x)·50 + c]                  fc2   [10][500]
// Every pointer is a byte offset into the shared memory; nothing here allocates.
import { packedWorkBytes, prepackB, prepackedFloats, sgemmPacked, sgemmPrepacked } from './kernels';

export { packedWorkBytes, prepackB, prepackedFloats, sgemmPacked, sgemmPrepacked };

// LeNet's shapes (SPEC §4): 28×28 → conv 5×5 ×20 → 24×24 → pool → 12×12 → conv 5×5 ×50 → 8×8 → pool → 4×4 →
// fc 800→500 → ReLU → fc 500→10.
const IN = 28;
const C1 = 20;
const H1 = 24;
const P1 = 12;
const C2 = 50;
const H2 = 8;
const P2 = 4;
const F_IN = 800;
const HIDDEN = 500;
const CLASSES = 10;
/** one patch row of conv2: 5 taps × 20 channels, contiguous in an HWC map */
const ROW2 = 100;
/** conv2's filter length (5 patch rows) */
const K2 = 500;
/** conv2's filters packed in 6 panels of 8 output channels, then one of 4 (channels 48, 49 and two zeros) */
const PANELS2 = 6;

// ---------------------------------------------------------------------------------------------------------
// Convolutions

/**
 * conv1 forward for one image: out (24×24×20) = bias + Σ_taps x(28×28) · w[tap][20]. Channels 0–15 in tiles of
 * 2 neighbouring positions × 16 channels, channels 16–19 in tiles of 6 positions × 4 channels: at most 8
 * accumulators, so that V8's 15 usable vector registers hold the whole tile with its operands.
 */
export function conv1Forward(x: usize, w: usize, bias: usize, out: usize): void {
  const bias0 = v128.load(bias);
  const bias1 = v128.load(bias, 16);
  const bias2 = v128.load(bias, 32);
  const bias3 = v128.load(bias, 48);
  const bias4 = v128.load(bias, 64);
  for (let oy = 0; oy < H1; oy++) {
    const xrow = x + ((<usize>(oy * IN)) << 2);
    const orow = out + ((<usize>(oy * H1 * C1)) << 2);
    for (let ox = 0; ox < H1; ox += 2) {
      let a0 = bias0;
      let a1 = bias1;
      let a2 = bias2;
      let a3 = bias3;
      let d0 = bias0;
      let d1 = bias1;
      let d2 = bias2;
      let d3 = bias3;
      let xr = xrow + ((<usize>ox) << 2);
      let wp = w;
      for (let ky = 0; ky < 5; ky++) {
        const end = xr + 20;
        for (let xs = xr; xs < end; xs += 4) {
          const s0 = v128.load32_splat(xs);
          const s1 = v128.load32_splat(xs, 4);
          let b = v128.load(wp);
          a0 = f32x4.add(a0, f32x4.mul(s0, b));
          d0 = f32x4.add(d0, f32x4.mul(s1, b));
          b = v128.load(wp, 16);
          a1 = f32x4.add(a1, f32x4.mul(s0, b));
          d1 = f32x4.add(d1, f32x4.mul(s1, b));
          b = v128.load(wp, 32);
          a2 = f32x4.add(a2, f32x4.mul(s0, b));
          d2 = f32x4.add(d2, f32x4.mul(s1, b));
          b = v128.load(wp, 48);
          a3 = f32x4.add(a3, f32x4.mul(s0, b));
          d3 = f32x4.add(d3, f32x4.mul(s1, b));
          wp += C1 * 4;
        }
        xr += IN * 4;
      }
      const o = orow + ((<usize>(ox * C1)) << 2);
      v128.store(o, a0);
      v128.store(o, a1, 16);
      v128.store(o, a2, 32);
      v128.store(o, a3, 48);
      v128.store(o, d0, 80);
      v128.store(o, d1, 96);
      v128.store(o, d2, 112);
      v128.store(o, d3, 128);
    }
    for (let ox = 0; ox < H1; ox += 6) {
      let a0 = bias4;
      let a1 = bias4;
      let a2 = bias4;
      let a3 = bias4;
      let a4 = bias4;
      let a5 = bias4;
      let xr = xrow + ((<usize>ox) << 2);
      let wp = w + 64;
      for (let ky = 0; ky < 5; ky++) {
        const end = xr + 20;
        for (let xs = xr; xs < end; xs += 4) {
          const b = v128.load(wp);
          a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xs), b));
          a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xs, 4), b));
          a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xs, 8), b));
          a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xs, 12), b));
          a4 = f32x4.add(a4, f32x4.mul(v128.load32_splat(xs, 16), b));
          a5 = f32x4.add(a5, f32x4.mul(v128.load32_splat(xs, 20), b));
          wp += C1 * 4;
        }
        xr += IN * 4;
      }
      const o = orow + ((<usize>(ox * C1 + 16)) << 2);
      v128.store(o, a0);
      v128.store(o, a1, C1 * 4);
      v128.store(o, a2, 2 * C1 * 4);
      v128.store(o, a3, 3 * C1 * 4);
      v128.store(o, a4, 4 * C1 * 4);
      v128.store(o, a5, 5 * C1 * 4);
    }
  }
}

/**
 * conv1's weight gradient for one image, added into dw[tap][20]: Σ over the 576 output positions of
 * x(position + tap) · g(position). Channels 0–15 two taps at a time, channels 16–19 six taps at a time (at
 * most 8 accumulators, as in conv1Forward), over bands of 4 output rows so that the band of g (7.5 KB) stays in
 * L1 while every tap passes over it.
 */
export function conv1WeightGrad(x: usize, g: usize, dw: usize): void {
  for (let band = 0; band < H1; band += 4) {
    const gband = g + ((<usize>(band * H1 * C1)) << 2);
    const xband = x + ((<usize>(band * IN)) << 2);
    for (let t = 0; t < 25; t += 2) {
      const pair = t < 24;
      const ta = tapOffset(t);
      const shift = pair ? tapOffset(t + 1) - ta : 0;
      const rowA = dw + <usize>(t * C1 * 4);
      const rowB = rowA + C1 * 4;
      let a0 = v128.load(rowA);
      let a1 = v128.load(rowA, 16);
      let a2 = v128.load(rowA, 32);
      let a3 = v128.load(rowA, 48);
      let d0 = f32x4.splat(0);
      let d1 = f32x4.splat(0);
      let d2 = f32x4.splat(0);
      let d3 = f32x4.splat(0);
      let gp = gband;
      for (let oy = 0; oy < 4; oy++) {
        let xa = xband + ta + ((<usize>(oy * IN)) << 2);
        const end = xa + H1 * 4;
        while (xa < end) {
          const s0 = v128.load32_splat(xa);
          const s1 = v128.load32_splat(xa + shift);
          let b = v128.load(gp);
          a0 = f32x4.add(a0, f32x4.mul(s0, b));
          d0 = f32x4.add(d0, f32x4.mul(s1, b));
          b = v128.load(gp, 16);
          a1 = f32x4.add(a1, f32x4.mul(s0, b));
          d1 = f32x4.add(d1, f32x4.mul(s1, b));
          b = v128.load(gp, 32);
          a2 = f32x4.add(a2, f32x4.mul(s0, b));
          d2 = f32x4.add(d2, f32x4.mul(s1, b));
          b = v128.load(gp, 48);
          a3 = f32x4.add(a3, f32x4.mul(s0, b));
          d3 = f32x4.add(d3, f32x4.mul(s1, b));
          xa += 4;
          gp += C1 * 4;
        }
      }
      v128.store(rowA, a0);
      v128.store(rowA, a1, 16);
      v128.store(rowA, a2, 32);
      v128.store(rowA, a3, 48);
      if (pair) {
        v128.store(rowB, f32x4.add(v128.load(rowB), d0));
        v128.store(rowB, f32x4.add(v128.load(rowB, 16), d1), 16);
        v128.store(rowB, f32x4.add(v128.load(rowB, 32), d2), 32);
        v128.store(rowB, f32x4.add(v128.load(rowB, 48), d3), 48);
      }
    }
    // channels 16–19: taps t … t + 5 share each loaded gradient vector; taps past 24 read tap 24 again and
    // are dropped
    for (let t = 0; t < 25; t += 6) {
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let a4 = f32x4.splat(0);
      let a5 = f32x4.splat(0);
      const o0 = tapOffset(t);
      const o1 = tapOffset(min(t + 1, 24)) - o0;
      const o2 = tapOffset(min(t + 2, 24)) - o0;
      const o3 = tapOffset(min(t + 3, 24)) - o0;
      const o4 = tapOffset(min(t + 4, 24)) - o0;
      const o5 = tapOffset(min(t + 5, 24)) - o0;
      let gp = gband + 64;
      for (let oy = 0; oy < 4; oy++) {
        let xa = xband + o0 + ((<usize>(oy * IN)) << 2);
        const end = xa + H1 * 4;
        while (xa < end) {
          const b = v128.load(gp);
          a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xa), b));
          a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xa + o1), b));
          a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xa + o2), b));
          a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xa + o3), b));
          a4 = f32x4.add(a4, f32x4.mul(v128.load32_splat(xa + o4), b));
          a5 = f32x4.add(a5, f32x4.mul(v128.load32_splat(xa + o5), b));
          xa += 4;
          gp += C1 * 4;
        }
      }
      const row = dw + 64;
      addOne(row + <usize>(t * C1 * 4), a0);
      if (t + 1 < 25) addOne(row + <usize>((t + 1) * C1 * 4), a1);
      if (t + 2 < 25) addOne(row + <usize>((t + 2) * C1 * 4), a2);
      if (t + 3 < 25) addOne(row + <usize>((t + 3) * C1 * 4), a3);
      if (t + 4 < 25) addOne(row + <usize>((t + 4) * C1 * 4), a4);
      if (t + 5 < 25) addOne(row + <usize>((t + 5) * C1 * 4), a5);
    }
  }
}

/**
 * conv1's input gradient for one image: dx (28×28, overwritten) = Σ_taps shifted (g (24×24×20) · w[tap]ᵀ). The
 * products of every position with every tap come from one GEMM into `taps` (576 × 25 floats), then are added
 * into dx along each tap's shift.
 */
export function conv1InputGrad(w: usize, g: usize, taps: usize, dx: usize, work: usize): void {
  const positions = H1 * H1;
  memory.fill(taps, 0, (<usize>(positions * 25)) << 2);
  sgemmPacked(positions, 25, C1, g, C1, 1, w, 1, C1, taps, 25, work);
  tapsToImage(taps, dx);
}

/** dx (28×28, overwritten) = Σ_taps each tap's column of `taps` (576 × 25) added along its shift. */
function tapsToImage(taps: usize, dx: usize): void {
  memory.fill(dx, 0, (<usize>(IN * IN)) << 2);
  for (let ky = 0; ky < 5; ky++) {
    for (let oy = 0; oy < H1; oy++) {
      const drow = dx + ((<usize>((oy + ky) * IN)) << 2);
      const trow = taps + ((<usize>(oy * H1 * 25 + ky * 5)) << 2);
      for (let ox = 0; ox < H1; ox++) {
        const t = trow + ((<usize>(ox * 25)) << 2);
        const d = drow + ((<usize>ox) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(t));
        store<f32>(d, load<f32>(d, 4) + load<f32>(t, 4), 4);
        store<f32>(d, load<f32>(d, 8) + load<f32>(t, 8), 8);
        store<f32>(d, load<f32>(d, 12) + load<f32>(t, 12), 12);
        store<f32>(d, load<f32>(d, 16) + load<f32>(t, 16), 16);
      }
    }
  }
}

/**
 * conv1InputGrad after max pooling, from the pooled gradient g (12×12×20) and pool1's winners arg (positions
 * y·24 + x): the same dx bit for bit as maxPoolBackward into a zeroed 24×24×20 map and then conv1InputGrad,
 * with a quarter of the work. Only a window's winner has a gradient, so each (window, channel) adds its
 * value times the channel's 25 taps into the winner's row of `taps`: per position the channels arrive in
 * ascending order, as in the GEMM's sum (whose other terms are zeros), and each position lies in one window.
 * `work` holds the filters by channel (20 × 28 floats).
 */
export function conv1PooledInputGrad(
  w: usize,
  g: usize,
  arg: usize,
  taps: usize,
  dx: usize,
  work: usize,
): void {
  const positions = H1 * H1;
  memory.fill(taps, 0, (<usize>(positions * 25)) << 2);
  // wc[c][t] = w[t][c], taps padded to 28 with zeros
  for (let c = 0; c < C1; c++) {
    for (let t = 0; t < 28; t++) {
      const v: f32 = t < 25 ? load<f32>(w + ((<usize>(t * C1 + c)) << 2)) : 0;
      store<f32>(work + ((<usize>(c * 28 + t)) << 2), v);
    }
  }
  for (let q = 0; q < P1 * P1; q++) {
    for (let c = 0; c < C1; c++) {
      const at = (<usize>(q * C1 + c)) << 2;
      const v = load<f32>(g + at);
      const row = taps + ((<usize>(load<i32>(arg + at) * 25)) << 2);
      const wc = work + ((<usize>(c * 28)) << 2);
      const vs = f32x4.splat(v);
      v128.store(row, f32x4.add(v128.load(row), f32x4.mul(vs, v128.load(wc))));
      v128.store(row, f32x4.add(v128.load(row, 16), f32x4.mul(vs, v128.load(wc, 16))), 16);
      v128.store(row, f32x4.add(v128.load(row, 32), f32x4.mul(vs, v128.load(wc, 32))), 32);
      v128.store(row, f32x4.add(v128.load(row, 48), f32x4.mul(vs, v128.load(wc, 48))), 48);
      v128.store(row, f32x4.add(v128.load(row, 64), f32x4.mul(vs, v128.load(wc, 64))), 64);
      v128.store(row, f32x4.add(v128.load(row, 80), f32x4.mul(vs, v128.load(wc, 80))), 80);
      store<f32>(row + 96, load<f32>(row + 96) + v * load<f32>(wc + 96));
    }
  }
  tapsToImage(taps, dx);
}

/** Byte offset in a 28-wide image of conv1's tap t = ky·5 + kx. */
function tapOffset(t: i32): usize {
  return (<usize>(((t / 5) | 0) * IN + (t % 5))) << 2;
}

function addOne(p: usize, a: v128): void {
  v128.store(p, f32x4.add(v128.load(p), a));
}

/**
 * Packs conv2's filters w[50][500] into 6 panels [500][8] and one [500][4] (the layout conv2Forward streams).
 * The direct conv2 is not in the training step (Winograd's is); it stays as the bench's and tests' baseline.
 */
export function packConv2(w: usize, out: usize): void {
  let q = out;
  for (let jp = 0; jp <= PANELS2; jp++) {
    const width = jp < PANELS2 ? 8 : 4;
    for (let k = 0; k < K2; k++) {
      for (let s = 0; s < width; s++) {
        const o = jp * 8 + s;
        store<f32>(q, o < C2 ? load<f32>(w + ((<usize>(o * K2 + k)) << 2)) : 0);
        q += 4;
      }
    }
  }
}

/**
 * conv2 forward for one image: out (8×8×50) = bias + conv(x (12×12×20), w). Channels 0–47 in tiles of 4
 * neighbouring output positions × 8 channels (8 f32x4 accumulators: V8's register file holds no more), the
 * last 2 channels in tiles of 4 positions × 4 channels; each position's patch row is 100 contiguous floats of
 * x, read in place.
 */
export function conv2Forward(x: usize, panels: usize, bias: usize, out: usize): void {
  for (let jp = 0; jp < PANELS2; jp++) {
    const panel = panels + <usize>(jp * K2 * 32);
    const bias0 = v128.load(bias + ((<usize>jp) << 5));
    const bias1 = v128.load(bias + ((<usize>jp) << 5), 16);
    for (let oy = 0; oy < H2; oy++) {
      for (let ox = 0; ox < H2; ox += 4) {
        let c00 = bias0;
        let c01 = bias1;
        let c10 = bias0;
        let c11 = bias1;
        let c20 = bias0;
        let c21 = bias1;
        let c30 = bias0;
        let c31 = bias1;
        let bp = panel;
        let xr = x + ((<usize>((oy * P1 + ox) * C1)) << 2);
        for (let ky = 0; ky < 5; ky++) {
          let a = xr;
          const end = a + ROW2 * 4;
          while (a < end) {
            const b0 = v128.load(bp);
            const b1 = v128.load(bp, 16);
            const x0 = v128.load32_splat(a);
            const x1 = v128.load32_splat(a, C1 * 4);
            const x2 = v128.load32_splat(a, 2 * C1 * 4);
            const x3 = v128.load32_splat(a, 3 * C1 * 4);
            c00 = f32x4.add(c00, f32x4.mul(x0, b0));
            c01 = f32x4.add(c01, f32x4.mul(x0, b1));
            c10 = f32x4.add(c10, f32x4.mul(x1, b0));
            c11 = f32x4.add(c11, f32x4.mul(x1, b1));
            c20 = f32x4.add(c20, f32x4.mul(x2, b0));
            c21 = f32x4.add(c21, f32x4.mul(x2, b1));
            c30 = f32x4.add(c30, f32x4.mul(x3, b0));
            c31 = f32x4.add(c31, f32x4.mul(x3, b1));
            a += 4;
            bp += 32;
          }
          xr += P1 * C1 * 4;
        }
        const o = out + ((<usize>((oy * H2 + ox) * C2 + jp * 8)) << 2);
        v128.store(o, c00);
        v128.store(o, c01, 16);
        v128.store(o, c10, C2 * 4);
        v128.store(o, c11, C2 * 4 + 16);
        v128.store(o, c20, 2 * C2 * 4);
        v128.store(o, c21, 2 * C2 * 4 + 16);
        v128.store(o, c30, 3 * C2 * 4);
        v128.store(o, c31, 3 * C2 * 4 + 16);
      }
    }
  }
  // channels 48, 49 (the panel's other two are zero filters)
  const panel = panels + <usize>(PANELS2 * K2 * 32);
  const bias0 = v128.load(bias + ((<usize>PANELS2) << 5));
  for (let oy = 0; oy < H2; oy++) {
    for (let ox = 0; ox < H2; ox += 4) {
      let c0 = bias0;
      let c1 = bias0;
      let c2 = bias0;
      let c3 = bias0;
      let bp = panel;
      let xr = x + ((<usize>((oy * P1 + ox) * C1)) << 2);
      for (let ky = 0; ky < 5; ky++) {
        let a = xr;
        const end = a + ROW2 * 4;
        while (a < end) {
          const b = v128.load(bp);
          c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), b));
          c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a, C1 * 4), b));
          c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a, 2 * C1 * 4), b));
          c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a, 3 * C1 * 4), b));
          a += 4;
          bp += 16;
        }
        xr += P1 * C1 * 4;
      }
      const o = out + ((<usize>((oy * H2 + ox) * C2 + 48)) << 2);
      v128.store64_lane(o, c0, 0);
      v128.store64_lane(o, c1, 0, C2 * 4);
      v128.store64_lane(o, c2, 0, 2 * C2 * 4);
      v128.store64_lane(o, c3, 0, 3 * C2 * 4);
    }
  }
}

// conv2 forward by Winograd's minimal filtering F(2×2, 5×5): each 2×2 block of outputs (exactly one max-pool
// window) comes from a 6×6 input tile with 36 products per channel pair instead of 100. With
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
//   G  = [1/4 0 0 0 0; −1/6 −1/6 −1/6 −1/6 −1/6; −1/6 1/6 −1/6 1/6 −1/6; 1/24 1/12 1/6 1/3 2/3;
//         1/24 −1/12 1/6 −1/3 2/3; 0 0 0 0 1],
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1]   (interpolation points 0, ±1, ±2, ∞),
// out = Aᵀ [Σ_ci (G w Gᵀ) ⊙ (Bᵀ d Bᵀᵀ)] A: the sum over input channels is, for each of the 36 points ξ, a
// matrix product (tiles × 20)(20 × 50) on the same 4×8 register tiles as the direct convolution. Float32
// error stays near 4e-7 relative (the direct sum: 6e-8).

/** Floats per Winograd point ξ in the transformed filters: 20 rows of 6 panels of 8 channels and one of 4. */
const U_POINT = C1 * 52;
/** Channel stride of the products M[tile][ξ][52] */
const M_STRIDE = 52;

/** Bᵀ applied to 6 vectors at src (byte stride `from`), the 6 results stored at dst (byte stride `to`). */
function inputTransform6(src: usize, from: usize, dst: usize, to: usize): void {
  const d0 = v128.load(src);
  const d1 = v128.load(src + from);
  const d2 = v128.load(src + 2 * from);
  const d3 = v128.load(src + 3 * from);
  const d4 = v128.load(src + 4 * from);
  const d5 = v128.load(src + 5 * from);
  const four = f32x4.splat(4);
  const five = f32x4.splat(5);
  const two = f32x4.splat(2);
  const d42 = f32x4.sub(d4, d2);
  const d12 = f32x4.add(d1, d2);
  const d1m2 = f32x4.sub(d1, d2);
  const d31 = f32x4.sub(d3, d1);
  v128.store(dst, f32x4.add(f32x4.sub(f32x4.mul(four, d0), f32x4.mul(five, d2)), d4));
  v128.store(dst + to, f32x4.sub(f32x4.add(d3, d4), f32x4.mul(four, d12)));
  v128.store(dst + 2 * to, f32x4.add(f32x4.mul(four, d1m2), f32x4.sub(d4, d3)));
  v128.store(dst + 3 * to, f32x4.add(f32x4.mul(two, d31), d42));
  v128.store(dst + 4 * to, f32x4.sub(d42, f32x4.mul(two, d31)));
  v128.store(dst + 5 * to, f32x4.add(f32x4.sub(f32x4.mul(four, d1), f32x4.mul(five, d3)), d5));
}

/** G applied to 5 vectors at src (byte stride `from`), the 6 results stored at dst (byte stride `to`). */
function filterTransform6(src: usize, from: usize, dst: usize, to: usize): void {
  const w0 = v128.load(src);
  const w1 = v128.load(src + from);
  const w2 = v128.load(src + 2 * from);
  const w3 = v128.load(src + 3 * from);
  const w4 = v128.load(src + 4 * from);
  const even = f32x4.add(f32x4.add(w0, w2), w4);
  const odd = f32x4.add(w1, w3);
  const sixth = f32x4.splat(<f32>(-1.0 / 6.0));
  // w0/24 + w2/6 + 2w4/3 and w1/12 + w3/3
  const e = f32x4.add(
    f32x4.add(f32x4.mul(w0, f32x4.splat(<f32>(1.0 / 24.0))), f32x4.mul(w2, f32x4.splat(<f32>(1.0 / 6.0)))),
    f32x4.mul(w4, f32x4.splat(<f32>(2.0 / 3.0))),
  );
  const o = f32x4.add(
    f32x4.mul(w1, f32x4.splat(<f32>(1.0 / 12.0))),
    f32x4.mul(w3, f32x4.splat(<f32>(1.0 / 3.0))),
  );
  v128.store(dst, f32x4.mul(w0, f32x4.splat(0.25)));
  v128.store(dst + to, f32x4.mul(f32x4.add(even, odd), sixth));
  v128.store(dst + 2 * to, f32x4.mul(f32x4.sub(even, odd), sixth));
  v128.store(dst + 3 * to, f32x4.add(e, o));
  v128.store(dst + 4 * to, f32x4.sub(e, o));
  v128.store(dst + 5 * to, w4);
}

/** Aᵀ applied to 6 vectors at src (byte stride `from`), the 2 results stored at dst and dst + 16. */
function outputTransform2(src: usize, from: usize, dst: usize): void {
  const m0 = v128.load(src);
  const m1 = v128.load(src + from);
  const m2 = v128.load(src + 2 * from);
  const m3 = v128.load(src + 3 * from);
  const m4 = v128.load(src + 4 * from);
  const m5 = v128.load(src + 5 * from);
  const a = f32x4.add(m1, m2);
  const b = f32x4.add(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, a), b));
  const c = f32x4.sub(m1, m2);
  const d = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(c, f32x4.add(d, d)), m5), 16);
}

/** Bytes of conv2WinogradFilters' output (the transformed filters, in panels). */
export function winogradFilterBytes(): i32 {
  return 36 * U_POINT * 4;
}

/** Floats of conv2WinogradFilters' temporary. */
export function winogradFilterTmpFloats(): i32 {
  return C2 * 36 * C1 + 30 * 4;
}

/**
 * conv2's filters w[50][500] (channels last) transformed for Winograd, G w Gᵀ per (output, input) channel pair,
 * into out[ξ][20][52] (per point: 6 panels of 8 output channels and one of 4, as conv2WinogradPool streams
 * them). `tmp` holds winogradFilterTmpFloats() floats.
 */
export function conv2WinogradFilters(w: usize, tmp: usize, out: usize): void {
  // per output channel: 6×5 then 6×6 transforms, 4 input channels per vector; result tmp[o][ξ][20]
  const half = tmp + <usize>(C2 * 36 * C1 * 4);
  for (let o = 0; o < C2; o++) {
    const filter = w + ((<usize>(o * K2)) << 2);
    const u = tmp + ((<usize>(o * 36 * C1)) << 2);
    for (let cv = 0; cv < C1; cv += 4) {
      // columns kx: G over ky (stride 100 floats) into half[i][kx]
      for (let kx = 0; kx < 5; kx++) {
        filterTransform6(
          filter + ((<usize>(kx * C1 + cv)) << 2),
          ROW2 * 4,
          half + ((<usize>kx) << 4),
          5 * 16,
        );
      }
      // rows i: G over kx into u[i·6 + j][cv]
      for (let i = 0; i < 6; i++) {
        filterTransform6(half + ((<usize>(i * 5)) << 4), 16, u + ((<usize>(i * 6 * C1 + cv)) << 2), C1 * 4);
      }
    }
  }
  // panels: out[ξ][ci][jp·8 + s] for 6 panels of 8, then [ξ][ci][48 + s] for the panel of 4
  for (let xi = 0; xi < 36; xi++) {
    let q = out + ((<usize>(xi * U_POINT)) << 2);
    for (let jp = 0; jp <= 6; jp++) {
      const width = jp < 6 ? 8 : 4;
      for (let ci = 0; ci < C1; ci++) {
        for (let s = 0; s < width; s++) {
          const o = jp * 8 + s;
          store<f32>(q, o < C2 ? load<f32>(tmp + ((<usize>((o * 36 + xi) * C1 + ci)) << 2)) : 0);
          q += 4;
        }
      }
    }
  }
}

/** Scratch floats conv2WinogradPool needs (transformed tiles, products, transform temporaries). */
export function winogradScratchFloats(): i32 {
  return WINOGRAD_SCRATCH;
}

const WINOGRAD_SCRATCH = 36 * 16 * C1 + 4 * 36 * M_STRIDE + 256;

/**
 * conv2 and its 2×2 max pooling for one image by Winograd F(2×2, 5×5): pooled (4×4×50) and the winners (conv2
 * output positions y·8 + x, ties to the first in the reference's scan order), from x (12×12×20) and the
 * transformed filters u. Each 2×2 output block is one pooling window, so the conv2 output never reaches memory.
 */
export function conv2WinogradPool(
  x: usize,
  u: usize,
  bias: usize,
  pooled: usize,
  arg: usize,
  scratch: usize,
): void {
  const v = scratch; // [ξ][16 tiles][20]
  const m = v + <usize>(36 * 16 * C1 * 4); // [4 tiles][ξ][52]
  const t = m + <usize>(4 * 36 * M_STRIDE * 4); // 36 vectors of transform temporaries
  // input transform: V[ξ][tile][ci] = (Bᵀ d B)[ξ] per tile and 4 input channels
  for (let tile = 0; tile < 16; tile++) {
    const corner = x + ((<usize>(((tile >> 2) * 2 * P1 + (tile & 3) * 2) * C1)) << 2);
    for (let cv = 0; cv < C1; cv += 4) {
      for (let j = 0; j < 6; j++) {
        inputTransform6(corner + ((<usize>(j * C1 + cv)) << 2), P1 * C1 * 4, t + ((<usize>j) << 4), 6 * 16);
      }
      for (let i = 0; i < 6; i++) {
        inputTransform6(
          t + ((<usize>(i * 6)) << 4),
          16,
          v + ((<usize>((i * 6 * 16 + tile) * C1 + cv)) << 2),
          16 * C1 * 4,
        );
      }
    }
  }
  const biasTail = v128.load(bias, 192);
  for (let tg = 0; tg < 16; tg += 4) {
    // M[tile][ξ][o] = Σ_ci V[ξ][tile][ci] · U[ξ][ci][o] for the 4 tiles tg … tg + 3
    for (let xi = 0; xi < 36; xi++) {
      const a0 = v + ((<usize>((xi * 16 + tg) * C1)) << 2);
      const up = u + ((<usize>(xi * U_POINT)) << 2);
      const mp = m + ((<usize>(xi * M_STRIDE)) << 2);
      for (let jp = 0; jp < 6; jp++) {
        let c00 = f32x4.splat(0);
        let c01 = f32x4.splat(0);
        let c10 = f32x4.splat(0);
        let c11 = f32x4.splat(0);
        let c20 = f32x4.splat(0);
        let c21 = f32x4.splat(0);
        let c30 = f32x4.splat(0);
        let c31 = f32x4.splat(0);
        let bp = up + <usize>(jp * C1 * 32);
        let a = a0;
        const end = a + C1 * 4;
        while (a < end) {
          const b0 = v128.load(bp);
          const b1 = v128.load(bp, 16);
          const x0 = v128.load32_splat(a);
          const x1 = v128.load32_splat(a, C1 * 4);
          const x2 = v128.load32_splat(a, 2 * C1 * 4);
          const x3 = v128.load32_splat(a, 3 * C1 * 4);
          c00 = f32x4.add(c00, f32x4.mul(x0, b0));
          c01 = f32x4.add(c01, f32x4.mul(x0, b1));
          c10 = f32x4.add(c10, f32x4.mul(x1, b0));
          c11 = f32x4.add(c11, f32x4.mul(x1, b1));
          c20 = f32x4.add(c20, f32x4.mul(x2, b0));
          c21 = f32x4.add(c21, f32x4.mul(x2, b1));
          c30 = f32x4.add(c30, f32x4.mul(x3, b0));
          c31 = f32x4.add(c31, f32x4.mul(x3, b1));
          a += 4;
          bp += 32;
        }
        const o = mp + ((<usize>(jp * 8)) << 2);
        v128.store(o, c00);
        v128.store(o, c01, 16);
        v128.store(o, c10, 36 * M_STRIDE * 4);
        v128.store(o, c11, 36 * M_STRIDE * 4 + 16);
        v128.store(o, c20, 2 * 36 * M_STRIDE * 4);
        v128.store(o, c21, 2 * 36 * M_STRIDE * 4 + 16);
        v128.store(o, c30, 3 * 36 * M_STRIDE * 4);
        v128.store(o, c31, 3 * 36 * M_STRIDE * 4 + 16);
      }
      // channels 48–51 (50 and 51 are zero filters)
      let c0 = f32x4.splat(0);
      let c1 = f32x4.splat(0);
      let c2 = f32x4.splat(0);
      let c3 = f32x4.splat(0);
      let bp = up + <usize>(6 * C1 * 32);
      let a = a0;
      const end = a + C1 * 4;
      while (a < end) {
        const b = v128.load(bp);
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), b));
        c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a, C1 * 4), b));
        c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a, 2 * C1 * 4), b));
        c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a, 3 * C1 * 4), b));
        a += 4;
        bp += 16;
      }
      const o = mp + 48 * 4;
      v128.store(o, c0);
      v128.store(o, c1, 36 * M_STRIDE * 4);
      v128.store(o, c2, 2 * 36 * M_STRIDE * 4);
      v128.store(o, c3, 3 * 36 * M_STRIDE * 4);
    }
    // output transform Aᵀ M A per tile and 4 channels, bias, then the pooling window's max and winner
    for (let q = 0; q < 4; q++) {
      const tile = tg + q;
      const ty = tile >> 2;
      const tx = tile & 3;
      const p00 = ty * 2 * H2 + tx * 2;
      const i00 = i32x4.splat(p00);
      const i01 = i32x4.splat(p00 + 1);
      const i10 = i32x4.splat(p00 + H2);
      const i11 = i32x4.splat(p00 + H2 + 1);
      const mt = m + ((<usize>(q * 36 * M_STRIDE)) << 2);
      for (let cv = 0; cv < M_STRIDE; cv += 4) {
        for (let j = 0; j < 6; j++) {
          outputTransform2(mt + ((<usize>(j * M_STRIDE + cv)) << 2), 6 * M_STRIDE * 4, t + ((<usize>j) << 5));
        }
        outputTransform2(t, 32, t + 256);
        outputTransform2(t + 16, 32, t + 288);
        const bv = cv < 48 ? v128.load(bias + ((<usize>cv) << 2)) : biasTail;
        // t[16], t[17] hold row 0 (outputs (0,0), (0,1)); t[18], t[19] row 1
        let best = f32x4.add(v128.load(t, 256), bv);
        let idx = i00;
        let y = f32x4.add(v128.load(t, 272), bv);
        let k = f32x4.gt(y, best);
        best = v128.bitselect(y, best, k);
        idx = v128.bitselect(i01, idx, k);
        y = f32x4.add(v128.load(t, 288), bv);
        k = f32x4.gt(y, best);
        best = v128.bitselect(y, best, k);
        idx = v128.bitselect(i10, idx, k);
        y = f32x4.add(v128.load(t, 304), bv);
        k = f32x4.gt(y, best);
        best = v128.bitselect(y, best, k);
        idx = v128.bitselect(i11, idx, k);
        const at = (<usize>(tile * C2 + cv)) << 2;
        if (cv < 48) {
          v128.store(pooled + at, best);
          v128.store(arg + at, idx);
        } else {
          v128.store64_lane(pooled + at, best, 0);
          v128.store64_lane(arg + at, idx, 0);
        }
      }
    }
  }
}

/**
 * conv2's weight gradient for one image, added into dw[50][500], using that only the position that won
 * each pooling window has a gradient: dw[o] += Σ_windows g(window, o) · patch(winner(window, o)).
 * 4× fewer multiply-adds than the dense product with the unpooled gradient.
 */
export function conv2PooledWeightGrad(x: usize, g: usize, arg: usize, dw: usize, scratch: usize): void {
  for (let o = 0; o < C2; o++) {
    // the windows of channel o with a gradient: (patch address, gradient)
    let m = 0;
    for (let win = 0; win < P2 * P2; win++) {
      const gv = load<f32>(g + ((<usize>(win * C2 + o)) << 2));
      if (gv === 0) continue;
      const p = load<i32>(arg + ((<usize>(win * C2 + o)) << 2));
      const py = p >> 3;
      const px = p & 7;
      store<i32>(scratch + ((<usize>m) << 3), <i32>x + (py * P1 + px) * C1 * 4);
      store<f32>(scratch + ((<usize>m) << 3), gv, 4);
      m++;
    }
    if (m === 0) continue;
    const end = scratch + ((<usize>m) << 3);
    for (let ky = 0; ky < 5; ky++) {
      const row = dw + ((<usize>((o * 5 + ky) * ROW2)) << 2);
      const shift = (<usize>(ky * P1 * C1)) << 2;
      for (let t = 0; t < ROW2; t += 20) {
        const d = row + ((<usize>t) << 2);
        let a0 = v128.load(d);
        let a1 = v128.load(d, 16);
        let a2 = v128.load(d, 32);
        let a3 = v128.load(d, 48);
        let a4 = v128.load(d, 64);
        const off = shift + ((<usize>t) << 2);
        for (let e = scratch; e < end; e += 8) {
          const src = <usize>load<i32>(e) + off;
          const s = v128.load32_splat(e, 4);
          a0 = f32x4.add(a0, f32x4.mul(s, v128.load(src)));
          a1 = f32x4.add(a1, f32x4.mul(s, v128.load(src, 16)));
          a2 = f32x4.add(a2, f32x4.mul(s, v128.load(src, 32)));
          a3 = f32x4.add(a3, f32x4.mul(s, v128.load(src, 48)));
          a4 = f32x4.add(a4, f32x4.mul(s, v128.load(src, 64)));
        }
        v128.store(d, a0);
        v128.store(d, a1, 16);
        v128.store(d, a2, 32);
        v128.store(d, a3, 48);
        v128.store(d, a4, 64);
      }
    }
  }
}

/**
 * conv2's input gradient for one image into dx (12×12×20, zeroed by the caller), again only from the
 * winning positions: the (channel, gradient) pairs are sorted by position first, so each patch of dx is
 * loaded once and all filters that reach it are added in registers.
 */
export function conv2PooledInputGrad(w: usize, g: usize, arg: usize, dx: usize, scratch: usize): void {
  const positions = H2 * H2;
  const counts = scratch;
  const entries = scratch + ((<usize>(positions + 1)) << 2);
  memory.fill(counts, 0, (positions + 1) << 2);
  for (let i = 0; i < P2 * P2 * C2; i++) {
    const p = load<i32>(arg + ((<usize>i) << 2));
    store<i32>(counts + ((<usize>(p + 1)) << 2), load<i32>(counts + ((<usize>(p + 1)) << 2)) + 1);
  }
  // counts[p] becomes the first entry of position p, then the end of it while filling
  for (let p = 1; p <= positions; p++) {
    store<i32>(
      counts + ((<usize>p) << 2),
      load<i32>(counts + ((<usize>p) << 2)) + load<i32>(counts + ((<usize>(p - 1)) << 2)),
    );
  }
  for (let i = 0; i < P2 * P2 * C2; i++) {
    const p = load<i32>(arg + ((<usize>i) << 2));
    const slot = load<i32>(counts + ((<usize>p) << 2));
    store<i32>(counts + ((<usize>p) << 2), slot + 1);
    const o = i % C2;
    store<i32>(entries + ((<usize>slot) << 3), <i32>w + o * K2 * 4);
    store<f32>(entries + ((<usize>slot) << 3), load<f32>(g + ((<usize>i) << 2)), 4);
  }
  // now counts[p] is the end of position p's entries and counts[p − 1] its start (0 for p = 0)
  let start = entries;
  for (let p = 0; p < positions; p++) {
    const end = entries + ((<usize>load<i32>(counts + ((<usize>p) << 2))) << 3);
    if (end > start) {
      const py = p >> 3;
      const px = p & 7;
      for (let ky = 0; ky < 5; ky++) {
        const base = dx + ((<usize>(((py + ky) * P1 + px) * C1)) << 2);
        const shift = (<usize>(ky * ROW2)) << 2;
        for (let t = 0; t < ROW2; t += 20) {
          const d = base + ((<usize>t) << 2);
          let a0 = v128.load(d);
          let a1 = v128.load(d, 16);
          let a2 = v128.load(d, 32);
          let a3 = v128.load(d, 48);
          let a4 = v128.load(d, 64);
          const off = shift + ((<usize>t) << 2);
          for (let e = start; e < end; e += 8) {
            const src = <usize>load<i32>(e) + off;
            const s = v128.load32_splat(e, 4);
            a0 = f32x4.add(a0, f32x4.mul(s, v128.load(src)));
            a1 = f32x4.add(a1, f32x4.mul(s, v128.load(src, 16)));
            a2 = f32x4.add(a2, f32x4.mul(s, v128.load(src, 32)));
            a3 = f32x4.add(a3, f32x4.mul(s, v128.load(src, 48)));
            a4 = f32x4.add(a4, f32x4.mul(s, v128.load(src, 64)));
          }
          v128.store(d, a0);
          v128.store(d, a1, 16);
          v128.store(d, a2, 32);
          v128.store(d, a3, 48);
          v128.store(d, a4, 64);
        }
      }
    }
    start = end;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pooling, ReLU, softmax cross-entropy, bias sums

/**
 * 2×2 max pooling with stride 2 over an HWC map (h×w×c): out ((h/2)×(w/2)×c) and, per output value, the
 * position (y·w + x) of the input that won; strict comparisons in the order (0,0), (0,1), (1,0), (1,1), so
 * ties go to the first, as in the reference layer.
 */
export function maxPoolForward(x: usize, h: i32, w: i32, c: i32, out: usize, arg: usize): void {
  const oh = h >> 1;
  const ow = w >> 1;
  const rowBytes = (<usize>(w * c)) << 2;
  const colBytes = (<usize>c) << 2;
  const vec = c & ~3;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const p00 = 2 * oy * w + 2 * ox;
      const src = x + ((<usize>(p00 * c)) << 2);
      const dst = (<usize>((oy * ow + ox) * c)) << 2;
      const i00 = i32x4.splat(p00);
      const i01 = i32x4.splat(p00 + 1);
      const i10 = i32x4.splat(p00 + w);
      const i11 = i32x4.splat(p00 + w + 1);
      let ch = 0;
      for (; ch < vec; ch += 4) {
        const s = src + ((<usize>ch) << 2);
        let best = v128.load(s);
        let idx = i00;
        let v = v128.load(s + colBytes);
        let m = f32x4.gt(v, best);
        best = v128.bitselect(v, best, m);
        idx = v128.bitselect(i01, idx, m);
        v = v128.load(s + rowBytes);
        m = f32x4.gt(v, best);
        best = v128.bitselect(v, best, m);
        idx = v128.bitselect(i10, idx, m);
        v = v128.load(s + rowBytes + colBytes);
        m = f32x4.gt(v, best);
        best = v128.bitselect(v, best, m);
        idx = v128.bitselect(i11, idx, m);
        v128.store(out + dst + ((<usize>ch) << 2), best);
        v128.store(arg + dst + ((<usize>ch) << 2), idx);
      }
      for (; ch < c; ch++) {
        const s = src + ((<usize>ch) << 2);
        let best = load<f32>(s);
        let idx = p00;
        let v = load<f32>(s + colBytes);
        if (v > best) {
          best = v;
          idx = p00 + 1;
        }
        v = load<f32>(s + rowBytes);
        if (v > best) {
          best = v;
          idx = p00 + w;
        }
        v = load<f32>(s + rowBytes + colBytes);
        if (v > best) {
          best = v;
          idx = p00 + w + 1;
        }
        store<f32>(out + dst + ((<usize>ch) << 2), best);
        store<i32>(arg + dst + ((<usize>ch) << 2), idx);
      }
    }
  }
}

/** Routes a pooled gradient g (count×c) back to the winners: dx[arg·c + ch] = g (dx zeroed by the caller). */
export function maxPoolBackward(g: usize, arg: usize, count: i32, c: i32, dx: usize): void {
  let i = 0;
  for (let q = 0; q < count; q++) {
    for (let ch = 0; ch < c; ch++) {
      const p = load<i32>(arg + ((<usize>i) << 2));
      store<f32>(dx + ((<usize>(p * c + ch)) << 2), load<f32>(g + ((<usize>i) << 2)));
      i++;
    }
  }
}

/** out[j] += Σ_i g[i][j] for a rows × cols matrix (the bias gradients). */
export function addColumnSums(g: usize, rows: i32, cols: i32, out: usize): void {
  const vec = cols & ~3;
  let j = 0;
  for (; j < vec; j += 4) {
    let s = f32x4.splat(0);
    let p = g + ((<usize>j) << 2);
    for (let i = 0; i < rows; i++) {
      s = f32x4.add(s, v128.load(p));
      p += (<usize>cols) << 2;
    }
    const d = out + ((<usize>j) << 2);
    v128.store(d, f32x4.add(v128.load(d), s));
  }
  for (; j < cols; j++) {
    let s: f32 = 0;
    for (let i = 0; i < rows; i++) s += load<f32>(g + ((<usize>(i * cols + j)) << 2));
    const d = out + ((<usize>j) << 2);
    store<f32>(d, load<f32>(d) + s);
  }
}

/** Sets every row of a rows × cols matrix to the bias (the start of C += A·B for a layer with biases). */
export function fillRows(c: usize, rows: i32, cols: i32, bias: usize): void {
  const bytes = (<usize>cols) << 2;
  for (let i = 0; i < rows; i++) memory.copy(c + <usize>i * bytes, bias, bytes);
}

/** x ← max(x, 0) over count values (count a multiple of 4). */
export function reluForward(x: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const end = x + ((<usize>count) << 2);
  for (let p = x; p < end; p += 16) v128.store(p, f32x4.max(v128.load(p), zero));
}

/** g ← g where the ReLU's output y was positive, else 0 (count a multiple of 4). */
export function reluBackward(g: usize, y: usize, count: i32): void {
  const zero = f32x4.splat(0);
  for (let k: usize = 0; k < (<usize>count) << 2; k += 16) {
    const m = f32x4.gt(v128.load(y + k), zero);
    v128.store(g + k, v128.and(v128.load(g + k), m));
  }
}

/**
 * Softmax cross-entropy of n rows of class scores s (n × classes) against integer labels: grad = (softmax −
 * onehot) · scale; adds the summed loss (Float64) at result and the count of rows whose first largest score
 * is not the label at result + 8 (i32). Float64 inside, as the reference does.
 */
export function softmaxCrossEntropy(
  s: usize,
  labels: usize,
  n: i32,
  classes: i32,
  scale: f32,
  grad: usize,
  result: usize,
): void {
  let total: f64 = 0;
  let errors = 0;
  for (let b = 0; b < n; b++) {
    const row = s + ((<usize>(b * classes)) << 2);
    const y = load<i32>(labels + ((<usize>b) << 2));
    let max: f64 = load<f32>(row);
    let arg = 0;
    for (let k = 1; k < classes; k++) {
      const v: f64 = load<f32>(row + ((<usize>k) << 2));
      if (v > max) {
        max = v;
        arg = k;
      }
    }
    if (arg !== y) errors++;
    let z: f64 = 0;
    for (let k = 0; k < classes; k++) z += Math.exp(<f64>load<f32>(row + ((<usize>k) << 2)) - max);
    total += Math.log(z) - (<f64>load<f32>(row + ((<usize>y) << 2)) - max);
    const g = grad + ((<usize>(b * classes)) << 2);
    for (let k = 0; k < classes; k++) {
      const p = Math.exp(<f64>load<f32>(row + ((<usize>k) << 2)) - max) / z;
      store<f32>(g + ((<usize>k) << 2), <f32>((p - (k === y ? 1 : 0)) * <f64>scale));
    }
  }
  store<f64>(result, load<f64>(result) + total);
  store<i32>(result + 8, load<i32>(result + 8) + errors);
}

/**
 * MatConvNet's momentum step over count values (a multiple of 4): g = Σ_t grads_t (threads' partial
 * gradients, summed in thread order so that the result never depends on timing), v ← μv − λw − g,
 * w ← w + ηv.
 */
export function sgdUpdate(
  w: usize,
  v: usize,
  grads: usize,
  gradStride: usize,
  threads: i32,
  count: i32,
  eta: f32,
  mu: f32,
  decay: f32,
): void {
  const e = f32x4.splat(eta);
  const m = f32x4.splat(mu);
  const l = f32x4.splat(decay);
  for (let k: usize = 0; k < (<usize>count) << 2; k += 16) {
    let g = v128.load(grads + k);
    for (let t = 1; t < threads; t++) g = f32x4.add(g, v128.load(grads + <usize>t * gradStride + k));
    const wk = v128.load(w + k);
    const vk = f32x4.sub(f32x4.sub(f32x4.mul(m, v128.load(v + k)), f32x4.mul(l, wk)), g);
    v128.store(v + k, vk);
    v128.store(w + k, f32x4.add(wk, f32x4.mul(e, vk)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// The network: parameter layout, activation arena, and the per-thread phases

/** Float offsets of the 8 parameters in the flat arrays (weights, velocities, gradients), each padded to 8. */
const PARAM_LENGTHS: StaticArray<i32> = [
  25 * C1,
  C1,
  C2 * K2,
  C2,
  HIDDEN * F_IN,
  HIDDEN,
  CLASSES * HIDDEN,
  CLASSES,
];

function padded(count: i32): i32 {
  return (count + 7) & ~7;
}

/** Number of LeNet parameter tensors (weight and bias of its four layers). */
export function paramCount(): i32 {
  return PARAM_LENGTHS.length;
}

/** Values in parameter tensor i. */
export function paramLength(i: i32): i32 {
  return PARAM_LENGTHS[i];
}

/** Float offset of parameter tensor i in the flat arrays. */
export function paramOffset(i: i32): i32 {
  let offset = 0;
  for (let k = 0; k < i; k++) offset += padded(PARAM_LENGTHS[k]);
  return offset;
}

/** Floats in one flat parameter (or velocity, or gradient) array. */
export function paramFloats(): i32 {
  return paramOffset(PARAM_LENGTHS.length);
}

// per-image blocks of the arena (floats or i32): pool1's winners and output, pool2's winners
const IMG_ARG1 = 0;
const IMG_X1 = IMG_ARG1 + P1 * P1 * C1;
const IMG_ARG2 = IMG_X1 + P1 * P1 * C1;
const IMG_FLOATS = IMG_ARG2 + P2 * P2 * C2;
// one-image temporaries
const TMP_OUT1 = 0;
const TMP_WINOGRAD = TMP_OUT1 + H1 * H1 * C1;
const TMP_DX1 = TMP_WINOGRAD + WINOGRAD_SCRATCH;
const TMP_G1 = TMP_DX1 + P1 * P1 * C1;
const TMP_FLOATS = TMP_G1 + H1 * H1 * C1;

/** Byte size of the activation arena of a thread that processes up to `capacity` images at once. */
export function arenaBytes(capacity: i32): i32 {
  let perImage = 0;
  for (let i = 0; i < PART_WIDTHS.length; i++) perImage += PART_WIDTHS[i];
  return (capacity * perImage + TMP_FLOATS + 64) * 4;
}

/** Byte size of a thread's transformed conv2 filters (with their temporary). */
export function packedBytes(): i32 {
  return winogradFilterBytes() + winogradFilterTmpFloats() * 4;
}

/** Byte size of a thread's small scratch (sorted gradient entries). */
export function scratchBytes(): i32 {
  return (H2 * H2 + 1 + 2 * P2 * P2 * C2 + 16) * 4;
}

// The context of one thread: i32 fields, written by the trainer.
export const CTX_N: i32 = 0; // images this thread processes now
export const CTX_TOTAL: i32 = 1; // images in the whole batch (the mean's denominator)
export const CTX_X: i32 = 2; // this thread's first input image (n × 784 f32, 0..255 minus the mean image)
export const CTX_LABELS: i32 = 3; // its labels (n × i32)
export const CTX_LOGITS: i32 = 4; // where its logits go (n × 10)
export const CTX_PARAMS: i32 = 5; // the shared flat parameters
export const CTX_GRADS: i32 = 6; // this thread's flat gradient
export const CTX_PACKED: i32 = 7; // this thread's Winograd-transformed conv2 filters
export const CTX_ARENA: i32 = 8; // activations
export const CTX_CAPACITY: i32 = 9; // images the arena holds
export const CTX_WORK: i32 = 10; // GEMM panels
export const CTX_SCRATCH: i32 = 11;
export const CTX_RESULT: i32 = 12; // f64 loss sum, then i32 errors
export const CTX_VELOCITY: i32 = 13; // shared flat velocities
export const CTX_GRAD0: i32 = 14; // thread 0's gradient; thread t's is at + t · stride
export const CTX_GRAD_STRIDE: i32 = 15;
export const CTX_THREADS: i32 = 16;
export const CTX_FROM: i32 = 17; // the slice of the flat parameters this thread updates (floats, multiples of 8)
export const CTX_TO: i32 = 18;
export const CTX_ETA: i32 = 19; // f32
export const CTX_MU: i32 = 20; // f32
export const CTX_DECAY: i32 = 21; // f32: λ of the weights
export const CTX_BIAS_DECAY: i32 = 22; // f32: λ of the biases (MatConvNet decays them too, PyTorch-style training does not)
/** Bytes of a thread context. */
export function contextBytes(): i32 {
  return 128;
}

/** The first byte past the module's static data: the trainer lays out everything from here. */
export function heapBase(): usize {
  return __heap_base;
}

function field(ctx: usize, index: i32): usize {
  return <usize>load<i32>(ctx + ((<usize>index) << 2));
}

function param(ctx: usize, base: i32, i: i32): usize {
  return field(ctx, base) + ((<usize>paramOffset(i)) << 2);
}

// The parts of a thread's arena, each `capacity` blocks of its width (floats), one after the other: the
// per-image blocks, the fc1 input f, the hidden layer, the scores s, their gradients gs, gh, gf, then the
// one-image temporaries.
const PART_IMAGES = 0;
const PART_F = 1;
const PART_HID = 2;
const PART_S = 3;
const PART_GS = 4;
const PART_GH = 5;
const PART_GF = 6;
const PART_TMP = 7;
const PART_WIDTHS: StaticArray<i32> = [IMG_FLOATS, F_IN, HIDDEN, CLASSES, CLASSES, HIDDEN, F_IN];

/** Where part `part` of this thread's arena starts. */
function arenaPart(ctx: usize, part: i32): usize {
  let floats = 0;
  for (let i = 0; i < part; i++) floats += PART_WIDTHS[i];
  return field(ctx, CTX_ARENA) + ((<usize>(floats * <i32>field(ctx, CTX_CAPACITY))) << 2);
}

/**
 * Forward pass of this thread's images up to the logits; leaves what backward needs in the arena. `fc1`: 0
 * makes the Winograd form of the conv2 filters from the current weights and packs fc1's as it goes; else it
 * is where `lenetPrepare` packed fc1's weights, having made the filters too, for weights unchanged since.
 */
function forward(ctx: usize, fc1: usize = 0): void {
  const n = <i32>field(ctx, CTX_N);
  const images = arenaPart(ctx, PART_IMAGES);
  const f = arenaPart(ctx, PART_F);
  const hid = arenaPart(ctx, PART_HID);
  const s = arenaPart(ctx, PART_S);
  const tmp = arenaPart(ctx, PART_TMP);
  const packed = field(ctx, CTX_PACKED);
  const work = field(ctx, CTX_WORK);
  if (fc1 === 0)
    conv2WinogradFilters(param(ctx, CTX_PARAMS, 2), packed + <usize>winogradFilterBytes(), packed);
  const w1 = param(ctx, CTX_PARAMS, 0);
  const b1 = param(ctx, CTX_PARAMS, 1);
  const b2 = param(ctx, CTX_PARAMS, 3);
  const x = field(ctx, CTX_X);
  for (let i = 0; i < n; i++) {
    const img = images + ((<usize>(i * IMG_FLOATS)) << 2);
    const out1 = tmp + (TMP_OUT1 << 2);
    conv1Forward(x + ((<usize>(i * IN * IN)) << 2), w1, b1, out1);
    maxPoolForward(out1, H1, H1, C1, img + (IMG_X1 << 2), img + (IMG_ARG1 << 2));
    conv2WinogradPool(
      img + (IMG_X1 << 2),
      packed,
      b2,
      f + ((<usize>(i * F_IN)) << 2),
      img + (IMG_ARG2 << 2),
      tmp + (TMP_WINOGRAD << 2),
    );
  }
  // fc1: hid = relu(f · W3ᵀ + b3); fc2: s = hid · W4ᵀ + b4
  fillRows(hid, n, HIDDEN, param(ctx, CTX_PARAMS, 5));
  if (fc1 !== 0) sgemmPrepacked(n, HIDDEN, F_IN, f, F_IN, 1, fc1, hid, HIDDEN, work);
  else sgemmPacked(n, HIDDEN, F_IN, f, F_IN, 1, param(ctx, CTX_PARAMS, 4), 1, F_IN, hid, HIDDEN, work);
  reluForward(hid, n * HIDDEN);
  fillRows(s, n, CLASSES, param(ctx, CTX_PARAMS, 7));
  sgemmPacked(n, CLASSES, HIDDEN, hid, HIDDEN, 1, param(ctx, CTX_PARAMS, 6), 1, HIDDEN, s, CLASSES, work);
  const logits = field(ctx, CTX_LOGITS);
  if (logits !== 0) memory.copy(logits, s, (<usize>(n * CLASSES)) << 2);
}

/** Logits of this thread's images (phase 3). */
export function lenetForward(ctx: usize): void {
  forward(ctx);
}

/**
 * For `lenetScores` and `lenetInputGrad` passes while the weights stay as they are: the Winograd form of the
 * conv2 filters, and fc1's weights packed for the forward product (fc1, `prepackedFloats(500, 800)` floats)
 * and for the input gradient's (fc1T, `prepackedFloats(800, 500)` floats).
 */
export function lenetPrepare(ctx: usize, fc1: usize, fc1T: usize): void {
  const packed = field(ctx, CTX_PACKED);
  conv2WinogradFilters(param(ctx, CTX_PARAMS, 2), packed + <usize>winogradFilterBytes(), packed);
  const w3 = param(ctx, CTX_PARAMS, 4);
  prepackB(HIDDEN, F_IN, w3, 1, F_IN, fc1);
  prepackB(F_IN, HIDDEN, w3, F_IN, 1, fc1T);
}

/** Logits of this thread's images with what `lenetPrepare` made (an attack's passes). */
export function lenetScores(ctx: usize, fc1: usize): void {
  forward(ctx, fc1);
}

/**
 * Forward and backward pass of this thread's images (phase 1): this thread's gradient holds the sum over its
 * images of each image's share of the batch-mean gradient; the loss sum and errors go to the result.
 */
export function lenetTrain(ctx: usize): void {
  const n = <i32>field(ctx, CTX_N);
  const images = arenaPart(ctx, PART_IMAGES);
  const f = arenaPart(ctx, PART_F);
  const hid = arenaPart(ctx, PART_HID);
  const s = arenaPart(ctx, PART_S);
  const gs = arenaPart(ctx, PART_GS);
  const gh = arenaPart(ctx, PART_GH);
  const gf = arenaPart(ctx, PART_GF);
  const tmp = arenaPart(ctx, PART_TMP);
  const work = field(ctx, CTX_WORK);
  const scratch = field(ctx, CTX_SCRATCH);
  const result = field(ctx, CTX_RESULT);
  const grads = field(ctx, CTX_GRADS);
  memory.fill(grads, 0, (<usize>paramFloats()) << 2);
  store<f64>(result, 0);
  store<i32>(result + 8, 0);
  if (n === 0) return;
  forward(ctx);
  const total = <i32>field(ctx, CTX_TOTAL);
  softmaxCrossEntropy(s, field(ctx, CTX_LABELS), n, CLASSES, <f32>(1.0 / <f64>total), gs, result);
  // fc2: dW4 += gsᵀ · hid, db4 += Σ gs, gh = gs · W4 masked by the ReLU
  sgemmPacked(CLASSES, HIDDEN, n, gs, 1, CLASSES, hid, HIDDEN, 1, param(ctx, CTX_GRADS, 6), HIDDEN, work);
  addColumnSums(gs, n, CLASSES, param(ctx, CTX_GRADS, 7));
  memory.fill(gh, 0, (<usize>(n * HIDDEN)) << 2);
  sgemmPacked(n, HIDDEN, CLASSES, gs, CLASSES, 1, param(ctx, CTX_PARAMS, 6), HIDDEN, 1, gh, HIDDEN, work);
  reluBackward(gh, hid, n * HIDDEN);
  // fc1: dW3 += ghᵀ · f, db3 += Σ gh, gf = gh · W3
  sgemmPacked(HIDDEN, F_IN, n, gh, 1, HIDDEN, f, F_IN, 1, param(ctx, CTX_GRADS, 4), F_IN, work);
  addColumnSums(gh, n, HIDDEN, param(ctx, CTX_GRADS, 5));
  memory.fill(gf, 0, (<usize>(n * F_IN)) << 2);
  sgemmPacked(n, F_IN, HIDDEN, gh, HIDDEN, 1, param(ctx, CTX_PARAMS, 4), F_IN, 1, gf, F_IN, work);
  // the convolutions, one image at a time
  const x = field(ctx, CTX_X);
  const w2 = param(ctx, CTX_PARAMS, 2);
  const dw1 = param(ctx, CTX_GRADS, 0);
  const db1 = param(ctx, CTX_GRADS, 1);
  const dw2 = param(ctx, CTX_GRADS, 2);
  const db2 = param(ctx, CTX_GRADS, 3);
  const dx1 = tmp + (TMP_DX1 << 2);
  const g1 = tmp + (TMP_G1 << 2);
  for (let i = 0; i < n; i++) {
    const img = images + ((<usize>(i * IMG_FLOATS)) << 2);
    const g2 = gf + ((<usize>(i * F_IN)) << 2);
    addColumnSums(g2, P2 * P2, C2, db2);
    conv2PooledWeightGrad(img + (IMG_X1 << 2), g2, img + (IMG_ARG2 << 2), dw2, scratch);
    memory.fill(dx1, 0, P1 * P1 * C1 * 4);
    conv2PooledInputGrad(w2, g2, img + (IMG_ARG2 << 2), dx1, scratch);
    addColumnSums(dx1, P1 * P1, C1, db1);
    memory.fill(g1, 0, H1 * H1 * C1 * 4);
    maxPoolBackward(dx1, img + (IMG_ARG1 << 2), P1 * P1, C1, g1);
    conv1WeightGrad(x + ((<usize>(i * IN * IN)) << 2), g1, dw1);
  }
}

/**
 * The input gradient of this thread's images (the attacks' phase), after `lenetScores` on the same images:
 * dx (n × 784, the gradient with respect to the input x) = ∂(Σ_b Σ_k gs[b][k] s_k(x_b))/∂x_b for the given
 * gradient gs (n × 10) of the class scores. No parameter gradient is formed. fc1T: fc1's weights as
 * `lenetPrepare` packed them for this product.
 */
export function lenetInputGrad(ctx: usize, gsIn: usize, dxOut: usize, fc1T: usize): void {
  const n = <i32>field(ctx, CTX_N);
  if (n === 0) return;
  const images = arenaPart(ctx, PART_IMAGES);
  const hid = arenaPart(ctx, PART_HID);
  const gh = arenaPart(ctx, PART_GH);
  const gf = arenaPart(ctx, PART_GF);
  const tmp = arenaPart(ctx, PART_TMP);
  const work = field(ctx, CTX_WORK);
  const scratch = field(ctx, CTX_SCRATCH);
  // gh = gs · W4 masked by the ReLU; gf = gh · W3
  memory.fill(gh, 0, (<usize>(n * HIDDEN)) << 2);
  sgemmPacked(n, HIDDEN, CLASSES, gsIn, CLASSES, 1, param(ctx, CTX_PARAMS, 6), HIDDEN, 1, gh, HIDDEN, work);
  reluBackward(gh, hid, n * HIDDEN);
  memory.fill(gf, 0, (<usize>(n * F_IN)) << 2);
  sgemmPrepacked(n, F_IN, HIDDEN, gh, HIDDEN, 1, fc1T, gf, F_IN, work);
  const w1 = param(ctx, CTX_PARAMS, 0);
  const w2 = param(ctx, CTX_PARAMS, 2);
  const dx1 = tmp + (TMP_DX1 << 2);
  const taps = tmp + (TMP_OUT1 << 2);
  for (let i = 0; i < n; i++) {
    const img = images + ((<usize>(i * IMG_FLOATS)) << 2);
    memory.fill(dx1, 0, P1 * P1 * C1 * 4);
    conv2PooledInputGrad(w2, gf + ((<usize>(i * F_IN)) << 2), img + (IMG_ARG2 << 2), dx1, scratch);
    conv1PooledInputGrad(w1, dx1, img + (IMG_ARG1 << 2), taps, dxOut + ((<usize>(i * IN * IN)) << 2), work);
  }
}

/** The momentum step on this thread's slice of the flat parameters (phase 2), after every thread's phase 1. */
export function lenetUpdate(ctx: usize): void {
  const from = <i32>field(ctx, CTX_FROM);
  const to = <i32>field(ctx, CTX_TO);
  const params = field(ctx, CTX_PARAMS);
  const velocity = field(ctx, CTX_VELOCITY);
  const grad0 = field(ctx, CTX_GRAD0);
  const stride = field(ctx, CTX_GRAD_STRIDE);
  const threads = <i32>field(ctx, CTX_THREADS);
  const eta = load<f32>(ctx + (CTX_ETA << 2));
  const mu = load<f32>(ctx + (CTX_MU << 2));
  const decay = load<f32>(ctx + (CTX_DECAY << 2));
  const biasDecay = load<f32>(ctx + (CTX_BIAS_DECAY << 2));
  for (let i = 0; i < PARAM_LENGTHS.length; i++) {
    const start = max(from, paramOffset(i));
    const end = min(to, paramOffset(i) + padded(PARAM_LENGTHS[i]));
    if (end <= start) continue;
    const off = (<usize>start) << 2;
    // even tensors are weights, odd ones biases
    sgdUpdate(
      params + off,
      velocity + off,
      grad0 + off,
      stride,
      threads,
      end - start,
      eta,
      mu,
      i % 2 === 0 ? decay : biasDecay,
    );
  }
}

/**
 * The f32x4 multiply-add ceiling of this core for wasm SIMD, in the micro-kernels' own pattern: 8 accumulators
 * c += x·b with x splat-loaded from a 128-byte block that stays in L1 and b in registers, no stores;
 * `iterations` × 64 flops. Returns a lane so that the work cannot be optimised away.
 */
export function simdPeak(iterations: i32, block: usize): f32 {
  // b from memory, not constants: V8 would rematerialise constant vectors inside the loop
  const b0 = v128.load(block, 64);
  const b1 = v128.load(block, 80);
  const b2 = v128.load(block, 96);
  const b3 = v128.load(block, 112);
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0);
  let c5 = f32x4.splat(0);
  let c6 = f32x4.splat(0);
  let c7 = f32x4.splat(0);
  for (let i = 0; i < iterations; i++) {
    const p = block + ((<usize>(i & 7)) << 3);
    const x0 = v128.load32_splat(p);
    const x1 = v128.load32_splat(p, 4);
    c0 = f32x4.add(c0, f32x4.mul(x0, b0));
    c1 = f32x4.add(c1, f32x4.mul(x0, b1));
    c2 = f32x4.add(c2, f32x4.mul(x0, b2));
    c3 = f32x4.add(c3, f32x4.mul(x0, b3));
    c4 = f32x4.add(c4, f32x4.mul(x1, b0));
    c5 = f32x4.add(c5, f32x4.mul(x1, b1));
    c6 = f32x4.add(c6, f32x4.mul(x1, b2));
    c7 = f32x4.add(c7, f32x4.mul(x1, b3));
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)),
    f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)),
  );
  return f32x4.extract_lane(s, 0);
}
