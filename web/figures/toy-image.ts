// Toy figure 1: every two-valued picture is a point (a, b) of the plane. Hover to preview, click or drag the
// point (or use the sliders) to choose one.
import { pointer } from 'd3';
import { toyImage } from '../../src/math/toy.js';
import { fixed } from '../chart.js';
import { controlBar, slider } from '../controls.js';
import { colourOf, picture, TOY_MAP } from '../pictures.js';
import { planePanel } from '../plane.js';
import type { FigureHandle } from '../slot.js';

const GRID = [-1, -0.5, 0, 0.5, 1];

/** Draws the (a, b) plane with a chosen point and its picture. */
export function renderToyImage(container: HTMLElement): FigureHandle {
  let a = 0.6;
  let b = -0.4;
  const row = document.createElement('div');
  row.className = 'figure-row';
  container.append(row);
  const left = document.createElement('div');
  left.className = 'figure-cell';
  const right = document.createElement('div');
  right.className = 'figure-cell figure-cell-narrow';
  row.append(left, right);

  const p = planePanel(left, {
    label:
      'The plane of toy images: horizontal axis a, the value of the central square; vertical axis b, the value of the background.',
    xDomain: [-1.15, 1.15],
    yDomain: [-1.15, 1.15],
    xLabel: 'a (central square)',
    yLabel: 'b (background)',
    width: 380,
  });
  // a sample of pictures at their own coordinates: the plane *is* the space of pictures
  const s = p.x(0.12) - p.x(0);
  const thumbs = p.plot.append('g').attr('class', 'thumbs').attr('aria-hidden', 'true');
  for (const ga of GRID) {
    for (const gb of GRID) {
      const g = thumbs.append('g').attr('transform', `translate(${p.x(ga)},${p.y(gb)})`);
      g.append('rect')
        .attr('x', -s)
        .attr('y', -s)
        .attr('width', 2 * s)
        .attr('height', 2 * s)
        .attr('fill', colourOf(TOY_MAP, gb));
      g.append('rect')
        .attr('x', -s / 3)
        .attr('y', -s / 3)
        .attr('width', (2 * s) / 3)
        .attr('height', (2 * s) / 3)
        .attr('fill', colourOf(TOY_MAP, ga));
    }
  }
  const hover = p.plot.append('circle').attr('class', 'hover-point').attr('r', 5).style('display', 'none');
  const point = p.plot.append('circle').attr('class', 'chosen-point').attr('r', 7);

  const big = picture(undefined, { rows: 12, cols: 12, map: TOY_MAP, alt: '', size: 168 });
  const aSlider = slider({
    name: 'toy-image-a',
    label: 'a',
    min: -1,
    max: 1,
    step: 0.05,
    value: a,
    format: (v) => fixed(v),
    onInput: (v) => choose(v, b),
  });
  const bSlider = slider({
    name: 'toy-image-b',
    label: 'b',
    min: -1,
    max: 1,
    step: 0.05,
    value: b,
    format: (v) => fixed(v),
    onInput: (v) => choose(a, v),
  });
  right.append(big.element, controlBar(aSlider, bSlider));

  const show = (va: number, vb: number, preview: boolean) => {
    big.set(toyImage(va, vb), {
      alt: `A toy picture: central square of value ${fixed(va)}, background of value ${fixed(vb)}.`,
      caption: `${preview ? 'under the pointer: ' : ''}(a, b) = (${fixed(va)}, ${fixed(vb)})`,
    });
  };
  const choose = (va: number, vb: number) => {
    a = Math.max(-1, Math.min(1, va));
    b = Math.max(-1, Math.min(1, vb));
    point.attr('cx', p.x(a)).attr('cy', p.y(b));
    aSlider.set(a);
    bSlider.set(b);
    show(a, b, false);
  };
  const at = (event: PointerEvent): [number, number] => {
    const [px, py] = pointer(event, p.plot.node());
    const round = (v: number) => Math.round(Math.max(-1, Math.min(1, v)) * 20) / 20;
    return [round(p.x.invert(px)), round(p.y.invert(py))];
  };
  let dragging = false;
  const svg = p.svg.node()!;
  svg.addEventListener('pointerdown', (event) => {
    dragging = true;
    svg.setPointerCapture(event.pointerId);
    choose(...at(event));
  });
  svg.addEventListener('pointermove', (event) => {
    const [va, vb] = at(event);
    if (dragging) {
      choose(va, vb);
      return;
    }
    hover.style('display', null).attr('cx', p.x(va)).attr('cy', p.y(vb));
    show(va, vb, true);
  });
  const end = () => {
    dragging = false;
    hover.style('display', 'none');
    show(a, b, false);
  };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointerleave', end);
  // vertical swipes still scroll the page on phones; a tap chooses a point
  svg.style.touchAction = 'pan-y';

  choose(a, b);
  return { update() {} };
}
