// `l2angle svm`: the exact λ path of one pair (with --csv) or of all 45 pairs into the results folder.

import type { Command } from 'commander';
import { LAMBDA_COUNT, PER_CLASS } from '../../article.js';
import { loadDataset, openDataset } from '../../data/dataset.js';
import { selectPair } from '../../data/pairs.js';
import { UsageError } from '../../errors.js';
import { canLoadWorkers } from '../../experiments/compiled.js';
import { allPairs } from '../../experiments/geometry.js';
import { startPathSolver } from '../../experiments/path-solver-thread.js';
import type { ResultsStore } from '../../experiments/store.js';
import { defaultWorkers, runPool } from '../../experiments/svm-pool.js';
import type { PathJob } from '../../experiments/svm-worker.js';
import { TRAINING_LOSSES, type TrainingLoss } from '../../math/losses.js';
import type { SvmPath } from '../../schema/artifacts.js';
import type { PathModel } from '../../solvers/registry.js';
import { addDataOptions, type DataOptions, resolveDataFiles } from '../data-options.js';
import { MOST_THREADS, parseChoice, parsePair, parsePositiveInt } from '../options.js';
import { createProgress } from '../progress.js';

interface SvmOptions extends DataOptions {
  pair?: string;
  all?: boolean;
  loss: string;
  csv?: string;
  perClass: string;
  workers?: string;
}

const MODELS_PER_PATH = LAMBDA_COUNT;

/** Registers the `svm` command. */
export function registerSvm(program: Command): void {
  addDataOptions(
    program
      .command('svm')
      .summary('exact L2 SVM (hinge) or logistic (softplus) paths over the article’s 81 λ values')
      .description(
        'Trains, for λ_c = 10^(2 − 0.1c), c = 0..80, the exact minimiser of (1/n) Σ f(y(w·x + b)) + λ‖w‖² ' +
          '(bias not regularised) on a pair of classes: the first --per-class training images of each class, ' +
          'pixels on the 0..1 scale. --pair I,J solves one pair (--csv writes its 81 rows); --all solves the ' +
          '45 pairs on worker threads into <results>/svm/, skipping pairs already done, so an interrupted run ' +
          'resumes.',
      )
      .option('--pair <I,J>', 'the two classes, smaller first (class I has y = −1), e.g. 7,9')
      .option('--all', 'all 45 pairs into the results folder (resumable)')
      .option('--loss <loss>', `training loss: ${TRAINING_LOSSES.join(' or ')}`, 'hinge')
      .option('--csv <file>', 'with --pair: write the 81 models as CSV to this file')
      .option(
        '--per-class <n>',
        'training images per class (the first ones in file order)',
        String(PER_CLASS),
      )
      .option(
        '--workers <n>',
        'threads: with --all, pairs at once; with --pair, 2 or more solve beside the measuring thread, which takes part of the solver’s long passes between models (default: every core)',
      ),
  ).action(async (options: SvmOptions, command: Command) => {
    const loss: TrainingLoss = parseChoice('--loss', options.loss, TRAINING_LOSSES);
    const perClass = parsePositiveInt('--per-class', options.perClass);
    if (Boolean(options.all) === (options.pair !== undefined))
      throw new UsageError('svm: give either --pair I,J or --all');
    if (options.all && options.csv)
      throw new UsageError('--csv goes with --pair: --all writes into the results folder');
    const workers =
      options.workers === undefined
        ? defaultWorkers()
        : parsePositiveInt('--workers', options.workers, MOST_THREADS);
    const results: string = command.optsWithGlobals().results;
    if (options.pair !== undefined) {
      await solveOnePair(options, parsePair(options.pair), loss, perClass, results, workers);
    } else {
      await solveAllPairs(options, loss, perClass, workers, await openStore(results));
    }
  });
}

/**
 * The results folder's store. The modules behind it (the artifact schemas, about a tenth of a second to load)
 * are loaded here, after `--pair` has started its solver thread.
 */
async function openStore(results: string): Promise<ResultsStore> {
  const { ResultsStore } = await import('../../experiments/store.js');
  return new ResultsStore(results);
}

async function solveOnePair(
  options: SvmOptions,
  [classI, classJ]: [number, number],
  loss: TrainingLoss,
  perClass: number,
  results: string,
  workers: number,
): Promise<void> {
  const { name, files } = resolveDataFiles(options);
  // the solver on a second thread, started before anything else loads, so that its start-up and loading
  // overlap this thread's; this one then measures its models: the same bits as on one thread
  // this thread also computes part of the solver's long passes between the models it measures
  const job = { files, dataset: name, classI, classJ, perClass, loss, sharePasses: true };
  const thread = workers > 1 && canLoadWorkers() ? startPathSolver(job) : undefined;
  let store: ResultsStore;
  let run: typeof import('../../experiments/svm-run.js');
  try {
    store = await openStore(results);
    run = await import('../../experiments/svm-run.js');
  } catch (error) {
    await thread?.worker.terminate();
    throw error;
  }
  const [{ writeFileAtomic }, { svmPathCsv }, { svmPathFile }] = await Promise.all([
    import('../../experiments/store.js'),
    import('../../experiments/svm-path.js'),
    import('../../schema/artifacts.js'),
  ]);
  let progress: ReturnType<typeof createProgress> | undefined;
  const load = () => {
    // only the pair's images are read from raw files
    const data = openDataset(files, name);
    const pair = selectPair(data, classI, classJ, perClass);
    // the bar once the data has loaded: a bad file gets its one line, with no bar above it
    progress = createProgress(`${classI}-${classJ} ${loss}`, MODELS_PER_PATH);
    return { pair, setting: { rows: data.train.rows, cols: data.train.cols, perClassRequested: perClass } };
  };
  const report = (c: number, model: PathModel) =>
    progress?.update(c + 1, `λ=${model.lambda.toExponential(1)} iterations ${model.iterations}`);
  let computed: { artifact: SvmPath; warnings: string[] };
  if (thread) {
    computed = await run.computeSvmPathBesideSolver(thread, job, load, report);
  } else {
    const { pair, setting } = load();
    computed = run.computeSvmPath(pair, name, loss, setting, report);
  }
  const { artifact, warnings } = computed;
  progress?.stop();
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const path = store.write('l2angle/svm-path', svmPathFile(name, classI, classJ, loss), artifact);
  const last = artifact.models[artifact.models.length - 1];
  process.stdout.write(
    `${classI}-${classJ} ${loss}: ${artifact.models.length} models in ${artifact.solver.wallSeconds.toFixed(2)} s; ` +
      `at λ = ${last.lambda.toExponential(0)}: θ = ${last.theta.toFixed(4)} rad, d_adv = ${last.dAdv.toFixed(4)}, ` +
      `train error ${last.errTrain.toFixed(2)} %, test error ${last.errTest.toFixed(2)} %\n`,
  );
  if (options.csv) {
    writeFileAtomic(options.csv, svmPathCsv(artifact.models));
    process.stdout.write(`wrote ${options.csv}\n`);
  }
  process.stdout.write(`wrote ${path}\n`);
}

async function solveAllPairs(
  options: SvmOptions,
  loss: TrainingLoss,
  perClass: number,
  workers: number,
  store: ResultsStore,
): Promise<void> {
  const { name, files } = resolveDataFiles(options);
  // load once here too: a bad file fails now with one clear line, before any thread starts
  loadDataset(files, name);
  const [{ lockFolder }, { isPathDone }, { svmPathFile }] = await Promise.all([
    import('../../experiments/lock.js'),
    import('../../experiments/svm-run.js'),
    import('../../schema/artifacts.js'),
  ]);
  lockFolder(store.root, 'l2angle svm --all');
  store.removeStaleTemps();
  const jobs: PathJob[] = [];
  let skipped = 0;
  for (const [classI, classJ] of allPairs()) {
    if (isPathDone(store, svmPathFile(name, classI, classJ, loss), perClass)) skipped++;
    else jobs.push({ classI, classJ, loss, dataset: name, files, perClass, results: store.root });
  }
  if (skipped > 0) process.stdout.write(`${skipped} of 45 pairs already done in ${store.root}: skipped\n`);
  if (jobs.length === 0) return;
  const started = performance.now();
  const progress = createProgress(`svm ${loss}`, jobs.length * MODELS_PER_PATH);
  let models = 0;
  let finished = 0;
  await runPool(jobs, workers, {
    onModel() {
      progress.update(++models, `${finished}/${jobs.length} pairs`);
    },
    onDone(job, message) {
      finished++;
      progress.update(
        models,
        `${finished}/${jobs.length} pairs (last ${job.classI}-${job.classJ}: ${message.seconds.toFixed(1)} s)`,
      );
      for (const warning of message.warnings) process.stderr.write(`\nwarning: ${warning}\n`);
    },
  });
  progress.stop();
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${jobs.length} pairs (${loss}) in ${seconds.toFixed(1)} s on ${Math.min(workers, jobs.length)} workers → ${store.pathOf('svm')}\n`,
  );
}
