// The 2-layer network (`dense.ts`) on batches of a fixed size, its matrix products on the wasm SIMD GEMM.
import type { TwoLayerNet } from './dense.js';
import type { Kernels, WasmMatrix } from './kernels.js';
import type { MomentumUpdate } from './sgd.js';

/** The exponent bits of a float32: all zero for zeros and subnormals. */
const EXPONENT_BITS = 0x7f800000;
const MAGNITUDE_BITS = 0x7fffffff;

/**
 * Sets the subnormal entries of a float32 array to zero (+0; zeros keep their sign). Weight decay drives the
 * weights of dead units into that range (at λ = 0.7 a third of W1), where every GEMM slows down many times
 * over (products with subnormals run 10–100× slower on x86); their contribution is far below float32
 * rounding of any sum that also holds a normal term, so nothing measurable changes. It reads the bits, which
 * is several times faster in V8 than comparing the values as numbers.
 */
export function flushSubnormals(values: Float32Array): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let k = 0; k < bits.length; k++) {
    const v = bits[k];
    if ((v & EXPONENT_BITS) === 0 && (v & MAGNITUDE_BITS) !== 0) bits[k] = 0;
  }
}

/**
 * x ← clip(x + scale · g) on `size` values: float64 operations, rounded to float32 when stored (attack.ts
 * clippedStep in TypeScript, DenseEngine.clippedStep on the wasm kernels).
 */
export type ClippedStep = (
  x: Float32Array,
  xOffset: number,
  g: Float32Array,
  gOffset: number,
  size: number,
  scale: number,
  lower: number,
  upper: number,
) => void;

/**
 * The network on batches of a fixed size B, on the wasm GEMM: forward H = X·W1ᵀ, backward dW1 += Gᵀ·X and
 * ∇ₓ = G·W1 (G = ∂/∂ pre-activations). Buffers are allocated once: wasm memory only grows, so one engine
 * serves every model of a sweep (the weights are copied in before each product).
 */
export class DenseEngine {
  private readonly x: WasmMatrix;
  private readonly pre: WasmMatrix;
  private readonly weights: WasmMatrix;
  private readonly g: WasmMatrix;
  private readonly dweights: WasmMatrix;
  private readonly dx: WasmMatrix;
  /** rows of the last forward batch actually used (≤ batch) */
  private count = 0;
  private net: TwoLayerNet | undefined;
  /** the network whose W1 the weights matrix holds */
  private weightsOf: TwoLayerNet | undefined;

  constructor(
    private readonly kernels: Kernels,
    readonly inputs: number,
    readonly hidden: number,
    readonly batch: number,
  ) {
    if (!Number.isInteger(batch) || batch < 1)
      throw new RangeError(`DenseEngine: batch ${batch} must be ≥ 1`);
    this.x = kernels.matrix(batch, inputs);
    this.pre = kernels.matrix(batch, hidden);
    this.weights = kernels.matrix(hidden, inputs);
    this.g = kernels.matrix(batch, hidden);
    this.dweights = kernels.matrix(hidden, inputs);
    this.dx = kernels.matrix(batch, inputs);
  }

  /** The batch's input rows (B × inputs, wasm memory): write images here, then call `forward`. */
  input(): Float32Array {
    return this.x.view();
  }

  /**
   * Scores of the first `count` rows of `input()` into `out`; remembers the pre-activations for backward.
   * W1 is copied in (subnormals flushed) unless `weights` is 'kept': then the copy made by this network's
   * last forward is used, for passes over many batches while the network does not change (an attack, a
   * measurement), where copying 78 400 weights per batch would cost as much as the product.
   */
  forward(net: TwoLayerNet, count: number, out: Float32Array, weights: 'copy' | 'kept' = 'copy'): void {
    this.check(net, count);
    if (weights === 'copy') {
      const view = this.weights.view();
      view.set(net.w1);
      flushSubnormals(view);
      this.weightsOf = net;
    } else if (this.weightsOf !== net) {
      throw new Error("DenseEngine: forward with 'kept' weights of a network that was not copied in");
    }
    this.pre.view().fill(0);
    // only the rows in use: each row of a product depends on its own row alone, so this changes no bit
    if (count > 0) {
      const k = this.kernels;
      k.gemmPacked(k.topRows(this.x, count), false, this.weights, true, k.topRows(this.pre, count));
    }
    // views only after the product: its first call allocates work space, which may grow (and detach) memory
    const pre = this.pre.view();
    const h = this.hidden;
    for (let i = 0; i < count; i++) {
      let s = net.b2[0];
      const row = i * h;
      for (let k = 0; k < h; k++) {
        const a = pre[row + k] + net.b1[k];
        pre[row + k] = a;
        if (a > 0) s += net.w2[k] * a;
      }
      out[i] = s;
    }
    this.count = count;
    this.net = net;
  }

  /**
   * Backward from ∂(objective)/∂s of each row of the last batch: accumulates the parameter gradients, and
   * when `inputGradient` is true returns ∂(objective)/∂x (count × inputs, a view valid until the next call).
   */
  backward(dScores: Float32Array, parameters: boolean, inputGradient: boolean): Float32Array | undefined {
    const net = this.net;
    if (net === undefined) throw new Error('DenseEngine: backward before forward');
    const h = this.hidden;
    const pre = this.pre.view();
    const g = this.g.view();
    g.fill(0);
    for (let i = 0; i < this.count; i++) {
      const ds = dScores[i];
      const row = i * h;
      if (parameters) net.db2[0] += ds;
      for (let k = 0; k < h; k++) {
        const a = pre[row + k];
        if (a <= 0) continue;
        if (parameters) net.dw2[k] += ds * a;
        g[row + k] = ds * net.w2[k];
      }
    }
    flushSubnormals(g);
    if (parameters) {
      for (let i = 0; i < this.count; i++) {
        for (let k = 0; k < h; k++) net.db1[k] += g[i * h + k];
      }
      // dW1 += Gᵀ·X in place: the product adds its sums to what dW1 holds (copied in and back out) instead
      // of a TypeScript pass over the 78 400 values; for batches of up to 256 rows (one block of the product's
      // k) that is the same sum to the bit, larger batches add their blocks one by one (rounding only)
      const dw = this.dweights.view();
      dw.set(net.dw1);
      this.kernels.gemmPacked(this.g, true, this.x, false, this.dweights);
      net.dw1.set(this.dweights.view());
    }
    if (!inputGradient) return undefined;
    return this.inputGradientRows(this.count);
  }

  /**
   * Writes row `row`'s activation pattern (pre-activation > 0 per hidden unit, as backward reads it) into
   * `pattern` at `offset`; returns whether it differs from what was there.
   */
  activePattern(row: number, pattern: Uint8Array, offset: number): boolean {
    this.checkRow(row);
    const pre = this.pre.view();
    const h = this.hidden;
    let changed = false;
    for (let k = 0; k < h; k++) {
      const on = pre[row * h + k] <= 0 ? 0 : 1;
      if (pattern[offset + k] !== on) {
        pattern[offset + k] = on;
        changed = true;
      }
    }
    return changed;
  }

  /**
   * ∂(objective)/∂x of some rows of the last forward batch only (`rows`, in that order: rows × inputs, a view
   * valid until the next call), for a caller that keeps the others' from before. A row's input gradient
   * depends on its own pre-activations and ∂/∂s alone (each row of the product on its own row), so these are
   * the same bits as `backward`'s for those rows. No parameter gradient is touched.
   */
  inputGradientOf(dScores: Float32Array, rows: readonly number[]): Float32Array {
    const net = this.net;
    if (net === undefined) throw new Error('DenseEngine: inputGradientOf before forward');
    const h = this.hidden;
    const pre = this.pre.view();
    const g = this.g.view();
    g.fill(0);
    for (const [r, row] of rows.entries()) {
      this.checkRow(row);
      const ds = dScores[row];
      for (let k = 0; k < h; k++) {
        if (pre[row * h + k] <= 0) continue;
        g[r * h + k] = ds * net.w2[k];
      }
    }
    flushSubnormals(g);
    return this.inputGradientRows(rows.length);
  }

  /** G·W1 of the first `count` rows of G. */
  private inputGradientRows(count: number): Float32Array {
    this.dx.view().fill(0);
    if (count > 0) {
      const k = this.kernels;
      k.gemmPacked(k.topRows(this.g, count), false, this.weights, false, k.topRows(this.dx, count));
    }
    return this.dx.view().subarray(0, count * this.inputs);
  }

  /**
   * A momentum update of a tensor of up to hidden × inputs values on the wasm kernels (for MomentumSgd): the
   * tensor, its velocity and gradient are copied in, updated, and w and v copied back.
   */
  readonly momentumUpdate: MomentumUpdate = (w, v, dw, mu, decay, eta) => {
    const size = this.hidden * this.inputs;
    if (w.length > size)
      throw new RangeError(`DenseEngine: a tensor of ${w.length} values (at most ${size})`);
    const [wm, vm, gm] = this.updateSpace ?? [
      this.kernels.matrix(this.hidden, this.inputs),
      this.kernels.matrix(this.hidden, this.inputs),
      this.kernels.matrix(this.hidden, this.inputs),
    ];
    this.updateSpace = [wm, vm, gm];
    wm.view().set(w);
    vm.view().set(v);
    gm.view().set(dw);
    this.kernels.momentumStep(wm, vm, gm, w.length, mu, decay, eta);
    w.set(wm.view().subarray(0, w.length));
    v.set(vm.view().subarray(0, w.length));
  };

  private updateSpace: [WasmMatrix, WasmMatrix, WasmMatrix] | undefined;

  /**
   * The attacks' step x ← clip(x + scale·g, lower, upper) on `size` values (at most `inputs`) on the wasm
   * kernels: one image and its gradient are copied in, and the image copied back (attack.ts clippedStep's
   * operations: the same bits, without the TypeScript loop's branches on every pixel).
   */
  readonly clippedStep: ClippedStep = (x, xOffset, g, gOffset, size, scale, lower, upper) => {
    if (size > this.inputs)
      throw new RangeError(`DenseEngine: a step of ${size} values (at most ${this.inputs})`);
    const [xm, gm] = this.stepSpace ?? [
      this.kernels.matrix(1, this.inputs),
      this.kernels.matrix(1, this.inputs),
    ];
    this.stepSpace = [xm, gm];
    const xv = xm.view();
    xv.set(x.subarray(xOffset, xOffset + size));
    gm.view().set(g.subarray(gOffset, gOffset + size));
    this.kernels.clippedStep(xm, gm, size, scale, lower, upper);
    x.set(xv.subarray(0, size), xOffset);
  };

  private stepSpace: [WasmMatrix, WasmMatrix] | undefined;

  /** Refuses a row outside the last forward batch. */
  private checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.count) {
      throw new RangeError(`DenseEngine: row ${row} of a batch of ${this.count}`);
    }
  }

  private check(net: TwoLayerNet, count: number): void {
    if (net.inputs !== this.inputs || net.hidden !== this.hidden) {
      throw new RangeError(
        `DenseEngine: built for ${this.inputs}→${this.hidden}, given a ${net.inputs}→${net.hidden} network`,
      );
    }
    if (!Number.isInteger(count) || count < 0 || count > this.batch) {
      throw new RangeError(`DenseEngine: ${count} rows for a batch of ${this.batch}`);
    }
  }
}
