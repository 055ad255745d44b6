// Runs some of the main job's computations in the foreground, each with a progress bar, skipping finished ones.
import { artifactSummary, type Job } from '../experiments/job.js';
import type { ResultsStore } from '../experiments/store.js';
import { createProgress, type Progress } from './progress.js';

/** Runs the jobs in order; those whose artifacts exist are reported and skipped (so a rerun resumes). */
export async function runJobs(jobs: readonly Job[], store: ResultsStore): Promise<void> {
  for (const job of jobs) {
    if (job.isDone(store)) {
      process.stdout.write(
        `  done already: ${job.title} (${artifactSummary(job.artifacts.map((a) => store.pathOf(a)))})\n`,
      );
      continue;
    }
    let bar: Progress | undefined;
    try {
      await job.run(
        store,
        (done, total, status) => {
          bar ??= createProgress(job.id, total);
          bar.update(done, status, total);
        },
        (warning) => process.stderr.write(`\nwarning: ${job.id}: ${warning}\n`),
      );
    } finally {
      // a running bar's timer would keep a failed command alive after its error line
      bar?.stop();
    }
    process.stdout.write(
      `  computed: ${job.title} → ${artifactSummary(job.artifacts.map((a) => store.pathOf(a)))}\n`,
    );
  }
}
