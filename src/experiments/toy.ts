// The toy problem's λ sweep (SPEC §2, figure 4), written as an artifact: the first and cheapest job of the
// main command. The page refits the current λ live with the same solvers; this file keeps the whole sweep,
// with each fit's certificate, for the static site and for anyone reading the numbers outside the page.
import { TRAINING_LOSSES } from '../math/losses.js';
import { toyTrainingSet } from '../math/toy.js';
import { ARTIFACT_VERSION } from '../schema/artifacts.js';
import { type ToyFitArtifact, toyFitFile } from '../schema/toy.js';
import { fitToy, TOY_LAMBDA_RANGE } from '../solvers/toy-fit.js';
import type { Job } from './job.js';

/** λ values of the sweep: `steps + 1` log-spaced over the slider's range, largest first. */
export function toyLambdas(steps = 100): number[] {
  const [low, high] = TOY_LAMBDA_RANGE;
  return Array.from({ length: steps + 1 }, (_, k) => high * (low / high) ** (k / steps));
}

/** Fits both losses at every λ of the sweep. */
export function toySweep(lambdas: number[] = toyLambdas()): ToyFitArtifact {
  const set = toyTrainingSet();
  return {
    schema: 'l2angle/toy-fit',
    version: ARTIFACT_VERSION,
    createdAt: new Date().toISOString(),
    points: Array.from({ length: set.n }, (_, k) => [set.x[2 * k], set.x[2 * k + 1]] as [number, number]),
    labels: Array.from(set.y, (y) => (y > 0 ? 1 : -1)),
    lambdas,
    fits: TRAINING_LOSSES.flatMap((loss) =>
      lambdas.map((lambda) => {
        const fit = fitToy(loss, lambda);
        return {
          loss,
          lambda,
          w: [fit.classifier.w[0], fit.classifier.w[1]] as [number, number],
          b: fit.classifier.b,
          theta: fit.theta,
          trainingError: fit.trainingError,
          noisyPointCorrect: fit.noisyPointCorrect,
          objective: fit.objective,
          optimality: fit.optimality,
          converged: fit.converged,
        };
      }),
    ),
  };
}

/** The toy sweep as a job of the main command (well under a second). */
export function toyJob(): Job {
  const artifact = toyFitFile();
  return {
    id: 'toy',
    study: 'toy',
    title: 'the toy problem: SVM and logistic fits across λ',
    artifacts: [artifact],
    isDone: (store) => store.has('l2angle/toy-fit', artifact),
    async run(store, progress) {
      progress(0, 1, 'fitting');
      store.write('l2angle/toy-fit', artifact, toySweep());
      progress(1, 1, 'done');
    },
  };
}
