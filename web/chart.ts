// Chart scaffolding shared by the figures: an SVG panel with a fixed viewBox (it scales with its column, so
// phones get the same drawing smaller), inner margins, axes and number formats.
import { type Axis, type AxisDomain, axisBottom, axisLeft, line, type Selection, select } from 'd3';

/** An SVG panel and its plotting area. */
export interface Panel {
  svg: Selection<SVGSVGElement, unknown, null, undefined>;
  /** the plotting area, translated by the margins */
  plot: Selection<SVGGElement, unknown, null, undefined>;
  /** plotting area size in viewBox units */
  width: number;
  height: number;
}

/** Margins around a panel's plotting area. */
export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Options of a panel. */
export interface PanelOptions {
  width?: number;
  height?: number;
  margin?: Partial<Margin>;
  /** the text alternative of the whole panel */
  label: string;
  /** a title drawn above the plot */
  title?: string;
  className?: string;
}

/** Appends an SVG panel to `parent`. */
export function panel(parent: HTMLElement, options: PanelOptions): Panel {
  const width = options.width ?? 420;
  const height = options.height ?? 300;
  const margin: Margin = { top: options.title ? 28 : 12, right: 14, bottom: 40, left: 50, ...options.margin };
  const svg = select(parent)
    .append('svg')
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('class', `panel ${options.className ?? ''}`.trim())
    .attr('role', 'img')
    .attr('aria-label', options.label);
  if (options.title) {
    svg.append('text').attr('class', 'panel-title').attr('x', margin.left).attr('y', 17).text(options.title);
  }
  const plot = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  return {
    svg,
    plot,
    width: width - margin.left - margin.right,
    height: height - margin.top - margin.bottom,
  };
}

/** Draws (or redraws) the bottom axis with an optional label. */
export function xAxis<D extends AxisDomain>(p: Panel, axis: Axis<D>, label?: string): void {
  let g = p.plot.select<SVGGElement>('g.x-axis');
  if (g.empty()) g = p.plot.append('g').attr('class', 'axis x-axis');
  g.attr('transform', `translate(0,${p.height})`).call(axis);
  if (label !== undefined) {
    let t = p.plot.select<SVGTextElement>('text.x-label');
    if (t.empty()) t = p.plot.append('text').attr('class', 'axis-label x-label');
    t.attr('x', p.width / 2)
      .attr('y', p.height + 34)
      .attr('text-anchor', 'middle')
      .text(label);
  }
}

/** Draws (or redraws) the left axis with an optional label. */
export function yAxis<D extends AxisDomain>(p: Panel, axis: Axis<D>, label?: string): void {
  let g = p.plot.select<SVGGElement>('g.y-axis');
  if (g.empty()) g = p.plot.append('g').attr('class', 'axis y-axis');
  g.call(axis);
  if (label !== undefined) {
    let t = p.plot.select<SVGTextElement>('text.y-label');
    if (t.empty()) t = p.plot.append('text').attr('class', 'axis-label y-label');
    t.attr('transform', `translate(-38,${p.height / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(label);
  }
}

export { axisBottom, axisLeft };

/** A number with `digits` significant digits, without trailing noise ("0.13", "1.48", "3.2e-5"). */
export function sig(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e-3 && a < 1e5) return String(Number(value.toPrecision(digits)));
  const [m, e] = value.toExponential(digits - 1).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** A number with a fixed count of decimals. */
export function fixed(value: number, decimals = 2): string {
  return value.toFixed(decimals);
}

/** Percent with one decimal: "3.6 %". */
export function percent(value: number, decimals = 1): string {
  return `${value.toFixed(decimals)} %`;
}

/** A power of ten written with a superscript exponent, e.g. 10⁻⁴. */
export function powerOfTen(exponent: number): string {
  const sup: Record<string, string> = {
    '-': '⁻',
    '0': '⁰',
    '1': '¹',
    '2': '²',
    '3': '³',
    '4': '⁴',
    '5': '⁵',
    '6': '⁶',
    '7': '⁷',
    '8': '⁸',
    '9': '⁹',
  };
  return `10${String(exponent)
    .split('')
    .map((ch) => sup[ch] ?? ch)
    .join('')}`;
}

/** λ written for people: 100, 1, 0.01, 3.2×10⁻⁵. */
export function formatLambda(lambda: number): string {
  const e = Math.log10(lambda);
  if (Math.abs(e - Math.round(e)) < 1e-9) {
    const r = Math.round(e);
    return r >= -2 ? String(10 ** r >= 1 ? 10 ** r : Number((10 ** r).toFixed(-r))) : powerOfTen(r);
  }
  const r = Math.floor(e);
  const m = lambda / 10 ** r;
  return r >= -2 && r <= 2 ? sig(lambda, 2) : `${m.toFixed(1)}×${powerOfTen(r)}`;
}

/** Appends a polyline through `points` (data coordinates) to a panel, with the classes `cls`. */
export function curvePath(
  p: Panel,
  points: Array<[number, number]>,
  x: (v: number) => number,
  y: (v: number) => number,
  cls: string,
): void {
  p.plot
    .append('path')
    .attr('class', `curve ${cls}`)
    .attr(
      'd',
      line<[number, number]>(
        (d) => x(d[0]),
        (d) => y(d[1]),
      )(points),
    );
}
