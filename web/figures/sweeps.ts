// The sweeps' table: every finished cell in the results folder, with its settings, where it was computed and
// how long it took (LeNet cells: the final test error and the median perturbation of their adversarial
// study), then the commands that compute more. The figures of the swept values come in a later section.
import { censoredMedian } from '../../src/math/median.js';
import { pairLabel } from '../../src/schema/datasets.js';
import { adversarialSchema } from '../../src/schema/nn-artifacts.js';
import { type Cell, isCellRecordFile, type SweepCellRecord } from '../../src/schema/sweep.js';
import { fixed, sig } from '../chart.js';
import { formatDuration, type ResultsClient, registered, withSchema } from '../data.js';

/** How many cells the table reads at the most (each record is small; a LeNet's also reads two files). */
const MOST_CELLS = 300;

/** The commands that compute the sweeps, with what they cost on a 2-core machine. */
const COMMANDS: ReadonlyArray<{ what: string; command: string; cost: string }> = [
  {
    what: 'exact λ paths of every pair, both losses, on Fashion-MNIST',
    command: 'npx l2angle sweep --study svm --dataset fashion-mnist',
    cost: 'about 4 min on MNIST (Fashion-MNIST not timed yet)',
  },
  {
    what: 'LeNets at nine weight decays on both datasets',
    command:
      'npx l2angle sweep --study lenet --dataset mnist,fashion-mnist --weight-decays 1e-5,1e-4,3e-4,1e-3,3e-3,1e-2,3e-2,1e-1,3e-1',
    cost: '18 networks, each about 6–10 min of training and 3 min of attack on MNIST: about 3–4 h',
  },
  {
    what: 'the same on several machines: start Redis, then a worker on each machine',
    command:
      'npx l2angle worker --queue redis://HOST:6379   # then add --queue redis://HOST:6379 to the sweep',
    cost: 'divided by the number of workers',
  },
];

function settings(cell: Cell): string {
  switch (cell.study) {
    case 'svm':
      return `${pairLabel(cell.dataset, cell.classI, cell.classJ)}, ${cell.loss}, ${cell.perClass} images per class`;
    case 'local-linearity':
      return `${pairLabel(cell.dataset, cell.classI, cell.classJ)}, λ ∈ {${cell.weightDecays.join(', ')}}, ${cell.epochs} epochs, seed ${cell.seed}`;
    case 'lenet':
      return `λ = ${cell.weightDecay}, seed ${cell.seed}, ${cell.epochs} epochs${cell.trainLimit ? `, first ${cell.trainLimit} images` : ''}`;
  }
}

function row(cells: readonly string[], header = false): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const text of cells) {
    const td = document.createElement(header ? 'th' : 'td');
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

/** Mounts the table; `statusChanged` re-reads it when cells appear. */
export function renderSweeps(container: HTMLElement, client: ResultsClient): { statusChanged(): void } {
  const table = document.createElement('table');
  table.className = 'sweeps-table';
  const caption = document.createElement('caption');
  table.append(caption);
  const commands = document.createElement('table');
  commands.className = 'sweeps-table sweeps-commands';
  commands.append(row(['to compute', 'command', 'time on 2 cores'], true));
  for (const c of COMMANDS) commands.append(row([c.what, c.command, c.cost]));
  // wide tables scroll on their own on a narrow screen, not the page
  const scroll = (t: HTMLElement) => {
    const box = document.createElement('div');
    box.className = 'sweeps-scroll';
    box.append(t);
    return box;
  };
  container.append(scroll(table), scroll(commands));
  let shown = '';

  const draw = async () => {
    const files = (client.status?.results ?? []).filter(isCellRecordFile).slice(0, MOST_CELLS);
    const key = files.join('|');
    if (key === shown) return;
    shown = key;
    const records = await Promise.all(
      files.map((f) => client.load(f, registered('l2angle/sweep-cell')).catch(() => undefined)),
    );
    const found = records.filter((r): r is SweepCellRecord => r !== undefined);
    table.replaceChildren(caption);
    caption.textContent =
      found.length === 0
        ? 'No sweep has been computed yet in this results folder.'
        : `${found.length} finished cells${files.length === MOST_CELLS ? ` (the first ${MOST_CELLS})` : ''}.`;
    table.append(row(['study', 'dataset', 'settings', 'computed by', 'time', 'result'], true));
    for (const record of found.sort((a, b) => a.id.localeCompare(b.id))) {
      const r = row([
        record.cell.study,
        record.cell.dataset,
        settings(record.cell),
        record.computedBy +
          (record.resumedFromEpoch > 0 ? ` (resumed at epoch ${record.resumedFromEpoch})` : ''),
        formatDuration(record.wallSeconds),
        '',
      ]);
      table.append(r);
      if (record.cell.study === 'lenet')
        void lenetResult(client, record).then((text) => {
          (r.lastChild as HTMLElement).textContent = text;
        });
    }
  };
  return {
    statusChanged: () => {
      void draw();
    },
  };
}

/** A LeNet cell's final test error and the censored median of its attack norms. */
async function lenetResult(client: ResultsClient, record: SweepCellRecord): Promise<string> {
  const metricsFile = record.artifacts.find((f) => f.endsWith('/metrics.json')) ?? '';
  const adversarialFile = record.artifacts.find((f) => f.endsWith('/adversarial.json')) ?? '';
  try {
    const metrics = await client.load(metricsFile, registered('l2angle/lenet-training'));
    const adversarial = await client.load(
      adversarialFile,
      withSchema(adversarialSchema, 'l2angle/adversarial'),
    );
    const last = metrics.epochs[metrics.epochs.length - 1];
    const median = censoredMedian(
      adversarial.study.norms,
      adversarial.study.success.map((s) => !s),
    );
    return (
      `test error ${fixed(last.testError, 2)} %; median ‖δ‖ ${median === null ? 'over the step cap' : sig(median, 3)} ` +
      `(0..255 scale, ${adversarial.study.norms.length} images)`
    );
  } catch {
    return 'not readable';
  }
}
