// Adversarial examples by normalised gradient steps (SPEC §4): x' ← clip(x' + step · g/‖g‖) with g the
// gradient of the wanted class's probability, until that probability reaches the confidence asked for or
// the step budget runs out. Many images are attacked at once; each stops on its own and is then frozen.
//
// The step direction uses ∇ log p instead of ∇p: they differ by the factor p > 0 only, so g/‖g‖ is the same,
// and ∇ log p = Σ_k (δ_kτ − p_k)/t · ∇s_k does not underflow where p is tiny (far from the target).
import { BINARY_ATTACK, TARGETED_ATTACK } from '../article.js';
import type { TwoLayerNet } from './dense.js';
import type { ClippedStep, DenseEngine } from './dense-engine.js';
import type { Sequential, Shape4 } from './layers.js';

export type { ClippedStep };

/** What every attack reports, per image. */
export interface AttackResult {
  /** the adversarial images, n × size, on the scale of the inputs */
  readonly adversarial: Float32Array;
  /** gradient steps taken */
  readonly steps: Int32Array;
  /** 1 where the wanted class reached the confidence, 0 where the budget ran out or the gradient vanished */
  readonly success: Uint8Array;
  /** ‖x' − x‖ on the scale of the inputs */
  readonly norm: Float64Array;
  /** the wanted class's probability at x' (at the attack's temperature) */
  readonly probability: Float64Array;
}

/** Where an attack stands: the images as far as they have moved, their steps and which have succeeded. */
export interface AttackState {
  readonly adversarial: Float32Array;
  readonly steps: Int32Array;
  readonly success: Uint8Array;
}

/** Progress of an attack: images finished, of all. */
export type AttackProgress = (done: number, total: number, status: string) => void;

/**
 * A multiclass network as the attack sees it: class scores of a batch of inputs and their input gradients.
 * `LenetEngine` is one (LeNet on the wasm engine); `sequentialScores` makes one of the reference layers.
 */
export interface ScoreNetwork {
  /** most images per pass */
  readonly capacity: number;
  /** class scores per image */
  readonly classes: number;
  /** where a pass's inputs go (capacity × image size, on the network's input scale) */
  input(): Float32Array;
  /** the class scores of the first n inputs (n × classes) */
  scores(n: number): Float32Array;
  /** after scores(n), on the same inputs: the gradient of Σ_k g[b·classes + k] s_k with respect to each input */
  inputGradient(n: number, g: Float32Array): Float32Array;
}

/**
 * The reference layers as a ScoreNetwork: every pass runs exactly `batch` images (padded), because FastConv2d
 * keeps work buffers for one batch size and wasm memory is never freed. The parameter gradients that the
 * backward pass accumulates are zeroed after each pass.
 */
export function sequentialScores(
  network: Sequential,
  batch: number,
  imageShape: readonly [number, number, number] = [1, 28, 28],
): ScoreNetwork {
  const [channels, height, width] = imageShape;
  const shape: Shape4 = [batch, channels, height, width];
  const size = channels * height * width;
  const input = new Float32Array(batch * size);
  let classes = 0;
  let grad = new Float32Array(0);
  let outShape: Shape4 = [batch, 0, 1, 1];
  const scores = (n: number) => {
    input.fill(0, n * size);
    const out = network.forward({ data: input, shape });
    outShape = out.shape;
    classes = out.data.length / batch;
    return out.data.subarray(0, n * classes);
  };
  return {
    capacity: batch,
    get classes() {
      if (classes === 0) scores(1);
      return classes;
    },
    input: () => input,
    scores,
    inputGradient(n, g) {
      if (grad.length !== batch * classes) grad = new Float32Array(batch * classes);
      grad.fill(0);
      grad.set(g.subarray(0, n * classes));
      const gx = network.backward({ data: grad, shape: outShape }).data;
      network.zeroGrad();
      return gx.subarray(0, n * size);
    },
  };
}

/**
 * Class scores (n × classes) of n images (n × size values on the 0..255 scale), given to the network minus
 * `mean`, in passes of its capacity.
 */
export function batchScores(
  network: ScoreNetwork,
  mean: Float32Array,
  images: ArrayLike<number>,
  n: number,
): Float32Array {
  const size = mean.length;
  const out = new Float32Array(n * network.classes);
  for (let start = 0; start < n; start += network.capacity) {
    const count = Math.min(network.capacity, n - start);
    const input = network.input();
    for (let b = 0; b < count; b++) {
      for (let k = 0; k < size; k++) input[b * size + k] = images[(start + b) * size + k] - mean[k];
    }
    out.set(network.scores(count).subarray(0, count * network.classes), start * network.classes);
  }
  return out;
}

/** Settings of the targeted attack on a multiclass network (SPEC §4's values are the defaults). */
export interface TargetedAttackOptions {
  /** the calibrated softmax temperature t */
  temperature: number;
  /** step length on the 0..255 pixel scale */
  stepSize?: number;
  maxSteps?: number;
  /** stop when p_target ≥ this */
  confidence?: number;
  /**
   * most images per pass. A step passes only the images still moving, dealt into ⌈active / batchSize⌉
   * passes of near-equal size (210 images at 100: three passes of 70, not 100 + 100 + 10). Each image's
   * attack is independent of the others in its pass, so the size changes the speed, not the result.
   */
  batchSize?: number;
  /** channels, height, width of one image (LeNet: 1 × 28 × 28) */
  imageShape?: readonly [number, number, number];
  /**
   * where an interrupted attack of the same images and settings stood: it continues from there and ends
   * exactly where an uninterrupted run ends (each image's steps depend on its own pixels only)
   */
  resume?: AttackState;
}

/** Defaults of the targeted attack: SPEC §4's step 1.0 (0..255 scale), p ≥ 0.95, at most 2000 steps. */
export const TARGETED_DEFAULTS = TARGETED_ATTACK;

/**
 * Targeted attack on a multiclass network whose input is 0..255 pixels minus `mean`: for each image (n × size
 * pixel values 0..255) iterates x' ← clip_[0,255](x' + step · g/‖g‖), g = ∇ₓ' p_target(x') with p = softmax(s/t),
 * until p_target ≥ confidence or maxSteps steps. The pixels (not the mean-subtracted input) are clipped.
 * `network` is a ScoreNetwork (LenetEngine, or any) or reference layers (run through `sequentialScores`).
 */
export function targetedAttack(
  network: ScoreNetwork | Sequential,
  mean: Float32Array,
  images: ArrayLike<number>,
  targets: ArrayLike<number>,
  options: TargetedAttackOptions,
  progress?: AttackProgress,
  onRound?: (state: AttackState) => void,
): AttackResult {
  const { temperature: t } = options;
  const stepSize = options.stepSize ?? TARGETED_DEFAULTS.stepSize;
  const maxSteps = options.maxSteps ?? TARGETED_DEFAULTS.maxSteps;
  const confidence = options.confidence ?? TARGETED_DEFAULTS.confidence;
  const most = options.batchSize ?? TARGETED_DEFAULTS.batchSize;
  const imageShape = options.imageShape ?? [1, 28, 28];
  const size = imageShape[0] * imageShape[1] * imageShape[2];
  const n = targets.length;
  checkAttack('targetedAttack', { t, stepSize, maxSteps, confidence, batch: most });
  if (mean.length !== size)
    throw new RangeError(`targetedAttack: mean image has ${mean.length} values, not ${size}`);
  if (images.length !== n * size) {
    throw new RangeError(`targetedAttack: ${images.length} pixel values for ${n} images of ${size}`);
  }
  const original = Float32Array.from(images);
  for (let k = 0; k < original.length; k++) {
    if (!(original[k] >= 0 && original[k] <= 255)) {
      throw new RangeError(`targetedAttack: pixel ${k} is ${original[k]}, expected 0..255`);
    }
  }
  const adversarial = Float32Array.from(original);
  const steps = new Int32Array(n);
  const success = new Uint8Array(n);
  if (options.resume) {
    const { resume } = options;
    if (
      resume.adversarial.length !== adversarial.length ||
      resume.steps.length !== n ||
      resume.success.length !== n
    )
      throw new RangeError('targetedAttack: the state to resume from is of other images');
    adversarial.set(resume.adversarial);
    steps.set(resume.steps);
  }
  const probability = new Float64Array(n);
  if (n === 0) return { adversarial, steps, success, norm: new Float64Array(0), probability };
  const scorer =
    'scores' in network ? network : sequentialScores(network, Math.ceil(n / Math.ceil(n / most)), imageShape);
  const batch = Math.min(most, scorer.capacity);
  const classes = scorer.classes;
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(targets[i]) || targets[i] < 0 || targets[i] >= classes) {
      throw new RangeError(
        `targetedAttack: target ${targets[i]} of image ${i} is not a class 0..${classes - 1}`,
      );
    }
  }
  const grad = new Float32Array(batch * classes);
  let active = Array.from({ length: n }, (_, i) => i);
  for (let round = 1; active.length > 0; round++) {
    const still: number[] = [];
    const passes = Math.ceil(active.length / batch);
    for (let pass = 0; pass < passes; pass++) {
      const chunk = active.slice(
        Math.floor((pass * active.length) / passes),
        Math.floor(((pass + 1) * active.length) / passes),
      );
      const m = chunk.length;
      const input = scorer.input();
      for (const [b, i] of chunk.entries()) {
        for (let k = 0; k < size; k++) input[b * size + k] = adversarial[i * size + k] - mean[k];
      }
      const out = scorer.scores(m);
      grad.fill(0);
      const going: number[] = [];
      for (const [b, i] of chunk.entries()) {
        const p = softmaxRow(out, b * classes, classes, t);
        const target = targets[i];
        probability[i] = p[target];
        if (p[target] >= confidence) {
          success[i] = 1;
          continue;
        }
        if (steps[i] >= maxSteps) continue;
        // ∂ log p_τ / ∂s_k = (δ_kτ − p_k)/t
        for (let k = 0; k < classes; k++) grad[b * classes + k] = ((k === target ? 1 : 0) - p[k]) / t;
        going.push(b);
      }
      if (going.length === 0) continue;
      const gx = scorer.inputGradient(m, grad);
      for (const b of going) {
        const i = chunk[b];
        if (step(adversarial, i * size, gx, b * size, size, stepSize, 0, 255)) {
          steps[i]++;
          still.push(i);
        }
      }
    }
    active = still;
    progress?.(n - active.length, n, `step ${round}: ${active.length} images still moving`);
    onRound?.({ adversarial, steps, success });
  }
  return { adversarial, steps, success, norm: distances(adversarial, original, n, size), probability };
}

/** Settings of the attack on a binary network. */
export interface BinaryAttackOptions {
  /** the calibrated temperature t of p = σ(s/t) (see `binaryTemperature` in the experiments) */
  temperature: number;
  /** step length on the scale of the inputs (1/255 for 0..1 pixels: one grey level, as SPEC §4's 1.0 on 0..255) */
  stepSize?: number;
  maxSteps?: number;
  /** stop when the other class's probability σ(−y s/t) ≥ this */
  confidence?: number;
  /** the pixel range to clip to */
  lower?: number;
  upper?: number;
}

/** Defaults of the binary attack: one grey level per step on the 0..1 scale, p ≥ 0.95, at most 2000 steps. */
export const BINARY_DEFAULTS = BINARY_ATTACK;

/**
 * Pushes each image (n × inputs, labels y = ±1) across the 2-layer network's boundary: x' ← clip(x' + step ·
 * g/‖g‖) with g = ∇ₓ' σ(−y s(x')/t), whose direction is −y ∇ₓ's, until σ(−y s/t) ≥ confidence, i.e.
 * −y s ≥ t ln(c/(1 − c)), or maxSteps steps. Batched through the engine (its batch size).
 */
export function binaryAttack(
  net: TwoLayerNet,
  engine: DenseEngine,
  images: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: BinaryAttackOptions,
  progress?: AttackProgress,
): AttackResult {
  const { temperature: t } = options;
  const stepSize = options.stepSize ?? BINARY_DEFAULTS.stepSize;
  const maxSteps = options.maxSteps ?? BINARY_DEFAULTS.maxSteps;
  const confidence = options.confidence ?? BINARY_DEFAULTS.confidence;
  const lower = options.lower ?? BINARY_DEFAULTS.lower;
  const upper = options.upper ?? BINARY_DEFAULTS.upper;
  checkAttack('binaryAttack', { t, stepSize, maxSteps, confidence, batch: engine.batch });
  const size = net.inputs;
  const n = labels.length;
  if (images.length !== n * size) {
    throw new RangeError(`binaryAttack: ${images.length} pixel values for ${n} images of ${size}`);
  }
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 1 && labels[i] !== -1)
      throw new RangeError(`binaryAttack: label ${labels[i]} is not ±1`);
  }
  const original = Float32Array.from(images);
  const adversarial = Float32Array.from(original);
  const steps = new Int32Array(n);
  const success = new Uint8Array(n);
  const probability = new Float64Array(n);
  const margin = t * Math.log(confidence / (1 - confidence));
  const scores = new Float32Array(engine.batch);
  const dScores = new Float32Array(engine.batch);
  // An image's input gradient (−y ∇ₓs, the network fixed) changes only when its set of active units does,
  // which is a few steps in a hundred: each image keeps its gradient (and its length) and the pattern it was
  // computed at, and only the images whose pattern changed are computed again (the same bits: see
  // inputGradientOf).
  const gradient = new Float32Array(n * size);
  const length = new Float64Array(n);
  const pattern = new Uint8Array(n * net.hidden);
  const known = new Uint8Array(n);
  const recompute: number[] = [];
  const move = engine.clippedStep;
  let active = Array.from({ length: n }, (_, i) => i);
  for (let round = 1; active.length > 0; round++) {
    const still: number[] = [];
    for (let start = 0; start < active.length; start += engine.batch) {
      const chunk = active.slice(start, start + engine.batch);
      const xb = engine.input();
      for (const [b, i] of chunk.entries()) {
        xb.set(adversarial.subarray(i * size, (i + 1) * size), b * size);
      }
      // the network does not change during the attack: its weights are copied in once
      engine.forward(net, chunk.length, scores, round === 1 && start === 0 ? 'copy' : 'kept');
      recompute.length = 0;
      for (const [b, i] of chunk.entries()) {
        const z = -labels[i] * scores[b];
        probability[i] = 1 / (1 + Math.exp(-z / t));
        // the margin test rather than the probability: exact even where σ rounds to 1
        const finished = z >= margin || steps[i] >= maxSteps;
        if (z >= margin) success[i] = 1;
        dScores[b] = finished ? 0 : -labels[i];
        if (finished) continue;
        if (engine.activePattern(b, pattern, i * net.hidden) || !known[i]) recompute.push(b);
      }
      if (recompute.length > 0) {
        const gx = engine.inputGradientOf(dScores, recompute);
        for (const [r, b] of recompute.entries()) {
          const i = chunk[b];
          gradient.set(gx.subarray(r * size, (r + 1) * size), i * size);
          length[i] = gradientLength(gradient, i * size, size);
          known[i] = 1;
        }
      }
      for (const [b, i] of chunk.entries()) {
        if (dScores[b] === 0) continue;
        const len = length[i];
        if (step(adversarial, i * size, gradient, i * size, size, stepSize, lower, upper, len, move)) {
          steps[i]++;
          still.push(i);
        }
      }
    }
    active = still;
    progress?.(n - active.length, n, `step ${round}: ${active.length} images still moving`);
  }
  return { adversarial, steps, success, norm: distances(adversarial, original, n, size), probability };
}

/** softmax(s/t) of one row, stably. */
function softmaxRow(s: Float32Array, offset: number, classes: number, t: number): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < classes; k++) max = Math.max(max, s[offset + k]);
  const p = new Float64Array(classes);
  let z = 0;
  for (let k = 0; k < classes; k++) {
    p[k] = Math.exp((s[offset + k] - max) / t);
    z += p[k];
  }
  for (let k = 0; k < classes; k++) p[k] /= z;
  return p;
}

/** ‖g‖ of the `size` values from `offset`. */
function gradientLength(g: Float32Array, offset: number, size: number): number {
  let nn = 0;
  for (let k = 0; k < size; k++) nn += g[offset + k] * g[offset + k];
  return Math.sqrt(nn);
}

/** The clipped step in TypeScript (DenseEngine.clippedStep runs the same operations in wasm). */
export const clippedStep: ClippedStep = (x, xOffset, g, gOffset, size, scale, lower, upper) => {
  for (let k = 0; k < size; k++) {
    const v = x[xOffset + k] + scale * g[gOffset + k];
    x[xOffset + k] = Math.min(upper, Math.max(lower, v));
  }
};

/**
 * x ← clip(x + step · g/‖g‖), ‖g‖ = `len` (computed here unless the caller kept it), by `move`; false (x
 * unchanged) when g is zero or not finite: the image cannot move.
 */
function step(
  x: Float32Array,
  xOffset: number,
  g: Float32Array,
  gOffset: number,
  size: number,
  stepSize: number,
  lower: number,
  upper: number,
  len = gradientLength(g, gOffset, size),
  move: ClippedStep = clippedStep,
): boolean {
  if (!(len > 0) || !Number.isFinite(len)) return false;
  move(x, xOffset, g, gOffset, size, stepSize / len, lower, upper);
  return true;
}

function distances(a: Float32Array, b: Float32Array, n: number, size: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < size; k++) {
      const d = a[i * size + k] - b[i * size + k];
      s += d * d;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

function checkAttack(
  name: string,
  o: { t: number; stepSize: number; maxSteps: number; confidence: number; batch: number },
): void {
  if (!(o.t > 0 && Number.isFinite(o.t)))
    throw new RangeError(`${name}: temperature ${o.t} must be positive`);
  if (!(o.stepSize > 0 && Number.isFinite(o.stepSize))) {
    throw new RangeError(`${name}: step size ${o.stepSize} must be positive`);
  }
  if (!Number.isInteger(o.maxSteps) || o.maxSteps < 0) {
    throw new RangeError(`${name}: maxSteps ${o.maxSteps} must be a whole number ≥ 0`);
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw new RangeError(`${name}: confidence ${o.confidence} must lie strictly between 0 and 1`);
  }
  if (!Number.isInteger(o.batch) || o.batch < 1)
    throw new RangeError(`${name}: batch size ${o.batch} must be ≥ 1`);
}
