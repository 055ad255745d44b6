// Worker threads for a LeNet's adversarial study (minutes of attack steps): one thread runs the study and
// writes its artifact, so the server's progress stream and the terminal bars keep going; it splits the
// attacked images over attack threads, one per core (each image's attack is independent of the others).
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import { z } from 'zod';
import { loadDataset } from '../data/dataset.js';
import type { DatasetFiles } from '../data/sources.js';
import { InputError } from '../errors.js';
import {
  type AttackResult,
  type AttackState,
  TARGETED_DEFAULTS,
  type TargetedAttackOptions,
  targetedAttack,
} from '../nn/attack.js';
import { LenetEngine } from '../nn/lenet-engine.js';
import { decodeFloat32, encodeFloat32 } from '../schema/encoding.js';
import { adversarialFile } from '../schema/nn-artifacts.js';
import { adversarialStudy, type TargetedAttackRunner } from './adversarial.js';
import { loadLenet } from './lenet-network.js';
import { CHECKPOINT_FILE } from './lenet-training.js';
import { ResultsStore, writeFileAtomic } from './store.js';

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
  /** the dataset's name (default mnist) */
  dataset?: string;
  seed: number;
  /** test images of the many-image study (default: the article's 200) */
  studyImages?: number;
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
  /** an attack thread's images as far as they have moved, sent every few seconds (for resuming) */
  | { type: 'state'; state: AttackState }
  | { type: 'done'; path: string }
  | { type: 'attacked'; result: AttackResult }
  /** `input`: bad input (a missing or corrupt file), reported as one line, not as an internal error */
  | { type: 'error'; message: string; input: boolean };

/** Runs a request on a new worker thread, passing its progress on; resolves with its last message. */
export function inWorker(
  request: Request,
  onProgress: (done: number, total: number, status: string) => void,
  onState?: (state: AttackState) => void,
): Promise<Extract<AdversarialMessage, { type: 'done' | 'attacked' }>> {
  const worker = new Worker(new URL(import.meta.url));
  return new Promise<Extract<AdversarialMessage, { type: 'done' | 'attacked' }>>((resolve, reject) => {
    worker.on('message', (message: AdversarialMessage) => {
      if (message.type === 'progress') onProgress(message.done, message.total, message.status);
      else if (message.type === 'state') onState?.(message.state);
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
  onState?: (state: AttackState) => void,
) => Promise<AttackResult>;

const shareOnWorker: ShareRunner = async (share, progress, onState) => {
  const message = await inWorker({ role: 'attack', share }, progress, onState);
  if (message.type !== 'attacked') throw new Error('an attack thread sent no result');
  return message.result;
};

/** Where an attack's progress is kept between runs (a file beside the artifact, in the real job). */
export interface AttackProgressStore {
  /** the saved state of the attack `key`, when there is one of n images of `size` values */
  load(key: string, n: number, size: number): AttackState | undefined;
  /** keeps the state (the store decides how often it really writes) */
  save(key: string, state: AttackState): void;
  /** forgets the state (the attack has finished) */
  clear(): void;
}

/** What identifies an attack: its images, targets and settings (the temperature names the network's calibration). */
function attackKey(images: Float32Array, targets: readonly number[], options: TargetedAttackOptions): string {
  const hash = createHash('sha256');
  hash.update(new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
  const { resume: _, ...settings } = options;
  hash.update(JSON.stringify({ targets, settings }));
  return hash.digest('hex');
}

/** The saved progress of an attack, as a file. */
const savedAttackSchema = z.object({
  key: z.string(),
  /** what the attack belongs to (the checkpoint's identity): another network's progress is not used */
  owner: z.string(),
  adversarial: z.string(),
  steps: z.array(z.number().int().nonnegative()),
  success: z.array(z.union([z.literal(0), z.literal(1)])),
});

/**
 * Keeps an attack's progress in `path` (written atomically at most every `everyMs`), for the network whose
 * identity is `owner`; a kill loses at most that much of the attack.
 */
export function fileProgressStore(path: string, owner: string, everyMs = 15_000): AttackProgressStore {
  let last = Date.now();
  return {
    load(key, n, size) {
      try {
        const saved = savedAttackSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
        const adversarial = decodeFloat32(saved.adversarial);
        if (
          saved.key !== key ||
          saved.owner !== owner ||
          saved.steps.length !== n ||
          adversarial.length !== n * size
        )
          return undefined;
        return { adversarial, steps: Int32Array.from(saved.steps), success: Uint8Array.from(saved.success) };
      } catch {
        return undefined;
      }
    },
    save(key, state) {
      if (Date.now() - last < everyMs) return;
      last = Date.now();
      const value = {
        key,
        owner,
        adversarial: encodeFloat32(state.adversarial),
        steps: Array.from(state.steps),
        success: Array.from(state.success),
      };
      writeFileAtomic(path, JSON.stringify(value));
    },
    clear() {
      rmSync(path, { force: true });
    },
  };
}

/**
 * An attack runner that deals the images round-robin to `threads` shares, attacks them at once (each on its
 * own worker thread unless `runShare` says otherwise) and puts the results back in the images' order.
 */
export function splitAttack(
  checkpoint: string,
  threads: number,
  runShare: ShareRunner = shareOnWorker,
  saved?: AttackProgressStore,
): TargetedAttackRunner {
  return async (images, targets, options, progress) => {
    const n = targets.length;
    const size = images.length / n;
    const parts = Math.max(1, Math.min(threads, n));
    const rows = Array.from({ length: parts }, (_, p) =>
      targets.map((_, r) => r).filter((r) => r % parts === p),
    );
    const done = new Array<number>(parts).fill(0);
    // the whole attack's state, from a saved one when it is of these images and settings
    const key = attackKey(images, targets, options);
    const state = saved?.load(key, n, size) ?? {
      adversarial: Float32Array.from(images),
      steps: new Int32Array(n),
      success: new Uint8Array(n),
    };
    const resumed = state.steps.some((s) => s > 0);
    const results = await Promise.all(
      rows.map(async (share, p) => {
        const part = new Float32Array(share.length * size);
        for (const [k, r] of share.entries()) part.set(images.subarray(r * size, (r + 1) * size), k * size);
        const resume = resumed
          ? {
              adversarial: new Float32Array(share.length * size),
              steps: Int32Array.from(share, (r) => state.steps[r]),
              success: Uint8Array.from(share, (r) => state.success[r]),
            }
          : undefined;
        if (resume) {
          for (const [k, r] of share.entries())
            resume.adversarial.set(state.adversarial.subarray(r * size, (r + 1) * size), k * size);
        }
        return runShare(
          {
            checkpoint,
            images: part,
            targets: share.map((r) => targets[r]),
            options: { ...options, resume },
          },
          (finished) => {
            done[p] = finished;
            const total = done.reduce((a, b) => a + b, 0);
            progress?.(total, n, `${n - total} images still moving (${parts} threads)`);
          },
          (partState) => {
            for (const [k, r] of share.entries()) {
              state.adversarial.set(partState.adversarial.subarray(k * size, (k + 1) * size), r * size);
              state.steps[r] = partState.steps[k];
              state.success[r] = partState.success[k];
            }
            saved?.save(key, state);
          },
        );
      }),
    );
    saved?.clear();
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

/** A checkpoint's identity for saved progress: its size and modification time (a retrained network differs). */
function checkpointIdentity(folder: string): string {
  try {
    const stats = statSync(join(folder, CHECKPOINT_FILE));
    return `${stats.size}-${stats.mtimeMs}`;
  } catch {
    return 'none';
  }
}

/** Runs the study (its attack split over threads) and writes the artifact; returns the artifact's path. */
export async function runAdversarialJob(
  job: AdversarialJob,
  progress: (done: number, total: number, status: string) => void,
): Promise<string> {
  const store = new ResultsStore(job.results);
  const checkpoint = store.pathOf(job.folder);
  const net = loadLenet(checkpoint);
  const dataset = job.dataset ?? 'mnist';
  const data = loadDataset(job.files, dataset);
  const threads = job.threads ?? Math.min(4, availableParallelism());
  const artifact = job.artifact ?? adversarialFile(job.name);
  // the attack's progress is kept beside the artifact, for the network of this checkpoint only
  const owner = checkpointIdentity(checkpoint);
  const saved = fileProgressStore(store.pathOf(artifact.replace(/\.json$/, '.partial.json')), owner);
  // the test set's scores and the adversarial images' classes on the wasm engine too
  const engine = LenetEngine.create(
    net.network.parameters().map((p) => p.w),
    TARGETED_DEFAULTS.batchSize,
  );
  const value = await adversarialStudy(
    engine,
    job.name,
    net.mean,
    data.test,
    { dataset, seed: job.seed, ...(job.studyImages ? { studyImages: job.studyImages } : {}) },
    progress,
    splitAttack(checkpoint, threads, shareOnWorker, saved),
  );
  return store.write('l2angle/adversarial', artifact, value);
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
        // the state goes to the study thread every few seconds, which keeps it on disk
        let sent = Date.now();
        const onRound = (state: AttackState) => {
          if (Date.now() - sent < 5_000) return;
          sent = Date.now();
          report({ type: 'state', state });
        };
        // the attack's passes run on the wasm engine, each of only the images still moving
        const most = Math.max(1, Math.min(targets.length, options.batchSize ?? TARGETED_DEFAULTS.batchSize));
        const engine = LenetEngine.create(
          net.network.parameters().map((p) => p.w),
          most,
        );
        report({
          type: 'attacked',
          result: targetedAttack(engine, net.mean, images, targets, options, progress, onRound),
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
