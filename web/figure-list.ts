// The article's figures, one entry each: the name of its element (`data-figure` in index.html, or made by the
// figure it sits in), what it shows and what it reads. `web/main.ts` mounts every top-level entry (its
// mount function is in `web/figure-mounts.ts`, which must have one per entry: the compiler checks it) and
// the browser test checks that every entry draws. No DOM here: the tests import it in Node.

/** One figure of the page. */
export interface FigureEntry {
  /** its element's `data-figure` */
  readonly name: string;
  /** what it shows, in a few words */
  readonly title: string;
  /** the artifact kinds it reads; none for a figure the page computes itself */
  readonly needs: readonly string[];
  /** the figure whose mount also mounts this one (its element is made by it, or wired with it) */
  readonly parent?: string;
  /** what it draws: a chart (svg or canvas, the default) or a table */
  readonly draws?: 'table';
}

/** The figures, in page order. */
export const FIGURES = [
  { name: 'opening', title: 'the tilting plane of 7 vs 9 with a λ slider', needs: ['l2angle/svm-path'] },
  {
    name: 'adversarial-teaser',
    title: 'an adversarial example against each LeNet',
    needs: ['l2angle/adversarial'],
  },
  { name: 'toy-image', title: 'the toy problem’s images', needs: [] },
  { name: 'toy-boundary', title: 'the toy boundary L_θ and its adversarial distance', needs: [] },
  { name: 'toy-mirror', title: 'mirror images through L_θ', needs: [] },
  { name: 'toy-fit', title: 'SVM and logistic fits of the noisy toy set against λ', needs: [] },
  { name: 'score-to-loss', title: 'from scores to losses', needs: [] },
  { name: 'scaled-loss', title: 'the scaled loss and the risk’s two limits', needs: [] },
  {
    name: 'adversarial-distance',
    title: 'd_adv = ½‖j − i‖ cos θ, with the models of the pair in view',
    needs: ['l2angle/dataset-geometry', 'l2angle/svm-path'],
  },
  { name: 'mnist', title: 'the λ path of the chosen pair and loss', needs: ['l2angle/svm-path'] },
  { name: 'tilting-plane', title: 'the tilting plane', needs: ['l2angle/svm-path'], parent: 'mnist' },
  {
    name: 'distance-histogram',
    title: 'signed distances y·d(x) and the scaled loss',
    needs: ['l2angle/svm-path'],
    parent: 'mnist',
  },
  { name: 'path-curves', title: 'θ, d_adv and errors along λ', needs: ['l2angle/svm-path'], parent: 'mnist' },
  { name: 'mirror-pictures', title: 'mirror images along λ', needs: ['l2angle/svm-path'], parent: 'mnist' },
  {
    name: 'pair-overview',
    title: 'the 45 pairs: ½‖j − i‖ and θ at the weakest λ',
    needs: ['l2angle/dataset-geometry', 'l2angle/svm-path'],
    parent: 'mnist',
  },
  {
    name: 'local-linearity',
    title: '2-layer networks against weight decay: local scales, d(x), θ, attacks',
    needs: ['l2angle/local-linearity'],
  },
  { name: 'softmax-temperature', title: 'the softmax at temperature t', needs: [] },
  {
    name: 'lenet',
    title: 'LeNet_low against LeNet_high: curves, weight RMS, filters',
    needs: ['l2angle/lenet-training', 'l2angle/lenet-study'],
  },
  {
    name: 'adversarial-examples',
    title: 'targeted adversarial examples against both LeNets',
    needs: ['l2angle/adversarial'],
  },
  {
    name: 'weight-decay-sweep',
    title: 'swept LeNets against weight decay, on both datasets',
    needs: ['l2angle/lenet-sweep'],
  },
  {
    name: 'swept-network',
    title: 'any swept LeNet: its filters and targeted adversarial examples',
    needs: ['l2angle/lenet-sweep', 'l2angle/adversarial'],
    parent: 'weight-decay-sweep',
  },
  {
    name: 'robust',
    title: 'adversarial training beside weight decay: trade-off curves and robust test error',
    needs: ['l2angle/robust'],
  },
  {
    name: 'early-stopping',
    title: 'gradient descent on unregularised logistic regression: θ(t) beside θ(λ)',
    needs: ['l2angle/early-stopping'],
  },
  {
    name: 'certified',
    title: 'certified radii of the 2-layer networks against weight decay',
    needs: ['l2angle/local-linearity'],
  },
  {
    name: 'sweeps',
    title: 'what the sweeps have computed, and the commands for more',
    needs: ['l2angle/sweep-cell', 'l2angle/lenet-training', 'l2angle/adversarial'],
    draws: 'table',
  },
] as const satisfies readonly FigureEntry[];

/** The name of a figure. */
export type FigureName = (typeof FIGURES)[number]['name'];

/** The figures that are mounted on their own (the others come with their parent). */
export type MountedFigureName = Exclude<
  FigureName,
  Extract<(typeof FIGURES)[number], { parent: string }>['name']
>;
