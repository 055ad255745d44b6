import type { SvmPath } from '../../src/schema/artifacts.js';
import { className } from '../../src/schema/datasets.js';
import { fixed, formatLambda, percent } from '../chart.js';
import { type DecodedPath, decodePath } from '../mnist-path.js';
import { drawBoundary, planePanel } from '../plane.js';
import type { FigureHandle } from '../slot.js';
import { lambdaOf, type ViewState } from '../state.js';

/** Options of the tilting-plane figure. */
export interface TiltingPlaneOptions {
  /** draw the representatives x, y and their mirror images (default true) */
  representatives?: boolean;
  /** a unique prefix for SVG ids (clip paths) */
  id: string;
}

/** The robust half-width of the plane: 99.5 % of |u| and of |v| (over all models) fit. */
function planeRadius(d: DecodedPath): number {
  const q = (values: Float64Array) => {
    const a = Float64Array.from(values, Math.abs).sort();
    return a[Math.floor(0.995 * (a.length - 1))];
  };
  let r = q(d.planeU);
  for (let c = 0; c < d.path.models.length; c += 4) r = Math.max(r, q(d.model(c).planeV));
  return 1.1 * r;
}

const radii = new WeakMap<SvmPath, number>();

/** Draws the training images of a path in the tilting plane of the model at the state's λ. */
export function renderTiltingPlane(
  container: HTMLElement,
  path: SvmPath,
  initial: ViewState,
  options: TiltingPlaneOptions,
): FigureHandle {
  const d = decodePath(path);
  let r = radii.get(path);
  if (r === undefined) {
    r = planeRadius(d);
    radii.set(path, r);
  }
  const domain = [-r, r] as const;
  const p = planePanel(container, {
    label: `Training images of ${path.classI} (class I) and ${path.classJ} (class J) in the tilting plane, with the boundary.`,
    xDomain: domain,
    yDomain: domain,
    xLabel: '(x − o)·ẑ  (along the centroids)',
    yLabel: '(x − o)·n̂',
    width: 420,
  });
  const clipId = `${options.id}-clip`;
  p.svg
    .append('defs')
    .append('clipPath')
    .attr('id', clipId)
    .append('rect')
    .attr('width', p.width)
    .attr('height', p.height);
  const inner = p.plot.append('g').attr('clip-path', `url(#${clipId})`);
  const sideJ = inner.append('path').attr('class', 'side-j');
  const dots = [0, 1].map((label) =>
    inner.append('path').attr('class', `scatter class-${label ? 'j' : 'i'}`),
  );
  const boundary = inner.append('line').attr('class', 'boundary');
  const legend = p.plot.append('g').attr('class', 'legend').attr('transform', 'translate(8,8)');
  for (const [k, label] of [
    `${className(path.dataset, path.classI)} (I)`,
    `${className(path.dataset, path.classJ)} (J)`,
  ].entries()) {
    const g = legend.append('g').attr('transform', `translate(0,${k * 16})`);
    g.append('rect')
      .attr('class', `swatch class-${k ? 'j' : 'i'}`)
      .attr('width', 10)
      .attr('height', 10);
    g.append('text').attr('x', 15).attr('y', 9).text(label);
  }
  for (const [name, u] of [
    ['i', -path.centroidDistance / 2],
    ['j', path.centroidDistance / 2],
  ] as const) {
    const g = inner
      .append('g')
      .attr('class', 'mark centroid')
      .attr('transform', `translate(${p.x(u)},${p.y(0)})`);
    g.append('circle').attr('r', 4);
    g.append('text').attr('dx', 6).attr('dy', 14).text(name);
  }
  const reps =
    options.representatives === false ? undefined : inner.append('g').attr('class', 'representatives');
  const readout = document.createElement('p');
  readout.className = 'readout';
  container.append(readout);

  const squares = (label: number, v: Float64Array) => {
    const s = 2.2;
    const parts: string[] = [];
    for (let k = 0; k < d.labels.length; k++) {
      if (d.labels[k] !== label) continue;
      const x = p.x(d.planeU[k]);
      const y = p.y(v[k]);
      if (x < -s || x > p.width + s || y < -s || y > p.height + s) continue;
      parts.push(`M${(x - s / 2).toFixed(1)} ${(y - s / 2).toFixed(1)}h${s}v${s}h-${s}z`);
    }
    return parts.join('');
  };

  const update = (state: ViewState) => {
    const m = d.model(state.lambdaIndex);
    for (const label of [0, 1]) dots[label].attr('d', squares(label, m.planeV));
    drawBoundary(p, { boundary, sideJ }, m.line, domain, domain);
    if (reps) {
      const mirrors = [
        { key: 'x', cls: 'i', ...m.record.mirrors.I },
        { key: 'y', cls: 'j', ...m.record.mirrors.J },
      ];
      reps
        .selectAll('line')
        .data(mirrors)
        .join('line')
        .attr('class', 'mirror-segment')
        .attr('x1', (q) => p.x(q.u))
        .attr('y1', (q) => p.y(q.v))
        .attr('x2', (q) => p.x(q.uMirror))
        .attr('y2', (q) => p.y(q.vMirror));
      const points = mirrors.flatMap((q) => [
        { label: q.key, cls: q.cls, u: q.u, v: q.v },
        { label: `${q.key}ₘ`, cls: q.cls === 'i' ? 'j' : 'i', u: q.uMirror, v: q.vMirror },
      ]);
      const g = reps
        .selectAll<SVGGElement, (typeof points)[number]>('g')
        .data(points)
        .join((enter) => {
          const e = enter.append('g');
          e.append('circle').attr('r', 5.5);
          e.append('text').attr('dx', 8).attr('dy', -6);
          return e;
        })
        .attr('class', (q) => `mark representative rep-${q.cls}`)
        .attr('transform', (q) => `translate(${p.x(q.u)},${p.y(q.v)})`);
      g.select('text').text((q) => q.label);
    }
    const r0 = m.record;
    readout.textContent =
      `λ = ${formatLambda(lambdaOf(state.lambdaIndex))}: θ = ${fixed(r0.theta)} rad, d_adv = ${fixed(r0.dAdv, 3)}, ` +
      `training error ${percent(r0.errTrain)}, test error ${percent(r0.errTest)}.`;
  };
  update(initial);
  return { update };
}
