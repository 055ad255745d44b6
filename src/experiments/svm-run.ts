// Solves one pair's λ path with the solver of the chosen loss and turns it into the validated artifact.
import type { BinaryPair } from '../data/pairs.js';
import type { TrainingLoss } from '../math/losses.js';
import { lambdaGrid, type SvmPath } from '../schema/artifacts.js';
import { solveHingePath } from '../solvers/hinge-path.js';
import { solveLogisticPath } from '../solvers/logistic-path.js';
import type { ResultsStore } from './store.js';
import { modelRecord, pathGeometry, type SolvedModel, svmPathArtifact } from './svm-path.js';

/** Tolerances we solve to: libsvm's KKT rule tightened for hinge; an absolute gradient norm for softplus. */
export const SOLVER_TOLERANCE: Record<TrainingLoss, number> = { hinge: 1e-6, softplus: 1e-8 };

/** The common shape of a solved model, from any solver's model and its optimality measures. */
export function solvedModel(
  m: Pick<SolvedModel, 'lambda' | 'w' | 'b' | 'objective' | 'iterations' | 'converged' | 'warning'>,
  gap: number,
  optimality: number,
): SolvedModel {
  const { lambda, w, b, objective, iterations, converged, warning } = m;
  return { lambda, w, b, objective, gap, optimality, iterations, converged, ...(warning ? { warning } : {}) };
}

/** Solves the article's 81-λ path for a pair and returns the artifact; `onModel(c)` reports progress. */
export function computeSvmPath(
  pair: BinaryPair,
  dataset: string,
  loss: TrainingLoss,
  setting: { rows: number; cols: number; perClassRequested?: number },
  onModel: (c: number, model: SolvedModel) => void = () => {},
): { artifact: SvmPath; warnings: string[] } {
  const lambdas = lambdaGrid();
  const geometry = pathGeometry(pair.train, pair.test);
  const records: SvmPath['models'] = [];
  const warnings: string[] = [];
  const tolerance = SOLVER_TOLERANCE[loss];
  const started = performance.now();
  const accept = (model: SolvedModel, c: number) => {
    records.push(modelRecord(pair, geometry, c, model));
    if (model.warning)
      warnings.push(
        `${pair.classI}-${pair.classJ} ${loss} λ=${model.lambda.toExponential(2)}: ${model.warning}`,
      );
    onModel(c, model);
  };
  if (loss === 'softplus') {
    solveLogisticPath(pair.train, lambdas, {
      tolerance,
      onModel: (m, c) => accept(solvedModel(m, 0, m.gradientNorm), c),
    });
  } else {
    // exact kernel entries from the raw bytes
    solveHingePath(pair.train, lambdas, {
      tolerance,
      bytes: pair.train.bytes,
      onModel: (m, c) => accept(solvedModel(m, m.gap, m.kktViolation), c),
    });
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const name =
    loss === 'hinge'
      ? 'primal-dual active-set Newton on the dual (free bias); feasible active-set and SMO fallbacks'
      : 'Newton-CG (Jacobi, then Cholesky-factor preconditioned)';
  const artifact = svmPathArtifact(
    pair,
    dataset,
    loss,
    geometry,
    records,
    { name, tolerance, wallSeconds },
    { rows: setting.rows, cols: setting.cols },
    setting.perClassRequested ?? pair.perClass,
  );
  return { artifact, warnings };
}

/**
 * True when a path's artifact is valid and was computed with the same number of training images per class
 * asked for (another value is another experiment: it is recomputed, not reused).
 */
export function isPathDone(store: ResultsStore, file: string, perClassRequested: number): boolean {
  try {
    return store.read('l2angle/svm-path', file)?.perClassRequested === perClassRequested;
  } catch {
    return false;
  }
}
