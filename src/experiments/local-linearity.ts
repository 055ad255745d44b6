// Experiment 1 (and 5) of issue 6: the local linearity of a 2-layer ReLU network against weight decay
// (SPEC §4). For each weight decay λ a network s(x) = W2 φ(W1 x + b1) + b2 is trained on a digit pair, and
// over its training images we measure the local scale ‖∇ₓs‖ (the analogue of ‖w‖), the local signed distance
// y·d(x) = y s(x)/‖∇ₓs‖ (the distance to the boundary of the local linear classifier at x), the local d_adv
// and the local tilting angle θ(x) = arccos(∇ₓs·ẑ/‖∇ₓs‖) against the nearest-centroid direction ẑ. Then the
// binary attack pushes test images across the boundary. The finished models are kept in a partial file, so
// an interrupted sweep resumes where it stopped.
import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { LOCAL_LINEARITY_DECAYS, LOCAL_LINEARITY_PAIR, PER_CLASS } from '../article.js';
import { loadDataset } from '../data/dataset.js';
import { type BinaryPair, selectPair } from '../data/pairs.js';
import { mnistFiles } from '../data/sources.js';
import { InputError } from '../errors.js';
import { centroids, nearestCentroidDirection } from '../math/geometry.js';
import { permutation, seededRandom } from '../math/random.js';
import { BINARY_DEFAULTS, binaryAttack } from '../nn/attack.js';
import {
  DENSE_DEFAULTS,
  DenseEngine,
  type DenseTrainingSettings,
  localGeometry,
  type TwoLayerNet,
  TwoLayerTrainer,
} from '../nn/dense.js';
import { type Kernels, loadKernels } from '../nn/kernels.js';
import { calibrateTemperature } from '../nn/temperature.js';
import { ARTIFACT_VERSION } from '../schema/artifacts.js';
import { encodeFloat32 } from '../schema/encoding.js';
import {
  type Bins,
  type LocalLinearity,
  type LocalLinearityModel,
  localLinearityFile,
  localLinearityModelSchema,
  localLinearitySchema,
} from '../schema/nn-artifacts.js';
import { attackStudy, budgetGrid, histogram, QUANTILE_LEVELS, quantiles } from './adversarial.js';
import type { Job } from './job.js';
import { writeFileAtomic } from './store.js';

/** Weight decays of the default sweep: from no decay, through no visible effect, to underfitting (7 vs 9: 8 % train error). */
export const DEFAULT_WEIGHT_DECAYS = LOCAL_LINEARITY_DECAYS;

/** Settings of the sweep; every field has a default. */
export interface LocalLinearityOptions {
  hidden?: number;
  weightDecays?: readonly number[];
  learningRate?: number;
  momentum?: number;
  batchSize?: number;
  epochs?: number;
  seed?: number;
  /** test images of the binary attack */
  attackImages?: number;
  attackMaxSteps?: number;
  /** filters (hidden units) stored as pictures per model */
  filters?: number;
}

/** Progress callback: units of work done, of all (epochs and attacks), with a short status. */
export type SweepProgress = (done: number, total: number, status: string) => void;

/** Bins of the histograms: log10 ‖∇ₓs‖, y·d(x) in the SVM artifact's units, θ in radians. */
export const LOCAL_LINEARITY_BINS = {
  localScale: {
    min: -3,
    max: 2,
    width: 0.05,
    unit: 'log10 ‖∇ₓs‖ (per unit distance on the 0..1 pixel scale)',
  },
  signedDistance: {
    min: -20,
    max: 20,
    width: 0.5,
    unit: 'y·d(x) on the 0..255 scale divided by 100 (= 2.55 d)',
  },
  theta: { min: 0, max: Math.PI, width: Math.PI / 90, unit: 'radians' },
} as const satisfies Record<string, Bins>;

const PIXEL_SCALE = 255;

/** Everything that determines a sweep's models: a resumed or skipped run must have the same. */
function sweepKey(pair: BinaryPair, dataset: string, o: Required<LocalLinearityOptions>): string {
  return JSON.stringify({ dataset, classI: pair.classI, classJ: pair.classJ, perClass: pair.perClass, ...o });
}

/** The partial file's content: the sweep's key and the models finished so far. */
const partialSchema = z.object({ key: z.string(), models: z.array(localLinearityModelSchema) });

function withDefaults(options: LocalLinearityOptions): Required<LocalLinearityOptions> {
  const o = {
    hidden: options.hidden ?? 100,
    weightDecays: [...(options.weightDecays ?? DEFAULT_WEIGHT_DECAYS)],
    learningRate: options.learningRate ?? DENSE_DEFAULTS.learningRate,
    momentum: options.momentum ?? DENSE_DEFAULTS.momentum,
    batchSize: options.batchSize ?? DENSE_DEFAULTS.batchSize,
    epochs: options.epochs ?? DENSE_DEFAULTS.epochs,
    seed: options.seed ?? 0,
    attackImages: options.attackImages ?? 200,
    attackMaxSteps: options.attackMaxSteps ?? BINARY_DEFAULTS.maxSteps,
    filters: options.filters ?? 8,
  };
  if (o.weightDecays.length === 0) throw new RangeError('local linearity: give at least one weight decay');
  for (const wd of o.weightDecays) {
    if (!(wd >= 0) || !Number.isFinite(wd))
      throw new RangeError(`local linearity: weight decay ${wd} must be ≥ 0`);
  }
  for (const key of ['hidden', 'batchSize', 'epochs', 'attackImages', 'filters'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new RangeError(`local linearity: ${key} ${o[key]} must be a positive integer`);
    }
  }
  return o;
}

/** Where the sweep keeps its finished models until the artifact is written. */
export function partialPath(artifactPath: string): string {
  return artifactPath.replace(/\.json$/, '.partial.json');
}

/** Which sweep a finished artifact must be: the dataset, the pair and the training images per class. */
export interface SweepIdentity {
  dataset: string;
  classI: number;
  classJ: number;
  perClass: number;
}

/** True when `path` holds a valid finished sweep made with these settings. */
export function isSweepDone(path: string, id: SweepIdentity, options: LocalLinearityOptions = {}): boolean {
  try {
    const done = localLinearitySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    const o = withDefaults(options);
    return (
      done.dataset === id.dataset &&
      done.classI === id.classI &&
      done.classJ === id.classJ &&
      done.perClass === id.perClass &&
      done.hidden === o.hidden &&
      done.training.epochs === o.epochs &&
      done.training.seed === o.seed &&
      done.training.learningRate === o.learningRate &&
      done.training.momentum === o.momentum &&
      done.training.batchSize === o.batchSize &&
      done.attack.testIndex.length === Math.min(o.attackImages, done.nTest) &&
      done.attack.maxSteps === o.attackMaxSteps &&
      done.models.every((m) => m.filters.length === Math.min(o.filters, o.hidden)) &&
      JSON.stringify(done.models.map((m) => m.weightDecay)) === JSON.stringify(o.weightDecays)
    );
  } catch {
    return false;
  }
}

/**
 * Runs the sweep on a pair (x on the 0..1 scale) with the wasm kernels and writes the artifact atomically to
 * `path`; finished models go to `partialPath(path)` as they come, and a run with the same settings resumes
 * from them. Returns the artifact.
 */
export async function runLocalLinearity(
  pair: BinaryPair,
  dataset: string,
  kernels: Kernels,
  path: string,
  options: LocalLinearityOptions = {},
  progress?: SweepProgress,
): Promise<LocalLinearity> {
  const o = withDefaults(options);
  const key = sweepKey(pair, dataset, o);
  const partial = partialPath(path);
  let resumed: LocalLinearityModel[] = [];
  try {
    const saved = partialSchema.parse(JSON.parse(readFileSync(partial, 'utf8')));
    if (saved.key === key) resumed = saved.models;
  } catch {
    // no partial file, or one from other settings: start afresh
  }
  const artifact = await localLinearityStudy(pair, dataset, kernels, o, progress, resumed, (models) => {
    // validated like the artifact: a NaN would become null in JSON and the partial be thrown away later
    const checked = partialSchema.safeParse({ key, models });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InputError(
        `local-linearity sweep: model ${issue.path.join('.')} is not valid (${issue.message}); the finished models are kept in ${partial}`,
      );
    }
    writeFileAtomic(partial, JSON.stringify(checked.data));
  });
  writeFileAtomic(path, JSON.stringify(artifact));
  rmSync(partial, { force: true });
  return artifact;
}

/**
 * The sweep's artifact value: one network per weight decay (trained from the same seed), its errors, the
 * distributions over the training images of ‖∇ₓs‖, y·d(x) and θ(x), and the binary attack on test images.
 * `resumed` models (a prefix of the sweep) are reused; `onModel` sees the finished models after each one.
 * It yields to the event loop after every epoch, so a server running it keeps streaming progress.
 */
export async function localLinearityStudy(
  pair: BinaryPair,
  dataset: string,
  kernels: Kernels,
  options: LocalLinearityOptions = {},
  progress?: SweepProgress,
  resumed: readonly LocalLinearityModel[] = [],
  onModel?: (models: LocalLinearityModel[]) => void,
): Promise<LocalLinearity> {
  const started = performance.now();
  const o = withDefaults(options);
  const { train, test } = pair;
  const engine = new DenseEngine(kernels, train.dim, o.hidden, o.batchSize);
  const { i, j } = centroids(train);
  const zHat = nearestCentroidDirection(i, j);
  let centroidDistance = 0;
  for (let k = 0; k < i.length; k++) centroidDistance += (j[k] - i[k]) ** 2;
  centroidDistance = Math.sqrt(centroidDistance);

  const attackCount = Math.min(o.attackImages, test.n);
  const testIndex = Array.from(
    permutation(test.n, seededRandom(o.seed ^ 0x7f4a7c15)).subarray(0, attackCount),
  );
  const attackPixels = new Float32Array(attackCount * test.dim);
  const attackLabels = new Float64Array(attackCount);
  for (const [r, t] of testIndex.entries()) {
    attackPixels.set(test.x.subarray(t * test.dim, (t + 1) * test.dim), r * test.dim);
    attackLabels[r] = test.y[t];
  }
  const normMax = o.attackMaxSteps * BINARY_DEFAULTS.stepSize * PIXEL_SCALE;
  const normBins: Bins = {
    min: 0,
    max: normMax,
    width: normMax / 50,
    unit: '‖x′ − x‖ on the 0..255 pixel scale',
  };
  const budgets = budgetGrid(normMax);

  const total = o.weightDecays.length * (o.epochs + 1);
  const models: LocalLinearityModel[] = [];
  for (const [m, weightDecay] of o.weightDecays.entries()) {
    const base = m * (o.epochs + 1);
    if (m < resumed.length && resumed[m].weightDecay === weightDecay) {
      models.push(resumed[m]);
      progress?.(base + o.epochs + 1, total, `λ = ${weightDecay}: resumed`);
      continue;
    }
    const settings: DenseTrainingSettings = { ...o, weightDecay };
    const t0 = performance.now();
    const epochLoss: number[] = [];
    const trainer = new TwoLayerTrainer(train, o.hidden, settings, engine);
    while (trainer.epochs < o.epochs) {
      const e = trainer.epoch();
      epochLoss.push(e.loss);
      progress?.(
        base + e.epoch,
        total,
        `λ = ${weightDecay}: epoch ${e.epoch}/${o.epochs}, loss ${e.loss.toFixed(4)}`,
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    const net = trainer.net;
    const seconds = (performance.now() - t0) / 1000;
    const testScores = localGeometry(net, test, engine, zHat).score;
    const model = describeModel(net, pair, engine, zHat, testScores, o.filters);
    progress?.(base + o.epochs, total, `λ = ${weightDecay}: attacking ${attackCount} test images`);
    const attack = attackModel(
      net,
      pair,
      engine,
      testScores,
      testIndex,
      attackPixels,
      attackLabels,
      o,
      budgets,
      normBins,
    );
    models.push({ weightDecay, ...model, epochLoss, attack, seconds });
    onModel?.(models);
    progress?.(base + o.epochs + 1, total, `λ = ${weightDecay}: done`);
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
    models,
  };
  return localLinearitySchema.parse(value);
}

/** The local geometry of one trained network over the pair's training set, and its errors. */
function describeModel(
  net: TwoLayerNet,
  pair: BinaryPair,
  engine: DenseEngine,
  zHat: Float64Array,
  testScores: Float64Array,
  filterCount: number,
): Omit<LocalLinearityModel, 'weightDecay' | 'epochLoss' | 'attack' | 'seconds'> {
  const { train, test } = pair;
  const geometry = localGeometry(net, train, engine, zHat);
  const n = train.n;
  const signed = new Float64Array(n).fill(Number.NaN);
  const theta = new Float64Array(n).fill(Number.NaN);
  const logScale = new Float64Array(n);
  let wrong = 0;
  let flat = 0;
  let sumD = 0;
  let sumErr = 0;
  for (let r = 0; r < n; r++) {
    const s = geometry.score[r];
    if ((s > 0 ? 1 : -1) !== train.y[r]) wrong++;
    const scale = geometry.scale[r];
    logScale[r] = Math.log10(scale);
    if (!(scale > 0)) {
      flat++;
      continue;
    }
    const yd = (train.y[r] * s) / scale;
    signed[r] = yd;
    sumD += yd;
    if (yd <= 0) sumErr -= yd;
    theta[r] = Math.acos(Math.min(1, Math.max(-1, geometry.cosine[r])));
  }
  const kept = n - flat;
  let testWrong = 0;
  for (let r = 0; r < test.n; r++) if ((testScores[r] > 0 ? 1 : -1) !== test.y[r]) testWrong++;
  const distribution = (values: Float64Array, bins: Bins, scaleForHistogram = 1) => ({
    quantiles: kept > 0 ? quantiles(values) : QUANTILE_LEVELS.map(() => 0),
    mean: kept > 0 ? mean(values) : 0,
    histogram: histogram(
      values.map((v) => v * scaleForHistogram),
      bins,
    ),
  });
  const scaleValues = geometry.scale;
  return {
    errTrain: (100 * wrong) / n,
    errTest: (100 * testWrong) / test.n,
    normW1: frobenius(net.w1),
    normW2: frobenius(net.w2),
    flat,
    localScale: {
      quantiles: quantiles(scaleValues),
      mean: mean(scaleValues),
      histogram: histogram(
        logScale.filter((v) => Number.isFinite(v)),
        LOCAL_LINEARITY_BINS.localScale,
      ),
    },
    signedDistance: distribution(signed, LOCAL_LINEARITY_BINS.signedDistance, PIXEL_SCALE / 100),
    dAdv: kept > 0 ? sumD / kept : null,
    dErr: kept > 0 ? sumErr / kept : null,
    theta: distribution(theta, LOCAL_LINEARITY_BINS.theta),
    filters: strongestFilters(net, filterCount),
  };
}

/** The binary attack on the chosen test images at the temperature calibrated on the whole test set. */
function attackModel(
  net: TwoLayerNet,
  pair: BinaryPair,
  engine: DenseEngine,
  testScores: Float64Array,
  testIndex: number[],
  pixels: Float32Array,
  labels: Float64Array,
  o: Required<LocalLinearityOptions>,
  budgets: number[],
  normBins: Bins,
): LocalLinearityModel['attack'] {
  const { test } = pair;
  const temperature = binaryTemperature(testScores);
  const result = binaryAttack(net, engine, pixels, labels, {
    temperature: temperature.t,
    maxSteps: o.attackMaxSteps,
  });
  const norms255 = Array.from(result.norm, (v) => v * PIXEL_SCALE);
  const examples = [-1, 1].flatMap((y) => {
    const r = Array.from(labels).indexOf(y);
    if (r < 0) return [];
    const dim = test.dim;
    return [
      {
        index: testIndex[r],
        label: y > 0 ? pair.classJ : pair.classI,
        original: encodeFloat32(pixels.subarray(r * dim, (r + 1) * dim)),
        adversarial: encodeFloat32(result.adversarial.subarray(r * dim, (r + 1) * dim)),
        steps: result.steps[r],
        norm: norms255[r],
        success: result.success[r] === 1,
      },
    ];
  });
  return {
    ...attackStudy(result, norms255, budgets, normBins),
    temperature: temperature.t,
    medianTopProbability: temperature.median,
    examples,
  };
}

/**
 * The temperature t of p = σ(s/t) at which the median over `scores` of the top-class probability
 * max(σ(s/t), σ(−s/t)) = σ(|s|/t) is 0.95: softmax over the logits (0, s) is σ(s), so the multiclass solver applies.
 */
export function binaryTemperature(scores: ArrayLike<number>): { t: number; median: number } {
  const logits = new Float64Array(2 * scores.length);
  for (let r = 0; r < scores.length; r++) logits[2 * r + 1] = scores[r];
  return calibrateTemperature(logits, { classes: 2, target: 0.95 });
}

/** The `count` hidden units with the largest |W2_k|·‖W1_k‖ (their contribution to ∇ₓs when active). */
function strongestFilters(net: TwoLayerNet, count: number): LocalLinearityModel['filters'] {
  const d = net.inputs;
  const strength = Array.from({ length: net.hidden }, (_, k) => {
    let s = 0;
    for (let p = 0; p < d; p++) s += net.w1[k * d + p] ** 2;
    return { unit: k, value: Math.abs(net.w2[k]) * Math.sqrt(s) };
  });
  strength.sort((a, b) => b.value - a.value || a.unit - b.unit);
  return strength.slice(0, Math.min(count, net.hidden)).map(({ unit }) => ({
    unit,
    outputWeight: net.w2[unit],
    picture: encodeFloat32(net.w1.subarray(unit * d, (unit + 1) * d)),
  }));
}

function frobenius(w: Float32Array): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * w[k];
  return Math.sqrt(s);
}

function mean(values: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n > 0 ? s / n : 0;
}

/** The article's sweep (7 vs 9, 3000 training images per class, default settings) as a job of the main pipeline. */
export function localLinearityJob(
  classI: number = LOCAL_LINEARITY_PAIR[0],
  classJ: number = LOCAL_LINEARITY_PAIR[1],
  options: LocalLinearityOptions = {},
): Job {
  const artifact = localLinearityFile('mnist', classI, classJ);
  const id = { dataset: 'mnist', classI, classJ, perClass: PER_CLASS };
  return {
    id: `nn:local-linearity-${classI}-${classJ}`,
    study: 'local-linearity',
    title: `2-layer ReLU networks of ${classI} vs ${classJ} against weight decay: local scales, d(x), θ, attacks`,
    artifacts: [artifact],
    isDone: (store) => isSweepDone(store.pathOf(artifact), id, options),
    async run(store, progress) {
      const pair = selectPair(loadDataset(mnistFiles(), 'mnist'), classI, classJ, id.perClass);
      await runLocalLinearity(pair, 'mnist', loadKernels(), store.pathOf(artifact), options, progress);
    },
  };
}
