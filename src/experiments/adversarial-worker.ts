// A worker thread that runs one LeNet's adversarial study (minutes of synchronous attack steps) and writes
// its artifact, so the server's progress stream and the terminal bars keep going while it runs.
import { parentPort } from 'node:worker_threads';
import { loadDataset } from '../data/dataset.js';
import type { DatasetFiles } from '../data/sources.js';
import { adversarialFile } from '../schema/nn-artifacts.js';
import { adversarialStudy } from './adversarial.js';
import { loadLenet } from './lenet-network.js';
import { ResultsStore } from './store.js';

/** What the worker is sent: which trained network, where it is and where the results go. */
export interface AdversarialJob {
  /** the network's name in the artifact, e.g. "LeNet_low" */
  name: string;
  /** the results folder */
  results: string;
  /** the checkpoint folder, relative to the results folder */
  folder: string;
  files: DatasetFiles;
  seed: number;
}

/** What the worker reports back. */
export type AdversarialMessage =
  | { type: 'progress'; done: number; total: number; status: string }
  | { type: 'done'; path: string }
  | { type: 'error'; message: string };

/** Runs the study and writes the artifact; used by the worker (and callable in-thread). */
export function runAdversarialJob(job: AdversarialJob, report: (message: AdversarialMessage) => void): void {
  const store = new ResultsStore(job.results);
  const net = loadLenet(store.pathOf(job.folder));
  const data = loadDataset(job.files, 'mnist');
  const value = adversarialStudy(
    net.network,
    job.name,
    net.mean,
    data.test,
    { dataset: 'mnist', seed: job.seed },
    (done, total, status) => report({ type: 'progress', done, total, status }),
  );
  const path = store.write('l2angle/adversarial', adversarialFile(job.name), value);
  report({ type: 'done', path });
}

if (parentPort) {
  const port = parentPort;
  port.once('message', (job: AdversarialJob) => {
    try {
      runAdversarialJob(job, (message) => port.postMessage(message));
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
