// Beyond the article, linear models (1): adversarial training against ℓ2 perturbations of norm ε, beside
// weight decay. For one pair and loss: the λ path (the article's 81 λ), then at each requested λ the ε path of
// exact minimisers of F_ε (src/solvers/robust.ts), each model measured as the λ path's are (θ, d_adv, d_err,
// errors) and by its robust test error at every ε of the grid. One artifact per λ.
import { lambdaGrid } from '../article.js';
import type { BinaryPair } from '../data/pairs.js';
import { centroids, nearestCentroidDirection, tiltingAngle } from '../math/geometry.js';
import { LOSSES, type TrainingLoss } from '../math/losses.js';
import { type SparseRows, sparseRowDot, toSparseRows } from '../math/sparse.js';
import type { LabelledSet } from '../math/types.js';
import { distance, norm } from '../math/vector.js';
import { encodeFloat32 } from '../schema/encoding.js';
import { ROBUST_CSV_COLUMNS, type RobustArtifact, type RobustModelRecord } from '../schema/robust.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { type PathModel, SOLVERS } from '../solvers/registry.js';
import { collapseThreshold, type RobustModel, robustModels } from '../solvers/robust.js';
import type { ProgressCallback } from './job.js';

/** The measurements of one linear model (w = 0 has no θ, d_adv or d_err). */
interface Measured {
  normW: number;
  theta: number | null;
  dAdv: number | null;
  dErr: number | null;
  errTrain: number;
  errTest: number;
  robustErrCurve: number[];
}

/** Whether image r is misclassified by some perturbation of norm ≤ ε (x goes to J when s > 0). */
function robustlyWrong(y: number, s: number, shift: number): boolean {
  return y > 0 ? s - shift <= 0 : s + shift > 0;
}

function scoresOf(rows: SparseRows, w: Float64Array, b: number): Float64Array {
  const out = new Float64Array(rows.n);
  for (let r = 0; r < rows.n; r++) out[r] = sparseRowDot(rows, r, w) + b;
  return out;
}

function percentWrong(set: LabelledSet, s: Float64Array, shift: number): number {
  let wrong = 0;
  for (let r = 0; r < set.n; r++) if (robustlyWrong(set.y[r], s[r], shift)) wrong++;
  return (100 * wrong) / set.n;
}

/** What the pair's measurements share: ẑ and the images as sparse rows. */
interface PairRows {
  train: LabelledSet;
  test: LabelledSet;
  trainRows: SparseRows;
  testRows: SparseRows;
  zHat: Float64Array;
}

function measure(rows: PairRows, w: Float64Array, b: number, epsilons: readonly number[]): Measured {
  const normW = norm(w);
  const sTrain = scoresOf(rows.trainRows, w, b);
  const sTest = scoresOf(rows.testRows, w, b);
  let dAdv: number | null = null;
  let dErr: number | null = null;
  if (normW > 0) {
    let adv = 0;
    let err = 0;
    for (let r = 0; r < rows.train.n; r++) {
      const yd = (rows.train.y[r] * sTrain[r]) / normW;
      adv += yd;
      if (yd <= 0) err -= yd;
    }
    dAdv = adv / rows.train.n;
    dErr = err / rows.train.n;
  }
  return {
    normW,
    theta: normW > 0 ? tiltingAngle(w, rows.zHat) : null,
    dAdv,
    dErr,
    errTrain: percentWrong(rows.train, sTrain, 0),
    errTest: percentWrong(rows.test, sTest, 0),
    robustErrCurve: epsilons.map((e) => percentWrong(rows.test, sTest, e * normW)),
  };
}

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

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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
  const { i, j } = centroids(train);
  const rows: PairRows = {
    train,
    test,
    trainRows: toSparseRows(train.x, train.n, train.dim),
    testRows: toSparseRows(test.x, test.n, test.dim),
    zHat: nearestCentroidDirection(i, j),
  };
  const solver = SOLVERS[LOSSES[loss].pathSolver];
  const grid = lambdaGrid();
  const all = pathLambdas(lambdas);
  const total = all.length + lambdas.length * epsilons.length;
  let done = 0;
  const starts = new Map<number, PathModel>();
  const lambdaPath: RobustArtifact['lambdaPath'] = [];
  for (const model of solver.pathModels(train, all, { bytes: train.bytes })) {
    if (!model.converged) warn(`${loss} λ path, λ = ${model.lambda}: ${model.warning ?? 'not converged'}`);
    const c = grid.indexOf(model.lambda);
    if (c >= 0) {
      const m = measure(rows, model.w, model.b, epsilons);
      lambdaPath.push({
        c,
        lambda: model.lambda,
        normW: m.normW,
        theta: m.theta ?? 0,
        dAdv: m.dAdv ?? 0,
        errTrain: m.errTrain,
        errTest: m.errTest,
        robustErrCurve: m.robustErrCurve,
      });
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
