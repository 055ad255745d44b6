// How well a network's probabilities match its accuracy, and how large its logits are. Expected calibration
// error (ECE: the gap between confidence and accuracy, weighted over confidence bins), the negative
// log-likelihood at a temperature, the NLL-optimal temperature (standard temperature scaling, against the
// article's "median top-class probability 0.95"), and the top-two logit margin. Pure maths.
import { topProbability } from './temperature.js';

/** Logits of n images (n × classes, row-major) with their labels. */
export interface LabelledLogits {
  readonly logits: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly classes: number;
}

function count(data: LabelledLogits): number {
  const n = data.logits.length / data.classes;
  if (!Number.isInteger(n) || n < 1 || data.labels.length < n) {
    throw new RangeError(
      `calibration: ${data.logits.length} logits of ${data.classes} classes and ${data.labels.length} labels`,
    );
  }
  return n;
}

function argmaxRow(logits: ArrayLike<number>, offset: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (logits[offset + k] > logits[offset + best]) best = k;
  return best;
}

/**
 * ECE at temperature t: images binned by their top-class probability into `bins` equal-width bins of
 * (0, 1]; Σ_bins (n_bin / n) |accuracy_bin − mean confidence_bin|. In [0, 1].
 */
export function expectedCalibrationError(data: LabelledLogits, t: number, bins = 15): number {
  const n = count(data);
  const total = new Float64Array(bins);
  const correct = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const offset = i * data.classes;
    const p = topProbability(data.logits, offset, data.classes, t);
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    total[b]++;
    confidence[b] += p;
    if (argmaxRow(data.logits, offset, data.classes) === data.labels[i]) correct[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (total[b] > 0) ece += Math.abs(correct[b] - confidence[b]) / n;
  return ece;
}

/** Mean negative log-likelihood −log softmax(s/t)_label over the images (stable log-sum-exp). */
export function negativeLogLikelihood(data: LabelledLogits, t: number): number {
  const n = count(data);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const offset = i * data.classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < data.classes; k++) max = Math.max(max, data.logits[offset + k] / t);
    let z = 0;
    for (let k = 0; k < data.classes; k++) z += Math.exp(data.logits[offset + k] / t - max);
    sum += max + Math.log(z) - data.logits[offset + data.labels[i]] / t;
  }
  return sum / n;
}

/**
 * The temperature minimising the NLL over t in [e^−6, e^6] (golden-section search on log t: the NLL is
 * unimodal in log t for fixed logits). The standard post-hoc calibration of a classifier.
 */
export function nllTemperature(data: LabelledLogits): { t: number; nll: number } {
  const f = (logT: number) => negativeLogLikelihood(data, Math.exp(logT));
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = -6;
  let b = 6;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < 80 && b - a > 1e-7; k++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  const logT = (a + b) / 2;
  return { t: Math.exp(logT), nll: f(logT) };
}

/** The top-two margin s_(1) − s_(2) of every image: how far the largest logit stands above the next. */
export function topTwoMargins(logits: ArrayLike<number>, classes: number): Float64Array {
  const n = logits.length / classes;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let first = Number.NEGATIVE_INFINITY;
    let second = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) {
      const v = logits[i * classes + k];
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) second = v;
    }
    out[i] = first - second;
  }
  return out;
}
