// Training of the 2-layer network: softplus loss on y·s, momentum SGD with MatConvNet's weight decay,
// batched on the engine.
import { DENSE_TRAINING } from '../article.js';
import { InputError } from '../errors.js';
import { softplusDerivative, softplusLoss } from '../math/losses.js';
import { permutation, seededRandom } from '../math/random.js';
import { checkData, type DenseData, float32Images, TwoLayerNet } from './dense.js';
import type { DenseEngine } from './dense-engine.js';
import { MomentumSgd } from './sgd.js';

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
    this.sgd = new MomentumSgd(
      this.net.parameters(),
      {
        learningRate: settings.learningRate,
        momentum: settings.momentum,
        weightDecay: settings.weightDecay,
      },
      false,
      engine.momentumUpdate,
    );
    this.shuffle = seededRandom(settings.seed ^ 0x2545f491);
    this.scores = new Float32Array(engine.batch);
    this.dScores = new Float32Array(engine.batch);
  }

  /** One pass over the data; returns the epoch's mean batch loss (each batch's loss before its update). */
  epoch(): DenseEpoch {
    const { data, engine, net, scores, dScores } = this;
    const dim = data.dim;
    const images = float32Images(data);
    const order = permutation(data.n, this.shuffle);
    let total = 0;
    let batches = 0;
    for (let start = 0; start < data.n; start += engine.batch) {
      const count = Math.min(engine.batch, data.n - start);
      const xb = engine.input();
      for (let b = 0; b < count; b++) {
        const src = order[start + b] * dim;
        xb.set(images.subarray(src, src + dim), b * dim);
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
