// Beyond the article, linear models: adversarial training against ℓ2 perturbations beside weight decay, for
// one pair, loss and λ. Three panels: θ against training error and d_adv against training error for both
// families (the λ path, and the ε path at the chosen λ: the two trade-off curves), and the robust test error
// against ε for a few λ-path models, the best λ-path model at each ε, and the adversarially trained models.
// The chosen ε is marked on every panel; its model's w is shown as a picture.
import { axisBottom, axisLeft, line, max, scaleLinear } from 'd3';
import { LOSSES } from '../../src/math/losses.js';
import { pairLabel } from '../../src/schema/datasets.js';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import type { RobustArtifact, RobustModelRecord } from '../../src/schema/robust.js';
import { curvePath, formatLambda, panel, percent, sig, xAxis, yAxis } from '../chart.js';
import { figureRow } from '../layout.js';
import { divergingFor, picture } from '../pictures.js';
import type { FigureHandle } from '../slot.js';
import type { ViewState } from '../state.js';

/** The index of the artifact's ε nearest to `epsilon`. */
export function nearestEpsilon(artifact: RobustArtifact, epsilon: number): number {
  let best = 0;
  for (let k = 1; k < artifact.epsilons.length; k++) {
    if (Math.abs(artifact.epsilons[k] - epsilon) < Math.abs(artifact.epsilons[best] - epsilon)) best = k;
  }
  return best;
}

type Point = [number, number];

/** The λ-path models the robust-error panel draws one curve for: c = 80, 60, 40, 20 (λ = 1e-6 … 1). */
const SHOWN_PATH_MODELS = [80, 60, 40, 20];

/** The solved (not collapsed) models with a defined θ and d_adv. */
function solved(models: readonly RobustModelRecord[]): RobustModelRecord[] {
  return models.filter((m) => !m.collapsed && m.theta !== null && m.dAdv !== null);
}

/** A sentence about the chosen model. */
export function describeRobustModel(artifact: RobustArtifact, m: RobustModelRecord): string {
  if (m.collapsed) {
    return (
      `At ε = ${sig(m.epsilon)}: ε ≥ ε* = ½‖j − i‖ = ${sig(artifact.collapseThreshold, 4)}, so the optimum is ` +
      `w = 0, a constant classifier: training error ${percent(m.errTrain)}, robust test error ${percent(m.robustErrTest)}.`
    );
  }
  const same =
    m.equivalentLambda !== undefined
      ? ` Its boundary is the ordinary SVM's at λ = ${formatLambda(m.equivalentLambda)}, exactly.`
      : '';
  return (
    `At ε = ${sig(m.epsilon)}: θ = ${sig(m.theta ?? 0)} rad, d_adv = ${sig(m.dAdv ?? 0)}, ‖w‖ = ${sig(m.normW)}, ` +
    `training error ${percent(m.errTrain)}, test error ${percent(m.errTest)}, robust test error ` +
    `${percent(m.robustErrTest)} (duality gap ${sig(m.gap, 2)}).${same}`
  );
}

/** Draws the three panels and the chosen model. */
export function renderRobust(
  container: HTMLElement,
  artifact: RobustArtifact,
  state: ViewState,
): FigureHandle {
  container.replaceChildren();
  const loss = LOSSES[artifact.loss];
  const path = artifact.lambdaPath;
  const eps = solved(artifact.models);
  const { cell } = figureRow(container, true);
  const errMax = Math.max(max(path, (m) => m.errTrain) ?? 1, max(eps, (m) => m.errTrain) ?? 1) * 1.05;
  const markers: Array<(m: RobustModelRecord) => void> = [];

  // θ and d_adv against the training error: the two families' trade-off curves
  for (const quantity of ['theta', 'dAdv'] as const) {
    const label = quantity === 'theta' ? 'θ (rad)' : 'd_adv (0..1 scale)';
    const p = panel(cell(), {
      label: `${label} against training error, for the λ path and for adversarial training at λ = ${artifact.lambda}.`,
      title: quantity === 'theta' ? 'tilt against training error' : 'd_adv against training error',
      width: 320,
      height: 240,
    });
    const x = scaleLinear().domain([0, errMax]).range([0, p.width]).nice();
    const top = quantity === 'theta' ? Math.max(...path.map((m) => m.theta)) : artifact.collapseThreshold;
    const y = scaleLinear()
      .domain([0, top * 1.08])
      .range([p.height, 0])
      .nice();
    xAxis(p, axisBottom(x).ticks(5), 'training error (%)');
    yAxis(p, axisLeft(y).ticks(5), label);
    curvePath(
      p,
      path.map((m) => [m.errTrain, m[quantity]]),
      x,
      y,
      'family-weight-decay',
    );
    curvePath(
      p,
      eps.map((m) => [m.errTrain, m[quantity] ?? 0]),
      x,
      y,
      'family-adversarial',
    );
    const mark = p.plot.append('circle').attr('class', 'current-dot family-adversarial').attr('r', 5);
    markers.push((m) => {
      const v = m[quantity];
      mark.attr('visibility', v === null ? 'hidden' : 'visible');
      if (v !== null) mark.attr('cx', x(m.errTrain)).attr('cy', y(v));
    });
  }

  // the robust test error against ε
  const p = panel(cell(), {
    label:
      'Robust test error against ε: λ-path models, the best of them at each ε, and adversarial training.',
    title: 'robust test error against ε',
    width: 320,
    height: 240,
  });
  const x = scaleLinear()
    .domain([0, artifact.epsilons[artifact.epsilons.length - 1] ?? 1])
    .range([0, p.width]);
  const y = scaleLinear().domain([0, 100]).range([p.height, 0]);
  xAxis(p, axisBottom(x).ticks(5), 'ε (ℓ2, 0..1 pixel scale)');
  yAxis(p, axisLeft(y).ticks(5), 'robust test error (%)');
  for (const [index, c] of SHOWN_PATH_MODELS.entries()) {
    const m = path.find((q) => q.c === c);
    if (!m) continue;
    curvePath(
      p,
      artifact.epsilons.map((e, k) => [e, m.robustErrCurve[k]]),
      x,
      y,
      'reference',
    );
    // each label where its curve first passes 50 %, staggered so that steep neighbours do not overlap
    const k = m.robustErrCurve.findIndex((v) => v >= 50);
    const at = k < 0 ? artifact.epsilons.length - 1 : k;
    p.plot
      .append('text')
      .attr('class', 'curve-label')
      .attr('x', x(artifact.epsilons[at]) + 4)
      .attr('y', y(Math.min(95, m.robustErrCurve[at])) + 12 * index - 6)
      .text(`λ = ${formatLambda(m.lambda)}`);
  }
  const best = artifact.epsilons.map((e, k): Point => [e, Math.min(...path.map((m) => m.robustErrCurve[k]))]);
  curvePath(p, best, x, y, 'family-weight-decay dashed');
  curvePath(
    p,
    artifact.models.map((m) => [m.epsilon, m.robustErrTest]),
    x,
    y,
    'family-adversarial',
  );
  const chosenCurve = p.plot.append('path').attr('class', 'curve family-adversarial dashed');
  const mark = p.plot.append('circle').attr('class', 'current-dot family-adversarial').attr('r', 5);
  markers.push((m) => {
    chosenCurve.attr(
      'd',
      line<Point>(
        (d) => x(d[0]),
        (d) => y(d[1]),
      )(artifact.epsilons.map((e, k) => [e, m.robustErrCurve[k]])),
    );
    mark.attr('cx', x(m.epsilon)).attr('cy', y(m.robustErrTest));
  });

  const readout = document.createElement('div');
  readout.className = 'robust-readout';
  const text = document.createElement('p');
  text.className = 'figure-note';
  const weights = picture(undefined, {
    map: { kind: 'diverging', limit: 1 },
    alt: 'w of the adversarially trained model',
    caption: 'w at this ε',
    size: 112,
  });
  readout.append(weights.element, text);
  const legend = document.createElement('p');
  legend.className = 'figure-note';
  legend.textContent =
    `${pairLabel(artifact.dataset, artifact.classI, artifact.classJ)}, ${loss.longLabel}. Blue: the λ path ` +
    `(weight decay, λ from 100 to 1e-6); orange: adversarial training at λ = ${artifact.lambda} along ε = 0 … ` +
    `${sig(artifact.epsilons[artifact.epsilons.length - 1] ?? 0)}. Right: grey, the robust test error of four ` +
    'λ-path models as the attack grows; blue dashed, the best λ-path model at each ε; orange, each ' +
    'adversarially trained model at its own ε (dashed: the chosen model at every ε).';
  container.append(readout, legend);

  const show = (s: ViewState) => {
    const m = artifact.models[nearestEpsilon(artifact, s.epsilon)];
    for (const marker of markers) marker(m);
    const w = decodeFloat32(m.w);
    weights.set(w, { map: divergingFor(w), caption: `w at ε = ${sig(m.epsilon)}` });
    text.textContent = describeRobustModel(artifact, m);
  };
  show(state);
  return { update: show };
}
