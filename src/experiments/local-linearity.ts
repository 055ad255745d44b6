// Experiment 1 (and 5) of issue 6: the local linearity of a 2-layer ReLU network against weight decay
// (SPEC §4). For each weight decay λ a network s(x) = W2 φ(W1 x + b1) + b2 is trained on a digit pair, and
// over its training images we measure the local scale ‖∇ₓs‖ (the analogue of ‖w‖), the local signed distance
// y·d(x) = y s(x)/‖∇ₓs‖ (the distance to the boundary of the local linear classifier at x), the local d_adv
// and the local tilting angle θ(x) = arccos(∇ₓs·ẑ/‖∇ₓs‖) against the nearest-centroid direction ẑ. Then the
// binary attack pushes test images across the boundary. The finished models are kept in a partial file, so
// an interrupted sweep resumes where it stopped.
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { LOCAL_LINEARITY_PAIR, PER_CLASS } from '../article.js';
import { openDataset } from '../data/dataset.js';
import { type BinaryPair, selectPair } from '../data/pairs.js';
import { datasetFiles } from '../data/sources.js';
import { InputError } from '../errors.js';
import { QUANTILE_LEVELS } from '../math/statistics.js';
import { BINARY_DEFAULTS } from '../nn/attack.js';
import { DenseEngine } from '../nn/dense-engine.js';
import { type Kernels, loadKernels } from '../nn/kernels.js';
import { ARTIFACT_VERSION } from '../schema/artifacts.js';
import { type DatasetName, datasetLabel, pairLabel } from '../schema/datasets.js';
import {
  type LocalLinearity,
  type LocalLinearityModel,
  localLinearityFile,
  localLinearitySchema,
} from '../schema/nn-artifacts.js';
import { sweepModel, sweepSetup } from './local-linearity-model.js';

export { binaryTemperature } from './local-linearity-model.js';

import {
  isSweepDone,
  LOCAL_LINEARITY_BINS,
  type LocalLinearityOptions,
  partialPath,
  partialSchema,
  type SweepProgress,
  sweepKey,
  withDefaults,
} from './local-linearity-settings.js';

export {
  DEFAULT_WEIGHT_DECAYS,
  isSweepDone,
  LOCAL_LINEARITY_BINS,
  type LocalLinearityOptions,
  partialPath,
  type SweepIdentity,
  type SweepProgress,
} from './local-linearity-settings.js';

import type { Job } from './job.js';
import { sweepOnThreads } from './local-linearity-threads.js';
import { type ResultsStore, writeFileAtomic } from './store.js';

/**
 * Runs the sweep on a pair (x on the 0..1 scale) with the wasm kernels and writes the validated artifact into
 * the results as `file`; finished models go to `partialPath(file)` as they come, and a run with the same
 * settings resumes from them; `threads` worker threads train networks at once (the same models). Returns the
 * artifact.
 */
export async function runLocalLinearity(
  pair: BinaryPair,
  dataset: string,
  kernels: Kernels,
  store: ResultsStore,
  file: string,
  options: LocalLinearityOptions = {},
  progress?: SweepProgress,
  threads = 1,
): Promise<LocalLinearity> {
  const o = withDefaults(options);
  const key = sweepKey(pair, dataset, o);
  const partial = store.pathOf(partialPath(file));
  let resumed: LocalLinearityModel[] = [];
  try {
    const saved = partialSchema.parse(JSON.parse(readFileSync(partial, 'utf8')));
    if (saved.key === key) resumed = saved.models;
  } catch {
    // no partial file, or one from other settings: start afresh
  }
  const artifact = await localLinearityStudy(
    pair,
    dataset,
    kernels,
    o,
    progress,
    resumed,
    (models) => {
      // validated like the artifact: a NaN would become null in JSON and the partial be thrown away later
      const checked = partialSchema.safeParse({ key, models });
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new InputError(
          `local-linearity sweep: model ${issue.path.join('.')} is not valid (${issue.message}); the finished models are kept in ${partial}`,
        );
      }
      writeFileAtomic(partial, JSON.stringify(checked.data));
    },
    threads,
  );
  store.write('l2angle/local-linearity', file, artifact);
  rmSync(partial, { force: true });
  return artifact;
}

/**
 * The sweep's artifact value: one network per weight decay (trained from the same seed), its errors, the
 * distributions over the training images of ‖∇ₓs‖, y·d(x) and θ(x), and the binary attack on test images.
 * `resumed` models (finished earlier, matched by weight decay) are reused; `onModel` sees the finished models
 * after each one. On one thread it yields to the event loop after every epoch, so a server running it keeps
 * streaming progress; with `threads` > 1 the networks are trained on that many worker threads at once (each
 * network on one thread, so the models are the same bits either way).
 */
export async function localLinearityStudy(
  pair: BinaryPair,
  dataset: string,
  kernels: Kernels,
  options: LocalLinearityOptions = {},
  progress?: SweepProgress,
  resumed: readonly LocalLinearityModel[] = [],
  onModel?: (models: LocalLinearityModel[]) => void,
  threads = 1,
): Promise<LocalLinearity> {
  const started = performance.now();
  const o = withDefaults(options);
  const { train, test } = pair;
  const setup = sweepSetup(pair, o);
  const { testIndex, budgets, normBins, centroidDistance } = setup;
  const attackCount = testIndex.length;

  const units = o.epochs + 1;
  const total = o.weightDecays.length * units;
  const slots: Array<LocalLinearityModel | undefined> = o.weightDecays.map((weightDecay) =>
    resumed.find((m) => m.weightDecay === weightDecay),
  );
  const finished = () => slots.filter((m): m is LocalLinearityModel => m !== undefined);
  const doneUnits = new Array<number>(slots.length).fill(0);
  const report = (m: number, unitsDone: number, status: string) => {
    doneUnits[m] = unitsDone;
    progress?.(
      doneUnits.reduce((a, b) => a + b, 0),
      total,
      status,
    );
  };
  const todo: number[] = [];
  for (const [m, weightDecay] of o.weightDecays.entries()) {
    if (slots[m] !== undefined) report(m, units, `λ = ${weightDecay}: resumed`);
    else todo.push(m);
  }
  const store = (m: number, model: LocalLinearityModel) => {
    slots[m] = model;
    onModel?.(finished());
    report(m, units, `λ = ${o.weightDecays[m]}: done`);
  };
  const lanes = Math.max(1, Math.min(threads, todo.length));
  if (lanes === 1) {
    const engine = new DenseEngine(kernels, train.dim, o.hidden, o.batchSize);
    for (const m of todo) {
      const weightDecay = o.weightDecays[m];
      const model = await sweepModel(
        pair,
        setup,
        engine,
        o,
        weightDecay,
        async (epoch, loss) => {
          report(m, epoch, `λ = ${weightDecay}: epoch ${epoch}/${o.epochs}, loss ${loss.toFixed(4)}`);
          await new Promise((resolve) => setImmediate(resolve));
        },
        () => report(m, o.epochs, `λ = ${weightDecay}: attacking ${attackCount} test images`),
      );
      store(m, model);
    }
  } else {
    await sweepOnThreads(pair, o, todo, lanes, {
      progress: (m, unitsDone, status) => report(m, unitsDone, status),
      model: store,
    });
  }

  const value: LocalLinearity = {
    schema: 'l2angle/local-linearity',
    version: ARTIFACT_VERSION,
    dataset,
    classI: pair.classI,
    classJ: pair.classJ,
    perClass: pair.perClass,
    nTrain: train.n,
    nTest: test.n,
    inputs: train.dim,
    hidden: o.hidden,
    training: {
      loss: 'softplus',
      learningRate: o.learningRate,
      momentum: o.momentum,
      batchSize: o.batchSize,
      epochs: o.epochs,
      seed: o.seed,
      initialisation: 'W1 ~ N(0, 2/inputs), W2 ~ N(0, 1/hidden), biases 0 (the same draw for every λ)',
      update:
        'v ← μv − λW − g, W ← W + ηv with g the batch-mean gradient of ln(1 + e^(−y s)); λ on W1 and W2 only; ' +
        'batches in a seeded shuffle per epoch',
    },
    centroidDistance,
    quantileLevels: [...QUANTILE_LEVELS],
    bins: LOCAL_LINEARITY_BINS,
    attack: {
      rule:
        `${attackCount} test images drawn without replacement with seed ${o.seed}; x′ ← clip_[0,1](x′ + g/(255‖g‖)), ` +
        'g = ∇ σ(−y s/t) with t calibrated on the test set, until σ(−y s/t) ≥ 0.95 or the step cap',
      testIndex,
      stepSize: BINARY_DEFAULTS.stepSize,
      maxSteps: o.attackMaxSteps,
      confidence: BINARY_DEFAULTS.confidence,
      budgets,
      normBins,
    },
    createdAt: new Date().toISOString(),
    wallSeconds: (performance.now() - started) / 1000,
    models: finished(),
  };
  return localLinearitySchema.parse(value);
}

/** The article's sweep (7 vs 9, 3000 training images per class, default settings) as a job of the main pipeline. */
export function localLinearityJob(
  classI: number = LOCAL_LINEARITY_PAIR[0],
  classJ: number = LOCAL_LINEARITY_PAIR[1],
  options: LocalLinearityOptions = {},
  dataset: DatasetName = 'mnist',
): Job {
  const artifact = localLinearityFile(dataset, classI, classJ);
  const id = { dataset, classI, classJ, perClass: PER_CLASS };
  return {
    id:
      dataset === 'mnist'
        ? `nn:local-linearity-${classI}-${classJ}`
        : `nn:local-linearity-${dataset}-${classI}-${classJ}`,
    study: 'local-linearity',
    title: `2-layer ReLU networks of ${pairLabel(dataset, classI, classJ)}${dataset === 'mnist' ? '' : ` (${datasetLabel(dataset)})`} against weight decay: local scales, d(x), θ, attacks`,
    artifacts: [artifact],
    isDone: (store) => isSweepDone(store, artifact, id, options),
    async run(store, progress) {
      const pair = selectPair(openDataset(datasetFiles(dataset), dataset), classI, classJ, id.perClass);
      await runLocalLinearity(
        pair,
        dataset,
        loadKernels(),
        store,
        artifact,
        options,
        progress,
        availableParallelism(),
      );
    },
  };
}
