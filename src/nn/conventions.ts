// How SGD with momentum and weight decay is applied, as a table: each entry is one library's convention for
// the article's LeNet, with where its code shows it. Browser-safe (the page labels runs with it).
//
// Both entries share what MatConvNet's cnn_train.m and PyTorch's SGD agree on: the gradient is the batch
// mean (MatConvNet: `dzdy = 1` on a loss summed over the batch, then `(1/batchSize)·dzdw`), the decay sits
// inside the momentum, v ← μv − λW − g, W ← W + ηv, and the momentum is carried across epochs (cnn_train.m
// of beta21–beta25; only beta19–20 restarted it at every epoch, which changes the article's curves by less
// than the seed-to-seed spread). They differ in one thing: which parameters the weight decay reaches.

/** One convention. */
export interface LenetConvention {
  /** a short label for tables and the page */
  label: string;
  /** whether the biases get the weight decay λ too */
  decayBiases: boolean;
  /** where the behaviour is shown in its library's code */
  source: string;
}

/** Every convention, by the name the `--convention` flag and the artifacts use. */
export const LENET_CONVENTIONS = {
  matconvnet: {
    label: 'MatConvNet',
    decayBiases: true,
    source:
      'vlfeat/matconvnet examples/cnn_train.m (beta16–beta25): a layer without a weightDecay field gets a ' +
      'multiplier of 1 for every parameter, biases included, and examples/mnist/cnn_mnist_init.m sets none',
  },
  pytorch: {
    label: 'PyTorch-style',
    decayBiases: false,
    source:
      "torch.optim.SGD with weight_decay on the weights' parameter group only (biases in a group of their own)",
  },
} as const satisfies Record<string, LenetConvention>;

/** A convention's name. */
export type LenetConventionName = keyof typeof LENET_CONVENTIONS;

/** The names, for enums and flag choices. */
export const LENET_CONVENTION_NAMES = Object.keys(LENET_CONVENTIONS) as [
  LenetConventionName,
  ...LenetConventionName[],
];

/** The article trained with MatConvNet, so its conventions are the default. */
export const DEFAULT_LENET_CONVENTION: LenetConventionName = 'matconvnet';
