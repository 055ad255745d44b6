// `l2angle site --out DIR`: a static build of the article with the computed data, hostable anywhere.
import type { Command } from 'commander';
import { ResultsStore } from '../../experiments/store.js';
import { mainJobs } from '../../experiments/studies.js';
import { defaultWebRoot } from '../../server/server.js';
import { writeSite } from '../../server/site.js';

/** Registers `site`. */
export function registerSite(program: Command): void {
  program
    .command('site')
    .summary('write a static copy of the article with the computed results')
    .description(
      'Writes the built page, every result in the results folder and a status.json into --out, so that any static ' +
        'file server (or GitHub Pages) can host the article. Figures whose results are missing say so. An existing ' +
        'folder is replaced only if `l2angle site` wrote it.',
    )
    .requiredOption('--out <dir>', 'folder to write the site into')
    .action((options: { out: string }, command: Command) => {
      const store = new ResultsStore(command.optsWithGlobals().results);
      const summary = writeSite(options.out, defaultWebRoot(), store, mainJobs());
      process.stdout.write(`l2angle: wrote the site to ${summary.out} (${summary.results} result files)\n`);
      for (const title of summary.missing) process.stdout.write(`  not computed yet: ${title}\n`);
    });
}
