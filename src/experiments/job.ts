// One unit of computation with the artifacts that prove it done: what `npm start`, `nn --study`, the sweeps
// and the server's status all run and report.
import type { ResultsStore } from './store.js';

/** Reports how far a job is: `done` of `total` steps and a short status. */
export type ProgressCallback = (done: number, total: number, status: string) => void;

/** Reports something the user must hear about a finished result (a solver that stopped short, …). */
export type WarningCallback = (message: string) => void;

/** One unit of work, with the artifacts that prove it done. */
export interface Job {
  /** a stable identifier, e.g. "geometry:mnist" */
  readonly id: string;
  /** the study it belongs to (an id of `STUDIES`, `src/experiments/studies.ts`) */
  readonly study: string;
  /** what it computes, in a few words */
  readonly title: string;
  /** every artifact it writes, relative to the results folder */
  readonly artifacts: readonly string[];
  /** true when its artifacts exist and are valid */
  isDone(store: ResultsStore): boolean;
  /** computes and writes the artifacts (atomically); `warn` carries what the user must hear about them */
  run(store: ResultsStore, progress: ProgressCallback, warn?: WarningCallback): Promise<void>;
}

/** A job's artifacts in a few words: the file, or the first and how many ("svm/mnist-0-2-hinge.json and 42 more"). */
export function artifactSummary(artifacts: readonly string[]): string {
  if (artifacts.length === 0) return 'no files';
  if (artifacts.length === 1) return artifacts[0];
  return `${artifacts[0]} and ${artifacts.length - 1} more`;
}

/** Lets the event loop run (a server streams progress) between the steps of a long computation. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
