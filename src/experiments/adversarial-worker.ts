// Worker threads for a LeNet's adversarial study (minutes of attack steps): one thread runs the study and
// writes its artifact, so the server's progress stream and the terminal bars keep going; it splits the
// attacked images over attack threads, one per core (each image's attack is independent of the others).
import { availableParallelism } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
import { loadDataset } from '../data/dataset.js';
import type { DatasetFiles } from '../data/sources.js';
import { InputError } from '../errors.js';
import { type AttackResult, type TargetedAttackOptions, targetedAttack } from '../nn/attack.js';
import { adversarialFile } from '../schema/nn-artifacts.js';
import { adversarialStudy, type TargetedAttackRunner } from './adversarial.js';
import { loadLenet } from './lenet-network.js';
import { ResultsStore } from './store.js';

/** A study to run: which trained network, where it is and where the results go. */
export interface AdversarialJob {
  /** the network's name in the artifact, e.g. "LeNet_low" */
  name: string;
  /** the results folder */
  results: string;
  /** the checkpoint folder, relative to the results folder */
  folder: string;
  /** the artifact to write, relative to the results folder (default: adversarialFile(name)) */
  artifact?: string;
  files: DatasetFiles;
  seed: number;
  /** attack threads (default: one per core, at most 4) */
  threads?: number;
}

/** A share of the attacked images, for an attack thread. */
export interface AttackShare {
  checkpoint: string;
  images: Float32Array;
  targets: number[];
  options: TargetedAttackOptions;
}

type Request = { role: 'study'; job: AdversarialJob } | { role: 'attack'; share: AttackShare };

/** What a worker reports back. */
export type AdversarialMessage =
  | { type: 'progress'; done: number; total: number; status: string }
  | { type: 'done'; path: string }
  | { type: 'attacked'; result: AttackResult }
  /** `input`: bad input (a missing or corrupt file), reported as one line, not as an internal error */
  | { type: 'error'; message: string; input: boolean };

/** Runs a request on a new worker thread, passing its progress on; resolves with its last message. */
export function inWorker(
  request: Request,
  onProgress: (done: number, total: number, status: string) => void,
): Promise<Extract<AdversarialMessage, { type: 'done' | 'attacked' }>> {
  const worker = new Worker(new URL(import.meta.url));
  return new Promise<Extract<AdversarialMessage, { type: 'done' | 'attacked' }>>((resolve, reject) => {
    worker.on('message', (message: AdversarialMessage) => {
      if (message.type === 'progress') onProgress(message.done, message.total, message.status);
      else if (message.type === 'error')
        reject(message.input ? new InputError(message.message) : new Error(message.message));
      else resolve(message);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the worker stopped (exit ${code})`)));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

/** Attacks one share of the images somewhere (by default on a new worker thread) and returns its result. */
export type ShareRunner = (
  share: AttackShare,
  progress: (done: number, total: number, status: string) => void,
) => Promise<AttackResult>;

const shareOnWorker: ShareRunner = async (share, progress) => {
  const message = await inWorker({ role: 'attack', share }, progress);
  if (message.type !== 'attacked') throw new Error('an attack thread sent no result');
  return message.result;
};

/**
 * An attack runner that deals the images round-robin to `threads` shares, attacks them at once (each on its
 * own worker thread unless `runShare` says otherwise) and puts the results back in the images' order.
 */
export function splitAttack(
  checkpoint: string,
  threads: number,
  runShare: ShareRunner = shareOnWorker,
): TargetedAttackRunner {
  return async (images, targets, options, progress) => {
    const n = targets.length;
    const size = images.length / n;
    const parts = Math.max(1, Math.min(threads, n));
    const rows = Array.from({ length: parts }, (_, p) =>
      targets.map((_, r) => r).filter((r) => r % parts === p),
    );
    const done = new Array<number>(parts).fill(0);
    const results = await Promise.all(
      rows.map(async (share, p) => {
        const part = new Float32Array(share.length * size);
        for (const [k, r] of share.entries()) part.set(images.subarray(r * size, (r + 1) * size), k * size);
        return runShare(
          { checkpoint, images: part, targets: share.map((r) => targets[r]), options },
          (finished) => {
            done[p] = finished;
            const total = done.reduce((a, b) => a + b, 0);
            progress?.(total, n, `${n - total} images still moving (${parts} threads)`);
          },
        );
      }),
    );
    const merged = {
      adversarial: new Float32Array(n * size),
      steps: new Int32Array(n),
      success: new Uint8Array(n),
      norm: new Float64Array(n),
      probability: new Float64Array(n),
    };
    for (const [p, share] of rows.entries()) {
      const part = results[p];
      for (const [k, r] of share.entries()) {
        merged.adversarial.set(part.adversarial.subarray(k * size, (k + 1) * size), r * size);
        merged.steps[r] = part.steps[k];
        merged.success[r] = part.success[k];
        merged.norm[r] = part.norm[k];
        merged.probability[r] = part.probability[k];
      }
    }
    return merged;
  };
}

/** Runs the study (its attack split over threads) and writes the artifact; returns the artifact's path. */
export async function runAdversarialJob(
  job: AdversarialJob,
  progress: (done: number, total: number, status: string) => void,
): Promise<string> {
  const store = new ResultsStore(job.results);
  const checkpoint = store.pathOf(job.folder);
  const net = loadLenet(checkpoint);
  const data = loadDataset(job.files, 'mnist');
  const threads = job.threads ?? Math.min(4, availableParallelism());
  const value = await adversarialStudy(
    net.network,
    job.name,
    net.mean,
    data.test,
    { dataset: 'mnist', seed: job.seed },
    progress,
    splitAttack(checkpoint, threads),
  );
  return store.write('l2angle/adversarial', job.artifact ?? adversarialFile(job.name), value);
}

if (parentPort) {
  const port = parentPort;
  const report = (message: AdversarialMessage) => port.postMessage(message);
  const progress = (done: number, total: number, status: string) =>
    report({ type: 'progress', done, total, status });
  port.once('message', async (request: Request) => {
    try {
      if (request.role === 'study') {
        report({ type: 'done', path: await runAdversarialJob(request.job, progress) });
      } else {
        const { checkpoint, images, targets, options } = request.share;
        const net = loadLenet(checkpoint);
        report({
          type: 'attacked',
          result: targetedAttack(net.network, net.mean, images, targets, options, progress),
        });
      }
    } catch (error) {
      report({
        type: 'error',
        message: error instanceof Error ? error.message : String(error),
        input: error instanceof InputError,
      });
    }
  });
}
