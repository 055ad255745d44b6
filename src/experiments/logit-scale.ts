// A trained LeNet's logit scale and calibration on a test set: the top-two margins and the calibration errors
// from the logits of every image, ‖∇ₓ s_y‖ from the first `gradientImages` (an input gradient costs a
// backward pass).
import { CALIBRATION_TARGET } from '../article.js';
import type { ImageSet } from '../data/dataset.js';
import { histogram, QUANTILE_LEVELS, quantiles } from '../math/statistics.js';
import {
  expectedCalibrationError,
  negativeLogLikelihood,
  nllTemperature,
  topTwoMargins,
} from '../nn/calibration.js';
import { calibrateTemperature } from '../nn/temperature.js';
import { type LogitScale, logitScaleSchema } from '../schema/logit-scale.js';
import type { Bins } from '../schema/nn-artifacts.js';
import { ARTIFACT_VERSION } from '../schema/version.js';
import { type LoadedLenet, lenetLogits, networkInput } from './lenet-network.js';

const BATCH = 250;

function distribution(values: Float64Array, bins: Bins) {
  return { quantiles: quantiles(values), histogram: histogram(values, bins), bins };
}

/** The logit-scale artifact of a network on a test set. */
export function logitScale(
  net: LoadedLenet,
  name: string,
  dataset: string,
  test: ImageSet,
  gradientImages = 1000,
): LogitScale {
  const size = test.rows * test.cols;
  const classes = 10;
  const logits = new Float32Array(test.count * classes);
  for (let start = 0; start < test.count; start += BATCH) {
    const n = Math.min(BATCH, test.count - start);
    logits.set(lenetLogits(net, test.images.subarray(start * size, (start + n) * size), n), start * classes);
  }
  const data = { logits, labels: test.labels, classes };
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k] > logits[i * classes + best]) best = k;
    if (best === test.labels[i]) correct++;
  }
  const article = calibrateTemperature(logits, { classes, target: CALIBRATION_TARGET }).t;
  const nll = nllTemperature(data);

  // ‖∇ₓ s_y‖: the backward pass of a one-hot output gradient at the label
  const m = Math.min(gradientImages, test.count);
  const norms = new Float64Array(m);
  for (let start = 0; start < m; start += BATCH) {
    const n = Math.min(BATCH, m - start);
    const input = networkInput(test.images.subarray(start * size, (start + n) * size), n, net.mean);
    const gradient = net.network.inputGradient(input, (output) => {
      const grad = new Float32Array(output.data.length);
      for (let b = 0; b < n; b++) grad[b * classes + test.labels[start + b]] = 1;
      return { data: grad, shape: output.shape };
    }).data;
    net.network.zeroGrad();
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let k = 0; k < size; k++) s += gradient[b * size + k] ** 2;
      norms[start + b] = Math.sqrt(s);
    }
  }
  const margins = topTwoMargins(logits, classes);
  const top = (v: Float64Array) => Math.max(1e-9, quantiles(v, [0.99])[0]);
  const bins = (v: Float64Array, unit: string): Bins => {
    const max = top(v);
    return { min: 0, max, width: max / 40, unit };
  };
  const value: LogitScale = {
    schema: 'l2angle/logit-scale',
    version: ARTIFACT_VERSION,
    network: name,
    dataset,
    createdAt: new Date().toISOString(),
    images: test.count,
    gradientImages: m,
    quantileLevels: [...QUANTILE_LEVELS],
    margin: distribution(margins, bins(margins, 'logit units')),
    gradientNorm: distribution(norms, bins(norms, 'logit units per unit of ‖x‖ on the 0..255 scale')),
    accuracy: (100 * correct) / test.count,
    temperature: { article, nll: nll.t },
    ece: {
      raw: expectedCalibrationError(data, 1),
      article: expectedCalibrationError(data, article),
      nll: expectedCalibrationError(data, nll.t),
    },
    nll: { raw: negativeLogLikelihood(data, 1), article: negativeLogLikelihood(data, article), nll: nll.nll },
  };
  return logitScaleSchema.parse(value);
}
