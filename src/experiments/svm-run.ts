// Solves one pair's λ path with the solver of the chosen loss and turns it into the validated artifact.
import type { BinaryPair } from '../data/pairs.js';
import { LOSSES, type TrainingLoss } from '../math/losses.js';
import { lambdaGrid, type SvmPath } from '../schema/artifacts.js';
import { type PathModel, SOLVERS } from '../solvers/registry.js';
import type { ResultsStore } from './store.js';
import { modelRecord, pathGeometry, svmPathArtifact } from './svm-path.js';

/** Solves the article's 81-λ path for a pair and returns the artifact; `onModel(c)` reports progress. */
export function computeSvmPath(
  pair: BinaryPair,
  dataset: string,
  loss: TrainingLoss,
  setting: { rows: number; cols: number; perClassRequested?: number },
  onModel: (c: number, model: PathModel) => void = () => {},
): { artifact: SvmPath; warnings: string[] } {
  const lambdas = lambdaGrid();
  const geometry = pathGeometry(pair.train, pair.test);
  const records: SvmPath['models'] = [];
  const warnings: string[] = [];
  const solver = SOLVERS[LOSSES[loss].pathSolver];
  const started = performance.now();
  solver.solvePath(pair.train, lambdas, {
    // exact kernel entries from the raw bytes, for the solvers that use them
    bytes: pair.train.bytes,
    onModel: (model, c) => {
      records.push(modelRecord(pair, geometry, c, model));
      if (model.warning)
        warnings.push(
          `${pair.classI}-${pair.classJ} ${loss} λ=${model.lambda.toExponential(2)}: ${model.warning}`,
        );
      onModel(c, model);
    },
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const artifact = svmPathArtifact(
    pair,
    dataset,
    loss,
    geometry,
    records,
    { name: solver.description, tolerance: solver.tolerance, wallSeconds },
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
