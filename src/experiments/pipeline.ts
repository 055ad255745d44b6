// The main job: every computation the article needs, cheapest first, each skipped when its artifact exists.
// The CLI's `start` runs it in the foreground; the server (later) runs the same list in the background.
import { loadDataset } from '../data/dataset.js';
import { selectPair } from '../data/pairs.js';
import { mnistFiles } from '../data/sources.js';
import { type DatasetGeometry, datasetGeometryFile } from '../schema/artifacts.js';
import { allPairs, pairGeometry } from './geometry.js';
import type { ResultsStore } from './store.js';

/** Reports how far a job is: `done` of `total` steps and a short status. */
export type ProgressCallback = (done: number, total: number, status: string) => void;

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
  /** computes and writes the artifact (atomically) */
  run(store: ResultsStore, progress: ProgressCallback): Promise<void>;
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
        rows.push(pairGeometry(selectPair(data, i, j, 3000)));
        // let the event loop breathe between pairs (the server streams progress while this runs)
        await new Promise((resolve) => setImmediate(resolve));
      }
      progress(pairs.length, pairs.length, 'done');
      const value: DatasetGeometry = {
        schema: 'l2angle/dataset-geometry',
        version: 1,
        dataset: 'mnist',
        perClass: 3000,
        createdAt: new Date().toISOString(),
        pairs: rows,
      };
      store.write('l2angle/dataset-geometry', artifact, value);
    },
  };
}

/** Every job of the main command, cheapest first. */
export function mainJobs(): Job[] {
  return [mnistGeometryJob()];
}
