// `l2angle train lenet`: trains the article's LeNet (SPEC §4) into a folder, with a checkpoint after every
// epoch; the same command again resumes.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import {
  CHECKPOINT_FILE,
  checkLenetData,
  LENET_DEFAULTS,
  METRICS_FILE,
  trainLenet,
} from '../../experiments/lenet-training.js';
import { lockFolder } from '../../experiments/lock.js';
import { DEFAULT_LENET_CONVENTION, LENET_CONVENTION_NAMES, LENET_CONVENTIONS } from '../../nn/conventions.js';
import { addDataOptions, type DataOptions, loadFromOptions } from '../data-options.js';
import {
  MOST_EPOCHS,
  MOST_THREADS,
  parseChoice,
  parseNonNegative,
  parsePositiveInt,
  parseSeed,
} from '../options.js';
import { createProgress, type Progress } from '../progress.js';

interface TrainOptions extends DataOptions {
  weightDecay: string;
  epochs: string;
  trainLimit?: string;
  seed: string;
  out: string;
  threads?: string;
  convention: string;
}

/** Registers `train`. */
export function registerTrain(program: Command): void {
  addDataOptions(
    program
      .command('train')
      .summary('train the article’s LeNet with SGD + momentum + weight decay, resumable')
      .description(
        'Trains LeNet (conv 5×5 1→20, pool, conv 5×5 20→50, pool, fc 800→500, ReLU, fc 500→10) on 0..255 pixels ' +
          'minus the training mean image, with MatConvNet’s update v ← 0.9v − λW − g, W ← W + 0.0005v, batches of ' +
          '300 shuffled each epoch, weights from N(0, 0.01²); by default the decay reaches the biases too, as in ' +
          'MatConvNet’s cnn_train.m (--convention pytorch decays the weights only). After every epoch it writes DIR/checkpoint.l2net and ' +
          'DIR/metrics.json (train loss, train error %, test error %, weight RMS per layer); running the same ' +
          'command again resumes from the checkpoint. The article uses --weight-decay 1e-4 (LeNet_low) and 1e-1 ' +
          '(LeNet_high).',
      )
      .argument('<network>', 'the network to train: lenet')
      .requiredOption('--out <dir>', 'folder for the checkpoint and metrics.json (created if missing)')
      .option(
        '--weight-decay <λ>',
        'weight decay λ (on the weights; on the biases too under --convention matconvnet)',
        '1e-4',
      )
      .option(
        '--convention <name>',
        `how weight decay is applied: ${LENET_CONVENTION_NAMES.map((n) => `${n} (${LENET_CONVENTIONS[n].decayBiases ? 'weights and biases' : 'weights only'})`).join(' or ')}`,
        DEFAULT_LENET_CONVENTION,
      )
      .option(
        '--epochs <n>',
        'epochs in total (a resumed run continues up to this)',
        String(LENET_DEFAULTS.epochs),
      )
      .option('--train-limit <n>', 'train on the first N training images only (default: all)')
      .option('--seed <s>', 'seed of the initial weights and of the shuffles', '0')
      .option('--threads <n>', 'worker threads (default: every core, at most 2 are used well)'),
  ).action(async (network: string, options: TrainOptions) => {
    parseChoice('network', network, ['lenet']);
    const weightDecay = parseNonNegative('--weight-decay', options.weightDecay);
    const epochs = parsePositiveInt('--epochs', options.epochs, MOST_EPOCHS);
    const trainLimit =
      options.trainLimit === undefined ? null : parsePositiveInt('--train-limit', options.trainLimit);
    const seed = parseSeed(options.seed);
    const convention = parseChoice('--convention', options.convention, LENET_CONVENTION_NAMES);
    const threads =
      options.threads === undefined
        ? Math.min(2, availableParallelism())
        : parsePositiveInt('--threads', options.threads, MOST_THREADS);
    const data = loadFromOptions(options);
    const settings = {
      seed,
      weightDecay,
      convention,
      learningRate: LENET_DEFAULTS.learningRate,
      momentum: LENET_DEFAULTS.momentum,
      batchSize: LENET_DEFAULTS.batchSize,
      trainLimit,
    };
    let bar: Progress | undefined;
    checkLenetData(data);
    lockFolder(options.out, 'l2angle train lenet', '--out');
    try {
      await trainLenet({
        data,
        settings,
        epochs,
        threads,
        dir: options.out,
        onResume(done) {
          if (done >= epochs) {
            process.stdout.write(
              `l2angle: ${options.out} already has ${done} epoch(s) (asked for ${epochs}); nothing to do\n`,
            );
          } else if (done > 0) {
            process.stdout.write(
              `l2angle: resuming ${options.out}/${CHECKPOINT_FILE} after epoch ${done} of ${epochs}\n`,
            );
          }
        },
        onProgress(p) {
          bar ??= createProgress('train lenet', p.totalBatches);
          bar.update(
            p.done,
            `epoch ${p.epoch}/${p.epochs} · ${Math.round(p.imagesPerSecond)} img/s · loss ${p.loss.toFixed(4)}`,
          );
        },
        onEpoch(record) {
          bar?.stop();
          bar = undefined;
          process.stdout.write(
            `epoch ${record.epoch}: train loss ${record.trainLoss.toFixed(4)}, train error ${record.trainError.toFixed(2)} %, ` +
              `test error ${record.testError.toFixed(2)} % (${Math.round(record.imagesPerSecond)} img/s)\n`,
          );
        },
      });
    } finally {
      // a running bar's timer would keep a failed command alive after its error line
      bar?.stop();
    }
    process.stdout.write(
      `l2angle: ${options.out}/${METRICS_FILE} and ${options.out}/${CHECKPOINT_FILE} are up to date\n`,
    );
  });
}
