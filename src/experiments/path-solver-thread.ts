// Starts the solver thread of `l2angle svm --pair` (path-solve-worker.ts). Kept apart from svm-run.ts, whose
// schemas take about a tenth of a second to load: the command starts the thread first, so that its start-up
// and loading overlap this thread's.
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { PathSolveJob } from './path-solve-worker.js';

/** The solver's thread, with its messages and its exit listened to from the moment it starts. */
export interface PathSolverThread {
  readonly worker: Worker;
  /** every message the thread posts, buffered until read (a small path is solved before this thread reads) */
  readonly messages: AsyncIterableIterator<unknown[]>;
  /** rejects when the thread exits */
  readonly exited: Promise<never>;
}

/** The path solver's thread for one pair, started now; svm-run's computeSvmPathBesideSolver reads it. */
export function startPathSolver(job: Omit<PathSolveJob, 'kind'>): PathSolverThread {
  const worker = new Worker(new URL('./path-solve-worker.js', import.meta.url), {
    workerData: { kind: 'l2angle-path-solve', ...job } satisfies PathSolveJob,
  });
  // listened to at once: a message or an exit with no listener yet would be lost
  const messages = on(worker, 'message');
  const exited = new Promise<never>((_, reject) =>
    worker.once('exit', (code) => reject(new Error(`the path solver's thread stopped (exit ${code})`))),
  );
  exited.catch(() => {});
  return { worker, messages, exited };
}
