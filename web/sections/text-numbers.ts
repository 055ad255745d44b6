// The numbers the prose quotes, computed from the artifacts (and, for the toy problem, from the toy solver)
// the figures use. Each function fills the keys of one source; see numbers.ts for the mechanism.
import { TRAINING_LOSSES } from '../../src/math/losses.js';
import type { SvmPath } from '../../src/schema/artifacts.js';
import { datasetLabel } from '../../src/schema/datasets.js';
import type { Adversarial, LocalLinearity } from '../../src/schema/nn-artifacts.js';
import { fitToy } from '../../src/solvers/toy-fit.js';
import { fixed, formatLambda, sig } from '../chart.js';
import type { LenetRun } from '../figures/lenet.js';
import { setNumber } from '../numbers.js';
import { lambdaOf } from '../state.js';

/** θ of the toy fits at the ends of the slider's range. */
export function fillToyNumbers(): void {
  for (const loss of TRAINING_LOSSES) {
    setNumber(`toy-theta-weak-${loss}`, fixed(fitToy(loss, 1e-6).theta));
    setNumber(`toy-theta-strong-${loss}`, fixed(fitToy(loss, 0.1).theta));
  }
}

/** The quoted numbers of a λ path (keys "79-…" for 7 vs 9, "01-…" for 0 vs 1). */
export function fillPathNumbers(path: SvmPath): void {
  const key = `${path.classI}${path.classJ}`;
  const strong = path.models[0];
  const weak = path.models[path.models.length - 1];
  const best = path.models.reduce((a, m) => (m.errTest < a.errTest ? m : a), strong);
  const mirror = (m: SvmPath['models'][number]) => (m.mirrors.I.distance + m.mirrors.J.distance) / 2;
  const values: Record<string, string> = {
    'theta-strong': fixed(strong.theta),
    'theta-weak': fixed(weak.theta),
    'dadv-strong': fixed(strong.dAdv, 3),
    'dadv-weak': fixed(weak.dAdv, 3),
    'half-dist': fixed(path.centroidDistance / 2, 3),
    'err-train-strong': `${fixed(strong.errTrain, 1)} %`,
    'err-train-weak': `${fixed(weak.errTrain, 2)} %`,
    'err-test-strong': `${fixed(strong.errTest, 1)} %`,
    'err-test-weak': `${fixed(weak.errTest, 1)} %`,
    'best-test': `${fixed(best.errTest, 1)} %`,
    'best-lambda': formatLambda(lambdaOf(best.c)),
    'mirror-weak': fixed(weak.mirrors.I.distance, 2),
    'mirror-strong': fixed(strong.mirrors.I.distance, 2),
    'mirror-mean-weak': fixed(mirror(weak), 2),
  };
  for (const [name, text] of Object.entries(values)) setNumber(`${key}-${name}`, text);
  setNumber('mnist-per-class', String(path.perClass));
  setNumber('mnist-lambda-count', String(path.models.length));
}

/** The LeNet study's final test errors (the comparison itself is web/sections/lenet-prose.ts's). */
export function fillLenetNumbers(runs: LenetRun[], final: boolean, dataset: string): void {
  setNumber('lenet-dataset', datasetLabel(dataset));
  const low = runs.find((r) => /low/i.test(r.name))?.epochs.at(-1);
  const high = runs.find((r) => /high/i.test(r.name))?.epochs.at(-1);
  const suffix = final ? '' : ' (so far)';
  if (low) {
    setNumber('lenet-low-test', `${fixed(low.testError, 2)} %${suffix}`);
  }
  if (high) {
    setNumber('lenet-high-test', `${fixed(high.testError, 2)} %${suffix}`);
  }
  // the settings the runs report, so that the prose describes what was actually trained
  for (const r of runs) setNumber(`lenet-wd-${/high/i.test(r.name) ? 'high' : 'low'}`, sig(r.weightDecay, 2));
  const first = runs[0];
  if (first) {
    setNumber('lenet-epochs', String(first.epochsPlanned));
    setNumber('lenet-batch', String(first.settings.batchSize));
    setNumber('lenet-lr', String(first.settings.learningRate));
    setNumber('lenet-momentum', String(first.settings.momentum));
  }
}

/** The attack's settings as the adversarial studies record them. */
export function fillAdversarialNumbers(studies: Adversarial[]): void {
  const first = studies[0];
  if (first) {
    setNumber('adv-confidence', String(first.settings.confidence));
    setNumber('adv-median-target', String(first.temperature.target));
    setNumber('adv-step', String(first.settings.stepSize));
  }
}

/** The local-linearity sweep's ends. */
export function fillLocalLinearityNumbers(data: LocalLinearity): void {
  const levels = data.quantileLevels;
  let median = 0;
  for (let k = 1; k < levels.length; k++)
    if (Math.abs(levels[k] - 0.5) < Math.abs(levels[median] - 0.5)) median = k;
  const first = data.models[0];
  const last = data.models[data.models.length - 1];
  setNumber('ll-scale-low', sig(first.localScale.quantiles[median], 3));
  setNumber('ll-scale-high', sig(last.localScale.quantiles[median], 3));
  setNumber('ll-decay-low', String(first.weightDecay));
  setNumber('ll-decay-high', String(last.weightDecay));
  setNumber('ll-dadv-low', first.dAdv === null ? 'undefined' : fixed(first.dAdv, 3));
  setNumber('ll-dadv-high', last.dAdv === null ? 'undefined' : fixed(last.dAdv, 3));
}
