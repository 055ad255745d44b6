// The linear half's jobs: a dataset's nearest-centroid geometry and its λ paths, spread over worker threads.
import { LAMBDA_COUNT, PER_CLASS } from '../article.js';
import { loadDataset } from '../data/dataset.js';
import { selectPair } from '../data/pairs.js';
import { datasetFiles } from '../data/sources.js';
import type { TrainingLoss } from '../math/losses.js';
import { type DatasetGeometry, datasetGeometryFile, svmPathFile } from '../schema/artifacts.js';
import { type DatasetName, datasetLabel } from '../schema/datasets.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { allPairs, pairGeometry } from './geometry.js';
import type { Job } from './job.js';
import type { ResultsStore } from './store.js';
import { defaultWorkers, runPool } from './svm-pool.js';
import { isPathDone } from './svm-run.js';
import type { PathJob } from './svm-worker.js';

/** The nearest-centroid geometry of a dataset's 45 pairs. */
export function geometryJob(dataset: DatasetName = 'mnist'): Job {
  const artifact = datasetGeometryFile(dataset);
  return {
    id: `geometry:${dataset}`,
    study: 'geometry',
    title: `nearest-centroid geometry of the 45 ${datasetLabel(dataset)} pairs`,
    artifacts: [artifact],
    isDone: (store) => store.has('l2angle/dataset-geometry', artifact),
    async run(store, progress) {
      const data = loadDataset(datasetFiles(dataset), dataset);
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
        dataset,
        perClass: PER_CLASS,
        createdAt: new Date().toISOString(),
        pairs: rows,
      };
      store.write('l2angle/dataset-geometry', artifact, value);
    },
  };
}

/** The λ paths of some pairs of a dataset for one loss, spread over worker threads; finished pairs are skipped. */
export function pathsJob(
  id: string,
  title: string,
  loss: TrainingLoss,
  pairs: ReadonlyArray<readonly [number, number]>,
  dataset: DatasetName = 'mnist',
): Job {
  const files = pairs.map(([i, j]) => svmPathFile(dataset, i, j, loss));
  const missing = (store: ResultsStore) => pairs.filter((_, k) => !isPathDone(store, files[k], PER_CLASS));
  return {
    id,
    study: 'svm',
    title,
    artifacts: files,
    isDone: (store) => missing(store).length === 0,
    async run(store, progress, warn) {
      const todo = missing(store);
      const jobs: PathJob[] = todo.map(([classI, classJ]) => ({
        classI,
        classJ,
        loss,
        dataset,
        files: datasetFiles(dataset),
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
