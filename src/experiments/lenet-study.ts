// The article's two LeNets (SPEC §4): LeNet_low (weight decay 1e-4) and LeNet_high (1e-1), 50 epochs on all
// 60 000 training images, then one artifact comparing them: curves, weight RMS per layer, filters.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../data/dataset.js';
import { mnistFiles } from '../data/sources.js';
import { InputError } from '../errors.js';
import { permutation, seededRandom } from '../math/random.js';
import { encodeFloat32 } from '../schema/encoding.js';
import { adversarialFile } from '../schema/nn-artifacts.js';
import {
  type LenetStudy,
  lenetRunFolder,
  lenetStudyFile,
  type TrainingMetrics,
  trainingMetricsSchema,
} from '../schema/training.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { type AdversarialJob, inWorker } from './adversarial-worker.js';
import { loadLenet } from './lenet-network.js';
import { LENET_DEFAULTS, METRICS_FILE, trainLenet } from './lenet-training.js';
import type { Job } from './pipeline.js';
import type { ResultsStore } from './store.js';

/** The article's two networks: name, results sub-folder and weight decay. */
export const ARTICLE_LENETS = [
  { name: 'LeNet_low', key: 'low', weightDecay: 1e-4 },
  { name: 'LeNet_high', key: 'high', weightDecay: 1e-1 },
] as const;

/** The layers' names, in parameter order. */
export const LENET_LAYERS = [
  'conv1 5×5 1→20',
  'conv2 5×5 20→50',
  'fc1 (conv 4×4 50→500)',
  'fc2 (conv 1×1 500→10)',
];

/** The training record in a run folder when it has at least `epochs` epochs, else undefined. */
export function finishedRun(
  store: ResultsStore,
  folder: string,
  epochs: number,
): TrainingMetrics | undefined {
  const path = join(folder, METRICS_FILE);
  if (!existsSync(store.pathOf(path))) return undefined;
  try {
    const metrics = store.read('l2angle/lenet-training', path);
    return metrics && metrics.epochs.length >= epochs ? metrics : undefined;
  } catch {
    return undefined;
  }
}

/** The training record of one of the article's LeNets; throws when it has not finished `epochs` epochs yet. */
function trainedRun(
  store: ResultsStore,
  which: (typeof ARTICLE_LENETS)[number],
  epochs: number,
): TrainingMetrics {
  const folder = lenetRunFolder(which.key);
  const metrics = finishedRun(store, folder, epochs);
  if (!metrics) {
    throw new InputError(
      `${which.name} is not trained yet (${store.pathOf(folder)}): run \`l2angle nn --study lenet\` first`,
    );
  }
  return metrics;
}

/** Trains one of the article's LeNets into the results folder (resumable from its checkpoint). */
export function lenetTrainingJob(
  which: (typeof ARTICLE_LENETS)[number],
  epochs: number = LENET_DEFAULTS.epochs,
): Job {
  const folder = lenetRunFolder(which.key);
  return {
    id: `nn:lenet-${which.key}`,
    title: `${which.name}: LeNet, weight decay ${which.weightDecay}, ${epochs} epochs`,
    artifact: `${folder}/${METRICS_FILE}`,
    isDone: (store) => finishedRun(store, folder, epochs) !== undefined,
    async run(store, progress) {
      const data = loadDataset(mnistFiles(), 'mnist');
      await trainLenet({
        data,
        settings: {
          seed: 0,
          weightDecay: which.weightDecay,
          learningRate: LENET_DEFAULTS.learningRate,
          momentum: LENET_DEFAULTS.momentum,
          batchSize: LENET_DEFAULTS.batchSize,
          trainLimit: null,
        },
        epochs,
        threads: 2,
        dir: store.pathOf(folder),
        onProgress: (p) =>
          progress(
            p.done,
            p.totalBatches,
            `epoch ${p.epoch}/${p.epochs}, ${Math.round(p.imagesPerSecond)} img/s, loss ${p.loss.toFixed(3)}`,
          ),
      });
    },
  };
}

/** Picks `count` (out, in) filter slices of a k×k convolution weight tensor (out × in × k × k) with a fixed seed. */
export function filterSelection(
  weights: Float32Array,
  outChannels: number,
  inChannels: number,
  k: number,
  count: number,
  seed: number,
): { indices: Array<{ out: number; in: number }>; pictures: Float32Array } {
  const order = permutation(outChannels * inChannels, seededRandom(seed));
  const chosen = Array.from(order.subarray(0, Math.min(count, order.length))).sort((a, b) => a - b);
  const pictures = new Float32Array(chosen.length * k * k);
  const indices = chosen.map((flat, i) => {
    const out = Math.floor(flat / inChannels);
    const inn = flat % inChannels;
    pictures.set(
      weights.subarray((out * inChannels + inn) * k * k, (out * inChannels + inn + 1) * k * k),
      i * k * k,
    );
    return { out, in: inn };
  });
  return { indices, pictures };
}

/** The comparison artifact from two finished runs. */
export function lenetStudy(store: ResultsStore, epochs: number = LENET_DEFAULTS.epochs): LenetStudy {
  const networks = ARTICLE_LENETS.map((which) => {
    const metrics = trainedRun(store, which, epochs);
    const net = loadLenet(store.pathOf(lenetRunFolder(which.key)));
    const [conv1, , conv2] = net.network.parameters();
    // the same filters for both networks, so the pictures compare like with like
    const first = filterSelection(conv1.w, 20, 1, 5, 20, 1);
    const second = filterSelection(conv2.w, 50, 20, 5, 24, 2);
    return {
      name: which.name,
      settings: trainingMetricsSchema.shape.settings.parse(metrics.settings),
      epochs: metrics.epochs,
      layers: LENET_LAYERS,
      filters: [
        { layer: 'conv1', size: 5, indices: first.indices, pictures: encodeFloat32(first.pictures) },
        { layer: 'conv2', size: 5, indices: second.indices, pictures: encodeFloat32(second.pictures) },
      ],
    };
  });
  return {
    schema: 'l2angle/lenet-study',
    version: ARTIFACT_VERSION,
    dataset: 'mnist',
    createdAt: new Date().toISOString(),
    networks,
  };
}

/** Writes the comparison once both networks are trained. */
export function lenetStudyJob(epochs: number = LENET_DEFAULTS.epochs): Job {
  const artifact = lenetStudyFile();
  return {
    id: 'nn:lenet-study',
    title: 'LeNet_low against LeNet_high: curves, weight RMS, filters',
    artifact,
    isDone: (store) => store.has('l2angle/lenet-study', artifact),
    async run(store, progress) {
      progress(0, 1, 'reading the checkpoints');
      store.write('l2angle/lenet-study', artifact, lenetStudy(store, epochs));
      progress(1, 1, 'done');
    },
  };
}

/** The adversarial study (temperature, targeted examples, 200-image norms) of one of the article's LeNets. */
export function lenetAdversarialJob(
  which: (typeof ARTICLE_LENETS)[number],
  epochs: number = LENET_DEFAULTS.epochs,
): Job {
  const artifact = adversarialFile(which.name);
  return {
    id: `nn:adversarial-${which.key}`,
    title: `targeted adversarial examples against ${which.name}`,
    artifact,
    isDone: (store) => store.has('l2angle/adversarial', artifact),
    async run(store, progress) {
      trainedRun(store, which, epochs);
      const job: AdversarialJob = {
        name: which.name,
        results: store.root,
        folder: lenetRunFolder(which.key),
        files: mnistFiles(),
        seed: 0,
      };
      await inWorker({ role: 'study', job }, progress).catch((error: Error) => {
        // name the network, keeping the error's kind (bad input or internal)
        error.message = `${which.name}: ${error.message}`;
        throw error;
      });
    },
  };
}
