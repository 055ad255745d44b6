// Toy figure 2: the classes I and J, the line L_θ, and an image x of class I with its projected image x_p and
// mirror image x_m, as points of the plane and as pictures.
import { line } from 'd3';
import { signedDistance } from '../../src/math/geometry.js';
import { toyBoundary, toyClasses, toyImage, toyPointImages } from '../../src/math/toy.js';
import { fixed } from '../chart.js';
import { controlBar, slider } from '../controls.js';
import { twoCells } from '../layout.js';
import { picture, TOY_MAP } from '../pictures.js';
import { drawBoundary, planePanel } from '../plane.js';
import type { FigureHandle } from '../slot.js';
import type { StateStore, ViewState } from '../state.js';

const DOMAIN = [-1.1, 1.1] as const;

/** Draws the classes, L_θ, and x, x_p, x_m; θ and x follow the view state. */
export function renderToyBoundary(container: HTMLElement, store: StateStore): FigureHandle {
  const [left, right] = twoCells(container, true);

  const p = planePanel(left, {
    label: 'Classes I and J on the line b = 0, the boundary L_θ through the origin, and x, x_p, x_m.',
    xDomain: DOMAIN,
    yDomain: DOMAIN,
    xLabel: 'a (central square)',
    yLabel: 'b (background)',
    width: 380,
  });
  const sideJ = p.plot.insert('path', ':first-child').attr('class', 'side-j');
  const boundary = p.plot.append('line').attr('class', 'boundary');
  const classes = toyClasses();
  p.plot
    .append('g')
    .selectAll('circle')
    .data(Array.from({ length: classes.n }, (_, k) => k))
    .join('circle')
    .attr('class', (k) => (classes.y[k] > 0 ? 'dot class-j' : 'dot class-i'))
    .attr('r', 4.5)
    .attr('cx', (k) => p.x(classes.x[2 * k]))
    .attr('cy', (k) => p.y(classes.x[2 * k + 1]));
  p.plot
    .append('text')
    .attr('class', 'plane-note class-i-text')
    .attr('x', p.x(-0.6))
    .attr('y', p.y(0) + 20)
    .attr('text-anchor', 'middle')
    .text('class I');
  p.plot
    .append('text')
    .attr('class', 'plane-note class-j-text')
    .attr('x', p.x(0.6))
    .attr('y', p.y(0) + 20)
    .attr('text-anchor', 'middle')
    .text('class J');
  const segment = p.plot.append('path').attr('class', 'mirror-segment');
  const marks = (['x', 'xp', 'xm'] as const).map((key) => {
    const g = p.plot.append('g').attr('class', `mark mark-${key}`);
    g.append('circle').attr('r', 6);
    g.append('text')
      .attr('dx', 8)
      .attr('dy', -8)
      .text(key === 'x' ? 'x' : key === 'xp' ? 'xₚ' : 'xₘ');
    return g;
  });
  const thetaLabel = p.plot.append('text').attr('class', 'plane-note').attr('x', 6).attr('y', 16);

  const pics = {
    x: picture(undefined, { rows: 12, cols: 12, map: TOY_MAP, alt: '', size: 96 }),
    xp: picture(undefined, { rows: 12, cols: 12, map: TOY_MAP, alt: '', size: 96 }),
    xm: picture(undefined, { rows: 12, cols: 12, map: TOY_MAP, alt: '', size: 96 }),
  };
  const strip = document.createElement('div');
  strip.className = 'picture-strip';
  strip.append(pics.x.element, pics.xp.element, pics.xm.element);
  const readout = document.createElement('p');
  readout.className = 'readout';
  readout.setAttribute('aria-live', 'polite');
  const thetaSlider = slider({
    name: 'theta',
    label: 'θ',
    min: 0,
    max: Math.PI / 2,
    step: 0.01,
    value: store.state.theta,
    format: (v) => `${fixed(v)} rad (${Math.round((v * 180) / Math.PI)}°)`,
    onInput: (v) => store.set({ theta: v }),
  });
  const xSlider = slider({
    name: 'toy-x',
    label: 'a of x',
    min: -1,
    max: -0.2,
    step: 0.05,
    value: store.state.toyA,
    format: (v) => fixed(v),
    onInput: (v) => store.set({ toyA: v }),
  });
  right.append(strip, readout, controlBar(thetaSlider, xSlider));

  const update = (state: ViewState) => {
    const theta = state.theta;
    const c = toyBoundary(theta);
    const { x, xp, xm } = toyPointImages(Float64Array.of(state.toyA, 0), theta);
    const cu = Math.cos(theta);
    const cv = Math.sin(theta);
    drawBoundary(p, { boundary, sideJ }, { cu, cv, c0: 0 }, DOMAIN, DOMAIN);
    segment.attr('d', line()([x, xm].map((q) => [p.x(q[0]), p.y(q[1])] as [number, number])));
    for (const [k, q] of [x, xp, xm].entries())
      marks[k].attr('transform', `translate(${p.x(q[0])},${p.y(q[1])})`);
    thetaLabel.text(`L_θ, θ = ${fixed(theta)} rad`);
    const d = signedDistance(c, x);
    const describe = (name: string, q: Float64Array) =>
      `${name}: square ${fixed(q[0])}, background ${fixed(q[1])}`;
    pics.x.set(toyImage(x[0], x[1]), { alt: describe('x', x), caption: `x, class I` });
    pics.xp.set(toyImage(xp[0], xp[1]), { alt: describe('projected image x_p', xp), caption: 'xₚ, on L_θ' });
    pics.xm.set(toyImage(xm[0], xm[1]), { alt: describe('mirror image x_m', xm), caption: 'xₘ, class J' });
    readout.textContent = `d(x) = ${fixed(d)}, d(xₘ) = ${fixed(-d)}: ‖xₘ − x‖ = ${fixed(2 * Math.abs(d))}.`;
    thetaSlider.set(theta);
    xSlider.set(state.toyA);
  };
  update(store.state);
  return { update };
}
