// Gradient descent's gradient on two threads: this thread takes the first half of the images, a worker the
// second, over shared memory; one barrier a step (Atomics). The halves are summed in a fixed order, so a run
// gives the same bits every time (not the same as one thread's: the sum is grouped differently).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { SparseRows } from '../math/sparse.js';
import { type GradientFunction, partialGradient } from '../solvers/gradient-descent.js';

interface DescentWorkerData {
  kind: 'l2angle-descent';
  rows: SparseRows;
  y: Float64Array;
  /** the worker's images: from … n − 1 */
  from: number;
  /** w then b (dim + 1 values), written by the main thread before each step */
  parameters: SharedArrayBuffer;
  /** the worker's gradient half, bias last */
  gradient: SharedArrayBuffer;
  /** [step requested, step done]; a negative request stops the worker */
  control: SharedArrayBuffer;
}

/** The two-thread gradient and the worker behind it; `close` stops the worker. */
export interface ThreadedGradient {
  gradient: GradientFunction;
  close(): Promise<void>;
}

/** Whether this module runs as compiled JavaScript (a worker can load it) rather than from TypeScript. */
export function canUseDescentThreads(): boolean {
  return import.meta.url.endsWith('.js');
}

/** A gradient function that splits the images between this thread and one worker. */
export function threadedGradient(rows: SparseRows, y: Float64Array): ThreadedGradient {
  const dim = rows.dim;
  const from = rows.n >> 1;
  const parameters = new SharedArrayBuffer(8 * (dim + 1));
  const gradient = new SharedArrayBuffer(8 * (dim + 1));
  const control = new SharedArrayBuffer(8);
  const shared = new Float64Array(parameters);
  const theirs = new Float64Array(gradient);
  const flags = new Int32Array(control);
  const data: DescentWorkerData = { kind: 'l2angle-descent', rows, y, from, parameters, gradient, control };
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  let failure: Error | undefined;
  worker.on('error', (error) => {
    failure = error;
    Atomics.store(flags, 1, -2);
    Atomics.notify(flags, 1);
  });
  const mine = new Float64Array(dim);
  let sequence = 0;
  return {
    gradient(w, b, g) {
      shared.set(w);
      shared[dim] = b;
      sequence++;
      Atomics.store(flags, 0, sequence);
      Atomics.notify(flags, 0);
      const gb = partialGradient({ rows, y }, w, b, 0, from, mine);
      while (Atomics.load(flags, 1) !== sequence) {
        if (failure) throw failure;
        Atomics.wait(flags, 1, Atomics.load(flags, 1), 1000);
      }
      for (let k = 0; k < dim; k++) g[k] = mine[k] + theirs[k];
      return gb + theirs[dim];
    },
    async close() {
      Atomics.store(flags, 0, -1);
      Atomics.notify(flags, 0);
      await worker.terminate();
    },
  };
}

/** The worker's loop: wait for a step, compute its half, say done. */
function serve(data: DescentWorkerData): void {
  const dim = data.rows.dim;
  const parameters = new Float64Array(data.parameters);
  const out = new Float64Array(data.gradient);
  const flags = new Int32Array(data.control);
  const w = new Float64Array(dim);
  const g = new Float64Array(dim);
  let seen = 0;
  for (;;) {
    Atomics.wait(flags, 0, seen);
    const request = Atomics.load(flags, 0);
    if (request < 0) return;
    if (request === seen) continue;
    seen = request;
    w.set(parameters.subarray(0, dim));
    const gb = partialGradient(data, w, parameters[dim], data.from, data.rows.n, g);
    out.set(g);
    out[dim] = gb;
    Atomics.store(flags, 1, seen);
    Atomics.notify(flags, 1);
  }
}

if (!isMainThread && (workerData as DescentWorkerData | undefined)?.kind === 'l2angle-descent') {
  serve(workerData as DescentWorkerData);
  parentPort?.close();
}
