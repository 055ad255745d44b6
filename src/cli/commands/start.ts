// `l2angle start` (what `npm start` runs): serves the article on localhost at once and computes every missing
// result in the background, cheapest first, with progress in the terminal and in the page.
// `l2angle serve` serves what exists and computes nothing.
import type { Command } from 'commander';
import { datasetFiles } from '../../data/sources.js';
import { UsageError } from '../../errors.js';
import { artifactSummary } from '../../experiments/job.js';
import { lockFolder } from '../../experiments/lock.js';
import { ResultsStore } from '../../experiments/store.js';
import { mainJobs } from '../../experiments/studies.js';
import { DATASET_NAMES } from '../../schema/datasets.js';
import { isWildcardHost } from '../../server/guard.js';
import { JobRunner } from '../../server/job-runner.js';
import { createArticleServer, DEFAULT_HOST, DEFAULT_PORT, listen } from '../../server/server.js';
import { parseChoice } from '../options.js';
import { createProgress, type Progress } from '../progress.js';

interface ServeOptions {
  port?: string;
  host: string;
  compute: boolean;
  dataset?: string;
}

/** The port: --port, else $PORT, else 8080; 0 asks the system for a free one. */
export function resolvePort(flag: string | undefined, env: string | undefined): number {
  const [source, text] =
    flag !== undefined ? ['--port', flag] : env ? ['PORT', env] : ['', String(DEFAULT_PORT)];
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > 65535) {
    throw new UsageError(`${source} ${text}: expected a port number 0..65535`);
  }
  return value;
}

/** Registers `start` and `serve`. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .summary('the main job: serve the article on http://localhost:8080 and compute every missing result')
    .description(
      'Starts the article server on http://localhost:8080 (PORT or --port override it; 127.0.0.1 unless --host) and ' +
        'prints its address at once, then computes every missing result in the background, cheapest first: the ' +
        'toy sweep, the nearest-centroid geometry, the hinge-SVM paths of 7-9 and 0-1, the other 43 pairs, the ' +
        'logistic-regression paths, the 2-layer networks, the two LeNets and their adversarial examples. Results ' +
        'already in the results folder are kept, so stopping (Ctrl-C) and starting again resumes. Progress shows ' +
        'here and in the page.',
    )
    .option('--port <n>', `port to listen on (default: $PORT or ${DEFAULT_PORT})`)
    .option('--host <address>', 'address to bind', DEFAULT_HOST)
    .option('--no-compute', 'serve what exists without computing anything')
    .option(
      '--dataset <name>',
      `compute every study on this dataset (${DATASET_NAMES.join(', ')}) instead of MNIST: geometry, the 90 ` +
        'paths, the 2-layer networks, the two LeNets, their attacks and seeds, adversarial training, early stopping',
      'mnist',
    )
    .action(async (options: ServeOptions, command: Command) => serve(options, command));
  program
    .command('serve')
    .summary('serve the article and the results that exist, computing nothing')
    .option('--port <n>', `port to listen on (default: $PORT or ${DEFAULT_PORT})`)
    .option('--host <address>', 'address to bind', DEFAULT_HOST)
    .action(async (options: ServeOptions, command: Command) =>
      serve({ ...options, compute: false }, command),
    );
}

async function serve(options: ServeOptions, command: Command): Promise<void> {
  const port = resolvePort(options.port, process.env.PORT);
  const store = new ResultsStore(command.optsWithGlobals().results);
  // one computing process per results folder (serving alone writes nothing)
  if (options.compute) lockFolder(store.root, 'l2angle start');
  const stale = store.removeStaleTemps();
  const dataset = parseChoice('--dataset', options.dataset ?? 'mnist', DATASET_NAMES);
  // a missing dataset is one line saying how to install it, before anything starts
  if (options.compute) datasetFiles(dataset);
  const runner = new JobRunner(mainJobs(dataset), store);
  const server = createArticleServer({ store, runner, host: options.host });
  const url = await listen(server, port, options.host);
  process.stdout.write(`l2angle: the article is at ${url}  (results folder ${store.root}; Ctrl-C stops)\n`);
  if (isWildcardHost(options.host)) {
    process.stdout.write(
      `  warning: --host ${options.host} makes the server (its results and progress) reachable from the network, not only from this machine\n`,
    );
  }
  if (stale > 0) process.stdout.write(`  removed ${stale} temp file(s) left by an interrupted run\n`);
  // which results exist is found after the URL is printed: reading them all takes seconds
  runner.refresh();
  const statuses = runner.statuses();
  const done = statuses.filter((s) => s.state === 'done').length;
  if (options.compute && done > 0)
    process.stdout.write(
      `  ${done} of ${statuses.length} computations already done; resuming with the rest\n`,
    );

  const stop = () => {
    process.stdout.write('\nl2angle: stopped; run the same command again to resume.\n');
    server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (options.compute) {
    const bars = new Map<string, Progress>();
    const warned = new Map<string, number>();
    // each computation's start and end, in seconds since the URL was printed
    const since = performance.now();
    const clock = () => (performance.now() - since) / 1000;
    const started = new Map<string, number>();
    const timeline: { title: string; start: number; end: number; failed: boolean }[] = [];
    runner.on('change', (status) => {
      if (status.state === 'running' && !started.has(status.id)) started.set(status.id, clock());
      // solver warnings as they come, once each (they also reach the page's progress panel)
      const warnings = status.warnings ?? [];
      for (const warning of warnings.slice(warned.get(status.id) ?? 0))
        process.stderr.write(`\nwarning: ${status.id}: ${warning}\n`);
      warned.set(status.id, warnings.length);
      if (status.state === 'running' && status.total > 0) {
        let bar = bars.get(status.id);
        if (!bar) {
          bar = createProgress(status.id, status.total);
          bars.set(status.id, bar);
        }
        bar.update(status.done, status.status, status.total);
      } else if (status.state === 'done' || status.state === 'failed') {
        bars.get(status.id)?.stop();
        bars.delete(status.id);
        const start = started.get(status.id);
        const end = clock();
        const span = start === undefined ? '' : ` (${minutes(start)}–${minutes(end)})`;
        if (start !== undefined)
          timeline.push({ title: status.title, start, end, failed: status.state === 'failed' });
        const line =
          status.state === 'failed'
            ? `  failed: ${status.title}${span}: ${status.error}`
            : status.status === 'done already'
              ? `  done already: ${status.title}`
              : `  computed: ${status.title} → ${artifactSummary(status.artifacts)}${span}`;
        process.stdout.write(`${line}\n`);
      }
    });
    await runner.run();
    if (timeline.length > 0) {
      process.stdout.write('timeline (minutes:seconds since the URL was printed):\n');
      for (const row of timeline) {
        const took = `${(row.end - row.start).toFixed(1)} s`.padStart(9);
        process.stdout.write(
          `  ${minutes(row.start)}–${minutes(row.end)} ${took}  ${row.title}${row.failed ? ' (failed)' : ''}\n`,
        );
      }
    }
    const failed = runner.statuses().filter((s) => s.state === 'failed').length;
    process.stdout.write(
      failed > 0
        ? `l2angle: ${failed} computation(s) failed (see above); still serving ${url}\n`
        : `l2angle: all results are up to date; still serving ${url}\n`,
    );
  }
  // keep serving until interrupted
  await new Promise<void>((resolve) => server.on('close', resolve));
}

/** Seconds as m:ss. */
function minutes(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
