// The local-linearity sweep on worker threads: its networks are independent (one seed, one weight decay
// each), so each thread trains and measures whole networks, one at a time, on an engine of its own. Every
// network is computed by the same code on one thread whichever thread it lands on, so the models are the
// same bits as the one-thread sweep's. This module is also the worker itself.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { BinaryPair } from '../data/pairs.js';
import { InputError } from '../errors.js';
import { byteLabelledSet } from '../math/types.js';
import { DenseEngine } from '../nn/dense-engine.js';
import { loadKernels } from '../nn/kernels.js';
import type { LocalLinearityModel } from '../schema/nn-artifacts.js';
import { sweepModel, sweepSetup } from './local-linearity-model.js';
import type { LocalLinearityOptions } from './local-linearity-settings.js';

/** A byte set as it travels to a thread: its pixel bytes and labels (x is made again from the bytes). */
interface SetMessage {
  n: number;
  dim: number;
  bytes: Uint8Array;
  y: Float64Array;
}

/** What a sweep thread starts with: the pair and the sweep's settings. */
interface SweepThreadData {
  kind: 'l2angle-local-linearity';
  pair: Omit<BinaryPair, 'train' | 'test'> & { train: SetMessage; test: SetMessage };
  options: Required<LocalLinearityOptions>;
}

/** Asks a thread for network m of the sweep. */
interface ModelRequest {
  m: number;
  weightDecay: number;
}

/** What a thread reports: progress within network m (units of the sweep's progress), the network, or a failure. */
type SweepThreadMessage =
  | { type: 'progress'; m: number; units: number; status: string }
  | { type: 'model'; m: number; model: LocalLinearityModel }
  /** `input`: bad input (e.g. a diverged network), reported as one line, not as an internal error */
  | { type: 'error'; message: string; input: boolean };

/** What the sweep hears from its threads. */
export interface SweepThreadEvents {
  /** network m is `units` of its epochs + 1 along; `status` says what every busy thread is doing */
  progress(m: number, units: number, status: string): void;
  /** network m is finished */
  model(m: number, model: LocalLinearityModel): void;
}

const setMessage = (set: BinaryPair['train']): SetMessage => ({
  n: set.n,
  dim: set.dim,
  bytes: set.bytes,
  y: set.y,
});

/**
 * Computes the sweep's networks `todo` (indices into `o.weightDecays`) on `threads` worker threads, each
 * taking the next network when it finishes one. Rejects on the first failure, after stopping every thread.
 */
export async function sweepOnThreads(
  pair: BinaryPair,
  o: Required<LocalLinearityOptions>,
  todo: readonly number[],
  threads: number,
  events: SweepThreadEvents,
): Promise<void> {
  const data: SweepThreadData = {
    kind: 'l2angle-local-linearity',
    pair: { ...pair, train: setMessage(pair.train), test: setMessage(pair.test) },
    options: o,
  };
  const queue = [...todo];
  const busy = new Map<number, string>();
  const workers: Worker[] = [];
  let failure: Error | undefined;
  const status = () => [...busy.values()].join(' · ');
  const lane = async (): Promise<void> => {
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    workers.push(worker);
    for (let m = queue.shift(); m !== undefined && !failure; m = queue.shift()) {
      const index = m;
      const weightDecay = o.weightDecays[index];
      busy.set(index, `λ = ${weightDecay}: starting`);
      const model = await new Promise<LocalLinearityModel>((resolve, reject) => {
        const stop = (error: Error) => {
          worker.off('message', onMessage);
          worker.off('error', stop);
          worker.off('exit', onExit);
          reject(error);
        };
        const onExit = (code: number) => stop(new Error(`a sweep thread stopped (exit ${code})`));
        const onMessage = (message: SweepThreadMessage) => {
          try {
            if (message.type === 'progress') {
              busy.set(message.m, message.status);
              events.progress(message.m, message.units, status());
            } else if (message.type === 'error') {
              stop(message.input ? new InputError(message.message) : new Error(message.message));
            } else {
              worker.off('message', onMessage);
              worker.off('error', stop);
              worker.off('exit', onExit);
              resolve(message.model);
            }
          } catch (error) {
            // a progress callback that throws (an interrupted job) ends the sweep
            stop(error as Error);
          }
        };
        worker.on('message', onMessage);
        worker.once('error', stop);
        worker.once('exit', onExit);
        worker.postMessage({ m: index, weightDecay } satisfies ModelRequest);
      });
      busy.delete(index);
      events.model(index, model);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(threads, todo.length)) }, () =>
        lane().catch((error: Error) => {
          failure ??= error;
        }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure) throw failure;
}

const job = workerData as SweepThreadData | undefined;
if (parentPort && job?.kind === 'l2angle-local-linearity') {
  const port = parentPort;
  const report = (message: SweepThreadMessage) => port.postMessage(message);
  try {
    const { train, test, ...rest } = job.pair;
    const pair: BinaryPair = {
      ...rest,
      train: byteLabelledSet(train.n, train.dim, train.bytes, train.y),
      test: byteLabelledSet(test.n, test.dim, test.bytes, test.y),
    };
    const o = job.options;
    const setup = sweepSetup(pair, o);
    const engine = new DenseEngine(loadKernels(), pair.train.dim, o.hidden, o.batchSize);
    // one network at a time: the next request waits in the port until this one is posted
    let chain = Promise.resolve();
    port.on('message', ({ m, weightDecay }: ModelRequest) => {
      chain = chain.then(async () => {
        try {
          const model = await sweepModel(
            pair,
            setup,
            engine,
            o,
            weightDecay,
            (epoch, loss) =>
              report({
                type: 'progress',
                m,
                units: epoch,
                status: `λ = ${weightDecay}: epoch ${epoch}/${o.epochs}, loss ${loss.toFixed(4)}`,
              }),
            () =>
              report({
                type: 'progress',
                m,
                units: o.epochs,
                status: `λ = ${weightDecay}: attacking ${setup.testIndex.length} test images`,
              }),
          );
          report({ type: 'model', m, model });
        } catch (error) {
          report({
            type: 'error',
            message: error instanceof Error ? error.message : String(error),
            input: error instanceof InputError,
          });
        }
      });
    });
  } catch (error) {
    report({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      input: error instanceof InputError,
    });
  }
}
