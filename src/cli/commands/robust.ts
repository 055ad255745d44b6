// `l2angle robust`: adversarial training of one pair against ℓ2 perturbations, exactly, along an ε grid at
// one λ (with --csv, one row per ε), beside the ordinary λ path.
import type { Command } from 'commander';
import { PER_CLASS, ROBUST_TRAINING } from '../../article.js';
import { selectPair } from '../../data/pairs.js';
import { computeRobust, robustCsv } from '../../experiments/robust.js';
import { ResultsStore, writeFileAtomic } from '../../experiments/store.js';
import { TRAINING_LOSSES, type TrainingLoss } from '../../math/losses.js';
import { robustFile } from '../../schema/robust.js';
import { addDataOptions, type DataOptions, loadFromOptions } from '../data-options.js';
import { parseChoice, parseEpsilons, parsePair, parsePositiveInt, parsePositiveNumber } from '../options.js';
import { createProgress } from '../progress.js';

interface RobustOptions extends DataOptions {
  pair: string;
  loss: string;
  lambda: string;
  epsilons: string;
  csv?: string;
  perClass: string;
}

const { start, step, stop } = ROBUST_TRAINING.epsilons;

/** Registers the `robust` command. */
export function registerRobust(program: Command): void {
  addDataOptions(
    program
      .command('robust')
      .summary('adversarial training against ℓ2 perturbations of norm ε, solved exactly along an ε grid')
      .description(
        'Trains, at each ε of --epsilons, the exact minimiser of F_ε(w, b) = (1/n) Σ f(y(w·x + b) − ε‖w‖) + λ‖w‖² ' +
          '(the loss under the worst perturbation of norm ε; bias not regularised) on a pair of classes, ' +
          'warm-started from the ordinary λ path’s model at the same λ (the ε = 0 row). Every model carries ' +
          'F_ε’s duality gap. Beyond ε* = ½‖j − i‖ the constant classifier w = 0 is optimal: its θ, d_adv and ' +
          'd_err do not exist and their CSV cells are empty. Writes <results>/robust/.',
      )
      .requiredOption('--pair <I,J>', 'the two classes, smaller first (class I has y = −1), e.g. 7,9')
      .option('--loss <loss>', `training loss: ${TRAINING_LOSSES.join(' or ')}`, 'hinge')
      .option('--lambda <λ>', 'the weight decay λ of F_ε', String(ROBUST_TRAINING.lambdas[0]))
      .option(
        '--epsilons <grid>',
        'the ε values: START:STEP:STOP (inclusive) or a comma list, ascending, on the 0..1 pixel scale',
        `${start}:${step}:${stop}`,
      )
      .option('--csv <file>', 'write one row per ε as CSV to this file')
      .option(
        '--per-class <n>',
        'training images per class (the first ones in file order)',
        String(PER_CLASS),
      ),
  ).action(async (options: RobustOptions, command: Command) => {
    const [classI, classJ] = parsePair(options.pair);
    const loss: TrainingLoss = parseChoice('--loss', options.loss, TRAINING_LOSSES);
    const lambda = parsePositiveNumber('--lambda', options.lambda);
    const epsilons = parseEpsilons(options.epsilons);
    const perClass = parsePositiveInt('--per-class', options.perClass);
    const store = new ResultsStore(command.optsWithGlobals().results);
    const data = loadFromOptions(options);
    const pair = selectPair(data, classI, classJ, perClass);
    const progress = createProgress(`${classI}-${classJ} ${loss} robust`, 1);
    const warnings: string[] = [];
    const [artifact] = await computeRobust(
      pair,
      data.name,
      loss,
      [lambda],
      epsilons,
      (done, total, status) => progress.update(done, status, total),
      (message) => warnings.push(message),
    );
    progress.stop();
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    const path = store.write('l2angle/robust', robustFile(data.name, classI, classJ, loss, lambda), artifact);
    const solved = artifact.models.filter((m) => !m.collapsed);
    const last = solved[solved.length - 1];
    const collapsed = artifact.models.length - solved.length;
    process.stdout.write(
      `${classI}-${classJ} ${loss}, λ = ${lambda}: ${artifact.models.length} ε in ${artifact.solver.wallSeconds.toFixed(2)} s; ` +
        (last
          ? `at ε = ${last.epsilon}: θ = ${last.theta?.toFixed(4)} rad, d_adv = ${last.dAdv?.toFixed(4)}, ` +
            `train error ${last.errTrain.toFixed(2)} %, robust test error ${last.robustErrTest.toFixed(2)} %; `
          : '') +
        `largest gap ${Math.max(...artifact.models.map((m) => m.gap)).toExponential(1)}\n`,
    );
    if (collapsed > 0) {
      process.stdout.write(
        `${collapsed} ε ≥ ε* = ½‖j − i‖ = ${artifact.collapseThreshold.toFixed(4)}: the optimum there is w = 0 ` +
          '(θ, d_adv and d_err left empty)\n',
      );
    }
    if (options.csv) {
      writeFileAtomic(options.csv, robustCsv(artifact.models));
      process.stdout.write(`wrote ${options.csv}\n`);
    }
    process.stdout.write(`wrote ${path}\n`);
  });
}
