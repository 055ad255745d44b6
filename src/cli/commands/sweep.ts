// `l2angle sweep` and `l2angle worker`: grids of study runs, on this machine's pool by default, or on a
// BullMQ queue in Redis that workers on any number of machines take cells from.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { allPairs } from '../../article.js';
import { UsageError } from '../../errors.js';
import { lockFolder } from '../../experiments/lock.js';
import { ResultsStore } from '../../experiments/store.js';
import { expandGrid, GRID_DEFAULTS, type GridOptions } from '../../experiments/sweep/cells.js';
import { writeLenetSummary } from '../../experiments/sweep/lenet-summary.js';
import { runSweepLocally } from '../../experiments/sweep/local.js';
import { enqueueSweep, runWorker } from '../../experiments/sweep/queue.js';
import { TRAINING_LOSSES, type TrainingLoss } from '../../math/losses.js';
import { DATASET_NAMES, type DatasetName } from '../../schema/datasets.js';
import { lenetSweepFile } from '../../schema/lenet-sweep.js';
import { SWEEP_STUDIES } from '../../schema/sweep.js';
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

interface SweepOptions {
  study: string;
  dataset: string;
  pairs?: string;
  loss: string;
  weightDecays?: string;
  seeds: string;
  epochs?: string;
  trainLimit?: string;
  perClass: string;
  attackImages: string;
  threads?: string;
  queue?: string;
}

/** A comma-separated list of flag values, each parsed; an empty list is a usage error. */
function list<T>(flag: string, text: string, parse: (part: string) => T): T[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError(`${flag} ${text}: give at least one value`);
  return parts.map(parse);
}

function parseDecays(text: string): number[] {
  return list('--weight-decays', text, (part) => {
    const v = Number(part);
    if (!isDecimal(part) || !(v >= 0) || !Number.isFinite(v)) {
      throw new UsageError(
        `--weight-decays ${text}: expected numbers ≥ 0 separated by commas, e.g. 1e-4,1e-1`,
      );
    }
    return v;
  });
}

function threadsOf(text: string | undefined): number {
  return text === undefined
    ? availableParallelism()
    : parsePositiveInt('--threads', text, Math.min(MOST_THREADS, availableParallelism() * 4));
}

/** The grid the flags describe, every value checked before anything runs. */
export function gridOptions(options: SweepOptions): GridOptions {
  const study = parseChoice('--study', options.study, SWEEP_STUDIES);
  const datasets = list('--dataset', options.dataset, (d) =>
    parseChoice('--dataset', d, DATASET_NAMES),
  ) as DatasetName[];
  const pairsText = options.pairs ?? (study === 'svm' ? 'all' : '7-9');
  const pairs = pairsText.trim() === 'all' ? allPairs() : list('--pairs', pairsText, (p) => parsePair(p));
  const losses = list('--loss', options.loss, (l) =>
    parseChoice('--loss', l, TRAINING_LOSSES),
  ) as TrainingLoss[];
  const threads = threadsOf(options.threads);
  return {
    study,
    datasets,
    pairs,
    losses,
    weightDecays: options.weightDecays === undefined ? undefined : parseDecays(options.weightDecays),
    seeds: list('--seeds', options.seeds, parseSeed),
    epochs:
      options.epochs === undefined ? undefined : parsePositiveInt('--epochs', options.epochs, MOST_EPOCHS),
    trainLimit:
      options.trainLimit === undefined ? null : parsePositiveInt('--train-limit', options.trainLimit),
    perClass: parsePositiveInt('--per-class', options.perClass),
    attackImages: parsePositiveInt('--attack-images', options.attackImages),
    // a LeNet uses at most two threads, and its result is reproducible per thread count
    threads: threads >= 2 ? 2 : 1,
  };
}

/** Registers `sweep` and `worker`. */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .summary('a grid of study runs (svm, local-linearity, lenet), here or on workers through Redis')
    .description(
      'Expands the flags into a grid of cells, one study run each with every setting resolved, named by a ' +
        'hash of its settings: a rerun computes only the missing cells. svm: pair × loss × dataset (exact ' +
        'λ paths); local-linearity: pair × dataset × seed (2-layer networks across the weight decays); lenet: ' +
        'dataset × weight decay × seed (a LeNet and its adversarial study). Without --queue the cells run on ' +
        'this machine. With --queue they go to a BullMQ queue in that Redis, workers (`l2angle worker`) run ' +
        'them, and this command collects each finished cell into <results>/sweeps/<cell>/ and exits when all ' +
        'are there. Ctrl-C leaves the queue as it is; running the same command again picks it up.',
    )
    .requiredOption('--study <name>', `the study: ${SWEEP_STUDIES.join(', ')}`)
    .option('--dataset <list>', `datasets: ${DATASET_NAMES.join(', ')}`, 'mnist')
    .option(
      '--pairs <list|all>',
      'class pairs, e.g. 7-9,0-1, or all (svm default: all; local-linearity: 7-9)',
    )
    .option('--loss <list>', `svm: losses (${TRAINING_LOSSES.join(', ')})`, TRAINING_LOSSES.join(','))
    .option(
      '--weight-decays <list>',
      `lenet: one network per value (default ${GRID_DEFAULTS.lenetDecays.join(',')}); local-linearity: the ` +
        `sweep's values (default ${GRID_DEFAULTS.denseDecays.join(',')})`,
    )
    .option('--seeds <list>', 'seeds (lenet, local-linearity)', '0')
    .option(
      '--epochs <n>',
      `epochs (lenet default ${GRID_DEFAULTS.lenetEpochs}, local-linearity ${GRID_DEFAULTS.denseEpochs})`,
    )
    .option('--train-limit <n>', 'lenet: train on the first N training images only (default: all)')
    .option(
      '--per-class <n>',
      'svm, local-linearity: training images per class',
      String(GRID_DEFAULTS.perClass),
    )
    .option(
      '--attack-images <n>',
      'lenet: test images of the adversarial study',
      String(GRID_DEFAULTS.attackImages),
    )
    .option('--threads <n>', 'threads on this machine (default: every core; a LeNet uses at most 2)')
    .option('--queue <url>', 'a Redis URL, e.g. redis://127.0.0.1:6379: run the cells on workers')
    .action(async (options: SweepOptions, command: Command) => {
      const grid = gridOptions(options);
      const cells = expandGrid(grid);
      const store = new ResultsStore(command.optsWithGlobals().results);
      lockFolder(store.root, `l2angle sweep --study ${grid.study}`);
      store.removeStaleTemps();
      let bar: Progress | undefined;
      const progress = (done: number, total: number, status: string) => {
        bar ??= createProgress(`sweep ${grid.study}`, total);
        bar.update(done, status, total);
      };
      const started = Date.now();
      try {
        const { computed, skipped } = options.queue
          ? await enqueueSweep(options.queue, cells, store, progress)
          : await runSweepLocally(cells, store, { threads: threadsOf(options.threads), progress });
        bar?.stop();
        if (grid.study === 'lenet') {
          for (const dataset of grid.datasets) {
            const n = writeLenetSummary(store, dataset);
            if (n > 0)
              process.stdout.write(
                `  ${n} ${dataset} networks summed up in ${store.pathOf(lenetSweepFile(dataset))}\n`,
              );
          }
        }
        process.stdout.write(
          `sweep ${grid.study}: ${cells.length} cells (${computed} computed${options.queue ? ' by workers' : ''}, ` +
            `${skipped} done already) in ${((Date.now() - started) / 1000).toFixed(1)} s → ${store.pathOf('sweeps')}\n`,
        );
      } finally {
        bar?.stop();
      }
    });

  program
    .command('worker')
    .summary('take sweep cells from a Redis queue and run them (one machine of many)')
    .description(
      'Connects to the BullMQ queue in that Redis and runs cells until stopped (Ctrl-C lets the current ' +
        'cell be retried by another worker). A LeNet cell sends its checkpoint to Redis after every epoch, ' +
        'so a cell whose worker was killed resumes from its last epoch on whichever worker retries it. ' +
        'Files are computed in <results>/sweeps/ on this machine and travel back through Redis.',
    )
    .requiredOption('--queue <url>', 'the Redis URL, e.g. redis://10.0.0.5:6379')
    .option(
      '--threads <n>',
      'threads for a cell (default: every core; a LeNet cell trains on its own 1 or 2)',
    )
    .action(async (options: { queue: string; threads?: string }, command: Command) => {
      const store = new ResultsStore(command.optsWithGlobals().results);
      const threads = threadsOf(options.threads);
      const worker = await runWorker(options.queue, store, {
        threads,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(
        `worker: waiting for cells on ${options.queue} (${threads} threads); Ctrl-C stops\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.close();
    });
}
