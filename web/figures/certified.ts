// Beyond the article: certified radii of the 2-layer networks against weight decay. For each network of the
// local-linearity sweep, the median and quartiles over the test images of three distances (0..1 pixel scale,
// log axis): the certified radius (no perturbation shorter changes the class), the linearised distance
// |s(x)|/‖∇ₓs‖, and the norm of the successful attacks.
import { axisBottom, axisLeft, scaleLog, scalePoint } from 'd3';
import type { LocalLinearity } from '../../src/schema/nn-artifacts.js';
import { panel, sig, xAxis, yAxis } from '../chart.js';
import type { FigureHandle } from '../slot.js';

/** One distance drawn: its class (colour), its legend, and its quartiles per network (or null). */
interface Series {
  cls: string;
  label: string;
  quartiles: (m: LocalLinearity['models'][number]) => [number, number, number] | null;
}

/** Quantile levels → indices of the 25 %, 50 % and 75 % quantiles. */
function quartileIndices(levels: readonly number[]): [number, number, number] {
  const at = (p: number) => levels.findIndex((l) => Math.abs(l - p) < 1e-9);
  return [at(0.25), at(0.5), at(0.75)];
}

/** Draws the figure. */
export function renderCertified(container: HTMLElement, sweep: LocalLinearity): FigureHandle {
  container.replaceChildren();
  const [q1, q2, q3] = quartileIndices(sweep.quantileLevels);
  const pick = (q: number[]): [number, number, number] => [q[q1], q[q2], q[q3]];
  const series: Series[] = [
    {
      cls: 'series-certified',
      label: 'certified radius',
      quartiles: (m) => pick(m.certified.test.quantiles),
    },
    {
      cls: 'series-linearised',
      label: 'linearised |s(x)|/‖∇ₓs‖',
      quartiles: (m) => pick(m.certified.linearisedTest.quantiles),
    },
    {
      cls: 'series-attack',
      label: 'successful attack ‖δ‖',
      quartiles: (m) => {
        const q = m.attack.normQuantiles;
        return q ? (pick(q).map((v) => v / 255) as [number, number, number]) : null;
      },
    },
  ];
  const p = panel(container, {
    label:
      'Median and quartiles over test images of the certified radius, the linearised distance and the attack norm, against weight decay.',
    title: 'certified radius, linearised distance and attack norm against weight decay',
    width: 640,
    height: 280,
    margin: { left: 60, right: 150 },
    className: 'panel-medium',
  });
  const decays = sweep.models.map((m) => String(m.weightDecay));
  const x = scalePoint<string>().domain(decays).range([0, p.width]).padding(0.4);
  const values = sweep.models
    .flatMap((m) => series.flatMap((s) => s.quartiles(m) ?? []))
    .filter((v) => v > 0);
  const y = scaleLog()
    .domain([Math.min(...values) / 1.5, Math.max(...values) * 1.5])
    .range([p.height, 0]);
  xAxis(p, axisBottom(x), 'weight decay λ of the 2-layer network');
  yAxis(p, axisLeft(y).ticks(5, '~g'), 'distance (0..1 pixel scale)');
  const step = x.step();
  for (const [k, s] of series.entries()) {
    const dx = (k - 1) * step * 0.18;
    for (const m of sweep.models) {
      const q = s.quartiles(m);
      const cx = (x(String(m.weightDecay)) ?? 0) + dx;
      if (!q || !(q[0] > 0)) continue;
      const g = p.plot.append('g').attr('class', s.cls);
      g.append('line')
        .attr('class', 'quartile-bar')
        .attr('x1', cx)
        .attr('x2', cx)
        .attr('y1', y(q[0]))
        .attr('y2', y(q[2]));
      g.append('circle')
        .attr('class', 'median-dot')
        .attr('r', 4)
        .attr('cx', cx)
        .attr('cy', y(q[1]))
        .append('title')
        .text(`λ = ${m.weightDecay}: ${s.label}, median ${sig(q[1])} (quartiles ${sig(q[0])}–${sig(q[2])})`);
    }
    const ly = 20 + 22 * k;
    const legend = p.plot
      .append('g')
      .attr('class', s.cls)
      .attr('transform', `translate(${p.width + 14},${ly})`);
    legend.append('circle').attr('class', 'median-dot').attr('r', 4);
    legend.append('text').attr('x', 10).attr('y', 4).attr('class', 'curve-label').text(s.label);
  }
  const violations = sweep.models.reduce((sum, m) => sum + m.certified.violations, 0);
  const note = document.createElement('p');
  note.className = 'figure-note';
  note.textContent =
    `${sweep.nTest} test images per network; the attack norms are of the ${sweep.attack.testIndex.length} attacked ` +
    `images whose attack succeeded. Dots are medians, bars quartiles. Successful attacks shorter than their ` +
    `image's certified radius: ${violations} (a bound that held must give none).`;
  container.append(note);
  return { update() {} };
}
