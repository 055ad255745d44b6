// `l2angle nn`: the neural-network studies of SPEC §4. `--study local-linearity` trains 2-layer ReLU networks
// of a digit pair against weight decay and measures their local geometry (with its own flags); the other
// choices are the studies' registry's entries marked `nn`, run with the article's settings.

import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { ATTACK_IMAGES, PER_CLASS } from '../../article.js';
import { selectPair } from '../../data/pairs.js';
import { UsageError } from '../../errors.js';
import {
  DEFAULT_WEIGHT_DECAYS,
  isSweepDone,
  type LocalLinearityOptions,
  runLocalLinearity,
} from '../../experiments/local-linearity.js';
import { lockFolder } from '../../experiments/lock.js';
import { ResultsStore } from '../../experiments/store.js';
import { STUDIES } from '../../experiments/studies.js';
import { DENSE_DEFAULTS } from '../../nn/dense-training.js';
import { loadKernels } from '../../nn/kernels.js';
import { DATASET_NAMES, type DatasetName } from '../../schema/datasets.js';
import type { LocalLinearity } from '../../schema/nn-artifacts.js';
import { localLinearityFile } from '../../schema/nn-artifacts.js';
import { addDataOptions, type DataOptions, loadFromOptions, resolveDataFiles } from '../data-options.js';
import {
  isDecimal,
  MOST_EPOCHS,
  MOST_THREADS,
  parseChoice,
  parsePair,
  parsePositiveInt,
  parseSeed,
} from '../options.js';
import { createProgress, type Progress } from '../progress.js';
import { runJobs } from '../run-jobs.js';

/** The studies `nn --study` runs (the registry's, in its order); `all` runs them in this order. */
export const NN_STUDIES = [...STUDIES.filter((s) => s.nn).map((s) => s.id), 'all'];

interface NnOptions extends DataOptions {
  study: string;
  pair: string;
  hidden: string;
  seed: string;
  perClass: string;
  epochs: string;
  weightDecays?: string;
  attackImages: string;
  threads?: string;
  force?: boolean;
}

/** Parses `--weight-decays 0,1e-4,0.1`: numbers ≥ 0. */
function parseWeightDecays(text: string): number[] {
  const values = text.split(',').map((part) => part.trim());
  const numbers = values.map(Number);
  if (values.some((v) => !isDecimal(v)) || numbers.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new UsageError(
      `--weight-decays ${text}: expected numbers ≥ 0 separated by commas, e.g. 0,1e-3,0.1`,
    );
  }
  return numbers;
}

/** Registers `nn`. */
export function registerNn(program: Command): void {
  addDataOptions(
    program
      .command('nn')
      .summary('neural-network studies: local linearity of 2-layer ReLU nets, LeNet, adversarial examples')
      .description(
        '--study local-linearity trains, for each weight decay λ, a 2-layer network s(x) = W2 ReLU(W1 x + b1) + b2 on ' +
          'a pair of classes (pixels on the 0..1 scale; softplus loss; momentum SGD with MatConvNet’s decay on W1, ' +
          'W2) and records, over the training images, the local scale ‖∇ₓs‖, y·d(x) with d = s/‖∇ₓs‖, the local ' +
          'd_adv and θ(x) against the nearest-centroid direction, then attacks test images across the boundary. ' +
          'Finished models are kept, so an interrupted run resumes. --study lenet trains the article’s two LeNets; ' +
          '--study adversarial computes their targeted adversarial examples; --study seeds trains both again with ' +
          'seeds 1 and 2 and attacks them (the spread a difference between the two must beat, about an hour on 2 ' +
          'cores); --study all runs the four.',
      )
      .requiredOption('--study <name>', `the study: ${NN_STUDIES.join(', ')}`)
      .option('--pair <I,J>', 'local-linearity: the two classes, smaller first (class I has y = −1)', '7,9')
      .option('--hidden <n>', 'local-linearity: hidden ReLU units', '100')
      .option(
        '--seed <s>',
        "seed of the weights, shuffles and attacked images (local-linearity; the article's LeNets use 0)",
        '0',
      )
      .option(
        '--per-class <n>',
        'local-linearity: training images per class (the first in file order)',
        String(PER_CLASS),
      )
      .option('--epochs <n>', 'local-linearity: epochs per network', String(DENSE_DEFAULTS.epochs))
      .option(
        '--weight-decays <list>',
        `local-linearity: λ values (default ${DEFAULT_WEIGHT_DECAYS.join(',')})`,
      )
      .option(
        '--attack-images <n>',
        'local-linearity: test images attacked per network',
        String(ATTACK_IMAGES),
      )
      .option(
        '--threads <n>',
        'local-linearity: networks trained at once, one per thread (default: every core; the same models)',
      )
      .option('--force', 'recompute even when the results folder already has the study'),
  ).action(async (options: NnOptions, command: Command) => {
    const study = parseChoice('--study', options.study, NN_STUDIES);
    const seed = parseSeed(options.seed);
    if (seed !== 0 && study !== 'local-linearity') {
      // the article's LeNets live in fixed folders and are trained with seed 0; a silent mix would mislead
      throw new UsageError(
        `--seed ${options.seed}: the article's LeNets (--study ${study}) use seed 0; ` +
          'train one with another seed by `l2angle train lenet --seed S --out DIR`',
      );
    }
    const store = new ResultsStore(command.optsWithGlobals().results);
    // check every flag before any long computation starts
    const sweep =
      study === 'local-linearity' || study === 'all' ? localLinearityOptions(options, seed) : undefined;
    const dataset = study === 'local-linearity' ? 'mnist' : namedDataset(options, study);
    lockFolder(store.root, `l2angle nn --study ${study}`);
    if (sweep) await localLinearity(options, sweep, store, Boolean(options.force));
    for (const entry of STUDIES) {
      if (!entry.nn || entry.id === 'local-linearity' || (study !== entry.id && study !== 'all')) continue;
      await runJobs(entry.jobs(dataset), store);
    }
  });
}

/** The registry's dataset that the LeNet studies run on: a named one (their folders are named after it). */
function namedDataset(options: NnOptions, study: string): DatasetName {
  if (options.trainImages ?? options.trainLabels ?? options.testImages ?? options.testLabels) {
    throw new UsageError(
      `--train-images and the other idx files: --study ${study} runs on a named dataset (--dataset ` +
        `${DATASET_NAMES.join(' or ')}); train a LeNet on your own files with \`l2angle train lenet --train-images … --out DIR\``,
    );
  }
  const { name } = resolveDataFiles(options);
  return name as DatasetName;
}

function localLinearityOptions(
  options: NnOptions,
  seed: number,
): { pair: [number, number]; perClass: number; threads: number; study: LocalLinearityOptions } {
  return {
    pair: parsePair(options.pair),
    perClass: parsePositiveInt('--per-class', options.perClass),
    threads:
      options.threads === undefined
        ? availableParallelism()
        : parsePositiveInt('--threads', options.threads, MOST_THREADS),
    study: {
      hidden: parsePositiveInt('--hidden', options.hidden),
      epochs: parsePositiveInt('--epochs', options.epochs, MOST_EPOCHS),
      seed,
      attackImages: parsePositiveInt('--attack-images', options.attackImages),
      weightDecays: options.weightDecays === undefined ? undefined : parseWeightDecays(options.weightDecays),
    },
  };
}

async function localLinearity(
  options: NnOptions,
  { pair: [classI, classJ], perClass, threads, study }: ReturnType<typeof localLinearityOptions>,
  store: ResultsStore,
  force: boolean,
): Promise<void> {
  const data = loadFromOptions(options);
  const pair = selectPair(data, classI, classJ, perClass);
  const file = localLinearityFile(data.name, classI, classJ);
  const path = store.pathOf(file);
  const id = { dataset: data.name, classI, classJ, perClass: pair.perClass };
  if (!force && isSweepDone(store, file, id, study)) {
    process.stdout.write(`${path} is already done with these settings (--force recomputes it)\n`);
    return;
  }
  store.removeStaleTemps();
  const kernels = loadKernels();
  const models = (study.weightDecays ?? DEFAULT_WEIGHT_DECAYS).length;
  let bar: Progress | undefined;
  const artifact = await runLocalLinearity(
    pair,
    data.name,
    kernels,
    store,
    file,
    study,
    (done, total, status) => {
      bar ??= createProgress(`local linearity ${classI}-${classJ}, ${models} networks`, total);
      bar.update(done, status);
    },
    threads,
  );
  bar?.stop();
  process.stdout.write(summaryTable(artifact));
  process.stdout.write(`${models} networks in ${artifact.wallSeconds.toFixed(1)} s → ${path}\n`);
}

/** One line per weight decay: the numbers the article's argument rests on. */
export function summaryTable(artifact: LocalLinearity): string {
  const median = artifact.quantileLevels.indexOf(0.5);
  const header =
    'λ          err_train  err_test  median‖∇s‖  median y·d  d_adv    median θ  attacked  median ‖δ‖ (0..255)\n';
  const rows = artifact.models.map((m) => {
    const cells = [
      m.weightDecay.toExponential(1).padEnd(10),
      `${m.errTrain.toFixed(2)} %`.padStart(9),
      `${m.errTest.toFixed(2)} %`.padStart(9),
      m.localScale.quantiles[median].toFixed(3).padStart(11),
      m.signedDistance.quantiles[median].toFixed(3).padStart(11),
      (m.dAdv ?? Number.NaN).toFixed(3).padStart(7),
      m.theta.quantiles[median].toFixed(3).padStart(9),
      `${m.attack.successRate.toFixed(0)} %`.padStart(9),
      (m.attack.normQuantiles?.[median] ?? Number.NaN).toFixed(1).padStart(11),
    ];
    return `${cells.join(' ')}\n`;
  });
  return header + rows.join('');
}
