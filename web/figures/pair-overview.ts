// All 45 pairs at a glance. Above the diagonal: θ at the smallest λ, from the λ paths the page has read (a
// button reads the others that exist, one by one). Below the diagonal: ½‖j − i‖, the d_adv of the
// nearest-centroid classifier (λ → ∞), from the dataset-geometry artifact.
import { interpolateBlues, interpolateOranges, scaleSequential } from 'd3';
import { allPairs } from '../../src/article.js';
import { type DatasetGeometry, type SvmPath, svmPathFile } from '../../src/schema/artifacts.js';
import { fixed, panel } from '../chart.js';
import { type ResultsClient, registered } from '../data.js';
import type { TrainingLoss, ViewState } from '../state.js';

/** What the overview keeps of a path: its end point. */
interface Summary {
  theta: number;
  dAdv: number;
  errTest: number;
}

/** The overview's handle. */
export interface PairOverview {
  update(state: ViewState): void;
  addPath(path: SvmPath): void;
  setGeometry(geometry: DatasetGeometry): void;
  statusChanged(): void;
}

const CELL = 30;

/** Draws the 45-pair overview. */
export function renderPairOverview(
  container: HTMLElement,
  client: ResultsClient,
  initial: ViewState,
  pick: (pair: [number, number]) => void,
): PairOverview {
  let state = initial;
  // by dataset and loss: the switch of dataset keeps what was read of the others
  const summaries = new Map<string, Map<string, Summary>>();
  const summariesOf = (dataset: string, loss: TrainingLoss) => {
    const key = `${dataset}:${loss}`;
    const known = summaries.get(key);
    if (known) return known;
    const m = new Map<string, Summary>();
    summaries.set(key, m);
    return m;
  };
  const geometries = new Map<string, DatasetGeometry>();
  const p = panel(container, {
    label:
      'Overview of the 45 digit pairs: above the diagonal the tilting angle at the smallest λ, below it half the distance between the class centroids.',
    width: 11 * CELL + 60,
    height: 11 * CELL + 40,
    margin: { top: 30, left: 30, right: 30, bottom: 10 },
  });
  const thetaColour = scaleSequential(interpolateOranges).domain([0, Math.PI / 2]);
  const distColour = scaleSequential(interpolateBlues).domain([0, 5]);
  for (let k = 0; k < 10; k++) {
    p.plot
      .append('text')
      .attr('class', 'grid-head')
      .attr('x', k * CELL + CELL / 2)
      .attr('y', -8)
      .attr('text-anchor', 'middle')
      .text(k);
    p.plot
      .append('text')
      .attr('class', 'grid-head')
      .attr('x', -10)
      .attr('y', k * CELL + CELL / 2 + 4)
      .attr('text-anchor', 'middle')
      .text(k);
  }
  const cells = p.plot.append('g');
  const controls = document.createElement('div');
  controls.className = 'controls';
  const loadButton = document.createElement('button');
  loadButton.type = 'button';
  loadButton.className = 'action';
  loadButton.dataset.control = 'load-all-paths';
  const note = document.createElement('p');
  note.className = 'figure-note';
  controls.append(loadButton);
  container.append(controls, note);

  const draw = () => {
    const mine = summariesOf(state.dataset, state.loss);
    const geometry = geometries.get(state.dataset);
    const data: Array<{ i: number; j: number; upper: boolean }> = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) if (i !== j) data.push({ i, j, upper: i < j });
    const cellValue = (d: { i: number; j: number; upper: boolean }) => {
      if (d.upper) return mine.get(`${d.i}-${d.j}`)?.theta;
      const g = geometry?.pairs.find((q) => q.classI === d.j && q.classJ === d.i);
      return g ? g.centroidDistance / 2 : undefined;
    };
    const g = cells
      .selectAll<SVGGElement, (typeof data)[number]>('g')
      .data(data)
      .join((enter) => {
        const e = enter.append('g');
        e.append('rect')
          .attr('width', CELL - 2)
          .attr('height', CELL - 2);
        e.append('text')
          .attr('x', CELL / 2 - 1)
          .attr('y', CELL / 2 + 3)
          .attr('text-anchor', 'middle');
        e.append('title');
        return e;
      })
      .attr('transform', (d) => `translate(${d.j * CELL},${d.i * CELL})`)
      .attr('class', (d) => {
        const [a, b] = d.upper ? [d.i, d.j] : [d.j, d.i];
        return `overview-cell${state.pair[0] === a && state.pair[1] === b ? ' selected' : ''}`;
      })
      .on('click', (_, d) => pick(d.upper ? [d.i, d.j] : [d.j, d.i]));
    g.select('rect').attr('fill', (d) => {
      const v = cellValue(d);
      return v === undefined ? '#eee' : d.upper ? thetaColour(v) : distColour(v);
    });
    g.select('text')
      .attr('class', (d) => {
        const v = cellValue(d);
        return v !== undefined && (d.upper ? v > 1.1 : v > 3.2) ? 'cell-text dark' : 'cell-text';
      })
      .text((d) => {
        const v = cellValue(d);
        return v === undefined ? '' : fixed(v, d.upper ? 2 : 1);
      });
    g.select('title').text((d) => {
      const v = cellValue(d);
      const [a, b] = d.upper ? [d.i, d.j] : [d.j, d.i];
      if (d.upper)
        return v === undefined
          ? `${a} vs ${b}: path not read yet`
          : `${a} vs ${b}: θ = ${fixed(v)} at λ = 10⁻⁶`;
      return v === undefined
        ? `${a} vs ${b}: geometry not computed yet`
        : `${a} vs ${b}: ½‖j − i‖ = ${fixed(v)}`;
    });

    const ready = allPairs()
      .filter(([i, j]) => !mine.has(`${i}-${j}`))
      .map(([i, j]) => svmPathFile(state.dataset, i, j, state.loss))
      .filter((f) => client.availability(f).state === 'ready');
    loadButton.hidden = ready.length === 0;
    loadButton.textContent = `Read the ${ready.length} other computed ${state.loss} paths (about ${(ready.length * 2.4).toFixed(0)} MB)`;
    loadButton.onclick = async () => {
      loadButton.disabled = true;
      for (const [k, file] of ready.entries()) {
        loadButton.textContent = `Reading ${k + 1} of ${ready.length}…`;
        try {
          const path = await client.load(file, registered('l2angle/svm-path'));
          addPath(path);
        } catch {
          // one unreadable path leaves its cell empty; the others still load
        }
      }
      loadButton.disabled = false;
      draw();
    };
    const shown = mine.size;
    note.textContent =
      `Upper triangle (orange): θ at λ = 10⁻⁶ with the ${state.loss} loss, ${shown} of 45 pairs read. ` +
      `Lower triangle (blue): ½‖j − i‖ = d_adv at λ = 100, ${geometry ? 'all 45 pairs' : 'not computed yet'}. Click a cell to open its pair.`;
  };

  const addPath = (path: SvmPath) => {
    const last = path.models[path.models.length - 1];
    summariesOf(path.dataset, path.loss).set(`${path.classI}-${path.classJ}`, {
      theta: last.theta,
      dAdv: last.dAdv,
      errTest: last.errTest,
    });
  };

  draw();
  return {
    update(next) {
      state = next;
      draw();
    },
    addPath(path) {
      addPath(path);
      draw();
    },
    setGeometry(g) {
      geometries.set(g.dataset, g);
      draw();
    },
    statusChanged: draw,
  };
}
