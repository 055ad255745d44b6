// Runs the main job's computations one after another in the background and keeps their progress as the
// status document the page reads; listeners hear every change (the server streams them, the CLI draws bars).
import { EventEmitter } from 'node:events';
import type { Job } from '../experiments/job.js';
import type { ResultsStore } from '../experiments/store.js';
import { waitingStatus } from '../experiments/studies.js';
import type { JobStatus } from '../schema/status.js';

/** A job's progress plus when it started counting, for the ETA. */
interface Tracked {
  job: Job;
  status: JobStatus;
  startedAt: number;
  firstDone: number;
}

/** Runs jobs in order, skipping those already done; one failure is recorded and the next job still runs. */
export class JobRunner extends EventEmitter<{ change: [JobStatus]; finished: [] }> {
  private readonly tracked: Tracked[];
  private running = false;

  constructor(
    jobs: readonly Job[],
    private readonly store: ResultsStore,
  ) {
    super();
    this.tracked = jobs.map((job) => ({
      job,
      status: waitingStatus(job),
      startedAt: 0,
      firstDone: 0,
    }));
  }

  /** Every job's status, in order (copies). */
  statuses(): JobStatus[] {
    return this.tracked.map((t) => ({ ...t.status }));
  }

  /** True while `run` is working. */
  get busy(): boolean {
    return this.running;
  }

  /** Marks the jobs whose artifacts already exist as done, without running anything. */
  refresh(): void {
    for (const t of this.tracked) {
      if (t.status.state === 'waiting' && t.job.isDone(this.store))
        this.update(t, { state: 'done', status: 'done' });
    }
  }

  /** Runs every job that is not done; resolves when all have finished or failed. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const t of this.tracked) {
        if (t.status.state === 'done') continue;
        if (t.job.isDone(this.store)) {
          this.update(t, { state: 'done', status: 'done already' });
          continue;
        }
        t.startedAt = Date.now();
        t.firstDone = -1;
        this.update(t, { state: 'running', status: 'starting', error: undefined });
        try {
          await t.job.run(
            this.store,
            (done, total, status) => {
              if (t.firstDone < 0) {
                t.firstDone = done;
                t.startedAt = Date.now();
              }
              this.update(t, { done, total, status, etaSeconds: eta(t, done, total) });
            },
            (warning) => {
              const warnings = t.status.warnings ?? [];
              if (warnings.length < MAX_WARNINGS) this.update(t, { warnings: [...warnings, warning] });
            },
          );
          this.update(t, { state: 'done', status: 'done', done: t.status.total, etaSeconds: undefined });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.update(t, { state: 'failed', status: 'failed', error: message, etaSeconds: undefined });
        }
      }
    } finally {
      this.running = false;
      this.emit('finished');
    }
  }

  private update(t: Tracked, change: Partial<JobStatus>): void {
    const next: JobStatus = { ...t.status, ...change };
    for (const key of Object.keys(next) as Array<keyof JobStatus>)
      if (next[key] === undefined) delete next[key];
    t.status = next;
    this.emit('change', { ...next });
  }
}

/** Warnings kept per job (the status document stays small). */
const MAX_WARNINGS = 20;

/** Seconds left at the rate since the first progress report (none before two reports). */
function eta(t: Tracked, done: number, total: number): number | undefined {
  const steps = done - t.firstDone;
  const seconds = (Date.now() - t.startedAt) / 1000;
  if (steps <= 0 || seconds <= 0 || total <= done) return undefined;
  return ((total - done) * seconds) / steps;
}
