// The 2-layer ReLU network against weight decay: around each image the network is linear with local scale
// ‖∇ₓs‖, the analogue of ‖w‖. Curves over the sweep (errors, local scale, local d_adv) and, for the chosen
// decay, the distributions of ‖∇ₓs‖ and y·d(x) over the training set, the strongest hidden filters and the
// binary attack's examples.
import { area, axisBottom, axisLeft, line, max, min, pointer, scaleLinear, scaleLog } from 'd3';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import type { LocalLinearity, LocalLinearityModel } from '../../src/schema/nn-artifacts.js';
import { fixed, panel, percent, sig, xAxis, yAxis } from '../chart.js';
import { controlBar, slider } from '../controls.js';
import { histogramPanel } from '../histogram.js';
import { figureRow } from '../layout.js';
import { divergingFor, GREY_01, picture } from '../pictures.js';
import type { FigureHandle } from '../slot.js';
import type { StateStore, ViewState } from '../state.js';

/** The index of the quantile level nearest to `level`. */
function levelIndex(levels: number[], level: number): number {
  let best = 0;
  for (let k = 1; k < levels.length; k++)
    if (Math.abs(levels[k] - level) < Math.abs(levels[best] - level)) best = k;
  return best;
}

/** A weight decay for axis labels ("0", "1e-4", "0.3"). */
function decayLabel(d: number): string {
  return d === 0 ? '0' : sig(d, 1);
}

/** Draws the local-linearity sweep. */
export function renderLocalLinearity(
  container: HTMLElement,
  data: LocalLinearity,
  store: StateStore,
): FigureHandle {
  const models = data.models;
  const clampIndex = (k: number) => Math.max(0, Math.min(models.length - 1, k));
  const q05 = levelIndex(data.quantileLevels, 0.05);
  const q50 = levelIndex(data.quantileLevels, 0.5);
  const q95 = levelIndex(data.quantileLevels, 0.95);

  const { cell } = figureRow(container, true);
  const pick = (k: number) => store.set({ decayIndex: clampIndex(k) });
  const markers: Array<(k: number) => void> = [];
  const sweepChart = (
    title: string,
    label: string,
    series: Array<{ cls: string; name: string; value(m: LocalLinearityModel): number | null }>,
    options: { log?: boolean; band?: (m: LocalLinearityModel) => [number, number] } = {},
  ) => {
    const p = panel(cell(), { label, title, width: 330, height: 220 });
    const x = scaleLinear()
      .domain([0, models.length - 1])
      .range([0, p.width]);
    const values = series
      .flatMap((s) => models.map((m) => s.value(m)))
      .filter((v): v is number => v !== null);
    if (options.band) for (const m of models) values.push(...options.band(m));
    const lo = min(values) ?? 0;
    const hi = max(values) ?? 1;
    const y = options.log
      ? scaleLog()
          .domain([Math.max(1e-6, lo) / 1.3, hi * 1.3])
          .range([p.height, 0])
      : scaleLinear()
          .domain([Math.min(0, lo), hi * 1.08 || 1])
          .range([p.height, 0]);
    xAxis(
      p,
      axisBottom(x)
        .ticks(models.length)
        .tickFormat((k) => (Number(k) % 2 === 0 ? decayLabel(models[Number(k)]?.weightDecay ?? 0) : '')),
      'weight decay λ',
    );
    yAxis(p, axisLeft(y).ticks(4, options.log ? '~g' : undefined));
    if (options.band) {
      const band = options.band;
      p.plot
        .append('path')
        .attr('class', 'band')
        .attr(
          'd',
          area<LocalLinearityModel>()
            .x((_, k) => x(k))
            .y0((m) => y(band(m)[0]))
            .y1((m) => y(band(m)[1]))(models),
        );
    }
    for (const s of series) {
      p.plot
        .append('path')
        .attr('class', `curve ${s.cls}`)
        .attr(
          'd',
          line<LocalLinearityModel>()
            .defined((m) => s.value(m) !== null)
            .x((_, k) => x(k))
            .y((m) => y(s.value(m) ?? 0))(models),
        );
    }
    if (series.length > 1) {
      const legend = p.plot
        .append('g')
        .attr('class', 'legend')
        .attr('transform', `translate(${p.width - 60},4)`);
      for (const [k, s] of series.entries()) {
        const g = legend.append('g').attr('transform', `translate(0,${k * 15})`);
        g.append('line').attr('class', `curve ${s.cls}`).attr('x2', 16).attr('y1', 5).attr('y2', 5);
        g.append('text').attr('x', 21).attr('y', 9).text(s.name);
      }
    }
    const marker = p.plot.append('line').attr('class', 'current-marker').attr('y1', 0).attr('y2', p.height);
    p.svg.on('click', (event: MouseEvent) => pick(Math.round(x.invert(pointer(event, p.plot.node())[0]))));
    markers.push((k) => marker.attr('x1', x(k)).attr('x2', x(k)));
  };

  sweepChart('error (%)', 'Training and test error of each network against weight decay.', [
    { cls: 'series-train', name: 'train', value: (m) => m.errTrain },
    { cls: 'series-test', name: 'test', value: (m) => m.errTest },
  ]);
  sweepChart(
    'local scale ‖∇ₓs‖',
    'Median local scale over the training images against weight decay, with the 5 to 95 % band.',
    [{ cls: 'series-scale', name: 'median', value: (m) => m.localScale.quantiles[q50] }],
    { log: true, band: (m) => [m.localScale.quantiles[q05], m.localScale.quantiles[q95]] },
  );
  sweepChart(
    'local d_adv (0..1 scale)',
    'The mean signed distance y·d(x) = y·s(x)/‖∇ₓs‖ against weight decay.',
    [{ cls: 'series-dadv', name: 'd_adv', value: (m) => m.dAdv }],
  );

  const { cell: dcell } = figureRow(container, true);
  const scaleHist = histogramPanel(dcell(), data.bins.localScale, {
    label: 'Histogram of log10 of the local scale over the training images, for the chosen weight decay.',
    title: 'log₁₀ ‖∇ₓs‖ over the training set',
    xLabel: 'log₁₀ ‖∇ₓs‖ (0..1 pixel scale)',
  });
  const distHist = histogramPanel(dcell(), data.bins.signedDistance, {
    label: 'Histogram of the signed distance y·d(x) over the training images, for the chosen weight decay.',
    title: 'y·d(x) over the training set',
    xLabel: 'y·d(x) (0..255 scale ÷ 100)',
  });
  const filterCell = dcell();
  filterCell.classList.add('filters');
  const filterTitle = document.createElement('p');
  filterTitle.className = 'figure-note';
  filterTitle.textContent = 'Hidden units with the largest |W2ₖ|·‖W1ₖ‖: their filters W1ₖ';
  const filterStrip = document.createElement('div');
  filterStrip.className = 'picture-strip compact';
  filterCell.append(filterTitle, filterStrip);
  const attackTitle = document.createElement('p');
  attackTitle.className = 'figure-note';
  const attackStrip = document.createElement('div');
  attackStrip.className = 'picture-strip compact';
  filterCell.append(attackTitle, attackStrip);

  const readout = document.createElement('p');
  readout.className = 'readout';
  const decay = slider({
    name: 'weight-decay',
    label: 'weight decay',
    min: 0,
    max: models.length - 1,
    step: 1,
    value: clampIndex(store.state.decayIndex),
    format: (k) => decayLabel(models[clampIndex(k)].weightDecay),
    onInput: (k) => pick(k),
  });
  container.append(controlBar(decay), readout);

  let shown = -1;
  const update = (state: ViewState) => {
    const k = clampIndex(state.decayIndex);
    for (const mark of markers) mark(k);
    decay.set(k);
    if (k === shown) return;
    shown = k;
    const m = models[k];
    scaleHist.draw([{ histogram: m.localScale.histogram, cls: 'hist-main', label: '' }]);
    distHist.draw([{ histogram: m.signedDistance.histogram, cls: 'hist-main', label: '' }]);
    filterStrip.replaceChildren(
      ...m.filters.slice(0, 8).map((f) => {
        const values = decodeFloat32(f.picture);
        return picture(values, {
          map: divergingFor(values),
          size: 56,
          alt: `filter of hidden unit ${f.unit}, output weight ${sig(f.outputWeight, 2)}`,
          caption: `w₂ ${sig(f.outputWeight, 2)}`,
        }).element;
      }),
    );
    const a = m.attack;
    attackTitle.textContent =
      `Binary attack (t = ${sig(a.temperature, 3)}): ${fixed(a.successRate, 0)} % of ${a.norms.length} test images pushed to the other class` +
      (a.normQuantiles
        ? `, median ‖x′ − x‖ = ${fixed(a.normQuantiles[levelIndex(data.quantileLevels, 0.5)], 0)} (0..255 scale).`
        : '.');
    attackStrip.replaceChildren(
      ...a.examples.flatMap((e) => {
        const original = decodeFloat32(e.original);
        const adversarial = decodeFloat32(e.adversarial);
        return [
          picture(original, {
            map: GREY_01,
            size: 56,
            alt: `a test image of ${e.label}`,
            caption: `${e.label}`,
          }).element,
          picture(adversarial, {
            map: GREY_01,
            size: 56,
            alt: `its adversarial example, ‖x′ − x‖ = ${fixed(e.norm, 0)} on the 0..255 scale${e.success ? '' : ' (attack failed)'}`,
            caption: `‖Δ‖ ${fixed(e.norm, 0)}${e.success ? '' : ' ✗'}`,
          }).element,
        ];
      }),
    );
    readout.textContent =
      `${data.classI} vs ${data.classJ}, ${data.hidden} hidden units, weight decay ${decayLabel(m.weightDecay)}: ` +
      `training error ${percent(m.errTrain)}, test error ${percent(m.errTest)}, median local scale ${sig(m.localScale.quantiles[q50], 3)}, ` +
      `local d_adv ${m.dAdv === null ? 'undefined' : fixed(m.dAdv, 3)}${m.flat > 0 ? ` (${m.flat} images with no active unit left out)` : ''}.`;
  };
  update(store.state);
  return { update };
}
