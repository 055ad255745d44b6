// Sweeps across machines on BullMQ + Redis. `enqueueSweep` puts the missing cells on the queue (BullMQ job
// id = cell id, so a cell is queued once however often the sweep is rerun), follows the workers' progress
// and collects each finished cell's files into the results folder, validated, whatever machine computed
// them. `runWorker` takes cells from the queue and runs them; a LeNet cell's checkpoint goes to Redis after
// every epoch, so a cell retried on another machine (after a worker was killed: BullMQ's stalled-job
// recovery) continues from its last epoch.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Job as BullJob, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../../errors.js';
import { type ArtifactKind, artifactSchemas, validateArtifact } from '../../schema/artifacts.js';
import {
  type Cell,
  cellFolder,
  cellRecordFile,
  cellSchema,
  type SweepCellRecord,
  sweepCellRecordSchema,
} from '../../schema/sweep.js';
import { decodeCheckpoint } from '../../schema/training.js';
import { CHECKPOINT_FILE, METRICS_FILE } from '../lenet-training.js';
import { type ResultsStore, writeFileAtomic } from '../store.js';
import { PathThreads } from '../svm-pool.js';
import { cellId, describeCell } from './cells.js';
import type { SweepProgressCallback } from './local.js';
import { finishedCell, isCellDone, runCell } from './run-cell.js';

/** The queue's name in Redis. */
export const QUEUE_NAME = 'l2angle-cells';

/** Tries per cell before the sweep reports it failed (stalls of a killed worker do not count). */
const ATTEMPTS = 5;

/** A queued cell. */
interface CellJobData {
  id: string;
  cell: Cell;
}

/** One file of a finished cell, relative to the results folder. */
interface CellFile {
  path: string;
  encoding: 'utf8' | 'base64';
  data: string;
}

/** What a worker returns for a cell: its record and its files. */
interface CellResult {
  record: SweepCellRecord;
  files: CellFile[];
}

/** How long a worker's lock on a cell lasts without renewal (a killed worker's cell is retried after it). */
function lockMs(): number {
  const ms = Number(process.env.L2ANGLE_QUEUE_LOCK_MS ?? 30_000);
  return Number.isFinite(ms) && ms >= 1000 ? ms : 30_000;
}

/**
 * A connection to the Redis of `url`, checked: reachable within 5 s, and not configured to evict keys
 * (BullMQ loses jobs under any maxmemory-policy but noeviction). Bad input is one line naming the URL.
 */
export async function connectRedis(url: string): Promise<Redis> {
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) {
    throw new InputError(`--queue ${url}: expected a Redis URL such as redis://127.0.0.1:6379`);
  }
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let reason: string | undefined;
  probe.on('error', (error: NodeJS.ErrnoException) => {
    reason ??= error.code ?? error.message;
  });
  try {
    await probe.connect();
    let policy: string | undefined;
    try {
      const reply = (await probe.config('GET', 'maxmemory-policy')) as string[];
      policy = reply[1];
    } catch {
      // a managed Redis may refuse CONFIG: then we cannot tell, and go on
    }
    if (policy !== undefined && policy !== 'noeviction') {
      throw new InputError(
        `--queue ${url}: Redis has maxmemory-policy ${policy}, which may evict queued cells; BullMQ needs ` +
          '`maxmemory-policy noeviction` (redis-cli config set maxmemory-policy noeviction)',
      );
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--queue ${url}: cannot reach Redis (${reason ?? (error as Error).message})`);
  } finally {
    probe.disconnect();
  }
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => {});
  return connection;
}

/** Checks a worker's files and writes them into the results: artifacts validated, the record last. */
function collect(store: ResultsStore, id: string, result: CellResult): void {
  const record = sweepCellRecordSchema.parse(result.record);
  if (record.id !== id) throw new InputError(`cell ${id}: a worker returned the record of ${record.id}`);
  const folder = `${cellFolder(id)}/`;
  const writes: Array<() => void> = [];
  for (const file of result.files) {
    if (!file.path.startsWith(folder) || file.path.includes('..') || file.path === cellRecordFile(id)) {
      throw new InputError(`cell ${id}: a worker returned a file outside its folder (${file.path})`);
    }
    const path = store.pathOf(file.path);
    if (file.path.endsWith('.json')) {
      const value = JSON.parse(file.data) as { schema?: string };
      const kind = value.schema as ArtifactKind;
      if (!(kind in artifactSchemas))
        throw new InputError(`cell ${id}: ${file.path} is not a known artifact`);
      const checked = validateArtifact(kind, value, file.path);
      writes.push(() => writeFileAtomic(path, JSON.stringify(checked)));
    } else {
      const bytes = Buffer.from(file.data, file.encoding);
      decodeCheckpoint(bytes, file.path);
      writes.push(() => writeFileAtomic(path, bytes));
    }
  }
  // nothing is written unless every file checks
  for (const write of writes) write();
  store.write('l2angle/sweep-cell', cellRecordFile(id), record);
}

/**
 * Enqueues the grid's missing cells, follows them and collects each finished one; resolves when every cell is
 * in the results folder, rejects with the failures (after the others finished). Interrupting leaves the
 * queue as it is: a rerun picks it up.
 */
export async function enqueueSweep(
  url: string,
  cells: readonly Cell[],
  store: ResultsStore,
  progress: SweepProgressCallback,
): Promise<{ computed: number; skipped: number }> {
  const connection = await connectRedis(url);
  const queue = new Queue<CellJobData, CellResult>(QUEUE_NAME, { connection });
  // BullMQ does not close connections it is given: each is disconnected below
  const eventsConnection = connection.duplicate();
  eventsConnection.on('error', () => {});
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
  try {
    const pending = new Map<string, Cell>();
    for (const cell of cells) {
      const id = cellId(cell);
      if (!isCellDone(store, id)) pending.set(id, cell);
    }
    const skipped = cells.length - pending.size;
    for (const [id, cell] of pending) {
      const existing = await queue.getJob(id);
      if (existing && (await existing.getState()) === 'failed') await existing.retry('failed');
      else if (!existing)
        await queue.add(
          'cell',
          { id, cell },
          {
            jobId: id,
            attempts: ATTEMPTS,
            backoff: { type: 'exponential', delay: 2000 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        );
    }
    let done = skipped;
    const status = new Map<string, string>();
    const report = () => {
      const active = [...status.values()].slice(0, 2).join('; ');
      progress(done, cells.length, active || `${pending.size} cells queued`);
    };
    events.on('progress', ({ jobId, data }) => {
      const cell = pending.get(jobId);
      if (!cell) return;
      const p = data as { done?: number; total?: number; status?: string };
      const percent = p.total ? ` ${Math.floor((100 * (p.done ?? 0)) / p.total)} %` : '';
      status.set(jobId, `${describeCell(cell)}:${percent} ${p.status ?? ''}`);
      report();
    });
    let wake: (() => void) | undefined;
    const nudge = () => wake?.();
    events.on('completed', nudge);
    events.on('failed', nudge);
    report();
    const failures: string[] = [];
    while (pending.size > 0) {
      for (const [id, cell] of [...pending]) {
        // the state first, then the job: a job read before a state of `completed` may have been read while
        // still active, without its return value (a race that once failed the queue test)
        const state = await queue.getJobState(id);
        const job = state === 'unknown' ? undefined : await queue.getJob(id);
        if (state === 'completed' && job) {
          collect(store, id, job.returnvalue);
          pending.delete(id);
          status.delete(id);
          done++;
          report();
        } else if (state === 'failed' && job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          failures.push(`${describeCell(cell)} (${id}): ${job.failedReason}`);
          pending.delete(id);
          status.delete(id);
        } else if (state === 'unknown' || !job) {
          failures.push(
            `${describeCell(cell)} (${id}): the job vanished from the queue (was Redis flushed?)`,
          );
          pending.delete(id);
        }
      }
      if (pending.size === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 2000).unref();
      });
    }
    if (failures.length > 0) {
      throw new InputError(`${failures.length} cell(s) failed on the workers:\n  ${failures.join('\n  ')}`);
    }
    return { computed: cells.length - skipped, skipped };
  } finally {
    await events.close();
    await queue.close();
    eventsConnection.disconnect();
    connection.disconnect();
  }
}

/** Redis key of a LeNet cell's latest checkpoint. */
const checkpointKey = (id: string) => `l2angle:checkpoint:${id}`;

/** The files of a finished cell, read back for the queue. */
function cellFiles(store: ResultsStore, record: SweepCellRecord): CellFile[] {
  return record.artifacts.map((path) => {
    const bytes = readFileSync(store.pathOf(path));
    return path.endsWith('.json')
      ? { path, encoding: 'utf8' as const, data: bytes.toString('utf8') }
      : { path, encoding: 'base64' as const, data: bytes.toString('base64') };
  });
}

/** Epochs of the checkpoint in a run folder (0 when none). */
function localEpochs(dir: string): number {
  try {
    return decodeCheckpoint(readFileSync(join(dir, CHECKPOINT_FILE)), dir).header.epoch;
  } catch {
    return 0;
  }
}

/** A running worker; `close` lets the current cell finish or be retried elsewhere. */
export interface SweepWorker {
  close(): Promise<void>;
}

/**
 * Takes cells from the queue and runs them into `store` (this machine's working folder) with `threads`
 * threads, until closed. `log` hears a line per cell.
 */
export async function runWorker(
  url: string,
  store: ResultsStore,
  options: { threads: number; name?: string; log: (line: string) => void },
): Promise<SweepWorker> {
  const connection = await connectRedis(url);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const workerConnection = connection.duplicate();
  workerConnection.on('error', () => {});
  // one path thread for the worker's life: it loads a dataset once, not once per cell
  const pathThreads = new PathThreads(1);
  const worker = new Worker<CellJobData, CellResult>(
    QUEUE_NAME,
    async (job: BullJob<CellJobData, CellResult>) => {
      const cell = cellSchema.parse(job.data.cell);
      const id = cellId(cell);
      if (id !== job.data.id) throw new InputError(`cell ${job.data.id}: its settings hash to ${id}`);
      const label = describeCell(cell);
      options.log(`worker ${name}: ${label} (${id}), attempt ${job.attemptsMade + 1}`);
      let sent = 0;
      const record =
        finishedCell(store, id) ??
        (await runCell(store, id, cell, {
          threads: options.threads,
          computedBy: name,
          pathThreads,
          progress: (done, total, status) => {
            if (Date.now() - sent < 1000) return;
            sent = Date.now();
            void job.updateProgress({ done, total, status }).catch(() => {});
          },
          hooks: {
            beforeTraining: async (dir) => {
              const saved = await connection.hgetBuffer(checkpointKey(id), 'checkpoint');
              const metrics = await connection.hget(checkpointKey(id), 'metrics');
              if (!saved || !metrics) return;
              const { header } = decodeCheckpoint(saved, `${checkpointKey(id)} in Redis`);
              if (header.epoch <= localEpochs(dir)) return;
              writeFileAtomic(join(dir, CHECKPOINT_FILE), saved);
              writeFileAtomic(join(dir, METRICS_FILE), metrics);
              options.log(
                `worker ${name}: ${label}: resuming from epoch ${header.epoch} (checkpoint from Redis)`,
              );
            },
            afterEpoch: async (dir, epoch) => {
              await connection.hset(checkpointKey(id), {
                checkpoint: readFileSync(join(dir, CHECKPOINT_FILE)),
                metrics: readFileSync(join(dir, METRICS_FILE), 'utf8'),
                epoch: String(epoch),
              });
            },
          },
        }));
      await connection.del(checkpointKey(id));
      options.log(`worker ${name}: ${label}: done in ${record.wallSeconds.toFixed(1)} s`);
      return { record, files: cellFiles(store, record) };
    },
    {
      connection: workerConnection,
      concurrency: 1,
      lockDuration: lockMs(),
      stalledInterval: Math.max(1000, Math.floor(lockMs() / 2)),
      // a killed worker's cell is retried (stalls are counted apart from attempts)
      maxStalledCount: 10,
    },
  );
  worker.on('failed', (job, error) =>
    options.log(`worker ${name}: ${job ? describeCell(job.data.cell) : 'a cell'} failed: ${error.message}`),
  );
  return {
    async close() {
      await worker.close();
      await pathThreads.close();
      workerConnection.disconnect();
      connection.disconnect();
    },
  };
}
