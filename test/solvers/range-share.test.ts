// A path solver's long passes shared with a second thread (range-share.ts, for the logistic and the hinge
// path): the path has the bits of one thread's whether the other thread computes ranges, takes ranges and never
// finishes them, or never comes.
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, mnistFiles, selectPair } from '../../src/data/index.js';
import { type PassShare, sharedSolverKernels, solverKernels } from '../../src/experiments/solver-kernels.js';
import type { PathSolverName } from '../../src/math/losses.js';
import type { ByteLabelledSet } from '../../src/math/types.js';
import { byteLabelledSet } from '../../src/math/types.js';
import { lambdaGrid } from '../../src/schema/artifacts.js';
import { prepareHingeData } from '../../src/solvers/hinge/data.js';
import { imageCutsOf } from '../../src/solvers/hinge/shared-kernels.js';
import {
  balancedCuts,
  CONTROL,
  RANGES,
  type RangeRunner,
  rangeControl,
  stopRanges,
} from '../../src/solvers/range-share.js';
import { type PathModel, SOLVERS } from '../../src/solvers/registry.js';

let train: ByteLabelledSet;
const reference = new Map<PathSolverName, PathModel[]>();
const solvers: PathSolverName[] = ['logistic-path', 'hinge-path'];

beforeAll(() => {
  train = selectPair(loadDataset(mnistFiles(), 'mnist'), 7, 9, 600, { withTest: false }).train;
  for (const solver of solvers)
    reference.set(
      solver,
      SOLVERS[solver].solvePath(train, lambdaGrid(), { bytes: train.bytes, ...solverKernels() }),
    );
});

/** The compiled modules, as a worker thread loads them. */
const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;

/** A serving thread for the share: the real server, or one that takes a range of every pass and keeps it. */
function helperFor(share: PassShare, kind: 'server' | 'stalled'): Worker {
  const source =
    kind === 'server'
      ? `const { workerData } = require('node:worker_threads');
        import(workerData.kernels).then(({ passShareServer }) => {
          const server = passShareServer(workerData.share);
          while (server.serve(performance.now() + 50)) {}
        });`
      : `const { workerData } = require('node:worker_threads');
        const c = new Int32Array(workerData.share.buffers.control);
        const w = workerData.words;
        Atomics.store(c, w.HELPER, w.READY);
        while (Atomics.load(c, w.STOP) === 0) {
          const ticket = Atomics.load(c, w.TICKET);
          // polls (a short pass would be over before a sleeping thread woke)
          if (ticket >> 4 !== 0 && (ticket & 15) < ${RANGES}) Atomics.compareExchange(c, w.TICKET, ticket, ticket + 1);
        }`;
  return new Worker(source, {
    eval: true,
    workerData: { share, kernels: dist('experiments/solver-kernels.js'), words: CONTROL },
  });
}

/**
 * The path with its passes shared through a fresh control buffer; with a helper, the solve waits (once it
 * has its data) until the helper is ready, so that it takes part from the first λ on.
 */
function sharedPath(solver: PathSolverName, helper?: 'server' | 'stalled', set: ByteLabelledSet = train) {
  const control = rangeControl();
  const words = new Int32Array(control);
  let counts: RangeRunner['counts'] | undefined;
  let worker: Worker | undefined;
  const kernels = sharedSolverKernels(control, (share, shared) => {
    counts = shared;
    if (!helper) return;
    worker = helperFor(share, helper);
    const until = performance.now() + 20_000;
    while (Atomics.load(words, CONTROL.HELPER) !== CONTROL.READY && performance.now() < until)
      Atomics.wait(words, CONTROL.HELPER, 0, 10);
  });
  const models = SOLVERS[solver].solvePath(set, lambdaGrid(), { bytes: set.bytes, ...kernels });
  stopRanges(control);
  return { models, counts, worker };
}

function expectSameBits(solver: PathSolverName, models: PathModel[]) {
  const expected = reference.get(solver) ?? [];
  expect(models).toHaveLength(81);
  for (const [c, model] of models.entries()) {
    expect(Array.from(model.w), `${solver} λ index ${c}`).toEqual(Array.from(expected[c].w));
    expect(model.b).toBe(expected[c].b);
    expect(model.iterations).toBe(expected[c].iterations);
  }
}

describe.each(solvers)('the %s shared with a second thread', (solver) => {
  it('gives the one-thread bits while the other thread computes ranges of its passes', async () => {
    const { models, counts, worker } = sharedPath(solver, 'server');
    await worker?.terminate();
    expectSameBits(solver, models);
    expect(counts?.offered).toBeGreaterThan(20);
    expect(counts?.helped).toBeGreaterThan(0);
  });

  it('gives the same bits when the other thread takes ranges and never finishes them', async () => {
    const { models, counts, worker } = sharedPath(solver, 'stalled');
    await worker?.terminate();
    expectSameBits(solver, models);
    expect(counts?.helped).toBe(0);
    expect(counts?.redone).toBeGreaterThan(0);
  });

  it('computes every range itself while no other thread is ready', () => {
    const { models, counts } = sharedPath(solver);
    expectSameBits(solver, models);
    expect(counts).toEqual({ offered: 0, helped: 0, redone: 0 });
  });
});

describe('balancedCuts', () => {
  it('cuts a pass into ranges of about equal cost', () => {
    const cumulative = Float64Array.from({ length: 101 }, (_, k) => k * k);
    const cuts = Array.from(balancedCuts(cumulative, 100, 4));
    // cost k² up to k: a quarter of 10 000 at k = 50, a half at 71, three quarters at 87
    expect(cuts).toEqual([0, 50, 71, 87, 100]);
    expect(Array.from(balancedCuts(new Float64Array(4), 3, 4))).toEqual([0, 0, 0, 0, 3]);
  });
});

describe('the ranges of a hinge pass over every image', () => {
  it('balance nonzeros for compressed rows and counts for rows held dense (which have no row starts)', () => {
    const sparse = prepareHingeData(train, train.bytes);
    expect(sparse.sparse).toBe(true);
    const cuts = Array.from(imageCutsOf(sparse));
    expect(cuts).toEqual(Array.from(balancedCuts(sparse.start, sparse.n)));
    // the digits inverted light most pixels: held dense, cut into equal counts, none empty
    const bytes = train.bytes.map((b) => 255 - b);
    const dense = prepareHingeData(
      byteLabelledSet(train.n, train.dim, bytes, Float64Array.from(train.y)),
      bytes,
    );
    expect(dense.sparse).toBe(false);
    const denseCuts = Array.from(imageCutsOf(dense));
    expect(denseCuts).toHaveLength(RANGES + 1);
    expect(denseCuts[0]).toBe(0);
    expect(denseCuts[RANGES]).toBe(dense.n);
    for (let c = 0; c < RANGES; c++) expect(denseCuts[c + 1] - denseCuts[c]).toBe(dense.n / RANGES);
  });

  it('give the one-thread bits on rows held dense while the other thread computes ranges', async () => {
    const bytes = train.bytes.map((b) => 255 - b);
    const set = byteLabelledSet(train.n, train.dim, bytes, Float64Array.from(train.y));
    const alone = SOLVERS['hinge-path'].solvePath(set, lambdaGrid(), { bytes, ...solverKernels() });
    const { models, counts, worker } = sharedPath('hinge-path', 'server', set);
    await worker?.terminate();
    expect(models.map((m) => [Array.from(m.w), m.b, m.iterations])).toEqual(
      alone.map((m) => [Array.from(m.w), m.b, m.iterations]),
    );
    expect(counts?.helped).toBeGreaterThan(0);
  });
});
