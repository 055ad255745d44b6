// `l2angle start` (what `npm start` runs): computes every missing result, cheapest first, with progress.
import type { Command } from 'commander';
import { mainJobs } from '../../experiments/pipeline.js';
import { ResultsStore } from '../../experiments/store.js';
import { createProgress } from '../progress.js';

/** Registers the `start` command. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .summary('the main job: compute every missing result (resumable) and say where it is')
    .description(
      'Runs every computation the article needs, cheapest first, skipping those whose artifacts already ' +
        'exist in the results folder (so an interrupted run resumes), with progress on stderr. ' +
        'The interactive article server is not built yet: for now this prints where the results are.',
    )
    .action(async (_options: unknown, command: Command) => {
      const store = new ResultsStore(command.optsWithGlobals().results);
      const jobs = mainJobs();
      process.stdout.write(`l2angle: results folder ${store.root}\n`);
      const stale = store.removeStaleTemps();
      if (stale > 0) process.stdout.write(`  removed ${stale} temp file(s) left by an interrupted run\n`);
      for (const job of jobs) {
        if (job.isDone(store)) {
          process.stdout.write(`  done already: ${job.title} (${job.artifact})\n`);
          continue;
        }
        let bar: ReturnType<typeof createProgress> | undefined;
        await job.run(store, (done, total, status) => {
          bar ??= createProgress(job.id, total);
          bar.update(done, status);
        });
        bar?.stop();
        process.stdout.write(`  computed: ${job.title} → ${store.pathOf(job.artifact)}\n`);
      }
      process.stdout.write('l2angle: all results are up to date.\n');
    });
}
