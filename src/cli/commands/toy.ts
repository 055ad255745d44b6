// `l2angle toy`: the toy problem of the article (SPEC §2) in the terminal: mirror images as L_θ tilts, and
// exact SVM / logistic-regression fits on the training set with one noisy point, across λ.
import type { Command } from 'commander';
import { TRAINING_LOSSES, type TrainingLoss } from '../../math/losses.js';
import { TOY_NOISY_POINT, toyPoint, toyPointImages } from '../../math/toy.js';
import { distance } from '../../math/vector.js';
import { fitToy, TOY_LAMBDA_RANGE } from '../../solvers/toy-fit.js';
import { parseChoice, parsePositiveNumber } from '../options.js';

interface ToyOptions {
  loss: string;
  lambda?: string;
}

function mirrorTable(): string {
  const x = toyPoint(-0.6, 0);
  const lines = [
    'mirror image of x = (a, b) = (−0.6, 0) through L_θ (θ in units of π):',
    '  θ/π     x_m            ‖x_m − x‖',
  ];
  for (const t of [0, 0.125, 0.25, 0.375, 0.45, 0.49, 0.499]) {
    const { xm } = toyPointImages(x, t * Math.PI);
    lines.push(
      `  ${t.toFixed(3)}  (${xm[0].toFixed(3).padStart(6)}, ${xm[1].toFixed(3).padStart(6)})  ${distance(x, xm).toFixed(4)}`,
    );
  }
  return lines.join('\n');
}

function fitTable(losses: TrainingLoss[], lambdas: number[]): string {
  const [pa, pb] = TOY_NOISY_POINT;
  const lines = [
    `fits on the training set with the noisy point p = (${pa}, ${pb}) of class J:`,
    '  loss      λ         θ (rad)  ‖w‖       b         train err %  p correct',
  ];
  for (const loss of losses) {
    for (const lambda of lambdas) {
      const fit = fitToy(loss, lambda);
      const normW = Math.hypot(fit.classifier.w[0], fit.classifier.w[1]);
      lines.push(
        `  ${loss.padEnd(9)} ${lambda.toExponential(1).padEnd(9)} ${fit.theta.toFixed(4).padStart(7)}  ` +
          `${normW.toFixed(3).padStart(8)}  ${fit.classifier.b.toFixed(4).padStart(8)}  ` +
          `${fit.trainingError.toFixed(2).padStart(11)}  ${fit.noisyPointCorrect ? 'yes' : 'no'}` +
          `${fit.converged ? '' : '  (not converged)'}`,
      );
    }
  }
  return lines.join('\n');
}

/** Registers the `toy` command. */
export function registerToy(program: Command): void {
  program
    .command('toy')
    .summary('the toy problem: mirror images as the boundary tilts, and SVM / logistic fits across λ')
    .description(
      'Images are two-valued pictures (a central square of value a, a background of value b); class I has ' +
        'a in [−1, −0.2], class J a in [0.2, 1], both with b = 0. Prints the mirror image of a point through ' +
        'the line L_θ as θ grows, then exact hinge-SVM and logistic-regression fits (free bias) on the training ' +
        'set with one noisy point p: small λ tilts the boundary to classify p (θ near π/2), large λ keeps θ ' +
        'near 0.',
    )
    .option('--loss <loss>', `${TRAINING_LOSSES.join(', ')} or both`, 'both')
    .option('--lambda <λ>', 'one λ instead of the sweep over 1e-6 … 1e-1')
    .action((options: ToyOptions) => {
      const choice = parseChoice('--loss', options.loss, [...TRAINING_LOSSES, 'both'] as const);
      const losses: TrainingLoss[] = choice === 'both' ? [...TRAINING_LOSSES] : [choice];
      const [low, high] = TOY_LAMBDA_RANGE;
      const steps = 10;
      const lambdas =
        options.lambda !== undefined
          ? [parsePositiveNumber('--lambda', options.lambda)]
          : Array.from({ length: steps + 1 }, (_, k) => high * (low / high) ** (k / steps));
      process.stdout.write(`${mirrorTable()}\n\n${fitTable(losses, lambdas)}\n`);
    });
}
