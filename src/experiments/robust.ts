// Beyond the article, linear models (1): adversarial training against ℓ2 perturbations of norm ε, beside
// weight decay. For one pair and loss: the λ path (the article's 81 λ), then at each requested λ the ε path of
// exact minimisers of F_ε (src/solvers/robust.ts), each model measured as the λ path's are (θ, d_adv, d_err,
// errors) and by its robust test error at every ε of the grid. One artifact per λ.
import { epsilonGrid, lambdaGrid, PER_CLASS, ROBUST_TRAINING } from '../article.js';
import { openDataset } from '../data/dataset.js';
import { type BinaryPair, selectPair } from '../data/pairs.js';
import { datasetFiles } from '../data/sources.js';
import { LOSSES, type TrainingLoss } from '../math/losses.js';
import { distance } from '../math/vector.js';
import { type DatasetName, pairLabel } from '../schema/datasets.js';
import { encodeFloat32 } from '../schema/encoding.js';
import {
  ROBUST_CSV_COLUMNS,
  type RobustArtifact,
  type RobustModelRecord,
  robustFile,
} from '../schema/robust.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { type PathModel, SOLVERS } from '../solvers/registry.js';
import { collapseThreshold, type RobustModel, robustModels } from '../solvers/robust.js';
import { type Job, type ProgressCallback, yieldToEventLoop } from './job.js';
import { type Measured, measure, pairRows, pathPoint } from './linear-measure.js';
import { solverKernels } from './solver-kernels.js';

function modelRecord(model: RobustModel, m: Measured, epsilons: readonly number[]): RobustModelRecord {
  const own = epsilons.indexOf(model.epsilon);
  return {
    epsilon: model.epsilon,
    lambda: model.lambda,
    normW: m.normW,
    bias: model.b,
    theta: m.theta,
    dAdv: m.dAdv,
    dErr: m.dErr,
    errTrain: m.errTrain,
    errTest: m.errTest,
    robustErrTest: m.robustErrCurve[own] ?? 0,
    objective: model.objective,
    gap: model.gap,
    measure: model.measure,
    optimality: model.optimality,
    iterations: model.iterations,
    converged: model.converged,
    collapsed: model.collapsed,
    ...(model.equivalentLambda !== undefined ? { equivalentLambda: model.equivalentLambda } : {}),
    w: encodeFloat32(model.w),
    robustErrCurve: m.robustErrCurve,
  };
}

/** The λ values to solve: the article's grid, with any requested λ that is not on it put in its place. */
function pathLambdas(lambdas: readonly number[]): number[] {
  const grid = lambdaGrid();
  const extra = lambdas.filter((l) => !grid.some((g) => Math.abs(g - l) <= 1e-12 * l));
  return [...grid, ...extra].sort((a, b) => b - a);
}

/**
 * Solves the λ path and, at each λ of `lambdas`, the ε path of `epsilons` (ascending, starting at 0 or not),
 * and returns one artifact per λ. Yields to the event loop between models, so a server stays responsive.
 */
export async function computeRobust(
  pair: BinaryPair,
  dataset: string,
  loss: TrainingLoss,
  lambdas: readonly number[],
  epsilons: readonly number[],
  progress: ProgressCallback = () => {},
  warn: (message: string) => void = () => {},
): Promise<RobustArtifact[]> {
  const started = performance.now();
  const { train, test } = pair;
  const rows = pairRows(pair);
  const { i, j } = rows;
  const solver = SOLVERS[LOSSES[loss].pathSolver];
  const grid = lambdaGrid();
  const all = pathLambdas(lambdas);
  const total = all.length + lambdas.length * epsilons.length;
  let done = 0;
  const starts = new Map<number, PathModel>();
  const lambdaPath: RobustArtifact['lambdaPath'] = [];
  for (const model of solver.pathModels(train, all, { bytes: train.bytes, ...solverKernels() })) {
    if (!model.converged) warn(`${loss} λ path, λ = ${model.lambda}: ${model.warning ?? 'not converged'}`);
    const c = grid.indexOf(model.lambda);
    if (c >= 0) {
      const m = measure(rows, model.w, model.b, epsilons);
      lambdaPath.push({ c, ...pathPoint(model.lambda, m), robustErrCurve: m.robustErrCurve });
    }
    for (const l of lambdas) if (Math.abs(l - model.lambda) <= 1e-12 * l) starts.set(l, model);
    progress(++done, total, `λ path: λ = ${model.lambda.toExponential(1)}`);
    await yieldToEventLoop();
  }
  const pathSeconds = (performance.now() - started) / 1000;
  const threshold = collapseThreshold(train);
  const artifacts: RobustArtifact[] = [];
  for (const lambda of lambdas) {
    const t0 = performance.now();
    const start = starts.get(lambda);
    if (!start) throw new Error(`robust: the λ path has no model at λ = ${lambda}`);
    const models: RobustModelRecord[] = [];
    for (const model of robustModels(train, loss, lambda, epsilons, start, { bytes: train.bytes })) {
      if (!model.converged)
        warn(`${loss} λ = ${lambda}, ε = ${model.epsilon}: ${model.warning ?? 'not converged'}`);
      models.push(modelRecord(model, measure(rows, model.w, model.b, epsilons), epsilons));
      progress(++done, total, `λ = ${lambda.toExponential(0)}: ε = ${model.epsilon}`);
      await yieldToEventLoop();
    }
    artifacts.push({
      schema: 'l2angle/robust',
      version: ARTIFACT_VERSION,
      dataset,
      classI: pair.classI,
      classJ: pair.classJ,
      loss,
      lambda,
      perClass: pair.perClass,
      nTrain: train.n,
      nTest: test.n,
      createdAt: new Date().toISOString(),
      solver: {
        description:
          loss === 'hinge'
            ? 'the ordinary SVM at the λ where F_ε is stationary (false position on log λ), rescaled; gap of F_ε'
            : 'Newton-CG on F_ε (Cholesky-factor preconditioned), gradient norm ≤ 1e-8; gap of F_ε',
        wallSeconds: pathSeconds + (performance.now() - t0) / 1000,
      },
      centroidDistance: distance(i, j),
      collapseThreshold: threshold,
      epsilons: [...epsilons],
      models,
      lambdaPath,
    });
  }
  return artifacts;
}

/** A CSV cell: empty for a value that does not exist (θ of w = 0). */
function cell(value: number | null): string {
  return value === null ? '' : String(value);
}

/** The `--csv` table of an ε path: the contract header, then one row per ε (errors in %). */
export function robustCsv(models: readonly RobustModelRecord[]): string {
  const rows = models.map((m) =>
    [
      m.epsilon,
      m.lambda,
      m.normW,
      m.bias,
      m.theta,
      m.dAdv,
      m.dErr,
      m.errTrain,
      m.errTest,
      m.robustErrTest,
      m.objective,
      m.gap,
      m.iterations,
    ]
      .map(cell)
      .join(','),
  );
  return `${ROBUST_CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}

/** The study's job for one loss: the pair and λ values of `ROBUST_TRAINING`, one artifact per λ. */
export function robustJob(loss: TrainingLoss, dataset: DatasetName = 'mnist'): Job {
  const [classI, classJ] = ROBUST_TRAINING.pair;
  const lambdas = [...ROBUST_TRAINING.lambdas];
  const artifacts = lambdas.map((l) => robustFile(dataset, classI, classJ, loss, l));
  const { start, step, stop } = ROBUST_TRAINING.epsilons;
  return {
    id: `robust:${dataset}:${loss}`,
    study: 'robust',
    title: `adversarial training of the ${LOSSES[loss].model} on ${pairLabel(dataset, classI, classJ)} at λ = ${lambdas.join(' and ')}`,
    artifacts,
    isDone: (store) => artifacts.every((a) => store.has('l2angle/robust', a)),
    async run(store, progress, warn) {
      const pair = selectPair(openDataset(datasetFiles(dataset), dataset), classI, classJ, PER_CLASS);
      const results = await computeRobust(
        pair,
        dataset,
        loss,
        lambdas,
        epsilonGrid(start, step, stop),
        progress,
        warn,
      );
      for (const [k, artifact] of results.entries()) store.write('l2angle/robust', artifacts[k], artifact);
    },
  };
}
