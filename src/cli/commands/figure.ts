// `l2angle figure`: figures as standalone SVG files, drawn from the artifacts in the results folder.
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { mirrorFigureSvg } from '../../experiments/mirror-figure.js';
import { ResultsStore, writeFileAtomic } from '../../experiments/store.js';
import { TRAINING_LOSSES } from '../../math/losses.js';
import { svmPathFile } from '../../schema/artifacts.js';
import { parseChoice, parsePair } from '../options.js';

interface FigureOptions {
  pair: string;
  loss: string;
  dataset: string;
  out: string;
}

/** Registers the `figure` command. */
export function registerFigure(program: Command): void {
  program
    .command('figure')
    .summary('draw a figure as SVG from computed results (for now: mirror images of a pair)')
    .description(
      'Writes an SVG of a representative image x of class I and its mirror images x_m through the boundary ' +
        'of the most (λ = 100) and the least (λ = 1e-6) regularised models of a pair: with strong ' +
        'regularisation x_m looks like the other class; with weak regularisation it still looks like x. ' +
        'Needs the pair’s path in the results folder (`l2angle svm --pair I,J`).',
    )
    .option('--pair <I,J>', 'the pair', '7,9')
    .option('--loss <loss>', TRAINING_LOSSES.join(' or '), TRAINING_LOSSES[0])
    .option('--dataset <name>', 'dataset name of the results', 'mnist')
    .requiredOption('--out <file>', 'the SVG file to write')
    .action((options: FigureOptions, command: Command) => {
      const [i, j] = parsePair(options.pair);
      const loss = parseChoice('--loss', options.loss, TRAINING_LOSSES);
      const store = new ResultsStore(command.optsWithGlobals().results);
      const file = svmPathFile(options.dataset, i, j, loss);
      const path = store.read('l2angle/svm-path', file);
      if (!path) {
        throw new InputError(
          `${store.pathOf(file)}: no such result yet; compute it with \`l2angle svm --pair ${i},${j} --loss ${loss}\``,
        );
      }
      writeFileAtomic(options.out, mirrorFigureSvg(path));
      process.stdout.write(`wrote ${options.out}\n`);
    });
}
