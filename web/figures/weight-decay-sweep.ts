// Beyond the article: swept LeNets against weight decay (log λ), one curve per dataset. Four panels: test error,
// the median adversarial perturbation, the article's calibrated temperature, and the ECE at that
// temperature. Each seed is a dot; the curve joins the seeds' medians; the article's two networks are
// marked at λ = 1e-4 and 1e-1.
import { axisBottom, axisLeft, extent, max, scaleLinear, scaleLog } from 'd3';
import { ARTICLE_LENETS } from '../../src/article.js';
import { quantiles } from '../../src/math/statistics.js';
import { datasetLabel } from '../../src/schema/datasets.js';
import type { LenetSweep } from '../../src/schema/lenet-sweep.js';
import { curvePath, panel, powerOfTen, sig, xAxis, yAxis } from '../chart.js';
import { figureRow } from '../layout.js';
import type { FigureHandle } from '../slot.js';

type Network = LenetSweep['networks'][number];

/** The colour of each dataset's curve (web/style.css), named in the legend. */
const COLOURS: Record<string, string> = { mnist: 'blue', 'fashion-mnist': 'orange' };

/** The quantities drawn, each with its axis label. */
const QUANTITIES: ReadonlyArray<{
  key: string;
  label: string;
  title: string;
  value: (n: Network) => number | null;
}> = [
  { key: 'error', label: 'test error (%)', title: 'test error', value: (n) => n.testError },
  {
    key: 'norm',
    label: 'median ‖δ‖ (0..255 scale)',
    title: 'median targeted perturbation',
    value: (n) => n.attack.medianNorm,
  },
  {
    key: 'temperature',
    label: 'temperature t',
    title: 'calibrated temperature (median p = 0.95)',
    value: (n) => n.temperature.article,
  },
  { key: 'ece', label: 'ECE at t', title: 'calibration error at that t', value: (n) => n.ece.article },
];

/** The seeds' median of a quantity at each weight decay (λ > 0: the axis is logarithmic). */
export function curveOf(sweep: LenetSweep, value: (n: Network) => number | null): Array<[number, number]> {
  const byDecay = new Map<number, number[]>();
  for (const n of sweep.networks) {
    const v = value(n);
    if (n.weightDecay <= 0 || v === null) continue;
    byDecay.set(n.weightDecay, [...(byDecay.get(n.weightDecay) ?? []), v]);
  }
  return [...byDecay.entries()].sort((a, b) => a[0] - b[0]).map(([d, vs]) => [d, quantiles(vs, [0.5])[0]]);
}

/** Draws the four panels for the datasets' sweeps. */
export function renderWeightDecaySweep(container: HTMLElement, sweeps: LenetSweep[]): FigureHandle {
  const all = sweeps.flatMap((s) => s.networks.filter((n) => n.weightDecay > 0));
  const [lo, hi] = extent(all, (n) => n.weightDecay) as [number, number];
  const x = scaleLog()
    .domain([Math.min(lo, 1e-4) / 2, Math.max(hi, 1e-1) * 2])
    .range([0, 1]);
  // whole decades only: a log axis's default ticks crowd a small panel
  const [d0, d1] = x.domain().map((v) => Math.log10(v));
  const decades: number[] = [];
  for (let e = Math.ceil(d0); e <= Math.floor(d1); e++) decades.push(10 ** e);
  // two rows of two panels
  const rows = [figureRow(container), figureRow(container)];
  for (const [k, q] of QUANTITIES.entries()) {
    const cell = rows[k >> 1].cell;
    const values = all.map(q.value).filter((v): v is number => v !== null);
    const p = panel(cell(), {
      label: `${q.title} against weight decay λ, for ${sweeps.map((s) => datasetLabel(s.dataset)).join(' and ')}.`,
      title: q.title,
      width: 330,
      height: 230,
      margin: { right: 12 },
    });
    const px = x.copy().range([0, p.width]);
    const ymax = max(values) ?? 1;
    const y = scaleLinear()
      .domain([0, values.length > 0 ? ymax * 1.15 : 1])
      .range([p.height, 0])
      .nice();
    xAxis(
      p,
      axisBottom(px)
        .tickValues(decades)
        .tickFormat((v) => powerOfTen(Math.round(Math.log10(Number(v))))),
      'weight decay λ',
    );
    yAxis(p, axisLeft(y).ticks(4), q.label);
    for (const article of ARTICLE_LENETS) {
      p.plot
        .append('line')
        .attr('class', 'article-marker')
        .attr('x1', px(article.weightDecay))
        .attr('x2', px(article.weightDecay))
        .attr('y1', 0)
        .attr('y2', p.height)
        .append('title')
        .text(`${article.name}: λ = ${article.weightDecay}`);
    }
    for (const sweep of sweeps) {
      const cls = `dataset-${sweep.dataset}`;
      curvePath(p, curveOf(sweep, q.value), px, y, cls);
      for (const n of sweep.networks) {
        const v = q.value(n);
        if (n.weightDecay <= 0 || v === null) continue;
        p.plot
          .append('circle')
          .attr('class', `dot ${cls}`)
          .attr('r', 3.5)
          .attr('cx', px(n.weightDecay))
          .attr('cy', y(v))
          .append('title')
          .text(`${datasetLabel(sweep.dataset)}, λ = ${n.weightDecay}, seed ${n.seed}: ${sig(v, 3)}`);
      }
    }
  }
  const legend = document.createElement('p');
  legend.className = 'figure-note';
  legend.textContent =
    `${sweeps.map((s) => `${datasetLabel(s.dataset)} (${COLOURS[s.dataset] ?? 'grey'}, ${s.networks.length} networks)`).join(', ')}. ` +
    'Dots are networks (one per seed), curves join their medians; the vertical lines mark the article’s ' +
    'LeNet_low (λ = 1e-4) and LeNet_high (λ = 1e-1). A median perturbation is missing where half the attacks ' +
    'reached the step cap.';
  container.append(legend);
  return { update() {} };
}
