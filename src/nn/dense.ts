// The article's 2-layer binary network s(x) = W2 φ(W1 x + b1) + b2 with φ = ReLU (SPEC §4). Around any
// image it is an affine function: s(x) = ∇ₓs·x + s₀ with ∇ₓs = W2 W1^x and s₀ = W2 b1^x + b2, where W1^x and
// b1^x keep only the hidden units that are active at x. Its local scale ‖∇ₓs‖ plays the role of ‖w‖ for a
// linear classifier, and d(x) = s(x)/‖∇ₓs‖ is the distance to the boundary of that local linear classifier.
//
// This module holds the network with per-image reference loops (Float64, browser-safe, easy to check line by
// line); `dense-engine.ts` runs it batched on the wasm SIMD GEMM, `dense-training.ts` trains it and
// `local-geometry.ts` measures it.
import { softplusDerivative, softplusLoss } from '../math/losses.js';
import { gaussian, seededRandom } from '../math/random.js';
import { type LabelledSet, pixelBytesOf, pixelValues } from '../math/types.js';
import type { Parameter } from './sgd.js';

/** The local linear model of the network at one image: s(x') = gradient·x' + offset while the same units are active. */
export interface LocalLinearModel {
  /** ∇ₓs = W2 W1^x (one value per pixel) */
  readonly gradient: Float64Array;
  /** s₀ = W2 b1^x + b2 */
  readonly offset: number;
  /** s(x) itself */
  readonly score: number;
  /** how many hidden units are active (pre-activation > 0) at x */
  readonly active: number;
}

/** The 2-layer ReLU network of a binary problem: `inputs` pixels → `hidden` ReLU units → one score. */
export class TwoLayerNet {
  /** W1, hidden × inputs, row-major: row k is hidden unit k's filter */
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  /** W2, one output weight per hidden unit */
  readonly w2: Float32Array;
  /** b2, the output bias (a 1-element array so the optimiser can update it in place) */
  readonly b2: Float32Array;
  readonly dw1: Float32Array;
  readonly db1: Float32Array;
  readonly dw2: Float32Array;
  readonly db2: Float32Array;

  constructor(
    readonly inputs: number,
    readonly hidden: number,
  ) {
    if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(hidden) || hidden < 1) {
      throw new RangeError(
        `TwoLayerNet: inputs (${inputs}) and hidden (${hidden}) must be positive integers`,
      );
    }
    this.w1 = new Float32Array(hidden * inputs);
    this.dw1 = new Float32Array(hidden * inputs);
    this.b1 = new Float32Array(hidden);
    this.db1 = new Float32Array(hidden);
    this.w2 = new Float32Array(hidden);
    this.dw2 = new Float32Array(hidden);
    this.b2 = new Float32Array(1);
    this.db2 = new Float32Array(1);
  }

  /**
   * A network with He-style initial weights for the seed: W1 from N(0, 2/inputs) (the ReLU keeps the
   * variance of its input), W2 from N(0, 1/hidden), biases zero.
   */
  static initialised(inputs: number, hidden: number, seed: number): TwoLayerNet {
    const net = new TwoLayerNet(inputs, hidden);
    const rand = seededRandom(seed);
    const s1 = Math.sqrt(2 / inputs);
    for (let k = 0; k < net.w1.length; k++) net.w1[k] = s1 * gaussian(rand);
    const s2 = Math.sqrt(1 / hidden);
    for (let k = 0; k < hidden; k++) net.w2[k] = s2 * gaussian(rand);
    return net;
  }

  /** W1 and W2 decay, the biases do not (as in MatConvNet and SPEC §4). */
  parameters(): Parameter[] {
    return [
      { w: this.w1, dw: this.dw1, decay: true },
      { w: this.b1, dw: this.db1, decay: false },
      { w: this.w2, dw: this.dw2, decay: true },
      { w: this.b2, dw: this.db2, decay: false },
    ];
  }

  /** Clears the accumulated gradients. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.dw.fill(0);
  }

  /** Reference s(x) for the image at `offset` of `x` (Float64 accumulation). */
  score(x: ArrayLike<number>, offset = 0): number {
    return this.localLinear(x, offset).score;
  }

  /** Reference local linear model at one image: ∇ₓs = Σ_{k active} W2_k W1_k, s₀ = Σ_{k active} W2_k b1_k + b2. */
  localLinear(x: ArrayLike<number>, offset = 0): LocalLinearModel {
    this.checkImage(x, offset);
    const d = this.inputs;
    const gradient = new Float64Array(d);
    let s = this.b2[0];
    let offsetTerm = this.b2[0];
    let active = 0;
    for (let k = 0; k < this.hidden; k++) {
      const row = k * d;
      let a = this.b1[k];
      for (let p = 0; p < d; p++) a += this.w1[row + p] * x[offset + p];
      if (a <= 0) continue;
      active++;
      const v = this.w2[k];
      s += v * a;
      offsetTerm += v * this.b1[k];
      for (let p = 0; p < d; p++) gradient[p] += v * this.w1[row + p];
    }
    return { gradient, offset: offsetTerm, score: s, active };
  }

  /**
   * Reference gradients of the batch-mean softplus loss (1/n) Σ ln(1 + e^(−y s(x))) over `n` images of `x`
   * (labels ±1), accumulated into dw1, db1, dw2, db2; returns the loss. For the finite-difference tests.
   */
  lossGradient(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
    const d = this.inputs;
    const h = this.hidden;
    const pre = new Float64Array(h);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let s = this.b2[0];
      for (let k = 0; k < h; k++) {
        let a = this.b1[k];
        for (let p = 0; p < d; p++) a += this.w1[k * d + p] * x[off + p];
        pre[k] = a;
        if (a > 0) s += this.w2[k] * a;
      }
      const z = y[i] * s;
      loss += softplusLoss(z);
      // ∂ℓ/∂s = y f'(y s)
      const g = (y[i] * softplusDerivative(z)) / n;
      this.db2[0] += g;
      for (let k = 0; k < h; k++) {
        if (pre[k] <= 0) continue;
        this.dw2[k] += g * pre[k];
        const gk = g * this.w2[k];
        this.db1[k] += gk;
        for (let p = 0; p < d; p++) this.dw1[k * d + p] += gk * x[off + p];
      }
    }
    return loss / n;
  }

  private checkImage(x: ArrayLike<number>, offset: number): void {
    if (offset < 0 || offset + this.inputs > x.length) {
      throw new RangeError(
        `TwoLayerNet: an image needs ${this.inputs} values at offset ${offset} of ${x.length}`,
      );
    }
  }
}

/** A binary training set on the 0..1 pixel scale: n rows of `dim` values, labels ±1. */
export interface DenseData {
  readonly n: number;
  readonly dim: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

/** How many pixel values a set holds, from its bytes where it has them (so x is not materialised to count). */
function pixelCount(data: DenseData): number {
  return (pixelBytesOf(data as LabelledSet) ?? data.x).length;
}

/** Refuses data whose sizes disagree or whose labels are not ±1. */
export function checkData(data: DenseData): void {
  const pixels = pixelCount(data);
  if (pixels !== data.n * data.dim || data.y.length !== data.n) {
    throw new RangeError(
      `2-layer network data: expected ${data.n}×${data.dim} pixels and ${data.n} labels, got ${pixels} and ${data.y.length}`,
    );
  }
  for (let i = 0; i < data.n; i++) {
    if (data.y[i] !== 1 && data.y[i] !== -1)
      throw new RangeError(`2-layer network data: label ${data.y[i]} is not ±1`);
  }
}

/** float32 of every byte's pixel value: the same numbers as rounding x = byte / 255 to float32. */
const pixelFloat32 = Float32Array.from(pixelValues);
const float32Made = new WeakMap<DenseData, Float32Array>();

/**
 * The images of a set as float32, the values the engine computes on (each x rounded to float32), made once
 * per set and kept while it lives: from the pixel bytes where the set has them (x is then never
 * materialised), else from x. Batches are then copied row by row instead of value by value.
 */
export function float32Images(data: DenseData): Float32Array {
  let images = float32Made.get(data);
  if (images === undefined) {
    const bytes = pixelBytesOf(data as LabelledSet);
    if (bytes !== undefined) {
      images = new Float32Array(bytes.length);
      for (let k = 0; k < bytes.length; k++) images[k] = pixelFloat32[bytes[k]];
    } else {
      images = Float32Array.from(data.x);
    }
    float32Made.set(data, images);
  }
  return images;
}
