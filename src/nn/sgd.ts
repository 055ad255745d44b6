// Stochastic gradient descent with momentum and weight decay, as MatConvNet applies it (the article's
// LeNet runs): v ← μ v − λ W − g, then W ← W + η v, where g is the batch-mean gradient and λ the weight
// decay. MatConvNet decays the biases too (cnn_train.m gives every parameter a decay multiplier of 1 unless
// the layer sets one); PyTorch-style training decays the weights only (src/nn/conventions.ts). With the
// biases left out this equals PyTorch's SGD(momentum = μ, weight_decay = λ) up to the sign convention of v.

/** A trainable tensor with its gradient; `decay` is false for biases (decayed only with `decayBiases`). */
export interface Parameter {
  readonly w: Float32Array;
  readonly dw: Float32Array;
  readonly decay: boolean;
}

/** The hyper-parameters of the update, named after the maths. */
export interface SgdSettings {
  /** η */
  learningRate: number;
  /** μ */
  momentum: number;
  /** λ (weight decay) */
  weightDecay: number;
}

/**
 * An update of one parameter tensor done elsewhere (the wasm kernels) with the same operations in the same
 * order as `MomentumSgd.step`'s loop: v ← μ·v − decay·w − dw, w ← w + η·v, in float64 rounded to float32.
 */
export type MomentumUpdate = (
  w: Float32Array,
  v: Float32Array,
  dw: Float32Array,
  mu: number,
  decay: number,
  eta: number,
) => void;

/** Tensors at least this large go to a `MomentumUpdate` when one is given (smaller ones are not worth a copy). */
const UPDATE_ELSEWHERE = 4096;

/** Momentum SGD over a fixed list of parameters; the velocities are its state (saved in checkpoints). */
export class MomentumSgd {
  /** one velocity per parameter, same shape */
  readonly velocity: Float32Array[];

  constructor(
    readonly parameters: readonly Parameter[],
    readonly settings: SgdSettings,
    /** whether λ reaches the biases too (MatConvNet's convention) */
    readonly decayBiases = false,
    /** where large tensors are updated (the same bits as the loop below), if not here */
    private readonly update?: MomentumUpdate,
  ) {
    for (const [key, value] of Object.entries(settings)) {
      if (!(value >= 0) || !Number.isFinite(value))
        throw new RangeError(`sgd: ${key} = ${value} must be ≥ 0`);
    }
    this.velocity = parameters.map((p) => new Float32Array(p.w.length));
  }

  /** One update from the gradients currently in `dw` (the batch means). */
  step(): void {
    const { learningRate: eta, momentum: mu, weightDecay: lambda } = this.settings;
    for (const [index, p] of this.parameters.entries()) {
      const v = this.velocity[index];
      const decay = p.decay || this.decayBiases ? lambda : 0;
      const { w, dw } = p;
      if (this.update && w.length >= UPDATE_ELSEWHERE) {
        this.update(w, v, dw, mu, decay, eta);
        continue;
      }
      for (let k = 0; k < w.length; k++) {
        const vk = mu * v[k] - decay * w[k] - dw[k];
        v[k] = vk;
        w[k] += eta * vk;
      }
    }
  }
}
