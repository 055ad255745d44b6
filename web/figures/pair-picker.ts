// The 45 digit pairs as a 10 × 10 grid (row I, column J, I < J). Pairs whose λ path exists for the chosen loss
// are buttons; the others are greyed, with the progress of the computation that will produce them.
import { svmPathFile } from '../../src/schema/artifacts.js';
import { pairLabel } from '../../src/schema/datasets.js';
import { describeJob, type ResultsClient } from '../data.js';
import type { ViewState } from '../state.js';

/** The picker's handle. */
export interface PairPicker {
  update(state: ViewState): void;
  statusChanged(): void;
}

/** Draws the pair grid; `pick` is called with the chosen pair. */
export function renderPairPicker(
  container: HTMLElement,
  client: ResultsClient,
  initial: ViewState,
  pick: (pair: [number, number]) => void,
): PairPicker {
  let state = initial;
  const grid = document.createElement('div');
  grid.className = 'pair-grid';
  grid.setAttribute('role', 'group');
  grid.setAttribute('aria-label', 'Digit pair: row is class I, column is class J');
  const corner = document.createElement('span');
  corner.className = 'pair-head';
  corner.textContent = 'I\\J';
  grid.append(corner);
  for (let j = 0; j < 10; j++) {
    const head = document.createElement('span');
    head.className = 'pair-head';
    head.textContent = String(j);
    grid.append(head);
  }
  const buttons = new Map<string, HTMLButtonElement>();
  for (let i = 0; i < 10; i++) {
    const head = document.createElement('span');
    head.className = 'pair-head';
    head.textContent = String(i);
    grid.append(head);
    for (let j = 0; j < 10; j++) {
      if (j <= i) {
        const blank = document.createElement('span');
        blank.className = 'pair-blank';
        grid.append(blank);
        continue;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'pair-cell-button';
      button.dataset.pair = `${i}-${j}`;
      button.textContent = `${i}${j}`;
      button.addEventListener('click', () => pick([i, j]));
      buttons.set(`${i}-${j}`, button);
      grid.append(button);
    }
  }
  const note = document.createElement('p');
  note.className = 'figure-note pair-note';
  container.append(grid, note);

  const refresh = () => {
    let ready = 0;
    let waitingJob: string | undefined;
    for (const [key, button] of buttons) {
      const [i, j] = key.split('-').map(Number);
      const file = svmPathFile(state.dataset, i, j, state.loss);
      const a = client.availability(file);
      const available = a.state !== 'pending';
      if (a.state === 'ready') ready++;
      const selected = state.pair[0] === i && state.pair[1] === j;
      button.disabled = !available && !selected;
      button.classList.toggle('pending', !available);
      button.setAttribute('aria-pressed', String(selected));
      const progress = a.state === 'pending' && a.job ? ` (${a.job.title}: ${describeJob(a.job)})` : '';
      const label = pairLabel(state.dataset, i, j);
      button.title = available ? label : `${label}: not computed yet${progress}`;
      button.setAttribute('aria-label', button.title);
      if (a.state === 'pending' && a.job && !waitingJob) waitingJob = `${a.job.title}: ${describeJob(a.job)}`;
    }
    note.textContent =
      client.mode === 'none'
        ? 'No status from a server: every pair is offered, those not computed will say so.'
        : `${ready} of 45 pairs computed with the ${state.loss} loss.${waitingJob ? ` In progress: ${waitingJob}.` : ''}`;
  };
  refresh();
  return {
    update(next) {
      state = next;
      refresh();
    },
    statusChanged: refresh,
  };
}
