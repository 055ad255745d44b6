// Early stopping on a real MNIST slice (0 vs 1, separable): gradient descent's direction approaches the
// hard-margin SVM's, θ(t) stays inside the logistic λ path's range, and an interrupted run resumes exactly.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/dataset.js';
import { type BinaryPair, selectPair } from '../../src/data/pairs.js';
import { mnistFiles } from '../../src/data/sources.js';
import {
  angleBetween,
  computeEarlyStopping,
  lambdaOfTheta,
  recordedSteps,
} from '../../src/experiments/early-stopping.js';
import { descentPasses } from '../../src/experiments/solver-kernels.js';
import { validateArtifact } from '../../src/schema/artifacts.js';
import type { EarlyStopping } from '../../src/schema/early-stopping.js';
import { wasmDescentPasses } from '../../src/solvers/descent-wasm.js';
import {
  type DescentProblem,
  type DescentState,
  descend,
  descentProblem,
  initialState,
  largestSquaredSingularValue,
  serialGradient,
  typedArrayDescentPasses,
} from '../../src/solvers/gradient-descent.js';

const STEPS = 6000;
const dir = mkdtempSync(join(tmpdir(), 'l2angle-early-'));
let pair: BinaryPair;
let run: EarlyStopping;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  pair = selectPair(loadDataset(mnistFiles(), 'mnist'), 0, 1, 100);
  run = await computeEarlyStopping(pair, 'mnist', STEPS, join(dir, 'straight.partial.json'));
}, 120_000);

describe('gradient descent on unregularised logistic regression', () => {
  it('writes a valid artifact with records at about eight steps per decade', () => {
    validateArtifact('l2angle/early-stopping', run, 'early stopping');
    expect(run.records.map((r) => r.t)).toEqual(recordedSteps(STEPS));
    expect(recordedSteps(100).slice(0, 9)).toEqual([1, 2, 3, 4, 6, 7, 10, 13, 18]);
    expect(run.hardMargin.exact).toBe(true);
    expect(run.hardMargin.errTrain).toBe(0);
  });

  it('uses a step below 1/L: the risk falls at every recorded step', () => {
    for (let k = 1; k < run.records.length; k++) {
      expect(run.records[k].risk).toBeLessThan(run.records[k - 1].risk);
    }
    // σ_max² from the power iteration: no unit vector gives more
    const problem = descentProblem(pair.train);
    const sigma2 = largestSquaredSingularValue(problem.rows, problem.columns);
    expect(problem.step).toBeCloseTo((4 * pair.train.n) / (1.01 * sigma2), 12);
  });

  it('turns towards the hard-margin SVM: the angle to it falls along t, ‖w‖ grows', () => {
    const records = run.records;
    for (let k = 1; k < records.length; k++) {
      expect(records[k].angleToHardMargin).toBeLessThan(records[k - 1].angleToHardMargin);
      expect(records[k].normW).toBeGreaterThan(records[k - 1].normW);
    }
    // slowly (as 1/log t): about 0.28 rad of the first 0.72 in 6000 steps
    expect(records[records.length - 1].angleToHardMargin).toBeLessThan(records[0].angleToHardMargin - 0.2);
  });

  it('keeps θ(t) inside the range of the logistic λ path, where t ↦ λ is defined', () => {
    const thetas = run.softplusPath.map((p) => p.theta);
    const [low, high] = [Math.min(...thetas), Math.max(...thetas)];
    // the first step is along j − i exactly: θ = 0, the path's λ → ∞ limit, below its largest grid λ
    expect(run.records[0].theta).toBeLessThan(1e-7);
    expect(run.records[0].lambdaOfEqualTheta).toBeNull();
    for (const r of run.records.slice(1)) {
      expect(r.theta).toBeGreaterThanOrEqual(low - 1e-9);
      expect(r.theta).toBeLessThanOrEqual(high + 1e-9);
      expect(r.lambdaOfEqualTheta).not.toBeNull();
      // the λ found gives back θ(t) on the path (log-linear interpolation is exact at the grid)
      expect(lambdaOfTheta(run.softplusPath, r.theta)).toBe(r.lambdaOfEqualTheta);
    }
    // later steps look like weaker penalties
    const lambdas = run.records.map((r) => r.lambdaOfEqualTheta ?? 0).filter((_, k) => k > 5);
    expect(lambdas[lambdas.length - 1]).toBeLessThan(lambdas[0]);
  });

  it('resumes an interrupted run to the same records', async () => {
    const partial = join(dir, 'broken.partial.json');
    await expect(
      computeEarlyStopping(
        pair,
        'mnist',
        STEPS,
        partial,
        (_done, _total, status) => {
          if (/step 3000$/.test(status)) throw new Error('killed');
        },
        0,
      ),
    ).rejects.toThrow('killed');
    expect(existsSync(partial)).toBe(true);
    let resumedFrom = Number.POSITIVE_INFINITY;
    const resumed = await computeEarlyStopping(pair, 'mnist', STEPS, partial, (_d, _t, status) => {
      const step = /step (\d+)$/.exec(status);
      if (step) resumedFrom = Math.min(resumedFrom, Number(step[1]));
    });
    expect(resumedFrom).toBeGreaterThan(3000);
    const strip = (e: EarlyStopping) => e.records;
    expect(strip(resumed)).toEqual(strip(run));
  });
});

describe('the pieces', () => {
  it('measures tiny angles accurately', () => {
    const a = Float64Array.from([1, 0, 0]);
    const b = Float64Array.from([1, 1e-9, 0]);
    expect(angleBetween(a, b)).toBeCloseTo(1e-9, 20);
    expect(angleBetween(a, Float64Array.from([-2, 0, 0]))).toBeCloseTo(Math.PI, 12);
  });

  it('descends deterministically from w = 0', () => {
    const problem = descentProblem(pair.train);
    const a = initialState(pair.train.dim);
    const b = initialState(pair.train.dim);
    descend(problem, a, 50, new Set(), () => {});
    descend(problem, b, 20, new Set(), () => {});
    descend(problem, b, 50, new Set(), () => {});
    expect(Array.from(b.w)).toEqual(Array.from(a.w));
    expect(b.t).toBe(50);
  });

  it('gives the same bits on the TypeScript passes, the WebAssembly passes and two threads', async () => {
    const problem = descentProblem(pair.train);
    const run = (gradient: ReturnType<typeof serialGradient>): DescentState => {
      const state = initialState(pair.train.dim);
      descend(problem, state, 300, new Set(), () => {}, gradient);
      return state;
    };
    const reference = run(serialGradient(problem));
    const wasm = run(serialGradient(problem, descentPasses(problem)));
    // a worker thread loads compiled modules: the two-thread gradient comes from dist/, as the command runs it
    const { threadedGradient } = await import(
      new URL('../../dist/experiments/descent-threads.js', import.meta.url).href
    );
    const threaded = await threadedGradient(problem.rows, problem.columns, problem.y);
    let split: DescentState;
    try {
      split = run(threaded.gradient);
    } finally {
      await threaded.close();
    }
    for (const state of [wasm, split]) {
      expect(Array.from(state.w)).toEqual(Array.from(reference.w));
      expect(state.b).toBe(reference.b);
    }
    expect(reference.b).not.toBe(0);
  });

  it('rejects, instead of waiting forever, when the worker thread cannot start', async () => {
    // from TypeScript sources (as here) a worker cannot load its module
    const { threadedGradient } = await import('../../src/experiments/descent-threads.js');
    const problem = descentProblem(pair.train);
    await expect(threadedGradient(problem.rows, problem.columns, problem.y)).rejects.toThrow();
  });

  it('throws, instead of waiting forever, when the worker thread dies without a word', async () => {
    const { threadedGradient } = await import(
      new URL('../../dist/experiments/descent-threads.js', import.meta.url).href
    );
    const problem = descentProblem(pair.train);
    const threaded = await threadedGradient(problem.rows, problem.columns, problem.y, { stallMs: 300 });
    // a closed worker is gone as one killed would be: it never answers the next step
    await threaded.close();
    const { dim, n } = problem.rows;
    const started = performance.now();
    expect(() =>
      threaded.gradient(new Float64Array(dim), 0, new Float64Array(dim), new Float64Array(n)),
    ).toThrow(/did not answer within 0.3 s/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('passes each range of images and pixels in WebAssembly as in TypeScript, bit for bit', () => {
    const problem = descentProblem(pair.train);
    const module = new WebAssembly.Module(readFileSync(new URL('../../build/solvers.wasm', import.meta.url)));
    const wasm = wasmDescentPasses(module)(problem);
    if (!wasm) throw new Error('the pair is pixel bytes: the WebAssembly passes must take it');
    const ts = typedArrayDescentPasses(problem);
    const { n, dim } = problem.rows;
    const w = Float64Array.from({ length: dim }, (_, k) => Math.sin(k) / 7);
    const c = Float64Array.from({ length: n }, (_, i) => Math.cos(i) / n);
    for (const [lo, hi] of [
      [0, n],
      [3, n - 5],
      [n >> 1, n],
    ]) {
      const [a, b] = [new Float64Array(n), new Float64Array(n)];
      ts.margins(w, 0.25, lo, hi, a);
      wasm.margins(w, 0.25, lo, hi, b);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
    for (const [lo, hi] of [
      [0, dim],
      [100, 101],
      [400, dim],
    ]) {
      const [a, b] = [new Float64Array(dim).fill(9), new Float64Array(dim).fill(9)];
      ts.gradientEntries(c, lo, hi, a);
      wasm.gradientEntries(c, lo, hi, b);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
    // data that are not pixel bytes keep the TypeScript passes
    const scaled: DescentProblem = {
      ...problem,
      rows: { ...problem.rows, value: problem.rows.value.map((v) => v * 0.5) },
    };
    expect(wasmDescentPasses(module)(scaled)).toBeUndefined();
  });
});
