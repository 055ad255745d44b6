// Runs one cell of a sweep into a results folder: its artifacts in the cell's folder, then its record, last
// (a cell is done exactly when its record is valid). The same code runs on the local pool and on a queue
// worker; a worker adds hooks that move a LeNet's checkpoints through the queue.
import { existsSync, mkdirSync } from 'node:fs';
import { LAMBDA_COUNT, LENET_TRAINING } from '../../article.js';
import { loadDataset, openDataset } from '../../data/dataset.js';
import { selectPair } from '../../data/pairs.js';
import { datasetFiles } from '../../data/sources.js';
import { InputError } from '../../errors.js';
import { DEFAULT_LENET_CONVENTION } from '../../nn/conventions.js';
import { loadKernels } from '../../nn/kernels.js';
import { type DatasetName, isDatasetName } from '../../schema/datasets.js';
import {
  type Cell,
  cellArtifacts,
  cellFolder,
  cellRecordFile,
  type SweepCellRecord,
} from '../../schema/sweep.js';
import { ARTIFACT_VERSION } from '../../schema/version.js';
import { inWorker } from '../adversarial-worker.js';
import type { ProgressCallback } from '../job.js';
import { loadLenet } from '../lenet-network.js';
import { trainLenet } from '../lenet-training.js';
import { runLocalLinearity } from '../local-linearity.js';
import { logitScale } from '../logit-scale.js';
import type { ResultsStore } from '../store.js';
import { PathThreads } from '../svm-pool.js';

/** What a worker adds around a LeNet's training (the local pool needs none). */
export interface CellHooks {
  /** before training: put the latest checkpoint known elsewhere into the run folder */
  beforeTraining?(dir: string): Promise<void>;
  /** after each epoch (its checkpoint and record are written): send them elsewhere */
  afterEpoch?(dir: string, epoch: number): Promise<void>;
}

/** How a cell is run. */
export interface RunCellOptions {
  progress: ProgressCallback;
  /** threads for attacks and SVM paths (a LeNet trains on the cell's own thread count) */
  threads: number;
  /** "local", or the worker's name */
  computedBy: string;
  hooks?: CellHooks;
  /** threads for exact paths that stay up between cells (each keeps its dataset loaded) */
  pathThreads?: PathThreads;
}

/** Whether a cell's record and artifacts are in the results (valid, of this cell). */
export function isCellDone(store: ResultsStore, id: string): boolean {
  return finishedCell(store, id) !== undefined;
}

/** A cell's record when the cell is done (valid record of this cell, every file present), else undefined. */
export function finishedCell(store: ResultsStore, id: string): SweepCellRecord | undefined {
  const record = store.readIfValid('l2angle/sweep-cell', cellRecordFile(id));
  return record !== undefined &&
    record.id === id &&
    record.artifacts.every((f) => existsSync(store.pathOf(f)))
    ? record
    : undefined;
}

function named(dataset: string): DatasetName {
  if (!isDatasetName(dataset)) throw new InputError(`sweep: unknown dataset ${dataset}`);
  return dataset;
}

/** Runs a cell and writes its artifacts and record; returns the record. */
export async function runCell(
  store: ResultsStore,
  id: string,
  cell: Cell,
  options: RunCellOptions,
): Promise<SweepCellRecord> {
  const started = performance.now();
  const dir = cellFolder(id);
  mkdirSync(store.pathOf(dir), { recursive: true });
  const [artifact] = cellArtifacts(id, cell);
  let resumedFromEpoch = 0;
  const dataset = named(cell.dataset);
  if (cell.study === 'svm') {
    let models = 0;
    const threads = options.pathThreads ?? new PathThreads(1);
    try {
      await threads.run(
        {
          classI: cell.classI,
          classJ: cell.classJ,
          loss: cell.loss,
          dataset,
          files: datasetFiles(dataset),
          perClass: cell.perClass,
          results: store.root,
          file: artifact,
        },
        () => options.progress(++models, LAMBDA_COUNT, `λ ${models}/${LAMBDA_COUNT}`),
      );
    } finally {
      if (!options.pathThreads) await threads.close();
    }
  } else if (cell.study === 'local-linearity') {
    const pair = selectPair(
      openDataset(datasetFiles(dataset), dataset),
      cell.classI,
      cell.classJ,
      cell.perClass,
    );
    await runLocalLinearity(
      pair,
      dataset,
      loadKernels(),
      store,
      artifact,
      { weightDecays: cell.weightDecays, epochs: cell.epochs, seed: cell.seed },
      options.progress,
      options.threads,
    );
  } else {
    const runDir = store.pathOf(dir);
    let uploads: Promise<void> = Promise.resolve();
    await options.hooks?.beforeTraining?.(runDir);
    const data = loadDataset(datasetFiles(dataset), dataset);
    await trainLenet({
      data,
      settings: {
        seed: cell.seed,
        weightDecay: cell.weightDecay,
        convention: DEFAULT_LENET_CONVENTION,
        learningRate: LENET_TRAINING.learningRate,
        momentum: LENET_TRAINING.momentum,
        batchSize: LENET_TRAINING.batchSize,
        trainLimit: cell.trainLimit,
      },
      epochs: cell.epochs,
      threads: cell.threads,
      dir: runDir,
      onResume: (epochs) => {
        resumedFromEpoch = epochs;
      },
      onProgress: (p) =>
        options.progress(
          p.done,
          p.totalBatches,
          `epoch ${p.epoch}/${p.epochs}, ${Math.round(p.imagesPerSecond)} img/s`,
        ),
      onEpoch: (record) => {
        // the upload runs while training goes on, one after the other; the last is awaited below
        const { hooks } = options;
        if (hooks?.afterEpoch) uploads = uploads.then(() => hooks.afterEpoch?.(runDir, record.epoch));
      },
    });
    await uploads;
    const name = `LeNet λ=${cell.weightDecay} seed ${cell.seed}`;
    options.progress(0, 1, 'logit scale and calibration');
    store.write(
      'l2angle/logit-scale',
      `${dir}/logit-scale.json`,
      logitScale(loadLenet(runDir), name, dataset, data.test),
    );
    const adversarial = `${dir}/adversarial.json`;
    await inWorker(
      {
        role: 'study',
        job: {
          name,
          results: store.root,
          folder: dir,
          artifact: adversarial,
          files: datasetFiles(dataset),
          dataset,
          seed: 0,
          studyImages: cell.attackImages,
          threads: Math.max(1, options.threads),
        },
      },
      (done, total, status) => options.progress(done, total, `attack: ${status}`),
    );
  }
  const record: SweepCellRecord = {
    schema: 'l2angle/sweep-cell',
    version: ARTIFACT_VERSION,
    id,
    cell,
    artifacts: cellArtifacts(id, cell),
    createdAt: new Date().toISOString(),
    wallSeconds: (performance.now() - started) / 1000,
    computedBy: options.computedBy,
    resumedFromEpoch,
  };
  store.write('l2angle/sweep-cell', cellRecordFile(id), record);
  return record;
}
