// The article's experimental settings (SPEC §3–§4), in one place: the λ grid, the training images per class,
// the two LeNets and how they are trained, the attacks and the calibration. Experiments, the CLI's defaults
// and the page all read them from here. Browser-safe.

/** The number of λ values on a path: λ_c = 10^(2 − 0.1 c), c = 0 … 80. */
export const LAMBDA_COUNT = 81;

/** λ_c = 10^(2 − 0.1 c): c = 0 is the strongest regularisation (100), c = 80 the weakest (1e-6). */
export function lambdaOf(c: number): number {
  return 10 ** (2 - 0.1 * c);
}

/** The λ grid of the article, from 100 down to 1e-6 (the order paths are solved and stored in). */
export function lambdaGrid(): number[] {
  return Array.from({ length: LAMBDA_COUNT }, (_, c) => lambdaOf(c));
}

/** Training images per class of the linear experiments (the first ones in file order). */
export const PER_CLASS = 3000;

/** The pairs the article's prose quotes, first computed by `npm start`. */
export const QUOTED_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [7, 9],
  [0, 1],
];

/** The article's two LeNets: name, key (results sub-folder, URL state) and weight decay. */
export const ARTICLE_LENETS = [
  { name: 'LeNet_low', key: 'low', weightDecay: 1e-4 },
  { name: 'LeNet_high', key: 'high', weightDecay: 1e-1 },
] as const;

/** One of the article's two LeNets. */
export type ArticleLenet = (typeof ARTICLE_LENETS)[number];

/** The key of one of the article's LeNets. */
export type NetworkKey = ArticleLenet['key'];

/** The keys of the article's LeNets, in order. */
export const NETWORK_KEYS = ARTICLE_LENETS.map((n) => n.key) as [NetworkKey, ...NetworkKey[]];

/** How the LeNets are trained (MatConvNet's `cnn_mnist` example: SGD with momentum, batches of 300). */
export const LENET_TRAINING = { learningRate: 0.0005, momentum: 0.9, batchSize: 300, epochs: 50 } as const;

/** Seeds of the seed-spread study; seed 0 is the article's run. */
export const LENET_SEEDS = [0, 1, 2] as const;

/** The median top-class probability the softmax temperature is calibrated to. */
export const CALIBRATION_TARGET = 0.95;

/** The LeNets' targeted attack: step 1.0 on the 0..255 scale, until p_target ≥ 0.95, at most 2000 steps. */
export const TARGETED_ATTACK = {
  stepSize: 1,
  maxSteps: 2000,
  confidence: CALIBRATION_TARGET,
  batchSize: 100,
} as const;

/** Test images of each LeNet's adversarial study. */
export const ATTACK_IMAGES = 200;

/** The 2-layer networks' binary attack: one grey level per step on the 0..1 scale, at most 2000 steps. */
export const BINARY_ATTACK = {
  stepSize: 1 / 255,
  maxSteps: 2000,
  confidence: CALIBRATION_TARGET,
  lower: 0,
  upper: 1,
} as const;

/** The 2-layer networks' training: chosen so a 784→100→1 network fits a pair in a few seconds. */
export const DENSE_TRAINING = { learningRate: 0.01, momentum: 0.9, batchSize: 100, epochs: 30 } as const;

/** The local-linearity sweep's weight decays: from none, through no visible effect, to underfitting. */
export const LOCAL_LINEARITY_DECAYS = [0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.2, 0.4, 0.7] as const;

/** The pair of the local-linearity sweep. */
export const LOCAL_LINEARITY_PAIR = [7, 9] as const;

/** The classes of every dataset the studies know (MNIST's digits, Fashion-MNIST's ten kinds of clothing). */
export const CLASS_COUNT = 10;

/** The 45 class pairs (I, J) with I < J, in order 0-1, 0-2, …, 8-9. */
export function allPairs(): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < CLASS_COUNT; i++) for (let j = i + 1; j < CLASS_COUNT; j++) pairs.push([i, j]);
  return pairs;
}

/**
 * Beyond the article, linear models: adversarial training against ℓ2 perturbations of norm ε on the pair
 * the article's prose follows, at two small λ, along ε = 0, 0.05, …, 2 (‖j − i‖/2 ≈ 1.51 for 7 vs 9 on the
 * 0..1 scale: beyond it the constant classifier is optimal, which the grid shows).
 */
export const ROBUST_TRAINING = {
  pair: [7, 9] as const,
  lambdas: [1e-6, 1e-4] as const,
  epsilons: { start: 0, step: 0.05, stop: 2 },
} as const;

/** The ε grid start, start + step, …, stop (rounded to 12 significant digits, so 0.15 is 0.15). */
export function epsilonGrid(start: number, step: number, stop: number): number[] {
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  return Array.from({ length: count }, (_, k) => Number((start + k * step).toPrecision(12)));
}

/**
 * Beyond the article, linear models: plain gradient descent on the unregularised logistic risk of 0 vs 1 (a
 * pair the hinge path shows separable at λ = 1e-6), for 10⁵ steps.
 */
export const EARLY_STOPPING = { pair: [0, 1] as const, steps: 100_000 } as const;
