import { dot } from '../../src/math/vector.js';
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

  /** One picture of the plane: every image's v, the boundary, and the representatives' points. */
  interface Frame {
    v: Float64Array;
    line: { cu: number; cv: number; c0: number };
    nHat: Float64Array | undefined;
    mirrors: Array<{ u: number; v: number; uMirror: number; vMirror: number }>;
  }
  const frameOf = (c: number): Frame => {
    const m = d.model(c);
    return { v: m.planeV, line: m.line, nHat: m.nHat, mirrors: [m.record.mirrors.I, m.record.mirrors.J] };
  };
  const draw = (f: Frame) => {
    for (const label of [0, 1]) dots[label].attr('d', squares(label, f.v));
    drawBoundary(p, { boundary, sideJ }, f.line, domain, domain);
    if (reps) {
      const mirrors = [
        { key: 'x', cls: 'i', ...f.mirrors[0] },
        { key: 'y', cls: 'j', ...f.mirrors[1] },
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
  };

  let shown: Frame | undefined;
  let shownIndex = -1;
  let animation = 0;
  const reduceMotion = () =>
    typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

  const update = (state: ViewState) => {
    const c = state.lambdaIndex;
    if (c === shownIndex) return;
    const target = frameOf(c);
    const from = shown;
    shownIndex = c;
    cancelAnimationFrame(animation);
    const r0 = d.model(c).record;
    readout.textContent =
      `λ = ${formatLambda(lambdaOf(c))}: θ = ${fixed(r0.theta)} rad, d_adv = ${fixed(r0.dAdv, 3)}, ` +
      `training error ${percent(r0.errTrain)}, test error ${percent(r0.errTest)}.`;
    if (!from || reduceMotion()) {
      p.svg.attr('data-animating', null);
      shown = target;
      draw(target);
      return;
    }
    // the plane turns about ẑ: n̂ rotates from the shown model's to the new one's along a great circle, so
    // each image's v = (x − o)·n̂ moves as sin((1 − s)φ) v₀ + sin(sφ) v₁ over sin φ (exact, not a blend)
    const cosPhi = from.nHat && target.nHat ? dot(from.nHat, target.nHat) : 1;
    const phi = Math.acos(Math.min(1, Math.max(-1, cosPhi)));
    const angle = (l: Frame['line']) => Math.atan2(l.cv, l.cu);
    const [a0, a1] = [angle(from.line), angle(target.line)];
    const started = performance.now();
    const duration = 450;
    p.svg.attr('data-animating', 'true');
    const frame = (now: number) => {
      const t = Math.min(1, (now - started) / duration);
      if (t >= 1) {
        shown = target;
        draw(target);
        p.svg.attr('data-animating', null);
        return;
      }
      const s = t * t * (3 - 2 * t);
      const [wa, wb] =
        phi > 1e-6
          ? [Math.sin((1 - s) * phi) / Math.sin(phi), Math.sin(s * phi) / Math.sin(phi)]
          : [1 - s, s];
      const mix = (x: number, y: number) => wa * x + wb * y;
      const lerp = (x: number, y: number) => (1 - s) * x + s * y;
      const a = lerp(a0, a1);
      const current: Frame = {
        v: Float64Array.from(from.v, (v, k) => mix(v, target.v[k])),
        line: { cu: Math.cos(a), cv: Math.sin(a), c0: lerp(from.line.c0, target.line.c0) },
        nHat:
          from.nHat && target.nHat
            ? Float64Array.from(from.nHat, (v, k) => mix(v, target.nHat?.[k] ?? 0))
            : target.nHat,
        mirrors: from.mirrors.map((q, k) => {
          const r = target.mirrors[k];
          return {
            u: q.u,
            v: mix(q.v, r.v),
            uMirror: lerp(q.uMirror, r.uMirror),
            vMirror: lerp(q.vMirror, r.vMirror),
          };
        }),
      };
      shown = current;
      draw(current);
      animation = requestAnimationFrame(frame);
    };
    animation = requestAnimationFrame(frame);
  };
  update(initial);
  return { update };
}
