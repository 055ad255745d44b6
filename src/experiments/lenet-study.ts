// The article's two LeNets (SPEC §4): LeNet_low (weight decay 1e-4) and LeNet_high (1e-1), 50 epochs on all
// 60 000 training images, then one artifact comparing them: curves, weight RMS per layer, filters. Both are
// trained again with other seeds (nn/seeds/), so that a difference between them can be set against the
// spread between seeds.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARTICLE_LENETS, type ArticleLenet, LENET_SEEDS } from '../article.js';
import { loadDataset } from '../data/dataset.js';
import { datasetFiles } from '../data/sources.js';
import { InputError } from '../errors.js';
import { censoredMedian } from '../math/median.js';
import { permutation, seededRandom } from '../math/random.js';
import { DEFAULT_LENET_CONVENTION, type LenetConventionName } from '../nn/conventions.js';
import { type DatasetName, datasetLabel } from '../schema/datasets.js';
import { encodeFloat32 } from '../schema/encoding.js';
import type { Adversarial } from '../schema/nn-artifacts.js';
import {
  type LenetSeeds,
  type LenetStudy,
  lenetAdversarialFile,
  lenetRunFolder,
  lenetSeedsFile,
  lenetStudyFile,
  peekCheckpointHeader,
  type SeedRun,
  type TrainingMetrics,
  type TrainingSettings,
  trainingMetricsSchema,
} from '../schema/training.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { studyNorms } from './adversarial.js';
import { type AdversarialJob, inWorker } from './adversarial-worker.js';
import type { Job } from './job.js';
import { loadLenet } from './lenet-network.js';
import { CHECKPOINT_FILE, LENET_DEFAULTS, METRICS_FILE, trainLenet } from './lenet-training.js';
import type { ResultsStore } from './store.js';

export { ARTICLE_LENETS, type ArticleLenet, LENET_SEEDS };

/** The training settings of one of the article's LeNets with a seed, under a convention. */
export function articleSettings(
  which: ArticleLenet,
  seed = 0,
  convention: LenetConventionName = DEFAULT_LENET_CONVENTION,
): TrainingSettings {
  return {
    seed,
    weightDecay: which.weightDecay,
    convention,
    learningRate: LENET_DEFAULTS.learningRate,
    momentum: LENET_DEFAULTS.momentum,
    batchSize: LENET_DEFAULTS.batchSize,
    trainLimit: null,
  };
}

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
  settings?: TrainingSettings,
): TrainingMetrics | undefined {
  const path = join(folder, METRICS_FILE);
  if (!existsSync(store.pathOf(path))) return undefined;
  try {
    const metrics = store.read('l2angle/lenet-training', path);
    if (!metrics || metrics.epochs.length < epochs) return undefined;
    return settings === undefined || sameSettings(metrics.settings, settings) ? metrics : undefined;
  } catch {
    return undefined;
  }
}

function sameSettings(a: TrainingSettings, b: TrainingSettings): boolean {
  return (Object.keys(b) as Array<keyof TrainingSettings>).every((key) => a[key] === b[key]);
}

/** The finished record of an article network's run with `seed`, trained with the current settings. */
function currentRun(
  store: ResultsStore,
  which: ArticleLenet,
  epochs: number,
  seed: number,
  dataset: DatasetName,
): TrainingMetrics | undefined {
  return finishedRun(store, lenetRunFolder(which.key, seed, dataset), epochs, articleSettings(which, seed));
}

/** A job's id and title beyond MNIST name their dataset; MNIST's stay the article's. */
function onDataset(dataset: DatasetName): { id: string; of: string } {
  return dataset === 'mnist' ? { id: '', of: '' } : { id: `${dataset}:`, of: ` (${datasetLabel(dataset)})` };
}

/**
 * A run folder of the main job that holds a run of an older artifact version or of other settings (e.g.
 * trained under the PyTorch convention before MatConvNet's became the default) cannot be resumed: it is
 * moved, whole, to superseded/FOLDER-N inside the results folder, so nothing is lost. Returns where it went.
 */
export function setAsideStaleRun(
  store: ResultsStore,
  folder: string,
  settings: TrainingSettings,
): string | undefined {
  const dir = store.pathOf(folder);
  const checkpoint = join(dir, CHECKPOINT_FILE);
  if (!existsSync(checkpoint)) return undefined;
  const header = peekCheckpointHeader(new Uint8Array(readFileSync(checkpoint))) as
    | { version?: unknown; settings?: Partial<TrainingSettings> }
    | undefined;
  // an unreadable or corrupt checkpoint is left where it is: training then stops with a line naming it
  if (header === undefined || typeof header !== 'object') return undefined;
  const current =
    header.version === ARTIFACT_VERSION &&
    header.settings !== undefined &&
    sameSettings(header.settings as TrainingSettings, settings);
  if (current) return undefined;
  let n = 1;
  while (existsSync(store.pathOf(`superseded/${folder}-${n}`))) n++;
  const target = `superseded/${folder}-${n}`;
  mkdirSync(dirname(store.pathOf(target)), { recursive: true });
  renameSync(dir, store.pathOf(target));
  return target;
}

/** The training record of one of the article's LeNets; throws when it has not finished `epochs` epochs yet. */
function trainedRun(
  store: ResultsStore,
  which: ArticleLenet,
  epochs: number,
  seed: number,
  dataset: DatasetName,
): TrainingMetrics {
  const folder = lenetRunFolder(which.key, seed, dataset);
  // whatever settings it was trained with: the artifacts record them
  const metrics = finishedRun(store, folder, epochs);
  if (!metrics) {
    throw new InputError(
      `${which.name} is not trained yet (${store.pathOf(folder)}): run \`l2angle nn --study lenet${dataset === 'mnist' ? '' : ` --dataset ${dataset}`}\` first`,
    );
  }
  return metrics;
}

/**
 * Trains one of the article's LeNets (seed 0, or another seed of the spread study) on a dataset (MNIST unless
 * given), resumable.
 */
export function lenetTrainingJob(
  which: ArticleLenet,
  epochs: number = LENET_DEFAULTS.epochs,
  seed = 0,
  dataset: DatasetName = 'mnist',
): Job {
  const folder = lenetRunFolder(which.key, seed, dataset);
  const settings = articleSettings(which, seed);
  const { id, of } = onDataset(dataset);
  return {
    id: seed === 0 ? `nn:${id}lenet-${which.key}` : `nn:${id}lenet-${which.key}-seed${seed}`,
    study: seed === 0 ? 'lenet' : 'seeds',
    title: `${which.name}: LeNet, weight decay ${which.weightDecay}, ${epochs} epochs${seed === 0 ? '' : `, seed ${seed}`}${of}`,
    artifacts: [`${folder}/${METRICS_FILE}`],
    isDone: (store) => currentRun(store, which, epochs, seed, dataset) !== undefined,
    async run(store, progress) {
      const moved = setAsideStaleRun(store, folder, settings);
      if (moved) progress(0, 1, `kept the earlier run (other settings or format) in ${moved}`);
      const data = loadDataset(datasetFiles(dataset), dataset);
      await trainLenet({
        data,
        settings,
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

/**
 * The filters the page shows of a trained LeNet: all 20 of conv1 and 24 seeded (out, in) slices of conv2, the
 * same selection for every network, so that pictures compare like with like.
 */
export function lenetFilterSets(
  net: ReturnType<typeof loadLenet>,
): LenetStudy['networks'][number]['filters'] {
  const [conv1, , conv2] = net.network.parameters();
  const first = filterSelection(conv1.w, 20, 1, 5, 20, 1);
  const second = filterSelection(conv2.w, 50, 20, 5, 24, 2);
  return [
    { layer: 'conv1', size: 5, indices: first.indices, pictures: encodeFloat32(first.pictures) },
    { layer: 'conv2', size: 5, indices: second.indices, pictures: encodeFloat32(second.pictures) },
  ];
}

/** The comparison artifact from two finished runs on a dataset. */
export function lenetStudy(
  store: ResultsStore,
  epochs: number = LENET_DEFAULTS.epochs,
  dataset: DatasetName = 'mnist',
): LenetStudy {
  const networks = ARTICLE_LENETS.map((which) => {
    const metrics = trainedRun(store, which, epochs, 0, dataset);
    const net = loadLenet(store.pathOf(lenetRunFolder(which.key, 0, dataset)));
    return {
      name: which.name,
      settings: trainingMetricsSchema.shape.settings.parse(metrics.settings),
      epochs: metrics.epochs,
      layers: LENET_LAYERS,
      filters: lenetFilterSets(net),
    };
  });
  return {
    schema: 'l2angle/lenet-study',
    version: ARTIFACT_VERSION,
    dataset,
    createdAt: new Date().toISOString(),
    networks,
  };
}

/** Writes the comparison once both networks are trained. */
export function lenetStudyJob(epochs: number = LENET_DEFAULTS.epochs, dataset: DatasetName = 'mnist'): Job {
  const artifact = lenetStudyFile(dataset);
  const { id, of } = onDataset(dataset);
  return {
    id: `nn:${id}lenet-study`,
    study: 'lenet',
    title: `LeNet_low against LeNet_high: curves, weight RMS, filters${of}`,
    artifacts: [artifact],
    isDone: (store) => {
      const study = store.readIfValid('l2angle/lenet-study', artifact);
      // out of date when a network was trained again after it
      return (
        study !== undefined &&
        ARTICLE_LENETS.every((which) => newer(study, currentRun(store, which, epochs, 0, dataset)))
      );
    },
    async run(store, progress) {
      progress(0, 1, 'reading the checkpoints');
      store.write('l2angle/lenet-study', artifact, lenetStudy(store, epochs, dataset));
      progress(1, 1, 'done');
    },
  };
}

/** Whether an artifact was made after the run it reads was last trained (a retrained run outdates it). */
function newer(artifact: { createdAt: string }, run: TrainingMetrics | undefined): boolean {
  return run !== undefined && artifact.createdAt >= run.updatedAt;
}

/** The adversarial study's artifact of a run: newer than its training record, or missing. */
function adversarialOf(store: ResultsStore, artifact: string, metrics: TrainingMetrics | undefined) {
  const value = store.readIfValid('l2angle/adversarial', artifact);
  return value !== undefined && newer(value, metrics) ? value : undefined;
}

/**
 * The adversarial study (temperature, targeted examples, 200-image norms) of one of the article's LeNets;
 * for seeds other than 0 the same study (same images, same targets) of that seed's network.
 */
export function lenetAdversarialJob(
  which: ArticleLenet,
  epochs: number = LENET_DEFAULTS.epochs,
  seed = 0,
  dataset: DatasetName = 'mnist',
): Job {
  const artifact = lenetAdversarialFile(which, seed, dataset);
  const folder = lenetRunFolder(which.key, seed, dataset);
  const { id, of } = onDataset(dataset);
  return {
    id: seed === 0 ? `nn:${id}adversarial-${which.key}` : `nn:${id}adversarial-${which.key}-seed${seed}`,
    study: seed === 0 ? 'adversarial' : 'seeds',
    title: `targeted adversarial examples against ${which.name}${seed === 0 ? '' : ` (seed ${seed})`}${of}`,
    artifacts: [artifact],
    isDone: (store) =>
      adversarialOf(store, artifact, currentRun(store, which, epochs, seed, dataset)) !== undefined,
    async run(store, progress) {
      trainedRun(store, which, epochs, seed, dataset);
      const job: AdversarialJob = {
        name: seed === 0 ? which.name : `${which.name}_seed${seed}`,
        results: store.root,
        folder,
        artifact,
        files: datasetFiles(dataset),
        dataset,
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

function seedRun(metrics: TrainingMetrics, adversarial: Adversarial): SeedRun {
  const last = metrics.epochs[metrics.epochs.length - 1];
  const { images, successRate, medianNorm, successful } = studyNorms(adversarial.study);
  return {
    seed: metrics.settings.seed,
    trainError: last.trainError,
    testError: last.testError,
    weightRms: last.weightRms,
    attack: {
      images,
      successRate,
      medianNorm,
      // with no failures the censored median is the plain one
      medianSuccessfulNorm: censoredMedian(successful, []),
    },
  };
}

/** The seed-spread summary from the runs and adversarial studies of every seed on a dataset. */
export function lenetSeeds(
  store: ResultsStore,
  epochs: number = LENET_DEFAULTS.epochs,
  dataset: DatasetName = 'mnist',
): LenetSeeds {
  return {
    schema: 'l2angle/lenet-seeds',
    version: ARTIFACT_VERSION,
    dataset,
    createdAt: new Date().toISOString(),
    networks: ARTICLE_LENETS.map((which) => ({
      name: which.name,
      weightDecay: which.weightDecay,
      convention: DEFAULT_LENET_CONVENTION,
      runs: LENET_SEEDS.map((seed) => {
        const metrics = trainedRun(store, which, epochs, seed, dataset);
        const artifact = lenetAdversarialFile(which, seed, dataset);
        const adversarial = adversarialOf(store, artifact, metrics);
        if (!adversarial) {
          throw new InputError(
            `${which.name} seed ${seed} has no adversarial study yet (${store.pathOf(artifact)})`,
          );
        }
        return seedRun(metrics, adversarial);
      }),
    })),
  };
}

/** Every job of the seed-spread study: the other seeds' trainings and attacks, then the summary. */
export function lenetSeedJobs(epochs: number = LENET_DEFAULTS.epochs, dataset: DatasetName = 'mnist'): Job[] {
  const others = LENET_SEEDS.filter((seed) => seed !== 0);
  const artifact = lenetSeedsFile(dataset);
  const { id, of } = onDataset(dataset);
  const summary: Job = {
    id: `nn:${id}lenet-seeds`,
    study: 'seeds',
    title: `LeNet_low and LeNet_high over seeds ${LENET_SEEDS.join(', ')}: the spread of errors and attack norms${of}`,
    artifacts: [artifact],
    isDone: (store) => {
      const value = store.readIfValid('l2angle/lenet-seeds', artifact);
      return (
        value !== undefined &&
        ARTICLE_LENETS.every((which) =>
          LENET_SEEDS.every((seed) => newer(value, currentRun(store, which, epochs, seed, dataset))),
        )
      );
    },
    async run(store, progress) {
      progress(0, 1, 'reading the runs');
      store.write('l2angle/lenet-seeds', artifact, lenetSeeds(store, epochs, dataset));
      progress(1, 1, 'done');
    },
  };
  return [
    ...others.flatMap((seed) =>
      ARTICLE_LENETS.map((which) => lenetTrainingJob(which, epochs, seed, dataset)),
    ),
    ...others.flatMap((seed) =>
      ARTICLE_LENETS.map((which) => lenetAdversarialJob(which, epochs, seed, dataset)),
    ),
    summary,
  ];
}
