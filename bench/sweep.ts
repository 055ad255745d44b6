// `npm run bench -- sweep [--runs 3]`: what the queue costs. (1) Overhead per cell: the same grid of tiny
// SVM cells run on the local pool (one thread) and through BullMQ with one worker (one thread), the
// difference divided by the number of cells, median of the runs (target: under 50 ms per cell). (2)
// Throughput on this machine: four small LeNet cells on one worker with 2 training threads, against two
// workers with 1 thread each. Starts its own redis-server on a free loopback port.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from '../test/helpers/redis.js';
import { median } from './stats.js';

const BIN = new URL('../bin/l2angle.js', import.meta.url).pathname;

function cli(args: string[]): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`l2angle ${args.join(' ')}: ${run.stderr}`);
  return (performance.now() - started) / 1000;
}

function worker(results: string, url: string, threads: number): ChildProcess {
  return spawn(
    process.execPath,
    [BIN, '--results', results, 'worker', '--queue', url, '--threads', String(threads)],
    {
      stdio: 'ignore',
    },
  );
}

async function stop(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          w.once('exit', () => resolve());
          w.kill('SIGINT');
        }),
    ),
  );
}

async function flush(url: string): Promise<void> {
  const client = new Redis(url);
  await client.flushall();
  client.disconnect();
}

/** Runs the queue benchmark; prints its lines. */
export async function benchSweep(runs: number): Promise<void> {
  const redis = await startRedis(process.env.L2ANGLE_REDIS_SERVER ?? '/usr/bin/redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'l2angle-bench-sweep-'));
  try {
    // (1) 30 tiny cells: 15 pairs × 2 losses at 10 images per class
    const pairs = '0-1,0-2,0-3,0-4,0-5,1-2,1-3,1-4,1-5,2-3,2-4,2-5,3-4,3-5,4-5';
    const grid = ['sweep', '--study', 'svm', '--pairs', pairs, '--per-class', '10', '--threads', '1'];
    const cells = 30;
    const local: number[] = [];
    const queued: number[] = [];
    for (let r = 0; r < runs; r++) {
      local.push(cli(['--results', join(dir, `local-${r}`), ...grid]));
      const w = worker(join(dir, `worker-${r}`), redis.url, 1);
      // the worker's start (a second or so) is not part of a cell's cost
      await new Promise((resolve) => setTimeout(resolve, 2000));
      queued.push(cli(['--results', join(dir, `queued-${r}`), ...grid, '--queue', redis.url]));
      await stop([w]);
      // the queue keeps finished cells (a rerun collects them at once): empty it for the next run
      await flush(redis.url);
    }
    const perCell = ((median(queued) - median(local)) / cells) * 1000;
    console.log(
      `sweep: ${cells} tiny svm cells, median of ${runs}: local pool ${median(local).toFixed(2)} s, through ` +
        `BullMQ with one worker ${median(queued).toFixed(2)} s: overhead ${perCell.toFixed(1)} ms per cell ` +
        `(target < 50 ms; both include each command's start)`,
    );

    // (2) 4 LeNet cells, 1 epoch on 3000 images, 5 attacked images each
    const lenet = (threads: number) => [
      'sweep',
      '--study',
      'lenet',
      '--weight-decays',
      '1e-4,1e-3,1e-2,1e-1',
      '--epochs',
      '1',
      '--train-limit',
      '3000',
      '--attack-images',
      '5',
      '--threads',
      String(threads),
      '--queue',
      redis.url,
    ];
    await flush(redis.url);
    const one = [worker(join(dir, 'w2'), redis.url, 2)];
    const oneSeconds = cli(['--results', join(dir, 'one'), ...lenet(2)]);
    await stop(one);
    const two = [worker(join(dir, 'w1a'), redis.url, 1), worker(join(dir, 'w1b'), redis.url, 1)];
    const twoSeconds = cli(['--results', join(dir, 'two'), ...lenet(1)]);
    await stop(two);
    console.log(
      `sweep: 4 LeNet cells (1 epoch on 3000 images, then 15 attacked images): 1 worker × 2 threads ` +
        `${oneSeconds.toFixed(1)} s, 2 workers × 1 thread ${twoSeconds.toFixed(1)} s ` +
        `(${(oneSeconds / twoSeconds).toFixed(2)}× the throughput)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await redis.stop();
  }
}
