// Targeted adversarial examples for LeNet_low and LeNet_high: for one test image of each digit d, the image,
// the adversarial example classified (d + 1) mod 10 with probability ≥ 0.95, and the perturbation, with its
// L2 norm; then, over many test images, how the norm needed is distributed.
import { axisBottom, axisLeft, line, max, scaleLinear } from 'd3';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import type { Adversarial } from '../../src/schema/nn-artifacts.js';
import { fixed, panel, sig, xAxis, yAxis } from '../chart.js';
import { histogramPanel } from '../histogram.js';
import { figureRow } from '../layout.js';
import { type ColourMap, GREY_255, picture } from '../pictures.js';
import type { FigureHandle } from '../slot.js';

const cls = (name: string) => (/high/i.test(name) ? 'net-high' : 'net-low');

/** The networks' display names ("lenet-high" → "LeNet_high"). */
export function networkName(network: string): string {
  const m = /(low|high)/i.exec(network);
  return m ? `LeNet_${m[1].toLowerCase()}` : network;
}

/** Draws the examples of every network given (low first) and the norm distributions. */
export function renderAdversarialExamples(container: HTMLElement, studies: Adversarial[]): FigureHandle {
  const sorted = [...studies].sort(
    (a, b) => Number(/high/i.test(a.network)) - Number(/high/i.test(b.network)),
  );
  // one colour scale for every perturbation, so that their strengths compare across networks
  let limit = 0;
  for (const s of sorted) {
    for (const e of s.targeted) {
      const v = decodeFloat32(e.perturbation);
      for (let i = 0; i < v.length; i++) limit = Math.max(limit, Math.abs(v[i]));
    }
  }
  const perturbationMap: ColourMap = { kind: 'diverging', limit: limit || 1 };

  for (const s of sorted) {
    const block = document.createElement('div');
    block.className = `ae-block ${cls(s.network)}`;
    const title = document.createElement('p');
    title.className = 'figure-note ae-title';
    const norms = s.targeted.filter((e) => e.success).map((e) => e.norm);
    title.textContent =
      `${networkName(s.network)} (test error ${fixed(s.testError, 2)} %, temperature t = ${sig(s.temperature.t, 3)}): ` +
      `mean perturbation norm ${norms.length ? fixed(norms.reduce((a, b) => a + b, 0) / norms.length, 0) : '–'} on the 0..255 scale` +
      `${norms.length < s.targeted.length ? `, ${s.targeted.length - norms.length} attack(s) failed` : ''}.`;
    const grid = document.createElement('div');
    grid.className = 'ae-grid';
    // full row names on wide screens, the original article's abbreviations on phones
    const rowLabel = (text: string, short: string) => {
      const span = document.createElement('span');
      span.className = 'ae-row-label';
      const full = document.createElement('span');
      full.className = 'label-full';
      full.textContent = text;
      const abbreviation = document.createElement('abbr');
      abbreviation.className = 'label-short';
      abbreviation.title = text;
      abbreviation.textContent = short;
      span.append(full, abbreviation);
      grid.append(span);
    };
    const targeted = [...s.targeted].sort((a, b) => a.digit - b.digit);
    rowLabel('image', 'OI');
    for (const e of targeted) {
      grid.append(
        picture(decodeFloat32(e.original), {
          map: GREY_255,
          size: 0,
          alt: `test image ${e.testIndex}, a ${e.digit}`,
          caption: `${e.digit}→${e.target}`,
        }).element,
      );
    }
    rowLabel('adversarial', 'AE');
    for (const e of targeted) {
      grid.append(
        picture(decodeFloat32(e.adversarial), {
          map: GREY_255,
          size: 0,
          alt: `adversarial example of the ${e.digit}: classified ${e.predicted} with probability ${fixed(e.probability, 2)}${e.success ? '' : ' (attack failed)'}`,
          caption: `${e.predicted}: ${fixed(e.probability, 2)}`,
        }).element,
      );
    }
    rowLabel('perturbation', 'Pert');
    for (const e of targeted) {
      grid.append(
        picture(decodeFloat32(e.perturbation), {
          map: perturbationMap,
          size: 0,
          alt: `the perturbation of the ${e.digit}, L2 norm ${fixed(e.norm, 0)} on the 0..255 scale`,
          caption: `${fixed(e.norm, 0)}${e.success ? '' : '✗'}`,
        }).element,
      );
    }
    block.append(title, grid);
    container.append(block);
  }

  // the many-image study: success against norm budget, and each network's histogram of norms
  const { cell } = figureRow(container, true);
  const p = panel(cell(), {
    label: 'Share of attacked test images pushed to their target within a norm budget, for each network.',
    title: 'success within a norm budget (%)',
    width: 330,
    height: 220,
  });
  const xMax = max(sorted, (s) => max(s.study.budgets)) ?? 1;
  const x = scaleLinear().domain([0, xMax]).range([0, p.width]);
  const y = scaleLinear().domain([0, 100]).range([p.height, 0]);
  xAxis(p, axisBottom(x).ticks(5), '‖x′ − x‖ budget (0..255 scale)');
  yAxis(p, axisLeft(y).ticks(5));
  const legend = p.plot
    .append('g')
    .attr('class', 'legend')
    .attr('transform', `translate(${p.width - 100},${p.height - 40})`);
  for (const [k, s] of sorted.entries()) {
    p.plot
      .append('path')
      .attr('class', `curve ${cls(s.network)}`)
      .attr(
        'd',
        line<number>(
          (_, i) => x(s.study.budgets[i]),
          (v) => y(v),
        )(s.study.successVsBudget),
      );
    const g = legend.append('g').attr('transform', `translate(0,${k * 15})`);
    g.append('line')
      .attr('class', `curve ${cls(s.network)}`)
      .attr('x2', 16)
      .attr('y1', 5)
      .attr('y2', 5);
    g.append('text').attr('x', 21).attr('y', 9).text(networkName(s.network));
  }
  for (const s of sorted) {
    const h = histogramPanel(cell(), s.study.normBins, {
      label: `Histogram of the perturbation norms of the successful attacks on ${networkName(s.network)}.`,
      title: `${networkName(s.network)}: norms`,
      xLabel: '‖x′ − x‖ (0..255 scale)',
    });
    h.draw([
      { histogram: s.study.normHistogram, cls: `hist-main ${cls(s.network)}`, label: networkName(s.network) },
    ]);
  }
  const readout = document.createElement('p');
  readout.className = 'readout';
  readout.textContent = sorted
    .map((s) => {
      const levels = s.study.quantileLevels;
      const median = s.study.normQuantiles ? s.study.normQuantiles[levels.indexOf(0.5)] : undefined;
      return `${networkName(s.network)}: ${fixed(s.study.successRate, 0)} % of ${s.study.norms.length} attacks succeed, median norm ${median === undefined ? '–' : fixed(median, 0)}`;
    })
    .join('; ');
  container.append(readout);
  return { update() {} };
}
