// The article's 2-layer binary network s(x) = W2 φ(W1 x + b1) + b2 with φ = ReLU (SPEC §4). Around any
// image it is an affine function: s(x) = ∇ₓs·x + s₀ with ∇ₓs = W2 W1^x and s₀ = W2 b1^x + b2, where W1^x and
// b1^x keep only the hidden units that are active at x. Its local scale ‖∇ₓs‖ plays the role of ‖w‖ for a
// linear classifier, and d(x) = s(x)/‖∇ₓs‖ is the distance to the boundary of that local linear classifier.
//
// Two implementations: per-image reference loops (Float64, browser-safe, easy to check line by line) and a
// batched engine whose matrix products run on the wasm SIMD GEMM (training and the sweep's statistics).
import { DENSE_TRAINING } from '../article.js';
import { InputError } from '../errors.js';
import { softplusDerivative, softplusLoss } from '../math/losses.js';
import { gaussian, permutation, seededRandom } from '../math/random.js';
import type { Kernels, WasmMatrix } from './kernels.js';
import { MomentumSgd, type Parameter } from './sgd.js';

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

  /** Scores of the first `count` rows of `input()` into `out`; remembers the pre-activations for backward. */
  forward(net: TwoLayerNet, count: number, out: Float32Array): void {
    this.check(net, count);
    this.weights.view().set(net.w1);
    this.pre.view().fill(0);
    this.kernels.gemmPacked(this.x, false, this.weights, true, this.pre);
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
    if (parameters) {
      for (let i = 0; i < this.count; i++) {
        for (let k = 0; k < h; k++) net.db1[k] += g[i * h + k];
      }
      this.dweights.view().fill(0);
      this.kernels.gemmPacked(this.g, true, this.x, false, this.dweights);
      const dw = this.dweights.view();
      for (let t = 0; t < dw.length; t++) net.dw1[t] += dw[t];
    }
    if (!inputGradient) return undefined;
    this.dx.view().fill(0);
    this.kernels.gemmPacked(this.g, false, this.weights, false, this.dx);
    return this.dx.view().subarray(0, this.count * this.inputs);
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

/** How a 2-layer network is trained: softplus loss on y·s, momentum SGD with MatConvNet's weight decay. */
export interface DenseTrainingSettings {
  /** η */
  learningRate: number;
  /** μ */
  momentum: number;
  /** λ of v ← μv − λW − g (W1 and W2; biases do not decay) */
  weightDecay: number;
  batchSize: number;
  epochs: number;
  /** seed of the initial weights and of every epoch's shuffle */
  seed: number;
}

/** Defaults chosen so a 784→100→1 network fits a pair of digits in a few seconds (documented in the artifact). */
export const DENSE_DEFAULTS = DENSE_TRAINING;

/** A binary training set on the 0..1 pixel scale: n rows of `dim` values, labels ±1. */
export interface DenseData {
  readonly n: number;
  readonly dim: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

/** What a training run reports per epoch. */
export interface DenseEpoch {
  epoch: number;
  /** mean over the epoch's batches of the batch-mean softplus loss (before each update) */
  loss: number;
}

/**
 * Training of a fresh network one epoch at a time (so a caller can yield between epochs): W from
 * `TwoLayerNet.initialised(dim, hidden, seed)`, then passes over the data in an order shuffled per epoch
 * (seeded), each batch one MomentumSgd step on the batch-mean softplus loss ln(1 + e^(−y s)).
 */
export class TwoLayerTrainer {
  /** the network being trained */
  readonly net: TwoLayerNet;
  /** epochs done */
  epochs = 0;
  private readonly sgd: MomentumSgd;
  private readonly shuffle: () => number;
  private readonly scores: Float32Array;
  private readonly dScores: Float32Array;

  constructor(
    private readonly data: DenseData,
    hidden: number,
    settings: Omit<DenseTrainingSettings, 'epochs'>,
    private readonly engine: DenseEngine,
  ) {
    checkData(data);
    if (engine.batch !== settings.batchSize) {
      throw new RangeError(
        `2-layer training: engine batch ${engine.batch} ≠ batch size ${settings.batchSize}`,
      );
    }
    this.net = TwoLayerNet.initialised(data.dim, hidden, settings.seed);
    this.sgd = new MomentumSgd(this.net.parameters(), {
      learningRate: settings.learningRate,
      momentum: settings.momentum,
      weightDecay: settings.weightDecay,
    });
    this.shuffle = seededRandom(settings.seed ^ 0x2545f491);
    this.scores = new Float32Array(engine.batch);
    this.dScores = new Float32Array(engine.batch);
  }

  /** One pass over the data; returns the epoch's mean batch loss (each batch's loss before its update). */
  epoch(): DenseEpoch {
    const { data, engine, net, scores, dScores } = this;
    const dim = data.dim;
    const order = permutation(data.n, this.shuffle);
    let total = 0;
    let batches = 0;
    for (let start = 0; start < data.n; start += engine.batch) {
      const count = Math.min(engine.batch, data.n - start);
      const xb = engine.input();
      for (let b = 0; b < count; b++) {
        const src = order[start + b] * dim;
        for (let p = 0; p < dim; p++) xb[b * dim + p] = data.x[src + p];
      }
      engine.forward(net, count, scores);
      let loss = 0;
      for (let b = 0; b < count; b++) {
        const y = data.y[order[start + b]];
        const z = y * scores[b];
        loss += softplusLoss(z);
        dScores[b] = (y * softplusDerivative(z)) / count;
      }
      // a diverged network would otherwise go on with NaN weights and yield NaN statistics much later
      if (!Number.isFinite(loss)) {
        throw new InputError(
          `2-layer network (weight decay ${this.sgd.settings.weightDecay}): training diverged in epoch ${this.epochs + 1} (the loss is not finite); try a smaller learning rate`,
        );
      }
      net.zeroGrad();
      engine.backward(dScores, true, false);
      this.sgd.step();
      total += loss / count;
      batches++;
    }
    this.epochs++;
    return { epoch: this.epochs, loss: total / Math.max(1, batches) };
  }
}

/** Trains a fresh network for `settings.epochs` epochs (see TwoLayerTrainer); the engine's batch must equal the batch size. */
export function trainTwoLayer(
  data: DenseData,
  hidden: number,
  settings: DenseTrainingSettings,
  engine: DenseEngine,
  onEpoch?: (e: DenseEpoch) => void,
): TwoLayerNet {
  if (!Number.isInteger(settings.epochs) || settings.epochs < 0) {
    throw new RangeError(`2-layer training: epochs ${settings.epochs} must be a whole number ≥ 0`);
  }
  const trainer = new TwoLayerTrainer(data, hidden, settings, engine);
  for (let e = 0; e < settings.epochs; e++) {
    const epoch = trainer.epoch();
    onEpoch?.(epoch);
  }
  return trainer.net;
}

/** Per-image scores, local scales and local normals of a trained network over a whole set. */
export interface LocalGeometry {
  /** s(x) per image */
  readonly score: Float64Array;
  /** ‖∇ₓs‖ per image (per unit of distance on the 0..1 pixel scale when x is) */
  readonly scale: Float64Array;
  /** the local unit normal ∇ₓs/‖∇ₓs‖ dotted with `direction` per image (NaN where ∇ₓs = 0) */
  readonly cosine: Float64Array;
}

/**
 * s(x), ‖∇ₓs‖ and the cosine between ∇ₓs and a unit `direction` (e.g. the nearest-centroid direction ẑ)
 * for every image of `data`, through the engine (∇ₓs is the input gradient of ∂s/∂s = 1).
 */
export function localGeometry(
  net: TwoLayerNet,
  data: DenseData,
  engine: DenseEngine,
  direction: ArrayLike<number>,
): LocalGeometry {
  checkData(data);
  if (direction.length !== data.dim) {
    throw new RangeError(`localGeometry: direction has ${direction.length} values, images ${data.dim}`);
  }
  const dim = data.dim;
  const score = new Float64Array(data.n);
  const scale = new Float64Array(data.n);
  const cosine = new Float64Array(data.n);
  const scores = new Float32Array(engine.batch);
  const ones = new Float32Array(engine.batch).fill(1);
  for (let start = 0; start < data.n; start += engine.batch) {
    const count = Math.min(engine.batch, data.n - start);
    const xb = engine.input();
    for (let b = 0; b < count; b++) {
      for (let p = 0; p < dim; p++) xb[b * dim + p] = data.x[(start + b) * dim + p];
    }
    engine.forward(net, count, scores);
    const grad = engine.backward(ones, false, true) as Float32Array;
    for (let b = 0; b < count; b++) {
      let nn = 0;
      let dz = 0;
      for (let p = 0; p < dim; p++) {
        const v = grad[b * dim + p];
        nn += v * v;
        dz += v * direction[p];
      }
      const len = Math.sqrt(nn);
      score[start + b] = scores[b];
      scale[start + b] = len;
      cosine[start + b] = len > 0 ? dz / len : Number.NaN;
    }
  }
  return { score, scale, cosine };
}

function checkData(data: DenseData): void {
  if (data.x.length !== data.n * data.dim || data.y.length !== data.n) {
    throw new RangeError(
      `2-layer network data: expected ${data.n}×${data.dim} pixels and ${data.n} labels, got ${data.x.length} and ${data.y.length}`,
    );
  }
  for (let i = 0; i < data.n; i++) {
    if (data.y[i] !== 1 && data.y[i] !== -1)
      throw new RangeError(`2-layer network data: label ${data.y[i]} is not ±1`);
  }
}
