// The neural-network studies' artifacts (SPEC §4): the local linearity of 2-layer ReLU networks against weight
// decay, and the targeted adversarial examples of a multiclass network. Browser-safe (zod only).
import { z } from 'zod';
import { ARTIFACT_VERSION } from './version.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z.number().int().nonnegative();
const percent = z.number().min(0).max(100);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const digit = z.number().int().min(0).max(9);

/** Histogram bins: edges min, min + width, …, max, in units of `unit`. */
export const binsSchema = z.object({
  min: finite,
  max: finite,
  width: z.number().positive(),
  unit: z.string(),
});

/** Counts per bin, with the values below min and at or above max counted apart (never silently dropped). */
export const histogramSchema = z.object({
  counts: z.array(count),
  below: count,
  above: count,
});

/** A distribution over images: quantiles at the artifact's `quantileLevels`, its mean and histogram. */
const distributionSchema = z.object({
  quantiles: z.array(finite),
  mean: finite,
  histogram: histogramSchema,
});

/** Pictures of one image attacked: both on the pixel scale stated by the artifact, base64 Float32. */
const examplePictureSchema = z.object({
  /** position in the test set the attack drew from */
  index: count,
  /** the image's true class (a digit) */
  label: digit,
  original: base64,
  adversarial: base64,
  steps: count,
  /** ‖x' − x‖ on the 0..255 pixel scale */
  norm: finite,
  success: z.boolean(),
});

/** The norms of one attack on many images and what a norm budget buys. */
const attackStudySchema = z.object({
  /** steps, ‖x' − x‖ (0..255 scale) and success per attacked image, in the artifact's image order */
  steps: z.array(count),
  norms: z.array(finite),
  success: z.array(z.boolean()),
  /** % of the images attacked successfully */
  successRate: percent,
  /** quantiles (at `quantileLevels`) of the norms of the successful attacks; null when none succeeded */
  normQuantiles: z.array(finite).nullable(),
  /** histogram of the successful norms (bins of the artifact's `normBins`) */
  normHistogram: histogramSchema,
  /** % of all attacked images whose attack succeeded with ‖x' − x‖ ≤ budget, one per `budgets` entry */
  successVsBudget: z.array(percent),
});

/** The binary attack on one 2-layer network (experiment 5 of issue 6). */
const binaryAttackSchema = attackStudySchema.extend({
  /** t of p = σ(s/t): the median over the test set of max(σ(s/t), σ(−s/t)) is 0.95 */
  temperature: z.number().positive(),
  /** that median as reached */
  medianTopProbability: finite,
  /** one attacked image of each class (the first of each in the attack's order), pixels on the 0..1 scale */
  examples: z.array(examplePictureSchema),
});

/** Quantiles (at the artifact's levels) and mean of a value over some images. */
const summarySchema = z.object({ quantiles: z.array(finite), mean: finite });

/** Certified radii of one network (Hein & Andriushchenko's bound for one hidden layer, taken to the ReLU). */
const certifiedSchema = z.object({
  /** the certified radius per image, 0..1 pixel scale: over the training and the test images */
  train: summarySchema,
  test: summarySchema,
  /** the linearised distance |s(x)| / ‖∇ₓs‖ over the test images that are not flat, 0..1 scale */
  linearisedTest: summarySchema,
  /**
   * the radius of each attacked test image, in the attack's order, 0..255 scale (as the attack's norms); 0 for
   * an image the network already misclassifies (it needs no perturbation; its radius is the wrong class's)
   */
  attackedRadius: z.array(z.number().nonnegative()),
  /** successful attacks shorter than their image's radius: a bound that failed (there must be none) */
  violations: count,
});

/** One 2-layer network of the weight-decay sweep and its local geometry over the training set. */
export const localLinearityModelSchema = z.object({
  /** λ of MatConvNet's update v ← μv − λW − g (on W1 and W2) */
  weightDecay: z.number().nonnegative(),
  errTrain: percent,
  errTest: percent,
  /** mean batch loss of each epoch (softplus of y·s) */
  epochLoss: z.array(finite),
  /** Frobenius norms ‖W1‖ and ‖W2‖ */
  normW1: finite,
  normW2: finite,
  /** training images where no hidden unit is active, so ∇ₓs = 0: left out of d, θ and their statistics */
  flat: count,
  /** ‖∇ₓs‖ per training image (0..1 pixel scale): the local analogue of ‖w‖; histogram over log10 of it */
  localScale: distributionSchema,
  /** y·d(x) = y s(x)/‖∇ₓs‖ per training image, 0..1 scale; histogram in the SVM artifact's units (×2.55) */
  signedDistance: distributionSchema,
  /** (1/n) Σ y d(x) over the training images that are not flat: the local d_adv */
  dAdv: finite.nullable(),
  /** (1/n) Σ over misclassified images of −y d(x) */
  dErr: finite.nullable(),
  /** θ(x) = arccos(∇ₓs·ẑ / ‖∇ₓs‖) per training image, radians */
  theta: distributionSchema,
  /** the hidden units with the largest |W2_k|·‖W1_k‖: their filters W1_k as 28×28 base64 Float32 pictures */
  filters: z.array(z.object({ unit: count, outputWeight: finite, picture: base64 })),
  attack: binaryAttackSchema,
  certified: certifiedSchema,
  /** wall seconds of training */
  seconds: z.number().nonnegative(),
});

/** The local-linearity sweep of one pair: experiment 1 (and 5) of issue 6. */
export const localLinearitySchema = z.object({
  schema: z.literal('l2angle/local-linearity'),
  version: z.literal(ARTIFACT_VERSION),
  dataset: z.string().min(1),
  classI: digit,
  classJ: digit,
  perClass: count,
  nTrain: count,
  nTest: count,
  inputs: count,
  hidden: count,
  training: z.object({
    loss: z.literal('softplus'),
    learningRate: z.number().positive(),
    momentum: z.number().min(0).max(1),
    batchSize: z.number().int().positive(),
    epochs: count,
    seed: z.number().int(),
    /** how the weights start and how they are updated, in words */
    initialisation: z.string(),
    update: z.string(),
  }),
  /** ‖j − i‖ on the 0..1 scale (the nearest-centroid direction ẑ of θ comes from the same centroids) */
  centroidDistance: finite,
  /** the probabilities of every `quantiles` array, e.g. [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1] */
  quantileLevels: z.array(z.number().min(0).max(1)),
  bins: z.object({ localScale: binsSchema, signedDistance: binsSchema, theta: binsSchema }),
  attack: z.object({
    rule: z.string(),
    /** positions in the pair's test set of the attacked images */
    testIndex: z.array(count),
    /** step length (0..1 scale), step cap, confidence to reach */
    stepSize: z.number().positive(),
    maxSteps: count,
    confidence: z.number().min(0).max(1),
    /** the norm budgets of `successVsBudget`, 0..255 scale */
    budgets: z.array(z.number().nonnegative()),
    normBins: binsSchema,
  }),
  createdAt: z.string(),
  wallSeconds: z.number().nonnegative(),
  models: z.array(localLinearityModelSchema).min(1),
});

/** A local-linearity sweep as the page and the CLI see it. */
export type LocalLinearity = z.infer<typeof localLinearitySchema>;
/** One network of a local-linearity sweep. */
export type LocalLinearityModel = z.infer<typeof localLinearityModelSchema>;

/** One of the article's targeted adversarial examples: digit d pushed to class (d + 1) mod 10. */
export const targetedExampleSchema = z.object({
  digit,
  target: digit,
  /** position in the test file */
  testIndex: count,
  /** original, adversarial and perturbation (adversarial − original): 28×28 base64 Float32, 0..255 scale */
  original: base64,
  adversarial: base64,
  perturbation: base64,
  steps: count,
  /** ‖x' − x‖ on the 0..255 scale */
  norm: finite,
  success: z.boolean(),
  /** p_target at x' (at the calibrated temperature) */
  probability: finite,
  /** the network's class for x' */
  predicted: digit,
});

/** A network's adversarial study: its temperature, the 10 targeted examples and the many-image study. */
export const adversarialSchema = z.object({
  schema: z.literal('l2angle/adversarial'),
  version: z.literal(ARTIFACT_VERSION),
  /** the network's name, e.g. lenet-low */
  network: z.string().min(1),
  dataset: z.string().min(1),
  createdAt: z.string(),
  wallSeconds: z.number().nonnegative(),
  settings: z.object({
    /** step length (0..255 scale), step cap, p_target to reach */
    stepSize: z.number().positive(),
    maxSteps: count,
    confidence: z.number().min(0).max(1),
    seed: z.number().int(),
    batchSize: z.number().int().positive(),
  }),
  temperature: z.object({
    t: z.number().positive(),
    /** the median over the test set of the top-class probability at t */
    median: finite,
    target: z.number().min(0).max(1),
  }),
  /** % of the test set the network misclassifies */
  testError: percent,
  targeted: z.array(targetedExampleSchema),
  study: attackStudySchema.extend({
    rule: z.string(),
    /** positions in the test file, true classes and targets of the attacked images */
    testIndex: z.array(count),
    labels: z.array(digit),
    targets: z.array(digit),
    quantileLevels: z.array(z.number().min(0).max(1)),
    normBins: binsSchema,
    /** 0..255 scale */
    budgets: z.array(z.number().nonnegative()),
  }),
});

/** A network's adversarial study as the page and the CLI see it. */
export type Adversarial = z.infer<typeof adversarialSchema>;
/** One targeted example. */
export type TargetedExample = z.infer<typeof targetedExampleSchema>;
/** The many-image attack statistics shared by both studies. */
export type AttackStudy = z.infer<typeof attackStudySchema>;
/** Histogram counts with their out-of-range tallies. */
export type Histogram = z.infer<typeof histogramSchema>;
/** Histogram bins. */
export type Bins = z.infer<typeof binsSchema>;

/** Where the local-linearity sweep of a pair lives inside the results folder. */
export function localLinearityFile(dataset: string, classI: number, classJ: number): string {
  return `nn/local-linearity-${slug('dataset', dataset)}-${classI}-${classJ}.json`;
}

/** Where a network's adversarial study lives inside the results folder. */
export function adversarialFile(network: string): string {
  return `nn/adversarial-${slug('network', network)}.json`;
}

function slug(what: string, name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new RangeError(`${what} name ${JSON.stringify(name)}: expected letters, digits, - and _ only`);
  }
  return name;
}
