// Sweeps: the grid and its ids, the local pool, and the queue end to end on a real Redis with two worker
// processes, one of which is killed (SIGKILL) in the middle of a LeNet cell.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../../src/experiments/store.js';
import { cellId, expandGrid, type GridOptions } from '../../src/experiments/sweep/cells.js';
import { lenetSweepFile } from '../../src/schema/lenet-sweep.js';
import { type SweepCellRecord, sweepCellRecordSchema } from '../../src/schema/sweep.js';
import { decodeCheckpoint } from '../../src/schema/training.js';
import { redisServerBinary, startRedis, type TestRedis } from '../helpers/redis.js';

const bin = new URL('../../bin/l2angle.js', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'l2angle-sweep-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const grid = (o: Partial<GridOptions>): GridOptions => ({
  study: 'svm',
  datasets: ['mnist'],
  pairs: [[7, 9]],
  losses: ['hinge'],
  seeds: [0],
  trainLimit: null,
  perClass: 50,
  attackImages: 10,
  threads: 2,
  ...o,
});

describe('a sweep’s grid', () => {
  it('expands the flags into cells whose ids are hashes of their settings', () => {
    const cells = expandGrid(
      grid({
        pairs: [
          [7, 9],
          [0, 1],
        ],
        losses: ['hinge', 'softplus'],
      }),
    );
    expect(cells).toHaveLength(4);
    const ids = cells.map(cellId);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^svm-[0-9a-f]{16}$/);
    // the same settings in another key order are the same cell; another setting is another cell
    const [first] = cells;
    const reordered = Object.fromEntries(Object.entries(first).reverse()) as typeof first;
    expect(cellId(reordered)).toBe(ids[0]);
    expect(cellId({ ...first, perClass: 51 } as typeof first)).not.toBe(ids[0]);
    const lenet = expandGrid(
      grid({ study: 'lenet', weightDecays: [1e-4, 1e-1], seeds: [0, 1, 2], epochs: 2 }),
    );
    expect(lenet).toHaveLength(6);
    expect(() => expandGrid(grid({ datasets: [] }))).toThrow(/grid is empty/);
  });

  it('runs on the local pool, and a rerun computes only what is missing', () => {
    const results = join(scratch, 'local');
    const args = ['--results', results, 'sweep', '--study', 'svm', '--loss', 'hinge', '--per-class', '40'];
    const first = l2angle([...args, '--pairs', '7-9']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/1 cells \(1 computed, 0 done already\)/);
    const second = l2angle([...args, '--pairs', '7-9,3-5']);
    expect(second.stdout).toMatch(/2 cells \(1 computed, 1 done already\)/);
    const store = new ResultsStore(results);
    for (const cell of expandGrid(
      grid({
        pairs: [
          [7, 9],
          [3, 5],
        ],
        perClass: 40,
      }),
    )) {
      const record = store.read('l2angle/sweep-cell', `sweeps/${cellId(cell)}/cell.json`);
      expect(record?.cell).toEqual(cell);
      expect(record?.computedBy).toBe('local');
      expect(store.has('l2angle/svm-path', `sweeps/${cellId(cell)}/path.json`)).toBe(true);
    }
  });
});

const FASHION = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

describe.skipIf(!FASHION && process.env.L2ANGLE_SKIP_FASHION === '1')(
  'a LeNet sweep on Fashion-MNIST',
  () => {
    it('trains three weight decays, measures logit scale, calibration and attacks, and sums them up', () => {
      const results = join(scratch, 'fashion');
      const run = l2angle([
        '--results',
        results,
        'sweep',
        '--study',
        'lenet',
        '--dataset',
        'fashion-mnist',
        '--weight-decays',
        '1e-4,1e-2,1e-1',
        '--epochs',
        '1',
        '--train-limit',
        '600',
        '--attack-images',
        '5',
      ]);
      expect(run.status, run.stderr).toBe(0);
      const store = new ResultsStore(results);
      const summary = store.read('l2angle/lenet-sweep', lenetSweepFile('fashion-mnist'));
      expect(summary?.networks.map((n) => n.weightDecay)).toEqual([1e-4, 1e-2, 1e-1]);
      for (const network of summary?.networks ?? []) {
        const dir = `sweeps/${network.cell}`;
        const scale = store.read('l2angle/logit-scale', `${dir}/logit-scale.json`);
        const adversarial = store.read('l2angle/adversarial', `${dir}/adversarial.json`);
        expect(scale?.dataset).toBe('fashion-mnist');
        // the article's temperature calibrates the median top-class probability to 0.95
        expect(Math.abs((adversarial?.temperature.median ?? 0) - 0.95)).toBeLessThanOrEqual(0.001);
        expect(scale?.temperature.article).toBeCloseTo(adversarial?.temperature.t ?? 0, 6);
        // the NLL-optimal temperature is at least as good as t = 1 and the article's t, by its own measure
        expect(scale?.nll.nll).toBeLessThanOrEqual((scale?.nll.raw ?? 0) + 1e-9);
        expect(scale?.nll.nll).toBeLessThanOrEqual((scale?.nll.article ?? 0) + 1e-9);
        // the success rate can only grow with the budget
        const rates = adversarial?.study.successVsBudget ?? [];
        for (let k = 1; k < rates.length; k++) expect(rates[k]).toBeGreaterThanOrEqual(rates[k - 1]);
        expect(network.testError).toBeGreaterThan(0);
      }
    }, 300_000);
  },
);

function l2angle(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A running CLI process with its output so far. */
function running(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
  let text = '';
  child.stdout?.on('data', (d) => {
    text += String(d);
  });
  child.stderr?.on('data', (d) => {
    text += String(d);
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exit };
}

const stable = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(stable)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .filter(
              ([k]) =>
                !/^(createdAt|updatedAt|wallSeconds|seconds|imagesPerSecond|computedBy|resumedFromEpoch)$/.test(
                  k,
                ),
            )
            .map(([k, v]) => [k, stable(v)]),
        )
      : value;

/** The cells of a results folder: their records and comparable files. */
function cellsIn(results: string): Map<string, { record: SweepCellRecord; files: Map<string, unknown> }> {
  const out = new Map<string, { record: SweepCellRecord; files: Map<string, unknown> }>();
  // the cells' folders (the summaries beside them are files)
  for (const id of readdirSync(join(results, 'sweeps')).filter((name) =>
    /^(svm|lenet)-[0-9a-f]{16}$/.test(name),
  )) {
    const dir = join(results, 'sweeps', id);
    const record = sweepCellRecordSchema.parse(JSON.parse(readFileSync(join(dir, 'cell.json'), 'utf8')));
    const files = new Map<string, unknown>();
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name));
      files.set(
        name,
        name.endsWith('.json')
          ? stable(JSON.parse(bytes.toString('utf8')))
          : // a checkpoint's header holds timings: compare its tensors and its epochs' numbers
            stable({
              ...decodeCheckpoint(bytes, name).tensors,
              history: decodeCheckpoint(bytes, name).header.history,
            }),
      );
    }
    out.set(id, { record, files });
  }
  return out;
}

const redisBinary = redisServerBinary();

describe.skipIf(redisBinary === undefined)('a sweep on BullMQ + Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(redisBinary as string);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('refuses an unreachable or evicting Redis with one line, at once', async () => {
    const started = Date.now();
    const unreachable = l2angle([
      '--results',
      join(scratch, 'bad'),
      'sweep',
      '--study',
      'svm',
      '--queue',
      'redis://127.0.0.1:1',
    ]);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr.trim()).toMatch(
      /^l2angle: --queue redis:\/\/127\.0\.0\.1:1: cannot reach Redis \(ECONNREFUSED\)$/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    const client = new Redis(redis.url);
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const evicting = l2angle([
      '--results',
      join(scratch, 'bad'),
      'sweep',
      '--study',
      'svm',
      '--queue',
      redis.url,
    ]);
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    client.disconnect();
    expect(evicting.status).toBe(1);
    expect(evicting.stderr).toMatch(/maxmemory-policy allkeys-lru.*noeviction/);
    // nothing was written
    expect(readdirSync(join(scratch, 'bad')).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('runs the grid on two workers, one killed in a LeNet cell, and collects what a local run computes', async () => {
    const svm = ['sweep', '--study', 'svm', '--pairs', '7-9,0-1,3-5', '--loss', 'hinge', '--per-class', '60'];
    const lenet = ['sweep', '--study', 'lenet', '--weight-decays', '1e-4,1e-1', '--epochs', '2'];
    const small = ['--train-limit', '1000', '--attack-images', '5', '--threads', '2'];
    const reference = join(scratch, 'reference');
    for (const args of [svm, [...lenet, ...small]]) {
      const run = l2angle(['--results', reference, ...args]);
      expect(run.status, run.stderr).toBe(0);
    }

    // short locks so a killed worker's cell is retried soon; long enough for a loaded CI machine's renewals
    const env = { L2ANGLE_QUEUE_LOCK_MS: '8000' };
    const workers = ['a', 'b'].map((name) =>
      running(
        ['--results', join(scratch, `worker-${name}`), 'worker', '--queue', redis.url, '--threads', '1'],
        env,
      ),
    );
    const collected = join(scratch, 'collected');
    try {
      const queued = l2angle(['--results', collected, ...svm, '--queue', redis.url]);
      expect(queued.status, `${queued.stderr}\n${workers.map((w) => w.output()).join('\n')}`).toBe(0);
      const sweep = running(['--results', collected, ...lenet, ...small, '--queue', redis.url]);
      // kill the worker of the first LeNet cell whose checkpoint has reached Redis
      const client = new Redis(redis.url);
      let killed: { worker: number; cell: string } | undefined;
      for (let tries = 0; tries < 1200 && !killed; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const [key] = await client.keys('l2angle:checkpoint:*');
        if (!key) continue;
        const cell = key.slice('l2angle:checkpoint:'.length);
        const worker = workers.findIndex((w) => w.output().includes(`(${cell})`));
        if (worker < 0) continue;
        workers[worker].child.kill('SIGKILL');
        killed = { worker, cell };
      }
      client.disconnect();
      expect(killed).toBeDefined();
      expect(await sweep.exit).toBe(0);

      const expected = cellsIn(reference);
      const got = cellsIn(collected);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      expect(got.size).toBe(5);
      for (const [id, cell] of expected) expect(got.get(id)?.files, id).toEqual(cell.files);
      // the killed cell was finished by the other worker, from the checkpoint the killed one had sent
      const retried = got.get(killed?.cell ?? '')?.record;
      const survivor = workers[1 - (killed?.worker ?? 0)].child.pid;
      expect(retried?.computedBy).toMatch(new RegExp(`:${survivor}$`));
      expect(retried?.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    } finally {
      for (const w of workers) w.child.kill('SIGINT');
      await Promise.all(workers.map((w) => w.exit));
    }
  }, 400_000);
});
