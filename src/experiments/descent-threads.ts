// Gradient descent's gradient on two threads over shared memory: the per-image weights split by images, then
// the gradient's entries split by pixels, one barrier after each (Atomics). Each thread runs its share on
// passes of its own (WebAssembly where it loads, solver-kernels.ts). Every number is computed by the same
// operations in the same order as on one thread, so both give the same bits.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { SparseColumns, SparseRows } from '../math/sparse.js';
import { descentCoefficients, type GradientFunction } from '../solvers/gradient-descent.js';
import { descentPasses } from './solver-kernels.js';
import { spinWhile } from './spin-wait.js';

interface DescentWorkerData {
  kind: 'l2angle-descent';
  rows: SparseRows;
  columns: SparseColumns;
  y: Float64Array;
  /** the worker's images (from … n − 1) and pixels (fromColumn … dim − 1) */
  from: number;
  fromColumn: number;
  /** w then b (dim + 1 values), written by the main thread before each step */
  parameters: SharedArrayBuffer;
  /** the per-image weights c_i (n values) and the gradient (dim values), written by both threads */
  coef: SharedArrayBuffer;
  gradient: SharedArrayBuffer;
  /** [phase requested, phase done]; a negative request stops the worker */
  control: SharedArrayBuffer;
}

/** The two-thread gradient and the worker behind it; `close` stops the worker. */
export interface ThreadedGradient {
  gradient: GradientFunction;
  close(): Promise<void>;
}

/** The first column of the second half of the entries (so both threads gather about as many). */
function balancedColumn(columns: SparseColumns): number {
  const half = columns.start[columns.dim] / 2;
  let k = 0;
  while (k < columns.dim && columns.start[k] < half) k++;
  return k;
}

/**
 * A gradient function that splits the work with one worker: the images' weights c_i by rows, then the
 * gradient's entries by columns, two barriers a step. Its bits equal `serialGradient`'s. Resolves once the
 * worker is ready; rejects when it cannot start.
 */
export async function threadedGradient(
  rows: SparseRows,
  columns: SparseColumns,
  y: Float64Array,
  { stallMs = STALL_MS }: { stallMs?: number } = {},
): Promise<ThreadedGradient> {
  const { n, dim } = rows;
  const from = n >> 1;
  const fromColumn = balancedColumn(columns);
  const parameters = new SharedArrayBuffer(8 * (dim + 1));
  const coefBuffer = new SharedArrayBuffer(8 * n);
  const gradientBuffer = new SharedArrayBuffer(8 * dim);
  const control = new SharedArrayBuffer(8);
  const shared = new Float64Array(parameters);
  const coef = new Float64Array(coefBuffer);
  const g = new Float64Array(gradientBuffer);
  const flags = new Int32Array(control);
  const data: DescentWorkerData = {
    kind: 'l2angle-descent',
    rows,
    columns,
    y,
    from,
    fromColumn,
    parameters,
    coef: coefBuffer,
    gradient: gradientBuffer,
    control,
  };
  const passes = descentPasses({ rows, columns, y });
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  // the steps below wait synchronously, so a worker that could not start must be seen before them
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the descent's worker thread exited (code ${code})`)));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.removeAllListeners();
  worker.on('error', () => {});
  let phase = 0;
  const run = (work: () => void) => {
    phase++;
    Atomics.store(flags, 0, phase);
    Atomics.notify(flags, 0);
    work();
    if (spinWhile(flags, 1, (done) => done !== phase)) return;
    // this thread cannot hear the worker's events here: the worker flags its own failure in the shared
    // memory, and one that died without throwing (out of memory, killed) is seen by its silence
    const since = performance.now();
    while (Atomics.load(flags, 1) !== phase) {
      if (Atomics.load(flags, 1) === FAILED) throw new Error("the descent's worker thread failed");
      if (performance.now() - since > stallMs)
        throw new Error(`the descent's worker thread did not answer within ${stallMs / 1000} s`);
      Atomics.wait(flags, 1, Atomics.load(flags, 1), 1000);
    }
  };
  return {
    gradient(w, b, out, coefOut) {
      shared.set(w);
      shared[dim] = b;
      run(() => descentCoefficients({ rows, y }, passes, w, b, 0, from, coef));
      run(() => passes.gradientEntries(coef, 0, fromColumn, g));
      out.set(g);
      coefOut.set(coef);
    },
    async close() {
      Atomics.store(flags, 0, -1);
      Atomics.notify(flags, 0);
      await worker.terminate();
    },
  };
}

/**
 * How long one phase may go unanswered before the worker counts as dead (the default of `stallMs`): a phase
 * takes about a millisecond, and the clock (monotonic) stands still while the machine sleeps.
 */
const STALL_MS = 60_000;

/** flags[1] of a worker that threw. */
const FAILED = -2;

/** The worker's loop: odd phases are its images' weights, even phases its columns of the gradient. */
function serve(data: DescentWorkerData, ready: () => void): void {
  const { dim, n } = data.rows;
  const parameters = new Float64Array(data.parameters);
  const coef = new Float64Array(data.coef);
  const g = new Float64Array(data.gradient);
  const flags = new Int32Array(data.control);
  const w = new Float64Array(dim);
  const passes = descentPasses(data);
  ready();
  let seen = 0;
  for (;;) {
    spinWhile(flags, 0, (request) => request === seen);
    Atomics.wait(flags, 0, seen);
    const request = Atomics.load(flags, 0);
    if (request < 0) return;
    if (request === seen) continue;
    seen = request;
    if (seen % 2 === 1) {
      w.set(parameters.subarray(0, dim));
      descentCoefficients(data, passes, w, parameters[dim], data.from, n, coef);
    } else {
      passes.gradientEntries(coef, data.fromColumn, dim, g);
    }
    Atomics.store(flags, 1, seen);
    Atomics.notify(flags, 1);
  }
}

if (!isMainThread && (workerData as DescentWorkerData | undefined)?.kind === 'l2angle-descent') {
  const data = workerData as DescentWorkerData;
  try {
    serve(data, () => parentPort?.postMessage('ready'));
  } catch (error) {
    const flags = new Int32Array(data.control);
    Atomics.store(flags, 1, FAILED);
    Atomics.notify(flags, 1);
    throw error;
  }
  parentPort?.close();
}
