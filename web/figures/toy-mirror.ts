// Toy figure 3: the image x and its mirror image x_m as the boundary tilts. At θ = 0 the mirror image is a
// clear member of the other class; near θ = π/2 it is the same picture as x, yet classified J with the same
// confidence as x is classified I.
import { axisBottom, axisLeft, line, range, scaleLinear } from 'd3';
import { toyImage, toyPointImages } from '../../src/math/toy.js';
import { fixed, panel, xAxis, yAxis } from '../chart.js';
import { twoCells } from '../layout.js';
import { picture, TOY_MAP } from '../pictures.js';
import type { FigureHandle } from '../slot.js';
import type { ViewState } from '../state.js';

const STRIP_THETAS = [0, Math.PI / 8, Math.PI / 4, (3 * Math.PI) / 8, 1.45, 1.55];

/** Draws x_m's two values and ‖x_m − x‖ against θ, and x | x_m picture pairs at six angles. */
export function renderToyMirror(container: HTMLElement, initial: ViewState): FigureHandle {
  const [left, right] = twoCells(container);

  const p = panel(left, {
    label: 'The square value a and background value b of the mirror image, and its distance to x, against θ.',
    width: 420,
    height: 280,
    margin: { right: 70 },
  });
  const x = scaleLinear()
    .domain([0, Math.PI / 2])
    .range([0, p.width]);
  const y = scaleLinear().domain([-1, 1.3]).range([p.height, 0]);
  xAxis(
    p,
    axisBottom(x)
      .tickValues([0, Math.PI / 8, Math.PI / 4, (3 * Math.PI) / 8, Math.PI / 2])
      .tickFormat((v) => ['0', 'π/8', 'π/4', '3π/8', 'π/2'][Math.round((Number(v) / Math.PI) * 8)] ?? ''),
    'θ (rad)',
  );
  yAxis(p, axisLeft(y).ticks(5), 'value');
  const curves = p.plot.append('g');
  const marker = p.plot.append('line').attr('class', 'current-marker').attr('y1', 0).attr('y2', p.height);

  const strip = document.createElement('div');
  strip.className = 'pair-strip';
  right.append(strip);

  const draw = (toyA: number) => {
    const thetas = range(0, 201).map((k) => (k / 200) * (Math.PI / 2));
    const rows = thetas.map((t) => {
      const { x: xx, xm } = toyPointImages(Float64Array.of(toyA, 0), t);
      return { t, a: xm[0], b: xm[1], dist: Math.hypot(xm[0] - xx[0], xm[1] - xx[1]) };
    });
    const series: Array<{ key: 'a' | 'b' | 'dist'; label: string; cls: string }> = [
      { key: 'a', label: 'a of xₘ', cls: 'series-1' },
      { key: 'b', label: 'b of xₘ', cls: 'series-2' },
      { key: 'dist', label: '‖xₘ − x‖', cls: 'series-3' },
    ];
    curves.selectAll('*').remove();
    for (const s of series) {
      curves
        .append('path')
        .attr('class', `curve ${s.cls}`)
        .attr(
          'd',
          line<(typeof rows)[number]>(
            (r) => x(r.t),
            (r) => y(r[s.key]),
          )(rows),
        );
      const last = rows[rows.length - 1];
      curves
        .append('text')
        .attr('class', `curve-label ${s.cls}`)
        .attr('x', p.width + 4)
        .attr('y', y(last[s.key]) + (s.key === 'b' ? -6 : s.key === 'dist' ? 10 : 0))
        .text(s.label);
    }
    strip.replaceChildren(
      ...STRIP_THETAS.map((t) => {
        const { x: xx, xm } = toyPointImages(Float64Array.of(toyA, 0), t);
        const cell = document.createElement('div');
        cell.className = 'pair-cell';
        const a = picture(toyImage(xx[0], xx[1]), {
          rows: 12,
          cols: 12,
          map: TOY_MAP,
          size: 44,
          alt: `x at θ = ${fixed(t)}: square ${fixed(xx[0])}, background ${fixed(xx[1])}`,
          caption: 'x',
        });
        const b = picture(toyImage(xm[0], xm[1]), {
          rows: 12,
          cols: 12,
          map: TOY_MAP,
          size: 44,
          alt: `mirror image at θ = ${fixed(t)}: square ${fixed(xm[0])}, background ${fixed(xm[1])}`,
          caption: 'xₘ',
        });
        const label = document.createElement('span');
        label.className = 'pair-cell-label';
        label.textContent = `θ = ${fixed(t)}`;
        cell.append(label, a.element, b.element);
        return cell;
      }),
    );
  };

  let drawnFor = Number.NaN;
  const update = (state: ViewState) => {
    if (state.toyA !== drawnFor) {
      draw(state.toyA);
      drawnFor = state.toyA;
    }
    marker.attr('x1', x(state.theta)).attr('x2', x(state.theta));
  };
  update(initial);
  return { update };
}
