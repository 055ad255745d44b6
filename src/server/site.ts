// A static copy of the article: the built page, the results that exist and a status.json, hostable by any
// static file server (the page reads status.json when there is no live /api).
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { Job } from '../experiments/job.js';
import type { ResultsStore } from '../experiments/store.js';
import { waitingStatus } from '../experiments/studies.js';
import { ARTIFACT_VERSION } from '../schema/artifacts.js';
import type { ServerStatus } from '../schema/status.js';
import { listResults } from './server.js';

/** A file that marks a folder as written by `l2angle site` (only such folders are replaced). */
export const SITE_MARKER = '.l2angle-site';

/** What `writeSite` wrote. */
export interface SiteSummary {
  out: string;
  results: number;
  missing: string[];
}

/** Writes the site into `out` (built beside it, then renamed into place; a previous site there is replaced). */
export function writeSite(
  out: string,
  webRoot: string,
  store: ResultsStore,
  jobs: readonly Job[],
): SiteSummary {
  const target = resolve(out);
  if (!existsSync(join(webRoot, 'index.html'))) {
    throw new InputError(
      `the page is not built (no ${join(webRoot, 'index.html')}): run \`npm run build\` first`,
    );
  }
  if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(join(target, SITE_MARKER))) {
    throw new UsageError(
      `--out ${out}: the folder exists, is not empty and was not written by \`l2angle site\`; choose a new or empty folder`,
    );
  }
  const results = listResults(store.root);
  const status: ServerStatus = {
    schema: 'l2angle/status',
    version: ARTIFACT_VERSION,
    mode: 'static',
    results,
    jobs: jobs.map((job) => {
      const done = job.isDone(store);
      return {
        ...waitingStatus(job),
        state: done ? 'done' : 'waiting',
        status: done ? 'done' : 'not computed (run `npm start` and write the site again)',
      };
    }),
  };
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  try {
    cpSync(webRoot, temp, { recursive: true });
    for (const file of results) {
      const destination = join(temp, 'results', file);
      mkdirSync(dirname(destination), { recursive: true });
      cpSync(store.pathOf(file), destination);
    }
    writeFileSync(join(temp, 'status.json'), JSON.stringify(status));
    writeFileSync(join(temp, SITE_MARKER), 'written by `l2angle site`; the command replaces this folder\n');
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return {
    out: target,
    results: results.length,
    missing: status.jobs.filter((j) => j.state !== 'done').map((j) => j.title),
  };
}
