// LeNet_low against LeNet_high: the architecture, train and test error per epoch, the weights' RMS per layer
// and a random selection of filters. Fed by the finished study, or while training by the two training
// records (the curves grow epoch by epoch; filters come with the study).
import { axisBottom, axisLeft, line, max, min, scaleBand, scaleLinear, scaleLog } from 'd3';
import { decodeFloat32 } from '../../src/schema/encoding.js';
import type { EpochRecord, LenetStudy, TrainingSettings } from '../../src/schema/training.js';
import { fixed, panel, sig, xAxis, yAxis } from '../chart.js';
import { figureRow } from '../layout.js';
import { divergingFor, picture } from '../pictures.js';
import type { FigureHandle } from '../slot.js';

/** One network as the figure sees it. */
export interface LenetRun {
  /** "LeNet_low" or "LeNet_high" */
  name: string;
  weightDecay: number;
  /** the training settings (batch, learning rate, momentum, …) */
  settings: TrainingSettings;
  epochs: EpochRecord[];
  /** epochs the run will have when done */
  epochsPlanned: number;
  layers: string[];
  filters: LenetStudy['networks'][number]['filters'];
}

const LAYERS = ['conv1', 'conv2', 'fc1', 'fc2'];

/** The study's runs in the figure's shape. */
export function runsOfStudy(study: LenetStudy): LenetRun[] {
  return study.networks.map((n) => ({
    name: n.name,
    weightDecay: n.settings.weightDecay,
    settings: n.settings,
    epochs: n.epochs,
    epochsPlanned: n.epochs.length,
    layers: n.layers,
    filters: n.filters,
  }));
}

const cls = (name: string) => (/high/i.test(name) ? 'net-high' : 'net-low');

/** Draws the LeNet comparison for one or two runs. */
export function renderLenet(container: HTMLElement, runs: LenetRun[]): FigureHandle {
  container.append(architecture());
  const { cell } = figureRow(container);

  // error curves
  const p = panel(cell(), {
    label: 'Training and test error per epoch of LeNet_low and LeNet_high.',
    title: 'error per epoch (%)',
    width: 420,
    height: 280,
    margin: { right: 16 },
  });
  const epochs = max(runs, (r) => Math.max(r.epochsPlanned, r.epochs.length)) ?? 1;
  const x = scaleLinear()
    .domain([1, Math.max(2, epochs)])
    .range([0, p.width]);
  const errors = runs
    .flatMap((r) => r.epochs.flatMap((e) => [e.trainError, e.testError]))
    .filter((v) => v > 0);
  // the smallest non-zero error sets the floor (one image of 60 000 is 0.0017 %); an epoch with no error at all
  // is drawn on the floor, and the chart says so
  const floor = Math.max(1e-4, (min(errors) ?? 0.1) / 1.5);
  const y = scaleLog()
    .domain([floor, Math.max(1, (max(errors) ?? 10) * 1.3)])
    .range([p.height, 0]);
  const yOf = (v: number) => y(Math.max(v, floor));
  xAxis(p, axisBottom(x).ticks(6), 'epoch');
  yAxis(p, axisLeft(y).ticks(5, '~g'));
  const legend = p.plot
    .append('g')
    .attr('class', 'legend')
    .attr('transform', `translate(${p.width - 150},4)`);
  let k = 0;
  for (const r of runs) {
    for (const which of ['trainError', 'testError'] as const) {
      p.plot
        .append('path')
        .attr('class', `curve ${cls(r.name)} ${which === 'trainError' ? 'dashed' : ''}`)
        .attr(
          'd',
          line<EpochRecord>(
            (e) => x(e.epoch),
            (e) => yOf(e[which]),
          )(r.epochs),
        );
      const g = legend.append('g').attr('transform', `translate(0,${k++ * 15})`);
      g.append('line')
        .attr('class', `curve ${cls(r.name)} ${which === 'trainError' ? 'dashed' : ''}`)
        .attr('x2', 18)
        .attr('y1', 5)
        .attr('y2', 5);
      g.append('text')
        .attr('x', 23)
        .attr('y', 9)
        .text(`${r.name} ${which === 'trainError' ? 'train' : 'test'}`);
    }
  }

  if (runs.some((r) => r.epochs.some((e) => e.trainError === 0 || e.testError === 0))) {
    p.plot
      .append('text')
      .attr('class', 'plane-note')
      .attr('x', 4)
      .attr('y', p.height - 4)
      .text('0 % is drawn on the bottom axis');
  }

  // weight RMS per layer, at the latest epoch
  const q = panel(cell(), {
    label: 'Root mean square of the weights of each layer, for both networks, at the latest epoch.',
    title: 'weight RMS per layer',
    width: 420,
    height: 280,
  });
  const bands = scaleBand().domain(LAYERS).range([0, q.width]).padding(0.25);
  const sub = scaleBand()
    .domain(runs.map((r) => r.name))
    .range([0, bands.bandwidth()])
    .padding(0.08);
  const rms = runs.flatMap((r) => r.epochs.at(-1)?.weightRms ?? []);
  const yr = scaleLog()
    .domain([Math.max(1e-5, (min(rms) ?? 1e-3) / 2), (max(rms) ?? 1) * 2])
    .range([q.height, 0]);
  xAxis(q, axisBottom(bands), 'layer');
  yAxis(q, axisLeft(yr).ticks(4, '~g'));
  for (const r of runs) {
    const last = r.epochs.at(-1);
    if (!last) continue;
    q.plot
      .append('g')
      .selectAll('rect')
      .data(last.weightRms.slice(0, LAYERS.length))
      .join('rect')
      .attr('class', `bar ${cls(r.name)}`)
      .attr('x', (_, i) => (bands(LAYERS[i]) ?? 0) + (sub(r.name) ?? 0))
      .attr('width', sub.bandwidth())
      .attr('y', (v) => yr(v))
      .attr('height', (v) => q.height - yr(v))
      .append('title')
      .text((v, i) => `${r.name}, ${LAYERS[i]}: RMS ${sig(v, 3)}`);
  }

  // filters
  const filters = document.createElement('div');
  filters.className = 'lenet-filters';
  container.append(filters);
  for (const r of runs) {
    if (r.filters.length === 0) continue;
    const block = document.createElement('div');
    block.className = `filter-block ${cls(r.name)}`;
    const title = document.createElement('p');
    title.className = 'figure-note';
    title.textContent = `${r.name} (weight decay ${r.weightDecay}): a random selection of filters per layer, each on its own colour scale within the layer`;
    block.append(title);
    block.append(...filterStrips(r.filters, r.name));
    filters.append(block);
  }

  const note = document.createElement('p');
  note.className = 'readout';
  note.textContent = runs
    .map((r) => {
      const last = r.epochs.at(-1);
      if (!last) return `${r.name}: no epoch yet`;
      const done =
        r.epochs.length < r.epochsPlanned ? ` (epoch ${r.epochs.length} of ${r.epochsPlanned})` : '';
      return `${r.name}${done}: train ${fixed(last.trainError, 2)} %, test ${fixed(last.testError, 2)} %`;
    })
    .join('; ');
  container.append(note);
  return { update() {} };
}

/** The MatConvNet LeNet as a diagram: shapes between the layers. */
function architecture(): HTMLElement {
  const box = document.createElement('div');
  box.className = 'lenet-architecture';
  const stages: Array<[string, string]> = [
    ['input', '28×28×1'],
    ['conv 5×5, 20', '24×24×20'],
    ['max-pool 2×2', '12×12×20'],
    ['conv 5×5, 50', '8×8×50'],
    ['max-pool 2×2', '4×4×50'],
    ['conv 4×4, 500 (fc1) + ReLU', '1×1×500'],
    ['conv 1×1, 10 (fc2)', '10 logits'],
    ['softmax (temperature t)', 'p'],
  ];
  const list = document.createElement('ol');
  list.className = 'architecture-list';
  list.setAttribute('aria-label', 'LeNet architecture, layer by layer');
  for (const [layer, shape] of stages) {
    const li = document.createElement('li');
    const l = document.createElement('span');
    l.className = 'arch-layer';
    l.textContent = layer;
    const s = document.createElement('span');
    s.className = 'arch-shape';
    s.textContent = shape;
    li.append(l, s);
    list.append(li);
  }
  box.append(list);
  return box;
}

/** One strip of pictures per filter set (each set on its own diverging scale), labelled with its layer. */
export function filterStrips(sets: LenetStudy['networks'][number]['filters'], name: string): HTMLElement[] {
  const strips: HTMLElement[] = [];
  for (const set of sets) {
    if (set.size < 2) continue;
    const values = decodeFloat32(set.pictures);
    const n = set.size * set.size;
    const map = divergingFor(values);
    const strip = document.createElement('div');
    strip.className = 'picture-strip compact filters-row';
    const label = document.createElement('span');
    label.className = 'filter-label';
    label.textContent = set.layer;
    strip.append(label);
    for (const [i, index] of set.indices.slice(0, 12).entries()) {
      strip.append(
        picture(values.subarray(i * n, (i + 1) * n), {
          rows: set.size,
          cols: set.size,
          map,
          size: 36,
          alt: `${name} ${set.layer} filter, output ${index.out}, input ${index.in}`,
        }).element,
      );
    }
    strips.push(strip);
  }
  return strips;
}
