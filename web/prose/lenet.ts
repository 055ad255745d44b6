// The sentences of the LeNet section that compare LeNet_low with LeNet_high, built from the numbers so that
// the page cannot claim what the artifacts do not show: which network is ahead, by how much, whether that is
// more than the spread between seeds, and where we agree or disagree with the article. Pure (no DOM), so the
// wording is unit-tested against numbers that flip.

/** What the prose needs of one network. */
export interface NetworkFacts {
  /** final % errors of the article's run (seed 0) */
  testError: number;
  trainError: number;
  /** weight RMS per layer after the last epoch */
  weightRms: number[];
  /** training error % of each epoch (index 0 = epoch 1) */
  trainErrors: number[];
  /** ‖x' − x‖ (0..255 scale) of the ten targeted examples that reached the target */
  targetedNorms: number[];
  /** mean neighbour correlation of the ten perturbations (1: smooth strokes, about 0: speckle) */
  perturbationSmoothness: number | null;
  /** the many-image study: median norm with failures counted as largest (null if half failed), success % */
  medianNorm: number | null;
  successRate: number;
  images: number;
  /** the same numbers for every seed of the spread study, seed 0 included; empty until it has run */
  seeds: Array<{ seed: number; testError: number; medianNorm: number | null }>;
}

/** What the article reports (its text and figures), in the page's units (%, 0..255 scale). */
export const ARTICLE_LENET_CLAIMS = {
  testError: { low: 1.6, high: 1.2 },
  /** root mean square of each layer's weights (conv1, conv2, fc1, fc2) at the end (figure lenet-weights) */
  weightRms: { low: [0.04, 0.04, 0.02, 0.5], high: [0.03, 0.005, 0.001, 0.01] },
  /** mean neighbour correlation of its ten perturbations, measured from the pixels of its figure */
  perturbationSmoothness: { low: 0.2, high: 0.81 },
  /** its LeNet_low's training-error curve is at 0 from this epoch on (figure lenet-curves) */
  lowFitsTrainingSetAt: 12,
  /** the printed L2 norms of the ten perturbations of its figure, on the 0..1 scale */
  targetedNorms: {
    low: [2.28, 1.3, 1.56, 1.72, 2.37, 0.81, 2.33, 1.6, 1.88, 1.8],
    high: [7.55, 4.53, 4.06, 6.51, 5.18, 4.42, 6.33, 5.52, 5.49, 7.9],
  },
} as const;

/** The two paragraphs. */
export interface LenetProse {
  /** after the error curves: generalisation, overfitting, weights, against the article */
  training: string;
  /** after the adversarial examples: norms, success, smoothness, against the article */
  attack: string;
}

const pct = (v: number) => `${v.toFixed(2)} %`;
const norm = (v: number) => v.toFixed(0);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** min–max of the finite values, or undefined. */
function range(values: Array<number | null>): [number, number] | undefined {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === 0 ? undefined : [Math.min(...v), Math.max(...v)];
}

/**
 * The dataset the networks were trained on: the article's MNIST, whose claims the prose compares with, or
 * another (its registry name and label), of which the article says nothing.
 */
export interface ProseDataset {
  name: string;
  label: string;
}

const MNIST: ProseDataset = { name: 'mnist', label: 'MNIST' };

/** Whether the two networks' ranges over seeds overlap: then their difference is within the seed spread. */
function spreadVerdict(
  what: string,
  lowFacts: NetworkFacts,
  highFacts: NetworkFacts,
  pick: (seed: NetworkFacts['seeds'][number]) => number | null,
  format: (v: number) => string,
  dataset: ProseDataset,
): string {
  const low = range(lowFacts.seeds.map(pick));
  const high = range(highFacts.seeds.map(pick));
  const seeds = Math.min(lowFacts.seeds.length, highFacts.seeds.length);
  if (!low || !high || seeds < 2) {
    const flag = dataset.name === 'mnist' ? '' : ` --dataset ${dataset.name}`;
    return `(Whether this is more than the spread between seeds is not known yet: \`l2angle nn --study seeds${flag}\` trains both networks with other seeds.)`;
  }
  const apart = low[1] < high[0] || high[1] < low[0];
  const spread = `over ${seeds} seeds LeNet_low's ${what} runs from ${format(low[0])} to ${format(low[1])} and LeNet_high's from ${format(high[0])} to ${format(high[1])}`;
  return apart
    ? `The ranges do not overlap (${spread}), so the difference is larger than the spread between seeds.`
    : `The ranges overlap (${spread}), so the difference is within the spread between seeds: one run of each cannot tell the two apart.`;
}

/**
 * Builds the two paragraphs from both networks' facts. On MNIST they are set against the article's claims;
 * on another dataset they open by saying the article has no numbers to compare with, and make no comparison.
 */
export function lenetProse(low: NetworkFacts, high: NetworkFacts, dataset: ProseDataset = MNIST): LenetProse {
  const article = dataset.name === 'mnist';
  const opening = article
    ? ''
    : `On ${dataset.label}, with the article's settings (the article trained on MNIST only, so none of its numbers apply here): `;
  return {
    training: opening + trainingParagraph(low, high, dataset, article),
    attack: opening + attackParagraph(low, high, dataset, article),
  };
}

function trainingParagraph(
  low: NetworkFacts,
  high: NetworkFacts,
  dataset: ProseDataset,
  article: boolean,
): string {
  const parts: string[] = [];
  const d = high.testError - low.testError;
  const which =
    Math.abs(d) < 0.005
      ? 'the same test error as LeNet_low'
      : d < 0
        ? `a lower test error than LeNet_low, by ${(-d).toFixed(2)} points`
        : `a higher test error than LeNet_low, by ${d.toFixed(2)} points`;
  parts.push(
    `LeNet_high ends with ${which} (${pct(high.testError)} against ${pct(low.testError)}).`,
    spreadVerdict('final test error', low, high, (s) => s.testError, pct, dataset),
  );
  const gapLow = low.testError - low.trainError;
  const gapHigh = high.testError - high.trainError;
  parts.push(
    gapHigh < gapLow
      ? `Its training error, ${pct(high.trainError)}, stays closer to its test error than LeNet_low's (${pct(low.trainError)}): it overfits less.`
      : `Its training error, ${pct(high.trainError)}, is no closer to its test error than LeNet_low's (${pct(low.trainError)}): it does not overfit less.`,
  );
  const ratio = low.weightRms[0] > 0 ? high.weightRms[0] / low.weightRms[0] : Number.NaN;
  if (Number.isFinite(ratio)) {
    parts.push(
      ratio < 1
        ? `Its weights are smaller: in the first layer their root mean square is ${ratio.toFixed(2)} times LeNet_low's.`
        : `Its weights are not smaller: in the first layer their root mean square is ${ratio.toFixed(2)} times LeNet_low's.`,
    );
  }
  parts.push(rmsSentence(low.weightRms, high.weightRms, article));
  if (!article) return parts.join(' ');
  const at = ARTICLE_LENET_CLAIMS.lowFitsTrainingSetAt;
  const ours = low.trainErrors[at - 1];
  if (ours !== undefined) {
    parts.push(
      ours <= 0.05
        ? `Like the article's, our LeNet_low fits its training set by epoch ${at} (${pct(ours)} training error).`
        : `The article's LeNet_low fits its training set completely by epoch ${at} (0 % training error); ours has ${pct(ours)} at epoch ${at} and ${pct(low.trainError)} at the end, so our training curves are not the article's.`,
    );
  }
  const theirs = ARTICLE_LENET_CLAIMS.testError;
  const agree = Math.sign(high.testError - low.testError) === Math.sign(theirs.high - theirs.low);
  parts.push(
    agree
      ? `The article also finds LeNet_high slightly better (${pct(theirs.high)} against ${pct(theirs.low)}).`
      : `Here we disagree with the article, which reports LeNet_high slightly better (${pct(theirs.high)} against ${pct(theirs.low)}); ours are ${pct(high.testError)} and ${pct(low.testError)}.`,
  );
  return parts.join(' ');
}

const LAYERS = ['conv1', 'conv2', 'fc1', 'fc2'];

/** Our weight RMS per layer against the article's (on MNIST), naming the layers more than 2 times apart. */
function rmsSentence(low: readonly number[], high: readonly number[], article: boolean): string {
  const claims = ARTICLE_LENET_CLAIMS.weightRms;
  const list = (xs: readonly number[]) =>
    xs.map((v) => (v >= 0.1 ? v.toFixed(2) : v.toPrecision(2))).join(', ');
  if (!article) {
    return `Root mean square of the weights of conv1, conv2, fc1 and fc2: ${list(low)} (LeNet_low) and ${list(high)} (LeNet_high).`;
  }
  const apart = (ours: readonly number[], theirs: readonly number[], name: string) =>
    LAYERS.filter(
      (_, k) => ours[k] !== undefined && (ours[k] > 2 * theirs[k] || ours[k] < theirs[k] / 2),
    ).map((layer) => `${name}'s ${layer}`);
  const off = [...apart(low, claims.low, 'LeNet_low'), ...apart(high, claims.high, 'LeNet_high')];
  const head = `Root mean square of the weights of conv1, conv2, fc1 and fc2: ours ${list(low)} (LeNet_low) and ${list(high)} (LeNet_high), the article's ${list(claims.low)} and ${list(claims.high)}`;
  return off.length === 0
    ? `${head}: within a factor of 2 everywhere.`
    : `${head}: more than a factor of 2 apart in ${off.join(', ')}.`;
}

function attackParagraph(
  low: NetworkFacts,
  high: NetworkFacts,
  dataset: ProseDataset,
  article: boolean,
): string {
  const parts: string[] = [];
  if (low.targetedNorms.length > 0 && high.targetedNorms.length > 0) {
    const ml = mean(low.targetedNorms);
    const mh = mean(high.targetedNorms);
    const r = mh / ml;
    const of = (f: NetworkFacts) =>
      f.targetedNorms.length < 10 ? ` (the ${f.targetedNorms.length} of ten that reached the target)` : '';
    const numbers = `${norm(mh)} on average${of(high)} against ${norm(ml)}${of(low)} for LeNet_low on the 0..255 scale (${r.toFixed(2)} times)`;
    parts.push(
      r > 1.1
        ? `LeNet_high needs larger perturbations for the ten examples: ${numbers}.`
        : r < 1 / 1.1
          ? `LeNet_high needs smaller perturbations for the ten examples: ${numbers}.`
          : `LeNet_high needs about the same perturbations for the ten examples: ${numbers}.`,
    );
  }
  const rate = (f: NetworkFacts) => `${f.successRate.toFixed(0)} %`;
  if (low.medianNorm !== null && high.medianNorm !== null) {
    parts.push(
      `Over ${low.images} test images the median norm is ${norm(high.medianNorm)} for LeNet_high and ${norm(low.medianNorm)} for LeNet_low (a failed attack counting as larger than any success), and the attack reaches its target within the step cap for ${rate(high)} and ${rate(low)} of them.`,
      spreadVerdict('median norm', low, high, (s) => s.medianNorm, norm, dataset),
    );
  } else {
    parts.push(
      `Over ${low.images} test images the attack reaches its target within the step cap for ${rate(high)} (LeNet_high) and ${rate(low)} (LeNet_low) of them.`,
    );
  }
  if (low.perturbationSmoothness !== null && high.perturbationSmoothness !== null) {
    const sl = low.perturbationSmoothness;
    const sh = high.perturbationSmoothness;
    const claims = ARTICLE_LENET_CLAIMS.perturbationSmoothness;
    const theirs = article
      ? `; in the article's figure ${claims.high.toFixed(2)} and ${claims.low.toFixed(2)}: strokes against speckle`
      : '';
    parts.push(
      sh - sl > 0.1
        ? `LeNet_high's perturbations are smoother (neighbouring pixels correlate ${sh.toFixed(2)} against ${sl.toFixed(2)}${theirs}): closer to strokes than to noise.`
        : `The two networks' perturbations are about as smooth (neighbouring pixels correlate ${sh.toFixed(2)} and ${sl.toFixed(2)}${theirs}).`,
    );
  }
  if (!article) return parts.join(' ');
  const claims = ARTICLE_LENET_CLAIMS.targetedNorms;
  const articleRatio = mean(claims.high) / mean(claims.low);
  if (low.targetedNorms.length > 0 && high.targetedNorms.length > 0) {
    const ours = mean(high.targetedNorms) / mean(low.targetedNorms);
    const span = (xs: readonly number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    const lowOurs = low.targetedNorms.map((v) => v / 255);
    const highOurs = high.targetedNorms.map((v) => v / 255);
    const text = `The article's ten perturbations measure ${span(claims.low)} (LeNet_low) and ${span(claims.high)} (LeNet_high) on the 0..1 scale, ${articleRatio.toFixed(1)} times apart; ours measure ${span(lowOurs)} and ${span(highOurs)}, ${ours.toFixed(1)} times apart`;
    // which of our networks departs from the article's, by more than 1.5 times its mean norm
    const departs = (
      [
        ['LeNet_low', mean(lowOurs) / mean(claims.low)],
        ['LeNet_high', mean(highOurs) / mean(claims.high)],
      ] as const
    )
      .filter(([, ratio]) => ratio > 1.5 || ratio < 1 / 1.5)
      .map(
        ([name, ratio]) =>
          `our ${name} is ${ratio > 1 ? 'harder' : 'easier'} to fool than the article's (${ratio.toFixed(1)} times its norms)`,
      );
    parts.push(
      ours >= articleRatio / 1.5
        ? `${text}, so we reproduce the article's gap.`
        : `${text}: we do not reproduce the article's gap${departs.length > 0 ? `; ${departs.join(', and ')}` : ''}.`,
    );
  }
  return parts.join(' ');
}

/** Mean correlation of horizontally and vertically neighbouring pixels of 28×28 pictures (each centred). */
export function neighbourCorrelation(pictures: readonly Float32Array[], side = 28): number | null {
  const values: number[] = [];
  for (const p of pictures) {
    const m = mean(Array.from(p));
    let num = 0;
    let a2 = 0;
    let b2 = 0;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const v = p[r * side + c] - m;
        for (const [dr, dc] of [
          [0, 1],
          [1, 0],
        ]) {
          if (r + dr >= side || c + dc >= side) continue;
          const w = p[(r + dr) * side + c + dc] - m;
          num += v * w;
          a2 += v * v;
          b2 += w * w;
        }
      }
    }
    if (a2 > 0 && b2 > 0) values.push(num / Math.sqrt(a2 * b2));
  }
  return values.length === 0 ? null : mean(values);
}
