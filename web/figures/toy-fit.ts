// Toy figure 4: a training set with one noisy point p. A hinge SVM or an L2 logistic regression is fitted in
// the page at every move of the λ slider: weak regularisation tilts the boundary to fit p, strong
// regularisation keeps it upright.
import { axisBottom, axisLeft, line, range, scaleLinear } from 'd3';
import { LOSSES, TRAINING_LOSSES, type TrainingLoss } from '../../src/math/losses.js';
import { TOY_NOISY_POINT, toyTrainingSet } from '../../src/math/toy.js';
import { fitToy, TOY_LAMBDA_RANGE, type ToyFit } from '../../src/solvers/toy-fit.js';
import { fixed, panel, percent, powerOfTen, sig, xAxis, yAxis } from '../chart.js';
import { controlBar, lossChoices, slider, toggle } from '../controls.js';
import { twoCells } from '../layout.js';
import { clipLine, drawBoundary, planePanel } from '../plane.js';
import type { FigureHandle } from '../slot.js';
import type { StateStore, ViewState } from '../state.js';

const X_DOMAIN = [-1.1, 1.1] as const;
const Y_DOMAIN = [-0.55, 0.55] as const;
const LOG_MIN = Math.log10(TOY_LAMBDA_RANGE[0]);
const LOG_MAX = Math.log10(TOY_LAMBDA_RANGE[1]);

/** The loss's name in the figure. */
export function lossLabel(loss: TrainingLoss): string {
  return LOSSES[loss].longLabel;
}

/** Draws the toy training set, the fitted boundary and θ against λ for both losses. */
export function renderToyFit(container: HTMLElement, store: StateStore): FigureHandle {
  const [left, right] = twoCells(container);

  const p = planePanel(left, {
    label: 'The toy training set with the noisy point p, and the boundary fitted at the chosen λ.',
    xDomain: X_DOMAIN,
    yDomain: Y_DOMAIN,
    xLabel: 'a (central square)',
    yLabel: 'b (background)',
    width: 420,
  });
  const sideJ = p.plot.insert('path', ':first-child').attr('class', 'side-j');
  const margins = p.plot.append('g');
  const boundary = p.plot.append('line').attr('class', 'boundary');
  const set = toyTrainingSet();
  const noisy = set.n - 1;
  p.plot
    .append('g')
    .selectAll('circle')
    .data(range(set.n))
    .join('circle')
    .attr('class', (k) => `dot ${set.y[k] > 0 ? 'class-j' : 'class-i'}${k === noisy ? ' noisy' : ''}`)
    .attr('r', (k) => (k === noisy ? 6 : 4.5))
    .attr('cx', (k) => p.x(set.x[2 * k]))
    .attr('cy', (k) => p.y(set.x[2 * k + 1]));
  p.plot
    .append('text')
    .attr('class', 'plane-note')
    .attr('x', p.x(TOY_NOISY_POINT[0]))
    .attr('y', p.y(TOY_NOISY_POINT[1]) - 10)
    .attr('text-anchor', 'middle')
    .text('p (labelled J)');

  // θ against λ for both losses, computed once (each fit takes well under a millisecond)
  const logs = range(0, 101).map((k) => LOG_MIN + ((LOG_MAX - LOG_MIN) * k) / 100);
  const sweep = Object.fromEntries(
    TRAINING_LOSSES.map((loss) => [loss, logs.map((l) => fitToy(loss, 10 ** l).theta)]),
  ) as Record<TrainingLoss, number[]>;
  const c = panel(right, {
    label: 'The tilting angle θ of the fitted boundary against λ, for the hinge and the softplus loss.',
    width: 420,
    height: 260,
    margin: { right: 20 },
  });
  const x = scaleLinear().domain([LOG_MIN, LOG_MAX]).range([0, c.width]);
  const y = scaleLinear()
    .domain([0, Math.PI / 2])
    .range([c.height, 0]);
  xAxis(
    c,
    axisBottom(x)
      .ticks(5)
      .tickFormat((v) => powerOfTen(Number(v))),
    'λ',
  );
  yAxis(c, axisLeft(y).ticks(5), 'θ (rad)');
  for (const loss of TRAINING_LOSSES) {
    c.plot
      .append('path')
      .attr('class', `curve loss-${loss}`)
      .attr(
        'd',
        line<number>(
          (_, k) => x(logs[k]),
          (t) => y(t),
        )(sweep[loss]),
      );
  }
  const marker = c.plot.append('line').attr('class', 'current-marker').attr('y1', 0).attr('y2', c.height);
  const dot = c.plot.append('circle').attr('class', 'current-dot').attr('r', 5);
  const legend = c.plot
    .append('g')
    .attr('class', 'legend')
    .attr('transform', `translate(${c.width - 150},8)`);
  for (const [k, loss] of TRAINING_LOSSES.entries()) {
    const g = legend.append('g').attr('transform', `translate(0,${k * 16})`);
    g.append('line').attr('class', `curve loss-${loss}`).attr('x2', 18).attr('y1', 5).attr('y2', 5);
    g.append('text').attr('x', 24).attr('y', 9).text(loss);
  }

  const readout = document.createElement('p');
  readout.className = 'readout';
  readout.setAttribute('aria-live', 'polite');
  const lossToggle = toggle<TrainingLoss>({
    name: 'toy-loss',
    label: 'loss',
    choices: lossChoices(),
    value: store.state.toyLoss,
    onChange: (v) => store.set({ toyLoss: v }),
  });
  const lambdaSlider = slider({
    name: 'toy-lambda',
    label: 'λ',
    min: LOG_MIN,
    max: LOG_MAX,
    step: 0.05,
    value: store.state.toyLogLambda,
    format: (v) => sig(10 ** v, 2),
    onInput: (v) => store.set({ toyLogLambda: v }),
  });
  container.append(controlBar(lossToggle, lambdaSlider), readout);

  let fit: ToyFit | undefined;
  const update = (state: ViewState) => {
    fit = fitToy(state.toyLoss, 10 ** state.toyLogLambda);
    const { w, b } = fit.classifier;
    drawBoundary(p, { boundary, sideJ }, { cu: w[0], cv: w[1], c0: b }, X_DOMAIN, Y_DOMAIN);
    // the margin lines s(x) = ±1, where the hinge loss starts to count a point
    const lines = LOSSES[state.toyLoss].kinks;
    margins
      .selectAll('line')
      .data(lines)
      .join('line')
      .attr('class', 'margin-line')
      .each(function (s) {
        const m = clipLine(w[0], w[1], b - s, X_DOMAIN, Y_DOMAIN);
        const el = this as SVGLineElement;
        el.style.display = m ? '' : 'none';
        if (m) {
          el.setAttribute('x1', String(p.x(m[0][0])));
          el.setAttribute('y1', String(p.y(m[0][1])));
          el.setAttribute('x2', String(p.x(m[1][0])));
          el.setAttribute('y2', String(p.y(m[1][1])));
        }
      });
    const lx = x(state.toyLogLambda);
    marker.attr('x1', lx).attr('x2', lx);
    dot.attr('cx', lx).attr('cy', y(fit.theta)).attr('class', `current-dot loss-${state.toyLoss}`);
    const normW = Math.hypot(w[0], w[1]);
    readout.textContent =
      `${lossLabel(state.toyLoss)} at λ = ${sig(fit.lambda, 2)}: θ = ${fixed(fit.theta)} rad, ‖w‖ = ${sig(normW, 3)}, ` +
      `training error ${percent(fit.trainingError)}; p is classified ${fit.noisyPointCorrect ? 'J (fitted)' : 'I (ignored)'}` +
      `${fit.converged ? '' : ' (the solver did not reach its tolerance)'}.`;
    lossToggle.set(state.toyLoss);
    lambdaSlider.set(state.toyLogLambda);
  };
  update(store.state);
  return { update };
}
