// The prose of "Beyond the article" for networks, written from the swept LeNets' summaries: what the curves
// show against weight decay, dataset by dataset, including where that is not what the article hoped. Pure
// (no DOM): the tests call it on made-up summaries.
import { LENET_TRAINING } from '../../src/article.js';
import { datasetLabel } from '../../src/schema/datasets.js';
import type { LenetSweep } from '../../src/schema/lenet-sweep.js';
import { curveOf } from '../figures/weight-decay-sweep.js';

const fmt = (v: number, digits = 3) =>
  v !== 0 && Math.abs(v) < 1e-3
    ? v.toExponential(digits - 1).replace(/\.?0+e/, 'e')
    : Number(v.toPrecision(digits)).toString();

/** How the scale of the logits moves, from the trend of the calibrated temperature. */
const SCALE: Record<ReturnType<typeof trend>, string> = {
  rises: 'grows',
  falls: 'shrinks',
  'is flat': 'changes little',
  turns: 'goes up and down',
};

/** Whether a curve rises, falls or does neither across its λ (by its ends, and whether it turns). */
function trend(curve: Array<[number, number]>): 'rises' | 'falls' | 'is flat' | 'turns' {
  if (curve.length < 2) return 'is flat';
  const first = curve[0][1];
  const last = curve[curve.length - 1][1];
  const values = curve.map(([, v]) => v);
  // a step smaller than a twentieth of the curve's range is noise (a seed's wiggle), not a turn
  const noise = 0.05 * (Math.max(...values) - Math.min(...values));
  const steps = curve
    .slice(1)
    .map(([, v], k) => (Math.abs(v - curve[k][1]) <= noise ? 0 : Math.sign(v - curve[k][1])));
  const changes = steps.slice(1).filter((s, k) => s !== 0 && steps[k] !== 0 && s !== steps[k]).length;
  if (Math.abs(last - first) <= 0.05 * Math.max(Math.abs(first), Math.abs(last))) return 'is flat';
  if (changes >= 1) return 'turns';
  return last > first ? 'rises' : 'falls';
}

/** One paragraph per dataset with a sweep; empty when there is none. */
export function weightDecayProse(sweeps: readonly LenetSweep[]): string[] {
  return sweeps
    .filter((s) => s.networks.some((n) => n.weightDecay > 0))
    .map((sweep) => {
      const name = datasetLabel(sweep.dataset);
      const error = curveOf(sweep, (n) => n.testError);
      const norm = curveOf(sweep, (n) => n.attack.medianNorm);
      const temperature = curveOf(sweep, (n) => n.temperature.article);
      const ece = curveOf(sweep, (n) => n.ece.article);
      const best = error.reduce((a, b) => (b[1] < a[1] ? b : a));
      const decays = error.map(([d]) => d);
      const seeds = new Set(sweep.networks.map((n) => n.seed)).size;
      const epochs = [...new Set(sweep.networks.map((n) => n.epochs))].join('/');
      const parts = [
        `${name}: ${sweep.networks.length} networks at ${decays.length} weight decays from ${fmt(decays[0])} to ` +
          `${fmt(decays[decays.length - 1])} (${seeds} seed${seeds > 1 ? 's' : ''}, ${epochs} epochs${
            sweep.networks.every((n) => n.epochs < LENET_TRAINING.epochs)
              ? `, fewer than the article's ${LENET_TRAINING.epochs}: weight decay has had less time to act`
              : ''
          }).`,
        `The test error is lowest, ${fmt(best[1])} %, at λ = ${fmt(best[0])}; it is ${fmt(error[0][1])} % at the ` +
          `smallest λ and ${fmt(error[error.length - 1][1])} % at the largest.`,
      ];
      if (norm.length >= 2) {
        const t = trend(norm);
        parts.push(
          `The median targeted perturbation ${t} with weight decay (${fmt(norm[0][1])} to ${fmt(norm[norm.length - 1][1])} on ` +
            `the 0..255 scale)${
              t === 'rises'
                ? ': stronger weight decay makes these networks harder to attack, as the article hoped.'
                : t === 'falls'
                  ? ': stronger weight decay makes these networks easier to attack, the opposite of what the article hoped.'
                  : ': weight decay does not set the size of the perturbations here, which is not what the article hoped.'
            }`,
        );
      } else {
        parts.push('Too few attacks succeeded within the step cap to compare median perturbations.');
      }
      parts.push(
        `The temperature that brings the median top-class probability to 0.95 ${trend(temperature)} ` +
          `(${fmt(temperature[0][1])} to ${fmt(temperature[temperature.length - 1][1])}): the scale of the logits ` +
          `${SCALE[trend(temperature)]} as λ grows, and the calibration error at that temperature ${trend(ece)} (${fmt(ece[0][1], 2)} to ${fmt(ece[ece.length - 1][1], 2)}).`,
      );
      return parts.join(' ');
    });
}
