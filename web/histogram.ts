// A histogram panel for the neural-network artifacts' binned distributions (edges min, min + width, …, max;
// values outside are counted apart and said in the caption, never dropped silently).
import { axisBottom, axisLeft, max, scaleLinear } from 'd3';
import type { Bins, Histogram } from '../src/schema/nn-artifacts.js';
import { type Panel, panel, xAxis, yAxis } from './chart.js';

/** One histogram series to draw. */
export interface HistogramSeries {
  histogram: Histogram;
  /** CSS class of its bars (colour) */
  cls: string;
  label: string;
}

/** A histogram panel that can be redrawn with new series. */
export interface HistogramPanel {
  panel: Panel;
  draw(series: HistogramSeries[]): void;
}

/** Appends a histogram panel for bins `bins`; several series are drawn as outlines over each other. */
export function histogramPanel(
  parent: HTMLElement,
  bins: Bins,
  options: { label: string; title: string; xLabel?: string; width?: number; height?: number },
): HistogramPanel {
  const p = panel(parent, {
    label: options.label,
    title: options.title,
    width: options.width ?? 330,
    height: options.height ?? 220,
  });
  const x = scaleLinear().domain([bins.min, bins.max]).range([0, p.width]);
  const y = scaleLinear().range([p.height, 0]);
  xAxis(p, axisBottom(x).ticks(6), options.xLabel ?? bins.unit);
  const layer = p.plot.append('g');
  const legend = p.plot.append('g').attr('class', 'legend');
  const title = p.svg.select<SVGTextElement>('text.panel-title');
  return {
    panel: p,
    draw(series) {
      const top = max(series.flatMap((s) => s.histogram.counts)) ?? 1;
      y.domain([0, Math.max(1, top) * 1.05]);
      yAxis(p, axisLeft(y).ticks(4));
      layer.selectAll('*').remove();
      for (const s of series) {
        const path = s.histogram.counts
          .map((n, k) => {
            const x0 = x(bins.min + k * bins.width);
            const x1 = x(bins.min + (k + 1) * bins.width);
            return `M${x0},${p.height}V${y(n)}H${x1}V${p.height}`;
          })
          .join('');
        layer.append('path').attr('class', `hist ${s.cls}`).attr('d', path);
      }
      legend.selectAll('*').remove();
      if (series.length > 1) {
        for (const [k, s] of series.entries()) {
          const g = legend.append('g').attr('transform', `translate(${p.width - 110},${4 + k * 15})`);
          g.append('rect').attr('class', `swatch ${s.cls}`).attr('width', 10).attr('height', 10);
          g.append('text').attr('x', 15).attr('y', 9).text(s.label);
        }
      }
      // values outside the bins are counted apart: say how many, never drop them silently
      const outside = series.reduce((n, s) => n + s.histogram.below + s.histogram.above, 0);
      title.text(outside > 0 ? `${options.title} · ${outside} outside` : options.title);
    },
  };
}
