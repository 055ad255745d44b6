// Live progress: a small fixed panel with the computations under way, and the placeholder a figure shows
// while its data is being computed.
import { isDatasetName } from '../src/schema/datasets.js';
import type { JobStatus, ServerStatus } from '../src/schema/status.js';
import { type Availability, type DataMode, describeJob, formatDuration } from './data.js';

/** Builds the fixed progress panel in `host`; returns its update function (call it with every status). */
export function renderProgressPanel(
  host: HTMLElement,
): (status: ServerStatus | undefined, mode: DataMode) => void {
  host.classList.add('progress-panel');
  host.setAttribute('role', 'region');
  host.setAttribute('aria-label', 'Computation progress');
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'progress-toggle';
  toggle.setAttribute('aria-expanded', 'true');
  const list = document.createElement('ol');
  list.className = 'progress-jobs';
  host.append(toggle, list);
  // open while something runs on a wide screen, until the reader decides otherwise
  let chosen: boolean | undefined;
  const setOpen = (open: boolean) => {
    toggle.setAttribute('aria-expanded', String(open));
    list.hidden = !open;
  };
  toggle.addEventListener('click', () => {
    chosen = toggle.getAttribute('aria-expanded') !== 'true';
    setOpen(chosen);
  });

  return (status, mode) => {
    const jobs = status?.jobs ?? [];
    const active = jobs.filter(
      (j) =>
        j.state === 'running' ||
        j.state === 'waiting' ||
        j.state === 'failed' ||
        (j.warnings ?? []).length > 0,
    );
    // nothing moving (all done, or a server that only serves): the figures' placeholders say the rest
    const moving = jobs.some(
      (j) => j.state === 'running' || j.state === 'failed' || (j.warnings ?? []).length > 0,
    );
    if (mode !== 'live' || active.length === 0 || !moving) {
      host.hidden = true;
      return;
    }
    host.hidden = false;
    const running = jobs.find((j) => j.state === 'running');
    const eta =
      running?.etaSeconds !== undefined ? ` · ${formatDuration(running.etaSeconds)} left on this one` : '';
    toggle.textContent = running
      ? `Computing ${jobs.indexOf(running) + 1} of ${jobs.length}: ${running.title}${eta}`
      : `${jobs.filter((j) => j.state === 'failed').length} failed, ${jobs.filter((j) => j.state === 'waiting').length} waiting`;
    setOpen(chosen ?? (running !== undefined && window.innerWidth > 760));
    list.replaceChildren(...active.map(jobRow));
  };
}

function jobRow(job: JobStatus): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `job job-${job.state}`;
  const title = document.createElement('span');
  title.className = 'job-title';
  if (job.state === 'waiting') {
    // one quiet line each: a column of empty bars would say nothing and take the reader's margin
    title.textContent = `queued: ${job.title}`;
    li.append(title);
    return li;
  }
  title.textContent = job.title;
  const bar = document.createElement('progress');
  bar.max = Math.max(1, job.total);
  bar.value = job.total > 0 ? job.done : 0;
  bar.setAttribute('aria-label', job.title);
  const detail = document.createElement('span');
  detail.className = 'job-detail';
  detail.textContent = describeJob(job);
  li.append(title, bar, detail);
  // what the solvers reported: a result computed but not to its tolerance is not silently shown as exact
  for (const warning of job.warnings ?? []) {
    const line = document.createElement('span');
    line.className = 'job-warning';
    line.textContent = `warning: ${warning}`;
    li.append(line);
  }
  return li;
}

/** Fills a figure's container with what it waits for and how far that computation is. */
export function renderPlaceholder(
  container: HTMLElement,
  what: string,
  availability: Availability,
  command = 'npm start',
): void {
  const box = document.createElement('div');
  box.className = 'placeholder';
  box.setAttribute('role', 'status');
  const title = document.createElement('p');
  title.className = 'placeholder-title';
  title.textContent = `Not computed yet: ${what}.`;
  box.append(title);
  const line = document.createElement('p');
  line.className = 'placeholder-detail';
  if (availability.state === 'unknown') {
    line.textContent = 'No results server answered (no status.json). Run `npm start` to compute this figure.';
  } else if (availability.state === 'pending' && availability.job) {
    const job = availability.job;
    line.textContent = `${job.title}: ${describeJob(job)}.`;
    if (job.state === 'running' && job.total > 0) {
      const bar = document.createElement('progress');
      bar.max = job.total;
      bar.value = job.done;
      bar.setAttribute('aria-label', `progress of ${job.title}`);
      box.append(bar);
    }
  } else {
    line.textContent =
      command === 'npm start'
        ? 'No computation for it is scheduled on this server; `npm start` computes every result.'
        : `No computation for it is scheduled on this server; ${command} computes it.`;
  }
  box.append(line);
  container.replaceChildren(box);
}

/** Fills a figure's container with the reason its data could not be read. */
export function renderError(container: HTMLElement, what: string, error: unknown): void {
  const box = document.createElement('div');
  box.className = 'placeholder placeholder-error';
  box.setAttribute('role', 'alert');
  box.textContent = `Could not show ${what}: ${error instanceof Error ? error.message : String(error)}`;
  container.replaceChildren(box);
}

/** Fills a figure's container with a short loading note. */
export function renderLoading(container: HTMLElement, what: string): void {
  const box = document.createElement('div');
  box.className = 'placeholder placeholder-loading';
  box.textContent = `Loading ${what}…`;
  container.replaceChildren(box);
}

/** What computes a dataset's results, for a placeholder: the main job on it, or the CLI for a user's files. */
export function datasetCommand(dataset: string): string {
  if (dataset === 'mnist') return 'npm start';
  return isDatasetName(dataset)
    ? `\`npm start -- --dataset ${dataset}\``
    : 'the command line on your idx files (`npx l2angle … --train-images FILE …`)';
}
