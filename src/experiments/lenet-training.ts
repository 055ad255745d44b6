// Training the article's LeNet (SPEC §4) into a folder: DIR/checkpoint.l2net after every epoch (parameters,
// momentum, mean image, history) and DIR/metrics.json (the per-epoch record). Running it again resumes from
// the checkpoint; epoch e's shuffle depends only on (seed, e), so a resumed run equals an uninterrupted one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LENET_TRAINING } from '../article.js';
import type { Dataset, ImageSet } from '../data/dataset.js';
import { InputError, UsageError } from '../errors.js';
import { permutation, seededRandom } from '../math/random.js';
import { argmax } from '../math/vector.js';
import { LENET_CONVENTIONS } from '../nn/conventions.js';
import { gatherBatch, meanImage } from '../nn/input.js';
import { LenetTrainer, NonFiniteLossError } from '../nn/trainer.js';
import {
  CheckpointError,
  type CheckpointHeader,
  type CheckpointTensors,
  decodeCheckpoint,
  type EpochRecord,
  encodeCheckpoint,
  type TrainingMetrics,
  type TrainingSettings,
  trainingMetricsSchema,
} from '../schema/training.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { removeStaleTempsIn, writeFileAtomic } from './store.js';

/** The checkpoint's file name inside the training folder. */
export const CHECKPOINT_FILE = 'checkpoint.l2net';

/** The training record's file name inside the training folder. */
export const METRICS_FILE = 'metrics.json';

/** SPEC §4's optimiser settings (the weight decay and seed are the run's own). */
export const LENET_DEFAULTS = LENET_TRAINING;

/** Where a run is, for progress displays. */
export interface TrainingProgress {
  epoch: number;
  epochs: number;
  /** batches done in this epoch, of `batches` */
  batch: number;
  batches: number;
  /** batches done since this process started, of `totalBatches` still to do when it started */
  done: number;
  totalBatches: number;
  /** running mean of the batch losses in this epoch */
  loss: number;
  imagesPerSecond: number;
}

/** A LeNet training run. */
export interface LenetTrainingOptions {
  data: Dataset;
  settings: TrainingSettings;
  epochs: number;
  threads: number;
  /** the folder of checkpoint.l2net and metrics.json */
  dir: string;
  onProgress?: (progress: TrainingProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
  /** called once with what the run found in `dir` before training */
  onResume?: (epochsDone: number) => void;
}

/** Seed of epoch e's shuffle: a fixed function of the run's seed and e (resuming reproduces it). */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(epoch, 0x85ebca6b)) >>> 0;
}

/** The training images a run uses: the first `trainLimit` in file order, or all. */
function trainImages(
  train: ImageSet,
  trainLimit: number | null,
): { images: Uint8Array; labels: Uint8Array; n: number } {
  const size = train.rows * train.cols;
  const n = trainLimit === null ? train.count : Math.min(trainLimit, train.count);
  return { images: train.images.subarray(0, n * size), labels: train.labels.subarray(0, n), n };
}

/** Reads the checkpoint of `dir`; undefined when there is none; a bad one is an InputError naming the file. */
export function readCheckpoint(
  dir: string,
): { header: CheckpointHeader; tensors: CheckpointTensors } | undefined {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
  } catch (error) {
    if (error instanceof CheckpointError) {
      throw new InputError(`${error.message}; nothing was overwritten (move it away to train from scratch)`);
    }
    throw error;
  }
}

/** The flag a setting is given with, for error messages. */
const FLAGS: Record<keyof TrainingSettings, string> = {
  seed: '--seed',
  weightDecay: '--weight-decay',
  convention: '--convention',
  learningRate: '--learning-rate',
  momentum: '--momentum',
  batchSize: '--batch-size',
  trainLimit: '--train-limit',
};

/** Root mean square of each layer's weights (every other parameter: weight, bias, weight, bias, …). */
export function weightRms(parameters: readonly Float32Array[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < parameters.length; i += 2) {
    const w = parameters[i];
    let sum = 0;
    for (let k = 0; k < w.length; k++) sum += w[k] * w[k];
    out.push(Math.sqrt(sum / w.length));
  }
  return out;
}

/** Loss and errors of the trainer's network on a whole image set (in chunks). */
export async function evaluate(
  trainer: LenetTrainer,
  set: { images: Uint8Array; labels: Uint8Array; n: number },
  mean: Float32Array,
): Promise<{ loss: number; errors: number }> {
  const size = mean.length;
  const chunk = 1000;
  const x = new Float32Array(chunk * size);
  const order = Int32Array.from({ length: set.n }, (_, i) => i);
  let loss = 0;
  let errors = 0;
  for (let start = 0; start < set.n; start += chunk) {
    const n = gatherBatch(set.images, size, order, start, chunk, mean, x);
    const logits = await trainer.logits(x.subarray(0, n * size), n);
    const classes = logits.length / n;
    for (let b = 0; b < n; b++) {
      const row = logits.subarray(b * classes, (b + 1) * classes);
      const best = argmax(row, 0, classes);
      const max = row[best];
      let z = 0;
      for (let k = 0; k < classes; k++) z += Math.exp(row[k] - max);
      const y = set.labels[start + b];
      loss += Math.log(z) - (row[y] - max);
      if (best !== y) errors++;
    }
  }
  return { loss: loss / set.n, errors };
}

/** LeNet takes 28×28 images (any other 784 pixels, e.g. 14×56, would be read as nonsense). */
export function checkLenetData(data: Dataset): void {
  if (data.train.rows !== 28 || data.train.cols !== 28)
    throw new InputError(`LeNet needs 28×28 images; the dataset has ${data.train.rows}×${data.train.cols}`);
}

/** Trains (or resumes) a run; resolves with the training record once `epochs` epochs are done. */
export async function trainLenet(options: LenetTrainingOptions): Promise<TrainingMetrics> {
  const { data, settings, epochs, threads, dir } = options;
  const train = trainImages(data.train, settings.trainLimit);
  const test = { images: data.test.images, labels: data.test.labels, n: data.test.count };
  const size = data.train.rows * data.train.cols;
  checkLenetData(data);

  // what an interrupted write left (a killed process's temp files) goes first
  removeStaleTempsIn(dir);
  const saved = readCheckpoint(dir);
  if (!saved && existsSync(join(dir, METRICS_FILE))) {
    throw new InputError(
      `${join(dir, METRICS_FILE)} exists but ${CHECKPOINT_FILE} does not: the checkpoint is missing; ` +
        'nothing was overwritten (choose another --out, or move the folder away to start over)',
    );
  }
  if (saved) {
    for (const key of Object.keys(FLAGS) as Array<keyof TrainingSettings>) {
      if (saved.header.settings[key] !== settings[key]) {
        throw new UsageError(
          `${FLAGS[key]} ${settings[key] ?? '(none)'}: ${dir} holds a run trained with ${FLAGS[key]} ` +
            `${saved.header.settings[key] ?? '(none)'}; use the same flags to resume, or another --out`,
        );
      }
    }
    if (saved.header.dataset !== data.name) {
      throw new UsageError(
        `${dir} holds a run trained on ${saved.header.dataset}, not ${data.name}; use another --out`,
      );
    }
  }

  const mean = saved?.tensors.mean ?? meanImage(train.images, train.n, size);
  const trainer = await LenetTrainer.create({
    seed: settings.seed,
    weightDecay: settings.weightDecay,
    decayBiases: LENET_CONVENTIONS[settings.convention].decayBiases,
    learningRate: settings.learningRate,
    momentum: settings.momentum,
    batchSize: settings.batchSize,
    threads,
  });
  const history: EpochRecord[] = saved ? [...saved.header.history] : [];
  const metrics = () => metricsOf(data, settings, epochs, train.n, threads, history);
  options.onResume?.(history.length);
  try {
    if (saved)
      trainer.setState({ parameters: saved.tensors.parameters, velocities: saved.tensors.velocities });
    const batches = Math.ceil(train.n / settings.batchSize);
    const totalBatches = Math.max(0, epochs - history.length) * batches;
    const x = new Float32Array(settings.batchSize * size);
    const labels = new Uint8Array(settings.batchSize);
    let done = 0;
    for (let epoch = history.length + 1; epoch <= epochs; epoch++) {
      const order = permutation(train.n, seededRandom(epochSeed(settings.seed, epoch)));
      let lossSum = 0;
      let errors = 0;
      const started = performance.now();
      for (let batch = 0; batch < batches; batch++) {
        const start = batch * settings.batchSize;
        const n = gatherBatch(train.images, size, order, start, settings.batchSize, mean, x);
        for (let b = 0; b < n; b++) labels[b] = train.labels[order[start + b]];
        // the trainer refuses a step whose loss is not finite (weights unchanged): that is a divergence
        const step = await trainer.step(x.subarray(0, n * size), labels.subarray(0, n), n).catch((error) => {
          if (!(error instanceof NonFiniteLossError)) throw error;
          throw new InputError(
            `training diverged at epoch ${epoch}, batch ${batch + 1} (the loss is not finite; try a smaller learning rate or weight decay); the last checkpoint is kept`,
          );
        });
        lossSum += step.loss * n;
        errors += step.errors;
        done++;
        const seconds = (performance.now() - started) / 1000;
        options.onProgress?.({
          epoch,
          epochs,
          batch: batch + 1,
          batches,
          done,
          totalBatches,
          loss: lossSum / Math.min(train.n, start + n),
          imagesPerSecond: seconds > 0 ? (start + n) / seconds : 0,
        });
      }
      const seconds = (performance.now() - started) / 1000;
      const evaluation = await evaluate(trainer, test, mean);
      const state = trainer.state();
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / train.n,
        trainError: (100 * errors) / train.n,
        testLoss: evaluation.loss,
        testError: (100 * evaluation.errors) / test.n,
        weightRms: weightRms(state.parameters),
        seconds,
        imagesPerSecond: train.n / seconds,
      };
      history.push(record);
      writeFileAtomic(
        join(dir, CHECKPOINT_FILE),
        encodeCheckpoint(
          { dataset: data.name, settings, threads, epoch, history },
          { mean, parameters: state.parameters, velocities: state.velocities },
        ),
      );
      writeMetrics(dir, metrics());
      options.onEpoch?.(record);
    }
    // the checkpoint is renamed into place before metrics.json: a kill between the two leaves the record an
    // epoch behind, so it is rewritten from the checkpoint's history whenever they disagree
    if (history.length > 0 && recordedEpochs(dir) !== history.length) writeMetrics(dir, metrics());
    return metrics();
  } finally {
    await trainer.close();
  }
}

function metricsOf(
  data: Dataset,
  settings: TrainingSettings,
  epochs: number,
  nTrain: number,
  threads: number,
  history: EpochRecord[],
): TrainingMetrics {
  return {
    schema: 'l2angle/lenet-training',
    version: ARTIFACT_VERSION,
    network: 'lenet',
    dataset: data.name,
    settings,
    epochsRequested: epochs,
    nTrain,
    nTest: data.test.count,
    threads,
    updatedAt: new Date().toISOString(),
    epochs: history,
  };
}

/** Epochs in DIR/metrics.json, or -1 when it is missing or unreadable. */
function recordedEpochs(dir: string): number {
  try {
    const value = trainingMetricsSchema.safeParse(JSON.parse(readFileSync(join(dir, METRICS_FILE), 'utf8')));
    return value.success ? value.data.epochs.length : -1;
  } catch {
    return -1;
  }
}

function writeMetrics(dir: string, metrics: TrainingMetrics): void {
  const value = trainingMetricsSchema.parse(metrics);
  writeFileAtomic(join(dir, METRICS_FILE), `${JSON.stringify(value, null, 2)}\n`);
}
