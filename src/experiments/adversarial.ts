// The article's targeted adversarial examples for a trained multiclass network (SPEC §4), and a study
// beyond the article: the same attack on many test images, with the distribution of the perturbation norms
// and the success rate under a norm budget. Writes the value of one `l2angle/adversarial` artifact.
import { ATTACK_IMAGES, CALIBRATION_TARGET } from '../article.js';
import type { ImageSet } from '../data/dataset.js';
import { censoredMedian } from '../math/median.js';
import { permutation, seededRandom } from '../math/random.js';
import { budgetGrid, histogram, QUANTILE_LEVELS, quantiles } from '../math/statistics.js';
import { argmax } from '../math/vector.js';
import {
  type AttackProgress,
  type AttackResult,
  batchScores,
  type ScoreNetwork,
  sequentialScores,
  TARGETED_DEFAULTS,
  type TargetedAttackOptions,
  targetedAttack,
} from '../nn/attack.js';
import type { Sequential } from '../nn/layers.js';
import { calibrateTemperature } from '../nn/temperature.js';
import { ARTIFACT_VERSION } from '../schema/artifacts.js';
import { encodeFloat32 } from '../schema/encoding.js';
import { type Adversarial, type AttackStudy, adversarialSchema, type Bins } from '../schema/nn-artifacts.js';

/**
 * The statistics of an attack on many images: norms are given on the 0..255 scale; the success rate under a
 * budget counts the attacks that succeeded with a norm ≤ budget, over all attacked images.
 */
export function attackStudy(
  result: Pick<AttackResult, 'steps' | 'success'>,
  norms255: ArrayLike<number>,
  budgets: readonly number[],
  normBins: Bins,
): AttackStudy {
  const n = result.steps.length;
  const succeeded: number[] = [];
  for (let i = 0; i < n; i++) if (result.success[i]) succeeded.push(norms255[i]);
  const sorted = Float64Array.from(succeeded).sort();
  let k = 0;
  const successVsBudget = budgets.map((budget) => {
    while (k < sorted.length && sorted[k] <= budget) k++;
    return n === 0 ? 0 : (100 * k) / n;
  });
  return {
    steps: Array.from(result.steps),
    norms: Array.from(norms255),
    success: Array.from(result.success, (s) => s === 1),
    successRate: n === 0 ? 0 : (100 * succeeded.length) / n,
    normQuantiles: succeeded.length > 0 ? quantiles(succeeded) : null,
    normHistogram: histogram(succeeded, normBins),
    successVsBudget,
  };
}

/**
 * The many-image study in three numbers and the successful norms: the median ‖δ‖ counts a failed attack
 * as larger than every success (null when half or more failed).
 */
export function studyNorms(study: AttackStudy): {
  images: number;
  successRate: number;
  medianNorm: number | null;
  successful: number[];
} {
  const { norms, success } = study;
  return {
    images: norms.length,
    successRate: study.successRate,
    medianNorm: censoredMedian(
      norms,
      success.map((s) => !s),
    ),
    successful: norms.filter((_, i) => success[i]),
  };
}

/** Settings of the adversarial study. */
export interface AdversarialOptions {
  /** dataset name recorded in the artifact */
  dataset?: string;
  /** seed of the image choices (the same for every network, so they are attacked on the same images) */
  seed?: number;
  /** test images of the many-image study */
  studyImages?: number;
  stepSize?: number;
  maxSteps?: number;
  confidence?: number;
  /** images per forward pass (every pass of the network uses this one size) */
  batchSize?: number;
}

/** Progress callback: steps done, of all, with a short status. */
export type StudyProgress = (done: number, total: number, status: string) => void;

/**
 * Runs the targeted attack on images (n × size pixels 0..255) of the study's network; the default runs
 * `targetedAttack` on this thread, a worker pool may split the images (each image's attack is independent).
 */
export type TargetedAttackRunner = (
  images: Float32Array,
  targets: number[],
  options: TargetedAttackOptions,
  progress?: AttackProgress,
) => Promise<AttackResult>;

/** Class scores of every test image, in passes of the network's capacity. */
export function testLogits(
  network: ScoreNetwork,
  mean: Float32Array,
  test: ImageSet,
): { logits: Float32Array; classes: number } {
  return { logits: batchScores(network, mean, test.images, test.count), classes: network.classes };
}

/**
 * The adversarial study of one trained network whose input is 0..255 pixels minus `mean`: the temperature t
 * at which the median top-class probability over the test set is 0.95; the article's 10 targeted examples
 * (for each digit d, one test image of d drawn with the seed, target (d + 1) mod 10); and the same attack on
 * `studyImages` test images drawn with the seed (target: label + 1 mod 10). Images are chosen from the labels
 * only, so two networks given the same seed are attacked on the same images.
 */
export async function adversarialStudy(
  network: ScoreNetwork | Sequential,
  name: string,
  mean: Float32Array,
  test: ImageSet,
  options: AdversarialOptions = {},
  progress?: StudyProgress,
  attack: TargetedAttackRunner = (images, targets, settings, report) =>
    Promise.resolve(targetedAttack(network, mean, images, targets, settings, report)),
): Promise<Adversarial> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const studyImages = Math.min(options.studyImages ?? ATTACK_IMAGES, test.count);
  const stepSize = options.stepSize ?? TARGETED_DEFAULTS.stepSize;
  const maxSteps = options.maxSteps ?? TARGETED_DEFAULTS.maxSteps;
  const confidence = options.confidence ?? TARGETED_DEFAULTS.confidence;
  const batchSize = options.batchSize ?? TARGETED_DEFAULTS.batchSize;
  const size = test.rows * test.cols;
  if (mean.length !== size)
    throw new RangeError(`adversarialStudy: mean image has ${mean.length} values, not ${size}`);
  if (test.labels.length < test.count || test.images.length < test.count * size) {
    throw new RangeError(
      `adversarialStudy: the test set has fewer images or labels than its count ${test.count}`,
    );
  }

  progress?.(0, 1, 'test-set logits');
  const scorer =
    'scores' in network ? network : sequentialScores(network, batchSize, [1, test.rows, test.cols]);
  const { logits, classes } = testLogits(scorer, mean, test);
  let wrong = 0;
  for (let i = 0; i < test.count; i++) if (argmax(logits, i * classes, classes) !== test.labels[i]) wrong++;
  const temperature = calibrateTemperature(logits, { classes, target: CALIBRATION_TARGET });

  // the images: one per digit, then the study's draw, attacked together in one batched run
  const rand = seededRandom(seed);
  const targetedIndex: number[] = [];
  for (let d = 0; d < 10; d++) {
    const ofDigit: number[] = [];
    for (let i = 0; i < test.count; i++) if (test.labels[i] === d) ofDigit.push(i);
    if (ofDigit.length === 0)
      throw new RangeError(`adversarialStudy: the test set has no image of digit ${d}`);
    targetedIndex.push(ofDigit[Math.floor(rand() * ofDigit.length)]);
  }
  const studyIndex = Array.from(
    permutation(test.count, seededRandom(seed ^ 0x51ed270b)).subarray(0, studyImages),
  );
  const all = [...targetedIndex, ...studyIndex];
  const pixels = new Float32Array(all.length * size);
  for (const [r, i] of all.entries()) pixels.set(test.images.subarray(i * size, (i + 1) * size), r * size);
  const targets = all.map((i) => (test.labels[i] + 1) % 10);
  const result = await attack(
    pixels,
    targets,
    {
      temperature: temperature.t,
      stepSize,
      maxSteps,
      confidence,
      batchSize,
      imageShape: [1, test.rows, test.cols],
    },
    (done, total, status) => progress?.(done, total, status),
  );
  const final = batchScores(scorer, mean, result.adversarial, all.length);
  const predicted = all.map((_, r) => argmax(final, r * classes, classes));

  const targeted = targetedIndex.map((testIndex, r) => {
    const original = pixels.subarray(r * size, (r + 1) * size);
    const adversarial = result.adversarial.subarray(r * size, (r + 1) * size);
    return {
      digit: test.labels[testIndex],
      target: targets[r],
      testIndex,
      original: encodeFloat32(original),
      adversarial: encodeFloat32(adversarial),
      perturbation: encodeFloat32(adversarial.map((v, k) => v - original[k])),
      steps: result.steps[r],
      norm: result.norm[r],
      success: result.success[r] === 1,
      probability: result.probability[r],
      predicted: predicted[r],
    };
  });
  const from = targetedIndex.length;
  const normMax = maxSteps * stepSize;
  const normBins: Bins = {
    min: 0,
    max: normMax,
    width: normMax / 50,
    unit: '‖x′ − x‖ on the 0..255 pixel scale',
  };
  const budgets = budgetGrid(normMax);
  const study = attackStudy(
    { steps: result.steps.subarray(from), success: result.success.subarray(from) },
    result.norm.subarray(from),
    budgets,
    normBins,
  );
  const value: Adversarial = {
    schema: 'l2angle/adversarial',
    version: ARTIFACT_VERSION,
    network: name,
    dataset: options.dataset ?? 'mnist',
    createdAt: new Date().toISOString(),
    wallSeconds: (performance.now() - started) / 1000,
    settings: { stepSize, maxSteps, confidence, seed, batchSize },
    temperature: { t: temperature.t, median: temperature.median, target: CALIBRATION_TARGET },
    testError: (100 * wrong) / test.count,
    targeted,
    study: {
      ...study,
      rule:
        `${studyImages} test images drawn without replacement with seed ${seed}; ` +
        'target = (label + 1) mod 10; success = p_target ≥ confidence within maxSteps steps',
      testIndex: studyIndex,
      labels: studyIndex.map((i) => test.labels[i]),
      targets: targets.slice(from),
      quantileLevels: [...QUANTILE_LEVELS],
      normBins,
      budgets,
    },
  };
  return adversarialSchema.parse(value);
}
