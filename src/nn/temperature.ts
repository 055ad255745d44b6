// The softmax temperature of SPEC §4: for a network's test-set logits, the t for which the median over the
// test set of the top-class probability max_k softmax(s/t)_k equals a target (0.95 in the article). Each
// image's top-class probability falls as t grows, so their median does too and bisection on log t finds t.
// Pure maths: browser-safe.

/** The result of `calibrateTemperature`. */
export interface Temperature {
  /** t */
  readonly t: number;
  /** the median over the images of the top-class probability at t */
  readonly median: number;
  /** bisection steps taken */
  readonly iterations: number;
}

/** Options of `calibrateTemperature`. */
export interface TemperatureOptions {
  /** classes per image (10 for LeNet; 2 for a binary score given as logits (0, s)) */
  classes?: number;
  /** the median top-class probability wanted (the article: 0.95) */
  target?: number;
  /** |median − target| that counts as reached; the bisection goes on to 1e-9 when it can */
  tolerance?: number;
}

/** max_k softmax(s/t)_k of the image at `offset`, stably: 1/Σ_k exp((s_k − s_max)/t). */
export function topProbability(
  logits: ArrayLike<number>,
  offset: number,
  classes: number,
  t: number,
): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < classes; k++) max = Math.max(max, logits[offset + k]);
  let z = 0;
  for (let k = 0; k < classes; k++) z += Math.exp((logits[offset + k] - max) / t);
  return 1 / z;
}

/** The median over the images of the top-class probability at temperature t (mean of the middle two for even n). */
export function medianTopProbability(logits: ArrayLike<number>, classes: number, t: number): number {
  const n = logits.length / classes;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = topProbability(logits, i * classes, classes, t);
  p.sort();
  return n % 2 === 1 ? p[(n - 1) / 2] : (p[n / 2 - 1] + p[n / 2]) / 2;
}

/**
 * The temperature t at which the median top-class probability of softmax(s/t) over the images of `logits`
 * (n × classes, row-major) is `target` ± `tolerance`, by bisection on log t. Throws a one-line error when no
 * t can reach it (e.g. more than half of the images have tied top logits).
 */
export function calibrateTemperature(
  logits: ArrayLike<number>,
  options: TemperatureOptions = {},
): Temperature {
  const classes = options.classes ?? 10;
  const target = options.target ?? 0.95;
  const tolerance = options.tolerance ?? 0.001;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`calibrateTemperature: classes ${classes} must be an integer ≥ 2`);
  }
  if (logits.length === 0 || logits.length % classes !== 0) {
    throw new RangeError(
      `calibrateTemperature: expected n × ${classes} logits with n ≥ 1, got ${logits.length} values`,
    );
  }
  for (let k = 0; k < logits.length; k++) {
    if (!Number.isFinite(logits[k])) throw new RangeError(`calibrateTemperature: logit ${k} is ${logits[k]}`);
  }
  if (!(target > 1 / classes && target < 1)) {
    throw new RangeError(
      `calibrateTemperature: target ${target} must lie strictly between 1/${classes} and 1`,
    );
  }
  if (!(tolerance > 0)) throw new RangeError(`calibrateTemperature: tolerance ${tolerance} must be > 0`);
  const median = (logT: number) => medianTopProbability(logits, classes, Math.exp(logT));
  // bracket: median(lo) ≥ target ≥ median(hi); widen until it holds or t leaves any sensible range
  let lo = -5;
  let hi = 5;
  let iterations = 0;
  while (median(lo) < target) {
    lo -= 10;
    if (lo < -700) {
      throw new RangeError(
        `calibrateTemperature: even at t → 0 the median top-class probability stays below ${target} ` +
          '(more than half of the images have tied top logits)',
      );
    }
  }
  while (median(hi) > target) {
    hi += 10;
    if (hi > 700)
      throw new RangeError(`calibrateTemperature: the logits are too far apart to reach ${target}`);
  }
  let mid = (lo + hi) / 2;
  let m = median(mid);
  while (iterations < 200 && Math.abs(m - target) > 1e-9 && hi - lo > 1e-14) {
    if (m > target) lo = mid;
    else hi = mid;
    mid = (lo + hi) / 2;
    m = median(mid);
    iterations++;
  }
  if (!(Math.abs(m - target) <= tolerance)) {
    throw new RangeError(
      `calibrateTemperature: reached a median of ${m} at t = ${Math.exp(mid)}, not ${target} ± ${tolerance}`,
    );
  }
  return { t: Math.exp(mid), median: m, iterations };
}
