// The engine's worker threads and the barrier that joins them. A worker instantiates the engine on the shared
// memory and then sleeps on a generation counter; each command (train, update, forward) wakes every worker,
// which runs the same wasm phase on its own context and counts itself done. The main thread is thread 0 and
// runs its share meanwhile. The worker is a short inline script (`eval`), so it runs the same way from
// compiled dist/ and from src/ under tsx or vitest, with no worker file to resolve.
import { Worker } from 'node:worker_threads';

/** What a thread runs: one of the engine's phases. */
export const Phase = { Train: 1, Update: 2, Forward: 3, Quit: 9 } as const;
/** One of the phases' codes. */
export type Phase = (typeof Phase)[keyof typeof Phase];

// control words (Int32) at the start of the shared memory's free space
const GENERATION = 0;
const COMMAND = 1;
const DONE = 2;
const FAILED = 3;
/** Bytes of the control block. */
export const CONTROL_BYTES = 64;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, ctx, control } = workerData;
const ctl = new Int32Array(memory.buffer, control, 16);
let engine;
try {
  engine = new WebAssembly.Instance(module, {
    env: { memory, abort() { throw new Error('engine: aborted'); } },
  }).exports;
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) });
}
if (engine) {
  // read the generation before saying ready: a command issued right after must not be missed
  let seen = Atomics.load(ctl, ${GENERATION});
  parentPort.postMessage({ ready: true });
  for (;;) {
    Atomics.wait(ctl, ${GENERATION}, seen);
    const generation = Atomics.load(ctl, ${GENERATION});
    if (generation === seen) continue;
    seen = generation;
    const command = Atomics.load(ctl, ${COMMAND});
    if (command === ${Phase.Quit}) break;
    try {
      if (command === ${Phase.Train}) engine.lenetTrain(ctx);
      else if (command === ${Phase.Update}) engine.lenetUpdate(ctx);
      else if (command === ${Phase.Forward}) engine.lenetForward(ctx);
    } catch (error) {
      Atomics.store(ctl, ${FAILED}, 1);
      parentPort.postMessage({ error: String(error && error.message || error) });
    }
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
}
`;

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

/** The worker threads 1 … T − 1 of an engine, joined to the main thread by a barrier in shared memory. */
export class EngineThreads {
  private readonly control: Int32Array;
  private failure: string | undefined;
  private dead: Promise<never>;
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    memory: WebAssembly.Memory,
    controlPointer: number,
    dead: Promise<never>,
  ) {
    this.control = new Int32Array(memory.buffer, controlPointer, CONTROL_BYTES / 4);
    this.dead = dead;
    // a rejection nobody awaits yet must not crash the process: runs await it when they need it
    this.dead.catch(() => {});
    for (const worker of workers) {
      worker.on('message', (message: { error?: string }) => {
        if (message.error) this.failure ??= message.error;
      });
    }
  }

  /** Starts one worker per context pointer and waits until each has instantiated the engine. */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    controlPointer: number,
    contexts: number[],
  ): Promise<EngineThreads> {
    const workers = contexts.map(
      (ctx) =>
        new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, ctx, control: controlPointer },
        }),
    );
    let rejectDead: (error: Error) => void = () => {};
    const dead = new Promise<never>((_, reject) => {
      rejectDead = reject;
    });
    const ready = workers.map(
      (worker, index) =>
        new Promise<void>((resolve, reject) => {
          worker.once('message', (message: { ready?: boolean; error?: string }) => {
            if (message.ready) resolve();
            else reject(new Error(`engine worker ${index + 1}: ${message.error}`));
          });
          worker.on('error', (error) => {
            reject(error);
            rejectDead(new Error(`engine worker ${index + 1} failed: ${error.message}`));
          });
          worker.on('exit', (code) => {
            reject(new Error(`engine worker ${index + 1} exited (code ${code})`));
            rejectDead(new Error(`engine worker ${index + 1} exited (code ${code})`));
          });
        }),
    );
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    // idle workers must not keep the process alive
    for (const worker of workers) worker.unref();
    return new EngineThreads(workers, memory, controlPointer, dead);
  }

  /** Runs `phase` on every worker while `own` (thread 0's share) runs here; resolves when all are done. */
  async run(phase: Phase, own: () => void): Promise<void> {
    if (this.closed) throw new Error('LenetTrainer: closed');
    const ctl = this.control;
    for (const worker of this.workers) worker.ref();
    try {
      Atomics.store(ctl, DONE, 0);
      Atomics.store(ctl, FAILED, 0);
      Atomics.store(ctl, COMMAND, phase);
      Atomics.add(ctl, GENERATION, 1);
      Atomics.notify(ctl, GENERATION);
      let ownError: unknown;
      try {
        own();
      } catch (error) {
        ownError = error;
      }
      const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
      for (;;) {
        const done = Atomics.load(ctl, DONE);
        if (done >= this.workers.length) break;
        const wait = waitAsync(ctl, DONE, done);
        if (wait.async) await Promise.race([wait.value, this.dead]);
      }
      if (ownError) throw ownError;
      if (Atomics.load(ctl, FAILED)) {
        // the worker posts its message before counting itself done: let it arrive
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error(`engine worker failed: ${this.failure ?? 'unknown error'}`);
      }
    } finally {
      for (const worker of this.workers) worker.unref();
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, COMMAND, Phase.Quit);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
