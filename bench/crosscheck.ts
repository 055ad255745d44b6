// `npm run crosscheck`: our exact λ paths against scikit-learn (libsvm's SVC and lbfgs logistic regression)
// at every λ of the article's grid, on a few pairs; prints the worst differences. Outside CI (minutes).
//   npm run crosscheck -- [--pairs 7-9,0-1] [--loss hinge|softplus|both]
//   npm run crosscheck -- lenet [--steps 20] [--decay 1e-4]   (LeNet against PyTorch, bench/crosscheck-lenet.ts)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/dataset.js';
import { type BinaryPair, selectPair } from '../src/data/pairs.js';
import { mnistFiles } from '../src/data/sources.js';
import { computeSvmPath } from '../src/experiments/svm-run.js';
import type { TrainingLoss } from '../src/math/losses.js';
import { lambdaGrid } from '../src/schema/artifacts.js';
import { pythonWith } from './python.js';

interface Reference {
  lambda: number;
  theta: number;
  d_adv: number;
  err_train: number;
  err_test: number;
  objective: number;
  seconds: number;
}

function writeProblem(pair: BinaryPair, dir: string): string {
  const prefix = join(dir, `pair-${pair.classI}-${pair.classJ}`);
  const labels = (y: Float64Array) => Int8Array.from(y);
  writeFileSync(`${prefix}.train.u8`, pair.train.bytes);
  writeFileSync(`${prefix}.test.u8`, pair.test.bytes);
  writeFileSync(`${prefix}.train.y`, labels(pair.train.y));
  writeFileSync(`${prefix}.test.y`, labels(pair.test.y));
  writeFileSync(`${prefix}.json`, JSON.stringify({ dim: pair.train.dim, lambdas: lambdaGrid(), tol: 1e-3 }));
  return prefix;
}

function reference(
  python: string,
  prefix: string,
  loss: TrainingLoss,
): { rows: Reference[]; seconds: number } {
  const script = new URL('./sklearn_paths.py', import.meta.url).pathname;
  const run = spawnSync(python, [script, prefix, loss], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`sklearn reference failed: ${run.stderr}`);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const total = lines.pop() as { total_seconds: number };
  return { rows: lines as Reference[], seconds: total.total_seconds };
}

if (process.argv[2] === 'lenet') {
  // the neural-network engine against PyTorch: a module of its own
  await import('./crosscheck-lenet.js');
} else {
  crosscheckSvm();
}

function crosscheckSvm(): void {
  const { values } = parseArgs({
    options: { pairs: { type: 'string', default: '7-9,0-1,3-5' }, loss: { type: 'string', default: 'both' } },
  });
  const pairs = values.pairs.split(',').map((p) => p.split('-').map(Number) as [number, number]);
  const losses: TrainingLoss[] =
    values.loss === 'both' ? ['hinge', 'softplus'] : [values.loss as TrainingLoss];
  const python = pythonWith(['sklearn', 'numpy'], ['python3-sklearn']);
  const data = loadDataset(mnistFiles(), 'mnist');
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-crosscheck-'));
  try {
    console.log(
      'pair loss      max|Δθ| (rad)  max|Δd_adv|  max|Δerr_train| %  max|Δerr_test| %  rel Δobjective*  ours s  sklearn s',
    );
    for (const [i, j] of pairs) {
      const pair = selectPair(data, i, j, 3000);
      const prefix = writeProblem(pair, dir);
      for (const loss of losses) {
        const ours = computeSvmPath(pair, 'mnist', loss, { rows: 28, cols: 28 }).artifact;
        const theirs = reference(python, prefix, loss);
        let dTheta = 0;
        let dAdv = 0;
        let dTrain = 0;
        let dTest = 0;
        let dObjective = 0;
        let worstC = 0;
        for (const [c, m] of ours.models.entries()) {
          const r = theirs.rows[c];
          if (Math.abs(m.theta - r.theta) > dTheta) worstC = c;
          dTheta = Math.max(dTheta, Math.abs(m.theta - r.theta));
          dAdv = Math.max(dAdv, Math.abs(m.dAdv - r.d_adv));
          dTrain = Math.max(dTrain, Math.abs(m.errTrain - r.err_train));
          dTest = Math.max(dTest, Math.abs(m.errTest - r.err_test));
          // signed: positive when sklearn's model has a higher objective (is further from the optimum) than ours
          const relative = (r.objective - m.objective) / Math.abs(m.objective);
          if (Math.abs(relative) > Math.abs(dObjective)) dObjective = relative;
        }
        console.log(
          `${i}-${j}  ${loss.padEnd(9)} ${dTheta.toExponential(2).padStart(13)}  ${dAdv.toExponential(2).padStart(11)}  ` +
            `${dTrain.toFixed(3).padStart(17)}  ${dTest.toFixed(3).padStart(16)}  ${dObjective.toExponential(2).padStart(18)}  ` +
            `${ours.solver.wallSeconds.toFixed(1).padStart(6)}  ${theirs.seconds.toFixed(1).padStart(9)}  (max |Δθ| at c = ${worstC})`,
        );
      }
    }
    console.log(
      '* (sklearn − ours)/|ours| of L(w, b) with the largest magnitude: positive means ours is lower, i.e. closer to the optimum',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
