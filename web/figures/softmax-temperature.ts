// Softmax cross-entropy and its temperature: the probability of the right class, p_y = softmax(s/t)_y, as a
// function of the score margin m between the right logit and the nine others (all equal), for several t.
// Dividing the logits by t is what shrinking the weights does: high t, soft probabilities, every image counts.
import { axisBottom, axisLeft, line, range, scaleLinear } from 'd3';
import { fixed, panel, sig, xAxis, yAxis } from '../chart.js';
import { controlBar, slider } from '../controls.js';
import type { FigureHandle } from '../slot.js';
import type { StateStore, ViewState } from '../state.js';

const CLASSES = 10;
const REFERENCE_TEMPERATURES = [0.1, 0.3, 1, 3, 10];

/** p_y for a margin m between the right logit and the K − 1 equal others, at temperature t. */
export function rightClassProbability(margin: number, t: number, classes = CLASSES): number {
  return 1 / (1 + (classes - 1) * Math.exp(-margin / t));
}

/** Draws p_y and the loss −log p_y against the margin, for reference temperatures and the chosen one. */
export function renderSoftmaxTemperature(container: HTMLElement, store: StateStore): FigureHandle {
  const row = document.createElement('div');
  row.className = 'figure-row';
  container.append(row);
  const cells = [0, 1].map(() => {
    const d = document.createElement('div');
    d.className = 'figure-cell';
    row.append(d);
    return d;
  });
  const ms = range(0, 241).map((k) => -6 + (12 * k) / 240);
  const a = panel(cells[0], {
    label: 'Probability of the right class against the score margin, for several temperatures.',
    title: 'p_y = softmax(s/t)_y',
    width: 400,
    height: 260,
  });
  const b = panel(cells[1], {
    label: 'The cross-entropy loss −log p_y against the score margin, for several temperatures.',
    title: 'loss −log p_y',
    width: 400,
    height: 260,
  });
  const x = scaleLinear().domain([-6, 6]).range([0, a.width]);
  const ya = scaleLinear().domain([0, 1]).range([a.height, 0]);
  const yb = scaleLinear().domain([0, 6.5]).range([b.height, 0]);
  xAxis(a, axisBottom(x).ticks(6), 'margin m = s_y − s_other');
  xAxis(b, axisBottom(x).ticks(6), 'margin m = s_y − s_other');
  yAxis(a, axisLeft(ya).ticks(5));
  yAxis(b, axisLeft(yb).ticks(6));
  for (const t of REFERENCE_TEMPERATURES) {
    a.plot
      .append('path')
      .attr('class', 'curve reference')
      .attr(
        'd',
        line<number>(
          (m) => x(m),
          (m) => ya(rightClassProbability(m, t)),
        )(ms),
      );
    b.plot
      .append('path')
      .attr('class', 'curve reference')
      .attr(
        'd',
        line<number>(
          (m) => x(m),
          (m) => yb(Math.min(6.5, -Math.log(rightClassProbability(m, t)))),
        )(ms),
      );
  }
  const chosenA = a.plot.append('path').attr('class', 'curve chosen');
  const chosenB = b.plot.append('path').attr('class', 'curve chosen');
  const readout = document.createElement('p');
  readout.className = 'readout';
  const tSlider = slider({
    name: 'temperature',
    label: 't',
    min: -1,
    max: 1,
    step: 0.02,
    value: store.state.logTemperature,
    format: (v) => sig(10 ** v, 3),
    onInput: (v) => store.set({ logTemperature: v }),
  });
  container.append(controlBar(tSlider), readout);

  const update = (state: ViewState) => {
    const t = 10 ** state.logTemperature;
    chosenA.attr(
      'd',
      line<number>(
        (m) => x(m),
        (m) => ya(rightClassProbability(m, t)),
      )(ms),
    );
    chosenB.attr(
      'd',
      line<number>(
        (m) => x(m),
        (m) => yb(Math.min(6.5, -Math.log(rightClassProbability(m, t)))),
      )(ms),
    );
    // the margin at which p_y reaches 0.95: 1/(1 + 9 e^{−m/t}) = 0.95
    const m95 = t * Math.log((CLASSES - 1) * (0.95 / 0.05));
    readout.textContent =
      `t = ${sig(t, 3)} (grey: t = ${REFERENCE_TEMPERATURES.join(', ')}). p_y reaches 0.95 at a margin of ${fixed(m95, 2)}; ` +
      `an image with margin 1 still costs ${fixed(-Math.log(rightClassProbability(1, t)), 3)}.`;
    tSlider.set(state.logTemperature);
  };
  update(store.state);
  return { update };
}
