// Along the λ path: training and test error, d_adv and θ against λ (strong regularisation on the left, as on
// the slider), the state's λ marked. Clicking a chart picks that λ.
import { axisBottom, axisLeft, line, max, min, pointer, scaleLinear } from 'd3';
import type { SvmModel, SvmPath } from '../../src/schema/artifacts.js';
import { fixed, formatLambda, panel, powerOfTen, xAxis, yAxis } from '../chart.js';
import type { FigureHandle } from '../slot.js';
import { LAMBDA_COUNT, lambdaOf, type ViewState } from '../state.js';

interface Series {
  key: keyof SvmModel;
  label: string;
  cls: string;
}

interface Chart {
  title: string;
  label: string;
  series: Series[];
  /** y axis from 0 (else from the data's minimum) */
  fromZero: boolean;
  format(v: number): string;
}

const CHARTS: Chart[] = [
  {
    title: 'error (%)',
    label: 'Training and test error in percent against λ.',
    series: [
      { key: 'errTrain', label: 'train', cls: 'series-train' },
      { key: 'errTest', label: 'test', cls: 'series-test' },
    ],
    fromZero: true,
    format: (v) => `${fixed(v, 1)} %`,
  },
  {
    title: 'd_adv (0..1 pixel scale)',
    label: 'The adversarial distance d_adv against λ.',
    series: [{ key: 'dAdv', label: 'd_adv', cls: 'series-dadv' }],
    fromZero: true,
    format: (v) => fixed(v, 3),
  },
  {
    title: 'θ (rad)',
    label: 'The tilting angle θ against λ.',
    series: [{ key: 'theta', label: 'θ', cls: 'series-theta' }],
    fromZero: true,
    format: (v) => fixed(v, 2),
  },
];

/** Draws the three path charts; `pick` is called with a λ index when a chart is clicked. */
export function renderPathCurves(
  container: HTMLElement,
  path: SvmPath,
  initial: ViewState,
  pick: (c: number) => void,
): FigureHandle {
  const row = document.createElement('div');
  row.className = 'figure-row three';
  container.append(row);
  const x = scaleLinear()
    .domain([0, LAMBDA_COUNT - 1])
    .range([0, 1]);
  const markers: Array<(c: number) => void> = [];
  for (const chart of CHARTS) {
    const cell = document.createElement('div');
    cell.className = 'figure-cell';
    row.append(cell);
    const p = panel(cell, { label: chart.label, title: chart.title, width: 330, height: 220 });
    x.range([0, p.width]);
    const xs = x.copy();
    const values = chart.series.flatMap((s) => path.models.map((m) => m[s.key] as number));
    const top = (max(values) ?? 1) * 1.08;
    const bottom = chart.fromZero ? 0 : (min(values) ?? 0);
    const y = scaleLinear()
      .domain([bottom, top > bottom ? top : bottom + 1])
      .range([p.height, 0]);
    xAxis(
      p,
      axisBottom(xs)
        .tickValues([0, 20, 40, 60, 80])
        .tickFormat((c) => powerOfTen(Math.round(2 - 0.1 * Number(c)))),
      'λ (weaker →)',
    );
    yAxis(p, axisLeft(y).ticks(4));
    for (const s of chart.series) {
      p.plot
        .append('path')
        .attr('class', `curve ${s.cls}`)
        .attr(
          'd',
          line<SvmModel>(
            (m) => xs(m.c),
            (m) => y(m[s.key] as number),
          )(path.models),
        );
    }
    if (chart.series.length > 1) {
      const legend = p.plot
        .append('g')
        .attr('class', 'legend')
        .attr('transform', `translate(${p.width - 60},4)`);
      for (const [k, s] of chart.series.entries()) {
        const g = legend.append('g').attr('transform', `translate(0,${k * 15})`);
        g.append('line').attr('class', `curve ${s.cls}`).attr('x2', 16).attr('y1', 5).attr('y2', 5);
        g.append('text').attr('x', 21).attr('y', 9).text(s.label);
      }
    }
    const marker = p.plot.append('line').attr('class', 'current-marker').attr('y1', 0).attr('y2', p.height);
    const dots = chart.series.map((s) =>
      p.plot.append('circle').attr('class', `current-dot ${s.cls}`).attr('r', 4),
    );
    const title = p.svg.select<SVGTextElement>('text.panel-title');
    p.svg.on('click', (event: MouseEvent) => {
      const [px] = pointer(event, p.plot.node());
      const c = Math.round(xs.invert(px));
      if (c >= 0 && c < LAMBDA_COUNT) pick(c);
    });
    markers.push((c) => {
      const m = path.models[c];
      marker.attr('x1', xs(c)).attr('x2', xs(c));
      for (const [k, s] of chart.series.entries())
        dots[k].attr('cx', xs(c)).attr('cy', y(m[s.key] as number));
      const values = chart.series.map(
        (s) => `${chart.series.length > 1 ? `${s.label} ` : ''}${chart.format(m[s.key] as number)}`,
      );
      title.text(`${chart.title}: ${values.join(', ')}`);
    });
  }
  const note = document.createElement('p');
  note.className = 'figure-note';
  container.append(note);
  const update = (state: ViewState) => {
    for (const mark of markers) mark(state.lambdaIndex);
    const best = path.models.reduce((a, m) => (m.errTest < a.errTest ? m : a), path.models[0]);
    // a model that stopped short of its tolerance is shown, and said to be so
    const short = path.models.filter((m) => !m.converged);
    const shortNote =
      short.length === 0
        ? ''
        : ` Not converged to that tolerance: ${short.length} λ (${short
            .slice(0, 6)
            .map((m) => formatLambda(lambdaOf(m.c)))
            .join(', ')}${short.length > 6 ? ', …' : ''}); their numbers are approximate.`;
    note.textContent =
      `Lowest test error ${fixed(best.errTest, 2)} % at λ = ${formatLambda(lambdaOf(best.c))} ` +
      `(${path.nTest} test images). Solver: ${path.solver.name}, stopping tolerance ${path.solver.tolerance}.${shortNote}`;
    note.classList.toggle('figure-warning', short.length > 0);
  };
  update(initial);
  return { update };
}
