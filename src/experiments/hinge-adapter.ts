// Runs the exact hinge-SVM path solver on a pair and reports its models in the common SolvedModel shape.
import type { BinaryPair } from '../data/pairs.js';
import { solveHingePath } from '../solvers/hinge-path.js';
import type { SolvedModel } from './svm-path.js';

/** Solves the hinge path of a pair (exact kernel entries from the raw bytes); `accept` sees each model. */
export function solveHingePathModels(
  pair: BinaryPair,
  lambdas: number[],
  tolerance: number,
  accept: (model: SolvedModel, c: number) => void,
): void {
  solveHingePath(pair.train, lambdas, {
    tolerance,
    bytes: pair.train.bytes,
    onModel: (m, c) =>
      accept(
        {
          lambda: m.lambda,
          w: m.w,
          b: m.b,
          objective: m.objective,
          gap: m.gap,
          optimality: m.kktViolation,
          iterations: m.iterations,
          converged: m.converged,
          ...(m.warning ? { warning: m.warning } : {}),
        },
        c,
      ),
  });
}
