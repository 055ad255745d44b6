// The three losses, the scaled loss f_‖w‖(z) = f(‖w‖ z) with a ‖w‖ slider, and the two limits of the
// empirical risk: R ≈ ‖w‖ d_err for large ‖w‖, R ≈ α − β ‖w‖ d_adv for small ‖w‖ — measured on the toy
// training set with the boundary L_θ of the view state.
import { axisBottom, axisLeft, line, range, scaleLinear, scaleLog } from 'd3';
import { adversarialDistance, errorDistance, labelledDistances } from '../../src/math/geometry.js';
import {
  LOSSES,
  type LossName,
  lossFunction,
  smallNormConstants,
  TRAINING_LOSSES,
} from '../../src/math/losses.js';
import { toyBoundary, toyTrainingSet } from '../../src/math/toy.js';
import { fixed, panel, powerOfTen, sig, xAxis, yAxis } from '../chart.js';
import { controlBar, slider } from '../controls.js';
import type { FigureHandle } from '../slot.js';
import type { StateStore, ViewState } from '../state.js';

// the 0-1 loss, then every training loss of the registry
const CURVES: ReadonlyArray<{ name: LossName; label: string }> = [
  { name: 'zero-one', label: '0-1' },
  ...TRAINING_LOSSES.map((name) => ({ name, label: LOSSES[name].label })),
];
const Z = 3;
const LOG_NORM = [-2, 2] as const;

/** Draws the losses, the scaled losses and the risk's limits. */
export function renderScaledLoss(container: HTMLElement, store: StateStore): FigureHandle {
  const row = document.createElement('div');
  row.className = 'figure-row three';
  container.append(row);
  const cells = [0, 1, 2].map(() => {
    const d = document.createElement('div');
    d.className = 'figure-cell';
    row.append(d);
    return d;
  });
  const zs = range(0, 401).map((k) => -Z + (2 * Z * k) / 400);

  // 1. the losses themselves
  const a = panel(cells[0], {
    label: 'The 0-1, hinge and softplus losses as functions of the signed score z.',
    title: 'losses f(z)',
    width: 330,
    height: 240,
  });
  const ax = scaleLinear().domain([-Z, Z]).range([0, a.width]);
  const ay = scaleLinear().domain([0, 4]).range([a.height, 0]);
  xAxis(a, axisBottom(ax).ticks(6), 'z = y·s(x)');
  yAxis(a, axisLeft(ay).ticks(4));
  for (const l of CURVES) {
    a.plot
      .append('path')
      .attr('class', `curve loss-${l.name}`)
      .attr(
        'd',
        line<number>(
          (z) => ax(z),
          (z) => ay(Math.min(4.2, lossFunction(l.name)(z))),
        )(zs),
      );
  }
  const legend = a.plot
    .append('g')
    .attr('class', 'legend')
    .attr('transform', `translate(${a.width - 80},6)`);
  for (const [k, l] of CURVES.entries()) {
    const g = legend.append('g').attr('transform', `translate(0,${k * 16})`);
    g.append('line').attr('class', `curve loss-${l.name}`).attr('x2', 18).attr('y1', 5).attr('y2', 5);
    g.append('text').attr('x', 24).attr('y', 9).text(l.label);
  }

  // 2. scaled by ‖w‖: a function of the true distance z = y·d(x)
  const b = panel(cells[1], {
    label: 'The scaled losses f(‖w‖ z) as functions of the signed distance z, for the chosen ‖w‖.',
    title: 'scaled losses f(‖w‖ z)',
    width: 330,
    height: 240,
  });
  const bx = scaleLinear().domain([-Z, Z]).range([0, b.width]);
  const by = scaleLinear().domain([0, 4]).range([b.height, 0]);
  xAxis(b, axisBottom(bx).ticks(6), 'z = y·d(x)');
  yAxis(b, axisLeft(by).ticks(4));
  const scaled = CURVES.map((l) => b.plot.append('path').attr('class', `curve loss-${l.name}`));
  const rug = b.plot.append('g').attr('class', 'rug');

  // 3. the empirical risk against ‖w‖ and its two limits
  const c = panel(cells[2], {
    label:
      'The empirical risk of the toy training set against ‖w‖ for hinge and softplus, with the small-‖w‖ limit α − β‖w‖d_adv and the large-‖w‖ limit ‖w‖d_err.',
    title: 'risk R against ‖w‖',
    width: 330,
    height: 240,
  });
  const cx = scaleLog()
    .domain([10 ** LOG_NORM[0], 10 ** LOG_NORM[1]])
    .range([0, c.width]);
  const cy = scaleLog().domain([1e-3, 100]).range([c.height, 0]).clamp(true);
  xAxis(
    c,
    axisBottom(cx)
      .ticks(4)
      .tickFormat((v) => powerOfTen(Math.round(Math.log10(Number(v))))),
    '‖w‖',
  );
  yAxis(
    c,
    axisLeft(cy)
      .ticks(4)
      .tickFormat((v) => {
        const e = Math.log10(Number(v));
        return Math.abs(e - Math.round(e)) < 1e-9 ? powerOfTen(Math.round(e)) : '';
      }),
  );
  const riskLayer = c.plot.append('g');
  const riskLegend = c.plot
    .append('g')
    .attr('class', 'legend')
    .attr('transform', `translate(8,${c.height - 50})`);
  for (const [k, [cls, text]] of [
    ['curve loss-hinge', 'hinge R'],
    ['curve loss-softplus', 'softplus R'],
    ['curve asymptote large-limit', 'limits (dashed)'],
  ].entries()) {
    const g = riskLegend.append('g').attr('transform', `translate(0,${k * 15})`);
    g.append('line').attr('class', cls).attr('x2', 16).attr('y1', 5).attr('y2', 5);
    g.append('text').attr('x', 21).attr('y', 9).text(text);
  }
  const marker = c.plot.append('line').attr('class', 'current-marker').attr('y1', 0).attr('y2', c.height);

  const readout = document.createElement('p');
  readout.className = 'readout';
  const normSlider = slider({
    name: 'norm-w',
    label: '‖w‖',
    min: LOG_NORM[0],
    max: LOG_NORM[1],
    step: 0.02,
    value: store.state.logNorm,
    format: (v) => sig(10 ** v, 3),
    onInput: (v) => store.set({ logNorm: v }),
  });
  container.append(controlBar(normSlider), readout);

  const set = toyTrainingSet();
  const norms = range(0, 161).map((k) => 10 ** (LOG_NORM[0] + ((LOG_NORM[1] - LOG_NORM[0]) * k) / 160));
  let drawnTheta = Number.NaN;
  let yd: Float64Array = new Float64Array(0);
  let dAdv = 0;
  let dErr = 0;
  const risk = (name: LossName, normW: number) => {
    const f = lossFunction(name);
    let s = 0;
    for (let i = 0; i < yd.length; i++) s += f(normW * yd[i]);
    return s / yd.length;
  };

  const drawRisk = (theta: number) => {
    const boundary = toyBoundary(theta);
    yd = labelledDistances(boundary, set);
    dAdv = adversarialDistance(boundary, set);
    dErr = errorDistance(boundary, set);
    riskLayer.selectAll('*').remove();
    const path = (values: number[], cls: string) =>
      riskLayer
        .append('path')
        .attr('class', cls)
        .attr(
          'd',
          line<number>(
            (_, k) => cx(norms[k]),
            (v) => cy(Math.max(1e-3, v)),
          )(values),
        );
    for (const name of TRAINING_LOSSES) {
      const { alpha, beta } = smallNormConstants(name);
      path(
        norms.map((n) => risk(name, n)),
        `curve loss-${name}`,
      );
      path(
        norms.filter((n) => alpha - beta * n * dAdv > 0).map((n) => alpha - beta * n * dAdv),
        `curve asymptote loss-${name}`,
      );
    }
    if (dErr > 0) {
      const visible = norms.filter((n) => n * dErr >= 1e-3);
      riskLayer
        .append('path')
        .attr('class', 'curve asymptote large-limit')
        .attr(
          'd',
          line<number>(
            (n) => cx(n),
            (n) => cy(n * dErr),
          )(visible),
        );
    }
    rug
      .selectAll('line')
      .data(Array.from(yd))
      .join('line')
      .attr('class', (_, k) => (set.y[k] > 0 ? 'rug-j' : 'rug-i'))
      .attr('x1', (z) => bx(z))
      .attr('x2', (z) => bx(z))
      .attr('y1', b.height)
      .attr('y2', b.height - 8);
  };

  const update = (state: ViewState) => {
    if (state.theta !== drawnTheta) {
      drawRisk(state.theta);
      drawnTheta = state.theta;
    }
    const normW = 10 ** state.logNorm;
    for (const [k, l] of CURVES.entries()) {
      scaled[k].attr(
        'd',
        line<number>(
          (z) => bx(z),
          (z) => by(Math.min(4.2, lossFunction(l.name)(normW * z))),
        )(zs),
      );
    }
    marker.attr('x1', cx(normW)).attr('x2', cx(normW));
    const h = risk('hinge', normW);
    const sp = risk('softplus', normW);
    const { alpha, beta } = smallNormConstants('softplus');
    readout.textContent =
      `Toy training set, boundary L_θ at θ = ${fixed(state.theta)}: d_adv = ${fixed(dAdv, 3)}, d_err = ${fixed(dErr, 3)}. ` +
      `At ‖w‖ = ${sig(normW, 3)}: hinge R = ${sig(h, 3)}, softplus R = ${sig(sp, 3)}; ` +
      `large-‖w‖ limit ‖w‖ d_err = ${sig(normW * dErr, 3)}; small-‖w‖ limits 1 − ‖w‖ d_adv = ${sig(1 - normW * dAdv, 3)} (hinge), ` +
      `ln 2 − ½ ‖w‖ d_adv = ${sig(alpha - beta * normW * dAdv, 3)} (softplus).`;
    normSlider.set(state.logNorm);
  };
  update(store.state);
  return { update };
}
