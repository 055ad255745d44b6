// The logistic path's passes shared with a second thread (shared-passes.ts): the path has the bits of one
// thread's whether the other thread computes ranges or takes ranges and never finishes them.
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import { sharedLogisticPasses, solverKernels } from '../../src/experiments/solver-kernels.js';
import type { ByteLabelledSet } from '../../src/math/types.js';
import { lambdaGrid } from '../../src/schema/artifacts.js';
import {
  balancedCuts,
  CONTROL,
  PASS_CHUNKS,
  type PassShareBuffers,
  passShareBuffers,
  type SharedPassRunner,
  stopPasses,
} from '../../src/solvers/logistic/shared-passes.js';
import type { Problem } from '../../src/solvers/logistic/workspace.js';
import { type PathModel, SOLVERS } from '../../src/solvers/registry.js';

let train: ByteLabelledSet;
let reference: PathModel[];

beforeAll(() => {
  train = selectPair(loadDataset(mnistFiles(), 'mnist'), 7, 9, 400, { withTest: false }).train;
  reference = SOLVERS['logistic-path'].solvePath(train, lambdaGrid(), solverKernels());
});

/** The path with its passes shared through `buffers`, and the runner's counts. */
function sharedPath(buffers: PassShareBuffers, onShared: (problem: Problem) => void) {
  let runner: SharedPassRunner | undefined;
  const factory = sharedLogisticPasses(buffers, (problem, shared) => {
    runner = shared;
    onShared(problem);
  });
  if (!factory) throw new Error('build/solvers.wasm is needed (npm run build)');
  const models = SOLVERS['logistic-path'].solvePath(train, lambdaGrid(), { logisticPasses: factory });
  stopPasses(buffers);
  return { models, runner };
}

function expectSameBits(models: PathModel[]) {
  expect(models).toHaveLength(81);
  for (const [c, model] of models.entries()) {
    expect(Array.from(model.w), `λ index ${c}`).toEqual(Array.from(reference[c].w));
    expect(model.b).toBe(reference[c].b);
    expect(model.iterations).toBe(reference[c].iterations);
  }
}

/** A worker running `source` (CommonJS) with `data`, resolved once it posts 'ready'. */
async function startWorker(source: string, data: unknown): Promise<Worker> {
  const worker = new Worker(source, { eval: true, workerData: data });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return worker;
}

const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;

describe('the logistic passes shared with a helper thread', () => {
  it('give the one-thread bits while the helper computes ranges of them', async () => {
    const buffers = passShareBuffers(train.n, train.dim);
    let problem: Problem | undefined;
    // the helper needs the data before the path starts: a first solve hands it over, unshared
    sharedPath(passShareBuffers(train.n, train.dim), (data) => {
      problem = data;
    });
    const helper = await startWorker(
      `const { workerData, parentPort } = require('node:worker_threads');
      (async () => {
        const { passServer } = await import(workerData.shared);
        const { logisticPassKernel } = await import(workerData.kernels);
        const server = passServer(logisticPassKernel(workerData.problem), workerData.problem, workerData.buffers);
        parentPort.postMessage('ready');
        while (server.serve(performance.now() + 50)) {}
      })();`,
      {
        shared: dist('solvers/logistic/shared-passes.js'),
        kernels: dist('experiments/solver-kernels.js'),
        problem,
        buffers,
      },
    );
    const { models, runner } = sharedPath(buffers, () => {});
    await helper.terminate();
    expectSameBits(models);
    expect(runner?.counts.offered).toBeGreaterThan(500);
    expect(runner?.counts.helped).toBeGreaterThan(0);
  });

  it('give the same bits when the helper takes ranges and never finishes them', async () => {
    const buffers = passShareBuffers(train.n, train.dim);
    // takes the first free range of every pass, then holds it
    const stalled = await startWorker(
      `const { workerData, parentPort } = require('node:worker_threads');
      const c = new Int32Array(workerData.buffers.control);
      const w = workerData.words;
      Atomics.store(c, w.HELPER, w.READY);
      parentPort.postMessage('ready');
      while (Atomics.load(c, w.STOP) === 0) {
        const ticket = Atomics.load(c, w.TICKET);
        if (ticket >> 4 !== 0 && (ticket & 15) < ${PASS_CHUNKS}) Atomics.compareExchange(c, w.TICKET, ticket, ticket + 1);
        Atomics.wait(c, w.TICKET, Atomics.load(c, w.TICKET), 20);
      }`,
      { buffers, words: CONTROL },
    );
    const { models, runner } = sharedPath(buffers, () => {});
    await stalled.terminate();
    expectSameBits(models);
    expect(runner?.counts.helped).toBe(0);
    expect(runner?.counts.redone).toBeGreaterThan(0);
  });

  it('computes every range itself while no helper is ready', () => {
    const { models, runner } = sharedPath(passShareBuffers(train.n, train.dim), () => {});
    expectSameBits(models);
    expect(runner?.counts).toEqual({ offered: 0, helped: 0, redone: 0 });
  });

  it('cuts a pass into ranges of about equal cost', () => {
    const cumulative = Float64Array.from({ length: 101 }, (_, k) => k * k);
    const cuts = Array.from(balancedCuts(cumulative, 100, 4));
    expect(cuts[0]).toBe(0);
    expect(cuts[4]).toBe(100);
    // cost k² up to k: a quarter of 10 000 at k = 50, a half at 71, three quarters at 87
    expect(cuts.slice(1, 4)).toEqual([50, 71, 87]);
    expect(Array.from(balancedCuts(new Float64Array(4), 3, 4))).toEqual([0, 0, 0, 0, 3]);
  });
});
