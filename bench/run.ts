// `npm run bench -- svm [--pair 7-9] [--runs 3] [--tol 1e-6] [--all]`: our exact 81-λ path against
// scikit-learn on the same pair and λ grid, in one run, printing both times (medians) and the ratio, first
// the paths alone, then as whole commands (`l2angle svm --pair` against a Python process reading the same idx
// files; --tol is lbfgs's, or `matched` for 1e-8/(2λ), which lbfgs's own stopping rule on f cuts short);
// with --all, also the wall time and peak memory of `l2angle svm --all` for both
// losses into a scratch results folder.
// `npm run bench -- gemm`: the packed GEMM on LeNet's shapes.
// `npm run bench -- lenet [--runs 5] [--threads 2] [--steps 20] [--skip-kernels]`: LenetTrainer against PyTorch,
// then each engine kernel against the wasm SIMD ceiling (bench/lenet.ts).
// `npm run bench -- adversarial [--results DIR] [--threads 2]`: each trained LeNet's adversarial study against
// PyTorch's attack on the same images (bench/adversarial.ts).
// `npm run bench -- page [--runs 5] [--results DIR]`: time to first figure and page weight (bench/page.ts).
// `npm run bench -- sweep [--runs 3]`: the queue's overhead per cell and worker throughput (bench/sweep.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/dataset.js';
import { selectPair } from '../src/data/pairs.js';
import { mnistFiles } from '../src/data/sources.js';
import { computeSvmPath } from '../src/experiments/svm-run.js';
import type { TrainingLoss } from '../src/math/losses.js';
import { lambdaGrid } from '../src/schema/artifacts.js';
import { benchAdversarial } from './adversarial.js';
import { gemmGflops, LENET_SHAPES } from './gemm.js';
import { benchLenetKernels, benchLenetTraining } from './lenet.js';
import { benchPage } from './page.js';
import { pythonWith } from './python.js';
import { median } from './stats.js';
import { benchSweep } from './sweep.js';

function sklearnSeconds(python: string, prefix: string, loss: TrainingLoss): number {
  const script = new URL('./sklearn_paths.py', import.meta.url).pathname;
  const env = { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' };
  const run = spawnSync(python, [script, prefix, loss], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  if (run.status !== 0) throw new Error(`sklearn failed: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  return (JSON.parse(lines[lines.length - 1]) as { total_seconds: number }).total_seconds;
}

function benchSvm(pairText: string, runs: number, losses: TrainingLoss[]): void {
  const [i, j] = pairText.split('-').map(Number);
  const python = pythonWith(['sklearn', 'numpy'], ['python3-sklearn']);
  const pair = selectPair(loadDataset(mnistFiles(), 'mnist'), i, j, 3000);
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-bench-'));
  try {
    const prefix = join(dir, 'pair');
    writeFileSync(`${prefix}.train.u8`, pair.train.bytes);
    writeFileSync(`${prefix}.test.u8`, pair.test.bytes);
    writeFileSync(`${prefix}.train.y`, Int8Array.from(pair.train.y));
    writeFileSync(`${prefix}.test.y`, Int8Array.from(pair.test.y));
    writeFileSync(`${prefix}.json`, JSON.stringify({ dim: 784, lambdas: lambdaGrid(), tol: 1e-3 }));
    console.log(
      `pair ${i}-${j}, n = ${pair.train.n}, 81 λ from 100 to 1e-6; ${runs} interleaved runs each, medians`,
    );
    for (const loss of losses) {
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let r = 0; r < runs; r++) {
        // interleaved, never at the same time: the machine has two cores
        ours.push(computeSvmPath(pair, 'mnist', loss, { rows: 28, cols: 28 }).artifact.solver.wallSeconds);
        theirs.push(sklearnSeconds(python, prefix, loss));
      }
      const peer =
        loss === 'hinge'
          ? "sklearn SVC(kernel='precomputed'), libsvm"
          : 'sklearn LogisticRegression(lbfgs), warm-started';
      console.log(
        `${loss.padEnd(9)} l2angle ${median(ours).toFixed(2)} s   ${peer} ${median(theirs).toFixed(2)} s   ` +
          `ratio ${(median(theirs) / median(ours)).toFixed(1)}× faster`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall seconds of a command, its stdout, and its exit status. */
function timed(command: string, args: string[], env = process.env): { seconds: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, env });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  return { seconds, stdout: run.stdout };
}

/**
 * The paths as a user runs them: `l2angle svm --pair I,J --loss L --csv FILE` as a whole process (start-up,
 * reading the idx files, the 81 models, their measures and the CSV; the solver on one thread, the measures
 * on the other) against one Python process that reads the same idx files, fits scikit-learn at the 81 λ and
 * writes its CSV (bench/sklearn_command.py), with two BLAS threads.
 */
function benchCommands(pairText: string, runs: number, losses: TrainingLoss[], tolerance: string): void {
  const [i, j] = pairText.split('-').map(Number);
  const python = pythonWith(['sklearn', 'numpy'], ['python3-sklearn']);
  const files = mnistFiles();
  const bin = new URL('../bin/l2angle.js', import.meta.url).pathname;
  const script = new URL('./sklearn_command.py', import.meta.url).pathname;
  const env = { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' };
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-bench-command-'));
  console.log(
    `whole commands, pair ${i}-${j}, 3000 images per class, ${runs} interleaved runs each, medians`,
  );
  try {
    for (const loss of losses) {
      const ours: number[] = [];
      const theirs: number[] = [];
      let gradient = { largest: 0, median: 0 };
      for (let r = 0; r < runs; r++) {
        const csv = join(dir, `${loss}.csv`);
        ours.push(
          timed(process.execPath, [bin, 'svm', '--pair', `${i},${j}`, '--loss', loss, '--csv', csv]).seconds,
        );
        const peer = timed(
          python,
          [
            script,
            loss,
            files.trainImages,
            files.trainLabels,
            files.testImages,
            files.testLabels,
            String(i),
            String(j),
            '3000',
            join(dir, `${loss}-sklearn.csv`),
            tolerance,
          ],
          env,
        );
        theirs.push(peer.seconds);
        const last = JSON.parse(peer.stdout.trim().split('\n').pop() ?? '{}');
        gradient = { largest: last.largest_gradient_norm, median: last.median_gradient_norm };
      }
      const peer =
        loss === 'hinge'
          ? "python + sklearn SVC(kernel='precomputed', tol=1e-3)"
          : `python + sklearn LogisticRegression(lbfgs, tol=${tolerance}) warm-started (its ‖∇F‖₂: median ${gradient.median.toExponential(1)}, largest ${gradient.largest.toExponential(1)}; l2angle's ≤ 1e-8)`;
      console.log(
        `${loss.padEnd(9)} l2angle svm (2 threads) ${median(ours).toFixed(2)} s   ${peer}: ${median(theirs).toFixed(2)} s   ` +
          `ratio ${(median(theirs) / median(ours)).toFixed(1)}× faster`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchAll(losses: TrainingLoss[]): void {
  const results = mkdtempSync(join(tmpdir(), 'l2angle-bench-all-'));
  const bin = new URL('../bin/l2angle.js', import.meta.url).pathname;
  try {
    for (const loss of losses) {
      const run = spawnSync(
        '/usr/bin/time',
        ['-f', '%e %M', process.execPath, bin, 'svm', '--all', '--loss', loss, '--results', results],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      const last = run.stderr.trim().split('\n').pop() ?? '';
      const [seconds, kb] = last.split(' ').map(Number);
      console.log(
        `svm --all --loss ${loss}: ${seconds.toFixed(1)} s wall, peak memory ${(kb / 1024).toFixed(0)} MiB (exit ${run.status})`,
      );
    }
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    pair: { type: 'string', default: '7-9' },
    runs: { type: 'string' },
    loss: { type: 'string', default: 'both' },
    all: { type: 'boolean', default: false },
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '20' },
    'skip-kernels': { type: 'boolean', default: false },
    results: { type: 'string', default: 'results' },
    tol: { type: 'string', default: '1e-6' },
  },
});
const what = positionals[0] ?? 'svm';
const losses: TrainingLoss[] = values.loss === 'both' ? ['hinge', 'softplus'] : [values.loss as TrainingLoss];
if (what === 'svm') {
  benchSvm(values.pair, Number(values.runs ?? 3), losses);
  benchCommands(values.pair, Number(values.runs ?? 3), losses, values.tol);
  if (values.all) benchAll(losses);
} else if (what === 'gemm') {
  console.log('wasm SIMD packed sgemm, 4×8 f32x4 micro-kernel, one thread, median of 7, GFLOP/s:');
  console.log(`  ${'shape'.padEnd(34)}     A·B   Aᵀ·B   A·Bᵀ`);
  for (const [name, m, n, k] of LENET_SHAPES) {
    const rates = [
      [false, false],
      [true, false],
      [false, true],
    ].map(([ta, tb]) => gemmGflops(m, n, k, ta, tb).toFixed(1).padStart(7));
    console.log(`  ${name.padEnd(34)} ${rates.join('')}`);
  }
} else if (what === 'lenet') {
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1, 5, 15 min) before the runs`,
  );
  await benchLenetTraining(Number(values.runs ?? 5), Number(values.threads), Number(values.steps));
  if (!values['skip-kernels']) benchLenetKernels();
} else if (what === 'adversarial') {
  await benchAdversarial(values.results, Number(values.threads));
} else if (what === 'page') {
  await benchPage(Number(values.runs ?? 5), values.results);
} else if (what === 'sweep') {
  await benchSweep(Number(values.runs ?? 3));
} else {
  console.error(`bench: unknown benchmark '${what}' (known: svm, gemm, lenet, adversarial, page, sweep)`);
  process.exit(2);
}
