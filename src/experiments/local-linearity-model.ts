// One network of the local-linearity sweep, trained and measured: its local geometry over the training
// images (‖∇ₓs‖, y·d(x), θ(x)), its errors, its strongest hidden units, the binary attack on test images at
// the calibrated temperature, and certified radii. The same code runs on the main thread and on the sweep's
// worker threads (local-linearity-threads.ts).
import { CALIBRATION_TARGET } from '../article.js';
import type { BinaryPair } from '../data/pairs.js';
import { centroids, nearestCentroidDirection } from '../math/geometry.js';
import { permutation, seededRandom } from '../math/random.js';
import { type SparseRows, sparseRowsOf } from '../math/sparse.js';
import {
  budgetGrid,
  frobenius,
  histogram,
  meanOfNumbers,
  QUANTILE_LEVELS,
  quantiles,
} from '../math/statistics.js';
import { imageInto } from '../math/types.js';
import { BINARY_DEFAULTS, binaryAttack } from '../nn/attack.js';
import { certificateWeights, certifyRows } from '../nn/certified.js';
import type { TwoLayerNet } from '../nn/dense.js';
import type { DenseEngine } from '../nn/dense-engine.js';
import { type DenseTrainingSettings, TwoLayerTrainer } from '../nn/dense-training.js';
import { localGeometry } from '../nn/local-geometry.js';
import { calibrateTemperature } from '../nn/temperature.js';
import { encodeFloat32 } from '../schema/encoding.js';
import type { Bins, LocalLinearityModel } from '../schema/nn-artifacts.js';
import { attackStudy } from './adversarial.js';
import { LOCAL_LINEARITY_BINS, type LocalLinearityOptions, PIXEL_SCALE } from './local-linearity-settings.js';

/** The local geometry of one trained network over the pair's training set, and its errors. */
export function describeModel(
  net: TwoLayerNet,
  pair: BinaryPair,
  engine: DenseEngine,
  zHat: Float64Array,
  testScores: Float64Array,
  filterCount: number,
): Omit<LocalLinearityModel, 'weightDecay' | 'epochLoss' | 'attack' | 'certified' | 'seconds'> {
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
    mean: kept > 0 ? meanOfNumbers(values) : 0,
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
      mean: meanOfNumbers(scaleValues),
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
export function attackModel(
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
  return calibrateTemperature(logits, { classes: 2, target: CALIBRATION_TARGET });
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

/**
 * Certified radii (src/nn/certified.ts) of every training and test image, the linearised distance of the test
 * images, and each attacked image's radius beside its attack: a successful attack shorter than the radius
 * would be a bound that failed, and is counted. `rows` are the pair's images as sparse rows (made once a
 * sweep, not once a network).
 */
export function certifiedRadii(
  net: TwoLayerNet,
  pair: BinaryPair,
  rows: { train: SparseRows; test: SparseRows },
  testIndex: readonly number[],
  attack: LocalLinearityModel['attack'],
): LocalLinearityModel['certified'] {
  const weights = certificateWeights(net);
  const over = (set: BinaryPair['train'], sparse: SparseRows) => {
    const radius = new Float64Array(set.n);
    const correct = new Uint8Array(set.n);
    const linearised: number[] = [];
    const certificates = certifyRows(net, weights, sparse);
    for (let r = 0; r < set.n; r++) {
      const c = certificates[r];
      radius[r] = c.radius;
      correct[r] = (c.score > 0 ? 1 : -1) === set.y[r] ? 1 : 0;
      if (Number.isFinite(c.linearised)) linearised.push(c.linearised);
    }
    return { radius, correct, linearised: Float64Array.from(linearised) };
  };
  const summary = (values: Float64Array) => ({
    quantiles: values.length > 0 ? quantiles(values) : QUANTILE_LEVELS.map(() => 0),
    mean: values.length > 0 ? meanOfNumbers(values) : 0,
  });
  const train = over(pair.train, rows.train);
  const test = over(pair.test, rows.test);
  // an image the network already gets wrong needs no perturbation: its radius (of the wrong class) counts as 0
  const attackedRadius = testIndex.map((t) => (test.correct[t] ? test.radius[t] * PIXEL_SCALE : 0));
  let violations = 0;
  for (const [r, radius] of attackedRadius.entries()) {
    if (attack.success[r] && attack.norms[r] < radius) violations++;
  }
  return {
    train: summary(train.radius),
    test: summary(test.radius),
    linearisedTest: summary(test.linearised),
    attackedRadius,
    violations,
  };
}

/** What every network of a sweep is measured with, made once from the pair and the settings. */
export interface SweepSetup {
  zHat: Float64Array;
  centroidDistance: number;
  sparseRows: { train: SparseRows; test: SparseRows };
  /** the attacked test images (positions in the test set), their pixels and labels */
  testIndex: number[];
  attackPixels: Float32Array;
  attackLabels: Float64Array;
  normBins: Bins;
  budgets: number[];
}

/** The sweep's shared measurements of a pair (the same on every thread: each thread makes its own). */
export function sweepSetup(pair: BinaryPair, o: Required<LocalLinearityOptions>): SweepSetup {
  const { train, test } = pair;
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
  const image = new Float64Array(test.dim);
  for (const [r, t] of testIndex.entries()) {
    attackPixels.set(imageInto(test, t, image), r * test.dim);
    attackLabels[r] = test.y[t];
  }
  const normMax = o.attackMaxSteps * BINARY_DEFAULTS.stepSize * PIXEL_SCALE;
  return {
    zHat,
    centroidDistance,
    sparseRows: { train: sparseRowsOf(train), test: sparseRowsOf(test) },
    testIndex,
    attackPixels,
    attackLabels,
    normBins: { min: 0, max: normMax, width: normMax / 50, unit: '‖x′ − x‖ on the 0..255 pixel scale' },
    budgets: budgetGrid(normMax),
  };
}

/**
 * One network of the sweep, trained at `weightDecay` and measured: its local geometry, errors, attack and
 * certified radii. `afterEpoch` hears each epoch's loss (and may yield to the event loop).
 */
export async function sweepModel(
  pair: BinaryPair,
  setup: SweepSetup,
  engine: DenseEngine,
  o: Required<LocalLinearityOptions>,
  weightDecay: number,
  afterEpoch: (epoch: number, loss: number) => Promise<void> | void,
  beforeAttack?: () => void,
): Promise<LocalLinearityModel> {
  const { train, test } = pair;
  const settings: DenseTrainingSettings = { ...o, weightDecay };
  const t0 = performance.now();
  const epochLoss: number[] = [];
  const trainer = new TwoLayerTrainer(train, o.hidden, settings, engine);
  while (trainer.epochs < o.epochs) {
    const e = trainer.epoch();
    epochLoss.push(e.loss);
    await afterEpoch(e.epoch, e.loss);
  }
  const net = trainer.net;
  const seconds = (performance.now() - t0) / 1000;
  const testScores = localGeometry(net, test, engine, setup.zHat).score;
  const model = describeModel(net, pair, engine, setup.zHat, testScores, o.filters);
  beforeAttack?.();
  const attack = attackModel(
    net,
    pair,
    engine,
    testScores,
    setup.testIndex,
    setup.attackPixels,
    setup.attackLabels,
    o,
    setup.budgets,
    setup.normBins,
  );
  const certified = certifiedRadii(net, pair, setup.sparseRows, setup.testIndex, attack);
  return { weightDecay, ...model, epochLoss, attack, certified, seconds };
}
