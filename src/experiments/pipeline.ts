// The main job: every computation the article needs, cheapest first, each skipped when its artifact exists.
// `l2angle start` runs the list in the background while the server shows the page and the progress.
import { LAMBDA_COUNT, PER_CLASS, QUOTED_PAIRS } from '../article.js';
import { loadDataset } from '../data/dataset.js';
import { selectPair } from '../data/pairs.js';
import { mnistFiles } from '../data/sources.js';
import type { TrainingLoss } from '../math/losses.js';
import { type DatasetGeometry, datasetGeometryFile, svmPathFile } from '../schema/artifacts.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { allPairs, pairGeometry } from './geometry.js';
import {
  ARTICLE_LENETS,
  lenetAdversarialJob,
  lenetSeedJobs,
  lenetStudyJob,
  lenetTrainingJob,
} from './lenet-study.js';
import { localLinearityJob } from './local-linearity.js';
import type { ResultsStore } from './store.js';
import { defaultWorkers, runPool } from './svm-pool.js';
import { isPathDone } from './svm-run.js';
import type { PathJob } from './svm-worker.js';
import { toyJob } from './toy.js';

/** Reports how far a job is: `done` of `total` steps and a short status. */
export type ProgressCallback = (done: number, total: number, status: string) => void;

/** Reports something the user must hear about a finished result (a solver that stopped short, …). */
export type WarningCallback = (message: string) => void;

/** One unit of the main job, with the artifact that proves it done. */
export interface Job {
  /** a stable identifier, e.g. "geometry:mnist" */
  readonly id: string;
  /** what it computes, in a few words */
  readonly title: string;
  /** the artifact it writes, relative to the results folder */
  readonly artifact: string;
  /** true when its artifact exists and is valid */
  isDone(store: ResultsStore): boolean;
  /** computes and writes the artifact (atomically); `warn` carries what the user must hear about it */
  run(store: ResultsStore, progress: ProgressCallback, warn?: WarningCallback): Promise<void>;
}

/** The nearest-centroid geometry of the 45 MNIST pairs. */
export function mnistGeometryJob(): Job {
  const artifact = datasetGeometryFile('mnist');
  return {
    id: 'geometry:mnist',
    title: 'nearest-centroid geometry of the 45 MNIST pairs',
    artifact,
    isDone: (store) => store.has('l2angle/dataset-geometry', artifact),
    async run(store, progress) {
      const data = loadDataset(mnistFiles(), 'mnist');
      const pairs = allPairs();
      const rows = [];
      for (const [k, [i, j]] of pairs.entries()) {
        progress(k, pairs.length, `pair ${i}-${j}`);
        rows.push(pairGeometry(selectPair(data, i, j, PER_CLASS)));
        // let the event loop breathe between pairs (the server streams progress while this runs)
        await new Promise((resolve) => setImmediate(resolve));
      }
      progress(pairs.length, pairs.length, 'done');
      const value: DatasetGeometry = {
        schema: 'l2angle/dataset-geometry',
        version: ARTIFACT_VERSION,
        dataset: 'mnist',
        perClass: PER_CLASS,
        createdAt: new Date().toISOString(),
        pairs: rows,
      };
      store.write('l2angle/dataset-geometry', artifact, value);
    },
  };
}

/** The λ paths of some MNIST pairs for one loss, spread over worker threads; finished pairs are skipped. */
export function mnistPathsJob(
  id: string,
  title: string,
  loss: TrainingLoss,
  pairs: Array<[number, number]>,
): Job {
  const files = pairs.map(([i, j]) => svmPathFile('mnist', i, j, loss));
  const missing = (store: ResultsStore) => pairs.filter((_, k) => !isPathDone(store, files[k], PER_CLASS));
  return {
    id,
    title,
    artifact: files.length === 1 ? files[0] : `svm/mnist-*-${loss}.json (${pairs.length} pairs)`,
    isDone: (store) => missing(store).length === 0,
    async run(store, progress, warn) {
      const todo = missing(store);
      const jobs: PathJob[] = todo.map(([classI, classJ]) => ({
        classI,
        classJ,
        loss,
        dataset: 'mnist',
        files: mnistFiles(),
        perClass: PER_CLASS,
        results: store.root,
      }));
      const total = jobs.length * LAMBDA_COUNT;
      let models = 0;
      let finished = 0;
      await runPool(jobs, defaultWorkers(), {
        onModel: () => progress(++models, total, `${finished}/${jobs.length} pairs`),
        onDone: (job, message) => {
          for (const warning of message.warnings) warn?.(`${job.classI}-${job.classJ} ${loss}: ${warning}`);
          progress(models, total, `${++finished}/${jobs.length} pairs`);
        },
      });
    },
  };
}

/** Every job of the main command, cheapest first. */
export function mainJobs(): Job[] {
  const first = QUOTED_PAIRS.map(([i, j]): [number, number] => [i, j]);
  const rest = allPairs().filter(([i, j]) => !first.some(([a, b]) => a === i && b === j));
  return [
    toyJob(),
    mnistGeometryJob(),
    mnistPathsJob('svm:hinge:7-9,0-1', 'hinge-SVM paths of 7 vs 9 and 0 vs 1', 'hinge', first),
    mnistPathsJob('svm:hinge:rest', 'hinge-SVM paths of the other 43 pairs', 'hinge', rest),
    mnistPathsJob('svm:softplus:all', 'logistic-regression paths of the 45 pairs', 'softplus', allPairs()),
    localLinearityJob(),
    ...ARTICLE_LENETS.map((which) => lenetTrainingJob(which)),
    lenetStudyJob(),
    ...ARTICLE_LENETS.map((which) => lenetAdversarialJob(which)),
    // beyond the article's own results: the seed spread that the page's comparison of the two needs
    ...lenetSeedJobs(),
  ];
}
