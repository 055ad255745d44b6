// A worker thread that computes λ paths for the pairs it is sent and writes their artifacts atomically.
// The dataset is loaded once per worker and reused for every pair.
import { parentPort } from 'node:worker_threads';
import { type Dataset, loadDataset } from '../data/dataset.js';
import { selectPair } from '../data/pairs.js';
import type { DatasetFiles } from '../data/sources.js';
import type { TrainingLoss } from '../math/losses.js';
import { svmPathFile } from '../schema/artifacts.js';
import { ResultsStore } from './store.js';
import { computeSvmPath } from './svm-run.js';

/** A unit of work: one pair and loss. */
export interface PathJob {
  classI: number;
  classJ: number;
  loss: TrainingLoss;
  dataset: string;
  files: DatasetFiles;
  perClass: number;
  results: string;
  /** where to write the path, relative to the results folder (default: svmPathFile of the pair) */
  file?: string;
}

/** What a worker reports back. */
export type WorkerMessage =
  | { type: 'model'; c: number }
  | { type: 'done'; path: string; warnings: string[]; seconds: number }
  | { type: 'error'; message: string };

let cached: { key: string; data: Dataset } | undefined;

function dataFor(job: PathJob): Dataset {
  const key = JSON.stringify(job.files);
  if (cached?.key !== key) cached = { key, data: loadDataset(job.files, job.dataset) };
  return cached.data;
}

/** Computes one pair's path and writes it; used by the worker and, without threads, by tests. */
export function runPathJob(job: PathJob, report: (message: WorkerMessage) => void): void {
  const data = dataFor(job);
  const pair = selectPair(data, job.classI, job.classJ, job.perClass);
  const { artifact, warnings } = computeSvmPath(
    pair,
    job.dataset,
    job.loss,
    { rows: data.train.rows, cols: data.train.cols, perClassRequested: job.perClass },
    (c) => report({ type: 'model', c }),
  );
  const store = new ResultsStore(job.results);
  const path = store.write(
    'l2angle/svm-path',
    job.file ?? svmPathFile(job.dataset, job.classI, job.classJ, job.loss),
    artifact,
  );
  report({ type: 'done', path, warnings, seconds: artifact.solver.wallSeconds });
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: PathJob) => {
    try {
      runPathJob(job, (message) => port.postMessage(message));
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
