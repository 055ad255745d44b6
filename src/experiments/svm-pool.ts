// Spreads λ-path jobs over worker threads (one per core by default), pair by pair.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PathJob, WorkerMessage } from './svm-worker.js';

/** Progress and results of a pool run. */
export interface PoolEvents {
  onModel(job: PathJob): void;
  onDone(job: PathJob, message: Extract<WorkerMessage, { type: 'done' }>): void;
}

/** The default number of workers: every core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Runs the jobs on `workers` threads; rejects on the first failing job after the others stop. */
export async function runPool(jobs: PathJob[], workers: number, events: PoolEvents): Promise<void> {
  const queue = [...jobs];
  const threads = new PathThreads(Math.max(1, Math.min(workers, queue.length)));
  let failure: Error | undefined;
  const lane = async () => {
    for (let job = queue.shift(); job && !failure; job = queue.shift()) {
      const current = job;
      try {
        events.onDone(current, await threads.run(current, () => events.onModel(current)));
      } catch (error) {
        failure ??= error as Error;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: threads.size }, lane));
  } finally {
    await threads.close();
  }
  if (failure) throw failure;
}

/**
 * Worker threads that stay up between paths (each keeps its dataset loaded), for callers that hand out paths
 * one at a time, such as a sweep's cells: `run` waits for a free thread.
 */
export class PathThreads {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];

  constructor(threads: number) {
    for (let k = 0; k < Math.max(1, threads); k++) {
      const worker = new Worker(new URL('./svm-worker.js', import.meta.url));
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Computes one path on the next free thread; `onModel` hears each solved λ. */
  async run(job: PathJob, onModel: () => void): Promise<Extract<WorkerMessage, { type: 'done' }>> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      return await new Promise((resolve, reject) => {
        const onMessage = (message: WorkerMessage) => {
          if (message.type === 'model') onModel();
          else {
            worker.off('message', onMessage);
            worker.off('error', reject);
            if (message.type === 'done') resolve(message);
            else reject(new Error(`pair ${job.classI}-${job.classJ} (${job.loss}): ${message.message}`));
          }
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.postMessage(job);
      });
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  /** How many threads there are. */
  get size(): number {
    return this.all.length;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
