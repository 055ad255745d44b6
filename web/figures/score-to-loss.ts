// From score to loss: for the toy training set and the classifier fitted in the previous figure, the raw
// score s(x), the signed score y·s(x) and the penalty f(y·s(x)), in three linked panels (hover a point).
import { axisBottom, axisLeft, line, range, scaleLinear } from 'd3';
import { lossFunction } from '../../src/math/losses.js';
import { toyTrainingSet } from '../../src/math/toy.js';
import { fitToy } from '../../src/solvers/toy-fit.js';
import { fixed, type Panel, panel, sig, xAxis, yAxis } from '../chart.js';
import type { FigureHandle } from '../slot.js';
import type { ViewState } from '../state.js';

const W = 330;
const H = 210;

/** Draws the three panels for the toy fit of the view state. */
export function renderScoreToLoss(container: HTMLElement, initial: ViewState): FigureHandle {
  const row = document.createElement('div');
  row.className = 'figure-row three';
  container.append(row);
  const cells = [0, 1, 2].map(() => {
    const d = document.createElement('div');
    d.className = 'figure-cell';
    row.append(d);
    return d;
  });
  const set = toyTrainingSet();
  const noisy = set.n - 1;
  const readout = document.createElement('p');
  readout.className = 'readout';
  container.append(readout);

  const a = panel(cells[0], {
    label: 'Raw scores s(x) of the training images, class I on the lower row and class J on the upper row.',
    title: '1. raw score s(x)',
    width: W,
    height: H,
  });
  const b = panel(cells[1], {
    label: 'Signed scores y·s(x): positive for correctly classified images.',
    title: '2. signed score y·s(x)',
    width: W,
    height: H,
  });
  const c = panel(cells[2], {
    label: 'The loss f(y·s(x)) of every training image on the loss curve.',
    title: '3. penalty f(y·s(x))',
    width: W,
    height: H,
  });
  const xs = [a, b, c].map((p) => scaleLinear().range([0, p.width]));
  const rowY = scaleLinear().domain([0, 1]).range([a.height, 0]);
  const lossY = scaleLinear().range([c.height, 0]);
  const wrong = b.plot.append('rect').attr('class', 'wrong-side').attr('y', 0).attr('height', b.height);
  const zeroLines = [a, b, c].map((p) =>
    p.plot.append('line').attr('class', 'zero-line').attr('y1', 0).attr('y2', p.height),
  );
  const curve = c.plot.append('path').attr('class', 'curve loss-curve');
  const zeroOne = c.plot.append('path').attr('class', 'curve zero-one');
  a.plot
    .append('text')
    .attr('class', 'plane-note')
    .attr('x', 4)
    .attr('y', rowY(0.25) - 10)
    .text('I');
  a.plot
    .append('text')
    .attr('class', 'plane-note')
    .attr('x', 4)
    .attr('y', rowY(0.75) - 10)
    .text('J');
  const layers = [a, b, c].map((p) => p.plot.append('g').attr('class', 'points'));

  const highlight = (k: number | undefined) => {
    for (const g of layers)
      g.selectAll<SVGCircleElement, number>('circle').classed('highlight', (d) => d === k);
  };

  const update = (state: ViewState) => {
    const fit = fitToy(state.toyLoss, 10 ** state.toyLogLambda);
    const f = lossFunction(state.toyLoss);
    const { w, b: bias } = fit.classifier;
    const s = range(set.n).map((k) => w[0] * set.x[2 * k] + w[1] * set.x[2 * k + 1] + bias);
    const ys = s.map((v, k) => v * set.y[k]);
    const extent = Math.max(2, 1.1 * Math.max(...s.map(Math.abs)));
    for (const x of xs) x.domain([-extent, extent]);
    const fmax = Math.max(1.5, ...ys.map(f));
    lossY.domain([0, fmax * 1.05]);
    const axes: Array<[Panel, string]> = [
      [a, 's(x)'],
      [b, 'y·s(x)'],
      [c, 'y·s(x)'],
    ];
    for (const [k, [p, label]] of axes.entries()) xAxis(p, axisBottom(xs[k]).ticks(5), label);
    yAxis(c, axisLeft(lossY).ticks(4));
    a.plot.select('g.y-axis').remove();
    b.plot.select('g.y-axis').remove();
    for (const [k, z] of zeroLines.entries()) z.attr('x1', xs[k](0)).attr('x2', xs[k](0));
    wrong.attr('x', 0).attr('width', xs[1](0));
    const grid = range(0, 301).map((k) => -extent + (2 * extent * k) / 300);
    curve.attr('class', `curve loss-curve loss-${state.toyLoss}`).attr(
      'd',
      line<number>(
        (z) => xs[2](z),
        (z) => lossY(Math.min(fmax * 1.05, f(z))),
      )(grid),
    );
    zeroOne.attr(
      'd',
      line<number>(
        (z) => xs[2](z),
        (z) => lossY(z <= 0 ? 1 : 0),
      )(grid),
    );

    // jitter along the vertical axis of the dot panels so equal scores stay visible
    const jitter = (k: number) => ((k * 7919) % 13) / 13 - 0.5;
    const pts = range(set.n);
    const cls = (k: number) => `dot ${set.y[k] > 0 ? 'class-j' : 'class-i'}${k === noisy ? ' noisy' : ''}`;
    layers[0]
      .selectAll('circle')
      .data(pts)
      .join('circle')
      .attr('class', cls)
      .attr('r', (k) => (k === noisy ? 6 : 4.5))
      .attr('cx', (k) => xs[0](s[k]))
      .attr('cy', (k) => rowY((set.y[k] > 0 ? 0.75 : 0.25) + 0.12 * jitter(k)));
    layers[1]
      .selectAll('circle')
      .data(pts)
      .join('circle')
      .attr('class', cls)
      .attr('r', (k) => (k === noisy ? 6 : 4.5))
      .attr('cx', (k) => xs[1](ys[k]))
      .attr('cy', (k) => rowY(0.5 + 0.3 * jitter(k)));
    layers[2]
      .selectAll('circle')
      .data(pts)
      .join('circle')
      .attr('class', cls)
      .attr('r', (k) => (k === noisy ? 6 : 4.5))
      .attr('cx', (k) => xs[2](ys[k]))
      .attr('cy', (k) => lossY(f(ys[k])));
    for (const g of layers) {
      g.selectAll<SVGCircleElement, number>('circle')
        .on('pointerenter', (_, k) => highlight(k))
        .on('pointerleave', () => highlight(undefined));
    }
    const risk = ys.reduce((sum, z) => sum + f(z), 0) / set.n;
    const errors = ys.filter((z) => z <= 0).length;
    readout.textContent =
      `Fit of the previous figure (${state.toyLoss}, λ = ${sig(10 ** state.toyLogLambda, 2)}): ` +
      `${errors} of ${set.n} training images have y·s(x) ≤ 0; the empirical risk, the mean penalty, is R = ${fixed(risk, 3)}.`;
  };
  update(initial);
  return { update };
}
