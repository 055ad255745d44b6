// The distribution of y·d(x) over the training images for the model at the state's λ (grey bars), with the
// loss as the model scales it, f(‖w‖ z), superimposed: where the loss is flat the images do not count.
import { axisBottom, axisLeft, axisRight, line, max, range, scaleLinear } from 'd3';
import { lossFunction } from '../../src/math/losses.js';
import type { SvmPath } from '../../src/schema/artifacts.js';
import { fixed, panel, xAxis, yAxis } from '../chart.js';
import type { FigureHandle } from '../slot.js';
import type { ViewState } from '../state.js';

/** The histogram's unit: distances on the 0..255 scale divided by 100, i.e. 2.55 × the 0..1 distance. */
const UNIT = 2.55;
const LOSS_MAX = 3;

/** Draws the histogram of y·d(x) and the scaled loss for the model at the state's λ. */
export function renderDistanceHistogram(
  container: HTMLElement,
  path: SvmPath,
  initial: ViewState,
): FigureHandle {
  const h = path.histogram;
  const bins = Math.round((h.max - h.min) / h.width);
  const p = panel(container, {
    label: `Histogram of the signed distances y·d(x) of ${2 * h.perClass} training images to the boundary, with the scaled ${path.loss} loss.`,
    width: 420,
    height: 280,
    margin: { right: 54 },
  });
  const x = scaleLinear().domain([h.min, h.max]).range([0, p.width]);
  const y = scaleLinear().range([p.height, 0]);
  const yLoss = scaleLinear().domain([0, LOSS_MAX]).range([p.height, 0]);
  xAxis(p, axisBottom(x).ticks(8), 'y·d(x)  (0..255 pixel scale ÷ 100)');
  p.plot
    .append('g')
    .attr('class', 'axis y-axis-right')
    .attr('transform', `translate(${p.width},0)`)
    .call(axisRight(yLoss).ticks(3));
  p.plot
    .append('text')
    .attr('class', `axis-label loss-label loss-${path.loss}`)
    .attr('transform', `translate(${p.width + 36},${p.height / 2}) rotate(90)`)
    .attr('text-anchor', 'middle')
    .text(`${path.loss} loss f(‖w‖ z)`);
  const bars = p.plot.append('g').attr('class', 'bars');
  p.plot.append('line').attr('class', 'zero-line').attr('x1', x(0)).attr('x2', x(0)).attr('y2', p.height);
  const meanLine = p.plot.append('line').attr('class', 'mean-line').attr('y1', 0).attr('y2', p.height);
  const meanText = p.plot.append('text').attr('class', 'plane-note mean-note').attr('y', 14);
  const lossPath = p.plot.append('path').attr('class', `curve loss-${path.loss}`);
  const f = lossFunction(path.loss);
  const zs = range(0, 401).map((k) => h.min + ((h.max - h.min) * k) / 400);

  const update = (state: ViewState) => {
    const m = path.models[state.lambdaIndex];
    const counts = m.histogram.slice(0, bins);
    y.domain([0, Math.max(10, max(counts) ?? 0) * 1.05]);
    yAxis(p, axisLeft(y).ticks(5), 'images');
    bars
      .selectAll('rect')
      .data(counts)
      .join('rect')
      .attr('x', (_, k) => x(h.min + k * h.width))
      .attr('width', Math.max(0.5, x(h.min + h.width) - x(h.min) - 0.5))
      .attr('y', (n) => y(n))
      .attr('height', (n) => p.height - y(n));
    lossPath.attr(
      'd',
      line<number>(
        (z) => x(z),
        (z) => yLoss(Math.min(LOSS_MAX * 1.02, f((m.normW * z) / UNIT))),
      )(zs),
    );
    const mean = UNIT * m.dAdv;
    meanLine.attr('x1', x(mean)).attr('x2', x(mean));
    meanText
      .attr('x', 6)
      .text(`mean y·d(x) = ${fixed(mean, 2)} (d_adv = ${fixed(m.dAdv, 3)} on the 0..1 scale)`);
  };
  update(initial);
  return { update };
}
