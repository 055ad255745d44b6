// A sweep on this machine: the missing cells, SVM paths several at a time (one thread each), networks one
// after the other (each uses the threads it is given). Resumable: a finished cell is never run again, and
// an interrupted LeNet cell continues from its last epoch's checkpoint.
import type { Cell } from '../../schema/sweep.js';
import type { ResultsStore } from '../store.js';
import { PathThreads } from '../svm-pool.js';
import { cellId, describeCell } from './cells.js';
import { isCellDone, runCell } from './run-cell.js';

/** Progress of a sweep: cells done of all, the current cell and its own progress. */
export type SweepProgressCallback = (cellsDone: number, cells: number, status: string) => void;

/** Runs the grid's missing cells here; returns how many were computed and how many were done already. */
export async function runSweepLocally(
  cells: readonly Cell[],
  store: ResultsStore,
  options: { threads: number; progress: SweepProgressCallback },
): Promise<{ computed: number; skipped: number }> {
  const todo = cells.filter((cell) => !isCellDone(store, cellId(cell)));
  const skipped = cells.length - todo.length;
  let done = skipped;
  const report = (status: string) => options.progress(done, cells.length, status);
  report(`${todo.length} cells to compute`);
  const paths = todo.filter((c) => c.study === 'svm');
  const pathThreads = paths.length > 0 ? new PathThreads(Math.min(options.threads, paths.length)) : undefined;
  const one = async (cell: Cell) => {
    const label = describeCell(cell);
    await runCell(store, cellId(cell), cell, {
      threads: options.threads,
      computedBy: 'local',
      ...(pathThreads ? { pathThreads } : {}),
      progress: (d, t, status) => report(`${label}: ${t > 0 ? Math.floor((100 * d) / t) : 0} % ${status}`),
    });
    done++;
    report(`${label}: done`);
  };
  try {
    // exact paths are single-threaded: as many at once as there are threads
    const lanes = Array.from({ length: Math.max(1, Math.min(options.threads, paths.length)) }, async () => {
      for (let cell = paths.shift(); cell; cell = paths.shift()) await one(cell);
    });
    await Promise.all(lanes);
  } finally {
    await pathThreads?.close();
  }
  for (const cell of todo.filter((c) => c.study !== 'svm')) await one(cell);
  return { computed: todo.length, skipped };
}
