// Square panels of a 2-D plane with equal units on both axes (the toy image space, the tilting plane), and the
// clipping of a boundary line to the visible box.
import { axisBottom, axisLeft, line as d3line, type ScaleLinear, type Selection, scaleLinear } from 'd3';
import { type Panel, panel, xAxis, yAxis } from './chart.js';

/** A panel whose two axes share one unit. */
export interface PlanePanel extends Panel {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
}

/** Options of a plane panel. */
export interface PlaneOptions {
  label: string;
  title?: string;
  xDomain: readonly [number, number];
  yDomain: readonly [number, number];
  xLabel: string;
  yLabel: string;
  /** viewBox width; the height follows from equal units */
  width?: number;
  ticks?: number;
}

/** Appends a plane panel with axes and the two zero lines. */
export function planePanel(parent: HTMLElement, options: PlaneOptions): PlanePanel {
  const width = options.width ?? 400;
  const margin = { top: options.title ? 28 : 12, right: 14, bottom: 40, left: 52 };
  const inner = width - margin.left - margin.right;
  const [x0, x1] = options.xDomain;
  const [y0, y1] = options.yDomain;
  const innerHeight = (inner * (y1 - y0)) / (x1 - x0);
  const p = panel(parent, {
    label: options.label,
    title: options.title,
    width,
    height: innerHeight + margin.top + margin.bottom,
    margin,
    className: 'plane',
  });
  const x = scaleLinear().domain([x0, x1]).range([0, p.width]);
  const y = scaleLinear().domain([y0, y1]).range([p.height, 0]);
  const ticks = options.ticks ?? 5;
  p.plot.append('rect').attr('class', 'plane-frame').attr('width', p.width).attr('height', p.height);
  if (x0 < 0 && x1 > 0) {
    p.plot.append('line').attr('class', 'zero-line').attr('x1', x(0)).attr('x2', x(0)).attr('y2', p.height);
  }
  if (y0 < 0 && y1 > 0) {
    p.plot.append('line').attr('class', 'zero-line').attr('y1', y(0)).attr('y2', y(0)).attr('x2', p.width);
  }
  xAxis(p, axisBottom(x).ticks(ticks), options.xLabel);
  yAxis(p, axisLeft(y).ticks(ticks), options.yLabel);
  return { ...p, x, y };
}

/**
 * The visible segment of the line cu·x + cv·y + c0 = 0 inside the box, or undefined when it misses the box.
 * (Liang–Barsky on a long segment along the line.)
 */
export function clipLine(
  cu: number,
  cv: number,
  c0: number,
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
): [[number, number], [number, number]] | undefined {
  const n2 = cu * cu + cv * cv;
  if (!(n2 > 0)) return undefined;
  // the point of the line closest to the origin, and the line's direction
  const px = (-c0 * cu) / n2;
  const py = (-c0 * cv) / n2;
  const dx = -cv;
  const dy = cu;
  const span =
    4 * (Math.abs(xDomain[1] - xDomain[0]) + Math.abs(yDomain[1] - yDomain[0]) + Math.hypot(px, py));
  let t0 = -span;
  let t1 = span;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
    return true;
  };
  if (
    !clip(-dx, px - xDomain[0]) ||
    !clip(dx, xDomain[1] - px) ||
    !clip(-dy, py - yDomain[0]) ||
    !clip(dy, yDomain[1] - py)
  ) {
    return undefined;
  }
  if (t0 >= t1) return undefined;
  return [
    [px + t0 * dx, py + t0 * dy],
    [px + t1 * dx, py + t1 * dy],
  ];
}

/** The part of the box where cu·x + cv·y + c0 ≥ 0 (class J's side of a boundary), as a polygon. */
export function halfPlane(
  cu: number,
  cv: number,
  c0: number,
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
): Array<[number, number]> {
  const box: Array<[number, number]> = [
    [xDomain[0], yDomain[0]],
    [xDomain[1], yDomain[0]],
    [xDomain[1], yDomain[1]],
    [xDomain[0], yDomain[1]],
  ];
  const side = (p: [number, number]) => cu * p[0] + cv * p[1] + c0;
  const out: Array<[number, number]> = [];
  for (let k = 0; k < box.length; k++) {
    const a = box[k];
    const b = box[(k + 1) % box.length];
    const sa = side(a);
    const sb = side(b);
    if (sa >= 0) out.push(a);
    if (sa >= 0 !== sb >= 0) {
      const t = sa / (sa - sb);
      out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    }
  }
  return out;
}

/**
 * Draws the boundary cu·x + cv·y + c0 = 0 of a plane panel: the visible segment into `boundary` (hidden when
 * the line misses the box) and, when given, class J's side cu·x + cv·y + c0 > 0 into `sideJ`.
 */
export function drawBoundary(
  p: PlanePanel,
  parts: {
    boundary: Selection<SVGLineElement, unknown, null, undefined>;
    sideJ?: Selection<SVGPathElement, unknown, null, undefined>;
  },
  line: { cu: number; cv: number; c0: number },
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
): void {
  const { cu, cv, c0 } = line;
  const seg = clipLine(cu, cv, c0, xDomain, yDomain);
  parts.boundary.attr('visibility', seg ? 'visible' : 'hidden');
  if (seg) {
    parts.boundary
      .attr('x1', p.x(seg[0][0]))
      .attr('y1', p.y(seg[0][1]))
      .attr('x2', p.x(seg[1][0]))
      .attr('y2', p.y(seg[1][1]));
  }
  parts.sideJ?.attr(
    'd',
    `${d3line()(halfPlane(cu, cv, c0, xDomain, yDomain).map(([u, v]) => [p.x(u), p.y(v)] as [number, number]))}Z`,
  );
}
