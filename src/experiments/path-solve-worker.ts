// The solver half of a single pair's path on two threads (svm-run.ts `computeSvmPathBesideSolver`): this
// worker loads the pair and solves its λ path, posting each model as soon as it is solved, while the main
// thread measures the models (geometry, scores, mirror images) as they come.
import { parentPort, workerData } from 'node:worker_threads';
import { lambdaGrid } from '../article.js';
import { openDataset } from '../data/dataset.js';
import { selectPair } from '../data/pairs.js';
import type { DatasetFiles } from '../data/sources.js';
import { LOSSES, type TrainingLoss } from '../math/losses.js';
import { rangeControl, stopRanges, wakeServer } from '../solvers/range-share.js';
import { type PathModel, SOLVERS } from '../solvers/registry.js';
import { type PassShare, sharedSolverKernels, solverKernels } from './solver-kernels.js';

/** What the worker is started with: the same pair the main thread selected. */
export interface PathSolveJob {
  kind: 'l2angle-path-solve';
  files: DatasetFiles;
  dataset: string;
  classI: number;
  classJ: number;
  perClass: number;
  loss: TrainingLoss;
  /**
   * the solver's long passes are shared with the thread that started this one (its idle time between the
   * models it measures: range-share.ts), which is sent the shared memory and the data first
   */
  sharePasses?: boolean;
}

/** What it posts: the passes' shared memory (when asked), each model as the solver returned it, then the solver's time. */
export type PathSolveMessage =
  | { type: 'share'; share: PassShare }
  | { type: 'model'; c: number; model: PathModel }
  | { type: 'done'; seconds: number }
  | { type: 'error'; message: string };

const job = workerData as PathSolveJob | undefined;
if (parentPort && job?.kind === 'l2angle-path-solve') {
  const port = parentPort;
  try {
    const pair = selectPair(openDataset(job.files, job.dataset), job.classI, job.classJ, job.perClass, {
      withTest: false,
    });
    const control = job.sharePasses ? rangeControl() : undefined;
    const kernels = control
      ? sharedSolverKernels(control, (share) =>
          port.postMessage({ type: 'share', share } as PathSolveMessage),
        )
      : solverKernels();
    const started = performance.now();
    try {
      SOLVERS[LOSSES[job.loss].pathSolver].solvePath(pair.train, lambdaGrid(), {
        bytes: pair.train.bytes,
        ...kernels,
        onModel: (model, c) => {
          port.postMessage({ type: 'model', c, model } as PathSolveMessage);
          // the other thread serves passes until told it has a message to read
          if (control) wakeServer(control);
        },
      });
    } finally {
      if (control) stopRanges(control);
    }
    port.postMessage({ type: 'done', seconds: (performance.now() - started) / 1000 } as PathSolveMessage);
  } catch (error) {
    port.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    } as PathSolveMessage);
  }
}
