// `l2angle early-stopping`: plain gradient descent on the unregularised logistic risk of one pair, recorded
// at log-spaced steps beside the λ paths (resumes from its checkpoint when interrupted).
import type { Command } from 'commander';
import { EARLY_STOPPING, PER_CLASS } from '../../article.js';
import { selectPair } from '../../data/pairs.js';
import {
  clearEarlyStoppingCheckpoint,
  computeEarlyStopping,
  earlyStoppingCsv,
} from '../../experiments/early-stopping.js';
import { lockFolder } from '../../experiments/lock.js';
import { ResultsStore, writeFileAtomic } from '../../experiments/store.js';
import { earlyStoppingFile } from '../../schema/early-stopping.js';
import { addDataOptions, type DataOptions, loadFromOptions } from '../data-options.js';
import { parsePair, parsePositiveInt } from '../options.js';
import { createProgress } from '../progress.js';

interface EarlyStoppingOptions extends DataOptions {
  pair: string;
  steps: string;
  csv?: string;
  perClass: string;
  threads: string;
}

/** The most steps `--steps` accepts (10⁸ steps are days of computing). */
const MOST_STEPS = 100_000_000;

/** Registers the `early-stopping` command. */
export function registerEarlyStopping(program: Command): void {
  addDataOptions(
    program
      .command('early-stopping')
      .summary('gradient descent on unregularised logistic regression: θ(t) beside θ(λ)')
      .description(
        'Runs plain gradient descent (w = 0, b = 0 at the start; fixed step 1/L, L the Lipschitz constant of ' +
          'the gradient; free bias) on the unregularised logistic risk of a pair, and records at about eight ' +
          'steps per decade ‖w‖, θ, d_adv, the errors, the angle to the λ → 0 hinge model and the λ of the ' +
          'logistic model with the same θ. Checkpoints every 15 s: an interrupted run resumes. Writes ' +
          '<results>/early-stopping/.',
      )
      .option('--pair <I,J>', 'the two classes, smaller first', EARLY_STOPPING.pair.join(','))
      .option('--steps <n>', 'gradient steps', String(EARLY_STOPPING.steps))
      .option('--csv <file>', 'write one row per recorded step as CSV to this file')
      .option('--threads <n>', 'threads for the gradient: 1 or 2 (the images split in halves)', '2')
      .option(
        '--per-class <n>',
        'training images per class (the first ones in file order)',
        String(PER_CLASS),
      ),
  ).action(async (options: EarlyStoppingOptions, command: Command) => {
    const [classI, classJ] = parsePair(options.pair);
    const steps = parsePositiveInt('--steps', options.steps, MOST_STEPS);
    const perClass = parsePositiveInt('--per-class', options.perClass);
    const threads = parsePositiveInt('--threads', options.threads, 2);
    const store = new ResultsStore(command.optsWithGlobals().results);
    const data = loadFromOptions(options);
    const pair = selectPair(data, classI, classJ, perClass);
    const file = earlyStoppingFile(data.name, classI, classJ);
    lockFolder(store.root, 'l2angle early-stopping');
    const partial = store.pathOf(file.replace(/\.json$/, '.partial.json'));
    const progress = createProgress(`${classI}-${classJ} early stopping`, 1);
    const artifact = await computeEarlyStopping(
      pair,
      data.name,
      steps,
      partial,
      (done, total, status) => progress.update(done, status, total),
      15_000,
      threads,
    );
    progress.stop();
    const path = store.write('l2angle/early-stopping', file, artifact);
    clearEarlyStoppingCheckpoint(partial);
    const last = artifact.records[artifact.records.length - 1];
    const first = artifact.records[0];
    process.stdout.write(
      `${classI}-${classJ}: ${steps} steps of ${artifact.stepSize.toPrecision(3)} in ${artifact.wallSeconds.toFixed(1)} s; ` +
        `θ ${first.theta.toFixed(4)} → ${last.theta.toFixed(4)} rad (hinge λ → 0: ${artifact.hardMargin.theta.toFixed(4)}), ` +
        `angle to it ${first.angleToHardMargin.toFixed(4)} → ${last.angleToHardMargin.toFixed(4)} rad, ‖w‖ = ${last.normW.toFixed(2)}` +
        (last.lambdaOfEqualTheta === null ? '' : `, like λ = ${last.lambdaOfEqualTheta.toExponential(2)}`) +
        '\n',
    );
    if (options.csv) {
      writeFileAtomic(options.csv, earlyStoppingCsv(artifact.records));
      process.stdout.write(`wrote ${options.csv}\n`);
    }
    process.stdout.write(`wrote ${path}\n`);
  });
}
