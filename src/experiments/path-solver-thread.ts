// Starts the solver thread of `l2angle svm --pair` (path-solve-worker.ts). Kept apart from svm-run.ts, whose
// schemas take about a tenth of a second to load: the command starts the thread first, so that its start-up
// and loading overlap this thread's.
import { Worker } from 'node:worker_threads';
import type { PathSolveJob } from './path-solve-worker.js';

/** The path solver's thread for one pair, started now; svm-run's computeSvmPathBesideSolver reads it. */
export function startPathSolver(job: Omit<PathSolveJob, 'kind'>): Worker {
  return new Worker(new URL('./path-solve-worker.js', import.meta.url), {
    workerData: { kind: 'l2angle-path-solve', ...job } satisfies PathSolveJob,
  });
}
