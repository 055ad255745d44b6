// The prose of "Beyond the article: linear models", written from the artifacts: what adversarial training,
// early stopping and the certified radii measure here, including where it is not what one might hope.
import { LOSSES } from '../../src/math/losses.js';
import { pairLabel } from '../../src/schema/datasets.js';
import type { EarlyStopping } from '../../src/schema/early-stopping.js';
import type { LocalLinearity } from '../../src/schema/nn-artifacts.js';
import type { RobustArtifact } from '../../src/schema/robust.js';
import { formatLambda, percent, sig } from '../chart.js';

/** θ of the λ path at a training error (linear between its models, which are ordered by λ); null outside. */
function pathThetaAt(artifact: RobustArtifact, errTrain: number): number | null {
  const path = artifact.lambdaPath;
  for (let k = 1; k < path.length; k++) {
    const a = path[k - 1];
    const b = path[k];
    if ((a.errTrain - errTrain) * (b.errTrain - errTrain) <= 0 && a.errTrain !== b.errTrain) {
      return a.theta + ((errTrain - a.errTrain) / (b.errTrain - a.errTrain)) * (b.theta - a.theta);
    }
  }
  return null;
}

/** The largest |θ_ε − θ_λ| at equal training error over the solved ε models (null when none compare). */
export function familyGap(artifact: RobustArtifact): number | null {
  let gap: number | null = null;
  for (const m of artifact.models) {
    if (m.collapsed || m.theta === null || m.epsilon === 0) continue;
    const t = pathThetaAt(artifact, m.errTrain);
    if (t !== null) gap = Math.max(gap ?? 0, Math.abs(m.theta - t));
  }
  return gap;
}

/** The paragraphs on adversarial training, from the artifacts at one λ (either loss may be missing). */
export function robustProse(artifacts: readonly RobustArtifact[]): string[] {
  const out: string[] = [];
  for (const a of artifacts) {
    const solved = a.models.filter((m) => !m.collapsed && m.epsilon > 0);
    const first = solved[0];
    const last = solved[solved.length - 1];
    if (!first || !last) continue;
    const worstGap = Math.max(...a.models.map((m) => m.gap));
    const head = `${LOSSES[a.loss].longLabel} on ${pairLabel(a.dataset, a.classI, a.classJ)} at λ = ${formatLambda(a.lambda)}:`;
    const tilt =
      ` from ε = ${sig(first.epsilon)} to ${sig(last.epsilon)} the tilt falls from θ = ${sig(first.theta ?? 0)} to ` +
      `${sig(last.theta ?? 0)} rad and d_adv rises to ${sig(last.dAdv ?? 0)}, while the training error rises from ` +
      `${percent(first.errTrain)} to ${percent(last.errTrain)}; beyond ε* = ½‖j − i‖ = ${sig(a.collapseThreshold, 4)} ` +
      `the optimum is the constant classifier w = 0 (every model's duality gap ≤ ${sig(worstGap, 2)}).`;
    const gap = familyGap(a);
    let families: string;
    if (a.loss === 'hinge') {
      const mus = solved.map((m) => m.equivalentLambda ?? 0);
      families =
        ` For the hinge loss the two families are one: each adversarially trained model is the ordinary SVM at a ` +
        `larger λ, rescaled (λ from ${formatLambda(mus[0])} to ${formatLambda(mus[mus.length - 1])} here), so its ` +
        `point lies on the λ path's curve${gap === null ? '' : ` (largest θ difference at equal training error ${sig(gap, 2)} rad, the interpolation's)`}: ` +
        'against ℓ2 perturbations, adversarial training of a linear SVM is weight decay.';
    } else {
      families =
        gap === null
          ? ''
          : ` For softplus the shift does not scale away, and the two curves differ: at equal training error ` +
            `their θ differ by up to ${sig(gap, 2)} rad.`;
    }
    const probe = a.models.find((m) => Math.abs(m.epsilon - 0.5) < 1e-9) ?? last;
    const k = a.epsilons.indexOf(probe.epsilon);
    const best = Math.min(...a.lambdaPath.map((m) => m.robustErrCurve[k]));
    const bestModel = a.lambdaPath.find((m) => m.robustErrCurve[k] === best);
    const robust =
      ` Against an attack of norm ${sig(probe.epsilon)}, the model trained for it misclassifies ` +
      `${percent(probe.robustErrTest)} of the test images; the best model of the λ path ` +
      `(λ = ${formatLambda(bestModel?.lambda ?? 0)}) misclassifies ${percent(best)}.`;
    out.push(head + tilt + families + robust);
  }
  return out;
}

/** The paragraph on early stopping. */
export function earlyStoppingProse(run: EarlyStopping): string[] {
  const records = run.records;
  const at = (t: number) => records.reduce((a, r) => (Math.abs(r.t - t) < Math.abs(a.t - t) ? r : a));
  const last = records[records.length - 1];
  const early = at(10);
  const mid = at(Math.round(Math.sqrt(run.steps)));
  const thetas = run.softplusPath.map((m) => m.theta);
  const inside = records.slice(1).every((r) => r.theta <= Math.max(...thetas) + 1e-9);
  return [
    `Gradient descent on the unregularised logistic risk of ${pairLabel(run.dataset, run.classI, run.classJ)} ` +
      `(separable: the hinge model at λ = ${run.hardMargin.lambda} has ${percent(run.hardMargin.errTrain)} training ` +
      `error${run.hardMargin.exact ? ' and is the hard-margin SVM' : ''}) starts along j − i (θ = 0, the λ → ∞ end ` +
      `of the paths) and tilts away from it: θ = ${sig(early.theta)} rad after ${early.t} steps, ${sig(mid.theta)} ` +
      `after ${mid.t}, ${sig(last.theta)} after ${last.t.toLocaleString('en')}. The angle to the hard-margin direction ` +
      `falls from ${sig(records[0].angleToHardMargin)} to ${sig(last.angleToHardMargin)} rad, slowly, as the ` +
      `theory's 1/log t says, while ‖w‖ grows to ${sig(last.normW)}. ${inside ? 'θ(t) stays inside the range of the logistic λ path' : 'θ(t) leaves the range of the logistic λ path'}` +
      (last.lambdaOfEqualTheta === null
        ? '.'
        : `: after ${last.t.toLocaleString('en')} steps the model is as tilted as the logistic model at ` +
          `λ = ${formatLambda(last.lambdaOfEqualTheta)}, so stopping early acts as a weak L2 penalty, weaker the ` +
          'longer one trains.'),
  ];
}

/** The paragraph on certified radii. */
export function certifiedProse(sweep: LocalLinearity): string[] {
  const median = (q: number[]) => q[Math.floor(q.length / 2)];
  const rows = sweep.models.map((m) => ({
    decay: m.weightDecay,
    radius: median(m.certified.test.quantiles),
    linearised: median(m.certified.linearisedTest.quantiles),
  }));
  const first = rows[0];
  const last = rows[rows.length - 1];
  const ratios = rows.map((r) => r.radius / r.linearised);
  const violations = sweep.models.reduce((s, m) => s + m.certified.violations, 0);
  const change = last.radius / first.radius;
  const trend =
    change > 1.1
      ? `weight decay enlarges the guaranteed radius ${sig(change, 2)}-fold`
      : change < 0.9
        ? 'weight decay shrinks the guaranteed radius'
        : 'weight decay barely changes the guaranteed radius';
  return [
    `For the 2-layer networks of ${pairLabel(sweep.dataset, sweep.classI, sweep.classJ)}, the median certified ` +
      `radius over the test images is ${sig(first.radius)} at λ = ${first.decay} and ${sig(last.radius)} at ` +
      `λ = ${last.decay} (0..1 pixel scale): ${trend}. ` +
      `The guarantee is ${sig(Math.min(...ratios), 2)} to ${sig(Math.max(...ratios), 2)} of the linearised distance ` +
      `|s(x)|/‖∇ₓs‖ at the median: a bound that holds for every perturbation is far below what the local linear ` +
      `picture suggests, and below every successful attack on an image the network got right (${violations} exceptions).`,
  ];
}
