// d_adv is the mean distance of the two centroids to the boundary: d_adv = ½‖j − i‖ cos θ on balanced data.
// Left: the tilting plane with the centroids and a boundary at angle θ. Right: the identity as a curve, with
// the 81 trained models of the MNIST pair in view (when its path is loaded) sitting on it.
import { axisBottom, axisLeft, line, range, scaleLinear } from 'd3';
import { gaussian, seededRandom } from '../../src/math/random.js';
import type { SvmPath } from '../../src/schema/artifacts.js';
import { fixed, panel, xAxis, yAxis } from '../chart.js';
import { twoCells } from '../layout.js';
import { drawBoundary, planePanel } from '../plane.js';
import type { FigureHandle } from '../slot.js';
import type { ViewState } from '../state.js';

/** The figure's handle: it also takes the MNIST path in view, when there is one. */
export interface AdversarialDistanceFigure extends FigureHandle {
  setPath(path: SvmPath | undefined): void;
}

const DOMAIN = [-2, 2] as const;

/** Draws the centroid picture of d_adv and its dependence on θ. */
export function renderAdversarialDistance(
  container: HTMLElement,
  initial: ViewState,
): AdversarialDistanceFigure {
  const [left, right] = twoCells(container);
  const readout = document.createElement('p');
  readout.className = 'readout';
  container.append(readout);

  // schematic: centroids one unit apart, so distances read as fractions of ‖j − i‖
  const half = 0.5;
  const p = planePanel(left, {
    label: 'Two classes in their tilting plane, their centroids i and j, and a boundary tilted by θ.',
    xDomain: DOMAIN,
    yDomain: [-1.5, 1.5],
    xLabel: 'along ẑ (units of ‖j − i‖)',
    yLabel: 'along n̂',
    width: 400,
  });
  const random = seededRandom(7);
  const gauss = () => gaussian(random);
  const cloud = range(160).map((k) => {
    const cls = k % 2 === 0 ? -1 : 1;
    return { cls, u: cls * half + 0.28 * gauss(), v: 0.55 * gauss() };
  });
  p.plot
    .append('g')
    .selectAll('circle')
    .data(cloud)
    .join('circle')
    .attr('class', (d) => `dot small ${d.cls > 0 ? 'class-j' : 'class-i'}`)
    .attr('r', 2.5)
    .attr('cx', (d) => p.x(d.u))
    .attr('cy', (d) => p.y(d.v));
  const boundary = p.plot.append('line').attr('class', 'boundary');
  const perpendiculars = p.plot.append('g');
  for (const [name, u] of [
    ['i', -half],
    ['j', half],
  ] as const) {
    const g = p.plot
      .append('g')
      .attr('class', 'mark centroid')
      .attr('transform', `translate(${p.x(u)},${p.y(0)})`);
    g.append('circle').attr('r', 6);
    g.append('text').attr('dx', -4).attr('dy', 20).text(name);
  }

  const c = panel(right, {
    label: 'd_adv divided by ½‖j − i‖ against θ: the curve cos θ, with the trained MNIST models as dots.',
    width: 400,
    height: 290,
    margin: { right: 16 },
  });
  const x = scaleLinear()
    .domain([0, Math.PI / 2])
    .range([0, c.width]);
  const y = scaleLinear().domain([0, 1.05]).range([c.height, 0]);
  xAxis(c, axisBottom(x).ticks(5), 'θ (rad)');
  yAxis(c, axisLeft(y).ticks(5), 'd_adv / (½‖j − i‖)');
  c.plot
    .append('path')
    .attr('class', 'curve identity')
    .attr(
      'd',
      line<number>(
        (t) => x(t),
        (t) => y(Math.cos(t)),
      )(range(0, 101).map((k) => (k / 100) * (Math.PI / 2))),
    );
  const models = c.plot.append('g').attr('class', 'model-dots');
  const marker = c.plot.append('line').attr('class', 'current-marker').attr('y1', 0).attr('y2', c.height);
  let pathNote = '';

  const update = (state: ViewState) => {
    const t = state.theta;
    const cu = Math.cos(t);
    const cv = Math.sin(t);
    drawBoundary(p, { boundary }, { cu, cv, c0: 0 }, DOMAIN, [-1.5, 1.5]);
    // the foot of the perpendicular from each centroid to the boundary
    const feet = [-half, half].map((u) => {
      const d = cu * u;
      return { u, d, fu: u - d * cu, fv: -d * cv };
    });
    perpendiculars
      .selectAll('line')
      .data(feet)
      .join('line')
      .attr('class', 'distance-segment')
      .attr('x1', (f) => p.x(f.u))
      .attr('y1', p.y(0))
      .attr('x2', (f) => p.x(f.fu))
      .attr('y2', (f) => p.y(f.fv));
    marker.attr('x1', x(t)).attr('x2', x(t));
    readout.textContent =
      `θ = ${fixed(t)}: each centroid lies ½‖j − i‖ cos θ = ${fixed(half * cu, 3)} ‖j − i‖ from the boundary, ` +
      `so d_adv = ${fixed(cu / 2, 3)} ‖j − i‖ (cos θ = ${fixed(cu, 3)}). ${pathNote}`;
  };

  let state = initial;
  update(state);
  return {
    update(next) {
      state = next;
      update(next);
    },
    setPath(path) {
      const data = path ? path.models : [];
      models
        .selectAll('circle')
        .data(data)
        .join('circle')
        .attr('class', 'dot small model')
        .attr('r', 3)
        .attr('cx', (m) => x(m.theta))
        .attr('cy', (m) => y(m.dAdv / (path!.centroidDistance / 2)));
      if (path) {
        let worst = 0;
        for (const m of path.models) {
          worst = Math.max(worst, Math.abs(m.dAdv - (path.centroidDistance / 2) * Math.cos(m.theta)));
        }
        pathNote =
          `Dots: the ${path.models.length} ${path.loss} models of ${path.classI} vs ${path.classJ} ` +
          `(‖j − i‖ = ${fixed(path.centroidDistance, 3)}); the largest gap between d_adv and ½‖j − i‖ cos θ is ${worst.toExponential(1)}.`;
      } else pathNote = '';
      update(state);
    },
  };
}
