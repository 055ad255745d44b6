// The article's LeNet trained fast: the wasm SIMD engine (assembly/engine.ts) on one shared memory, with the
// batch split over threads. Each thread runs forward and backward on a fixed slice of the batch into its own
// gradient; after one barrier each thread sums the threads' gradients (in thread order) on a fixed slice of
// the parameters and applies MatConvNet's momentum step there. The split and the summation order never
// depend on timing, so a run is reproducible for a seed and a thread count.
import { availableParallelism } from 'node:os';
import {
  fromEngineLayout,
  LENET_PARAMETER_LENGTHS,
  LENET_PARAMETER_NAMES,
  toEngineLayout,
} from './engine/lenet-layout.js';
import {
  CLASSES,
  type ContextLayout,
  contextLayout,
  IMAGE,
  type Layout,
  layout,
  writeContexts,
} from './engine/memory-layout.js';

export { type ContextLayout, contextLayout };

import { type EngineExports, engineModule, instantiateEngine, sharedMemory } from './engine/module.js';
import { EngineThreads, Phase } from './engine/threads.js';
import { lenet } from './layers.js';

/** The training run's settings (SPEC §4 defaults). */
export interface TrainerSettings {
  /** seed of the initial weights, the same as lenet(seed) */
  seed: number;
  /** λ of the weights */
  weightDecay: number;
  /** whether the biases are decayed with the same λ (MatConvNet's default; default false, as in PyTorch-style training) */
  decayBiases?: boolean;
  /** η (default 0.0005) */
  learningRate?: number;
  /** μ (default 0.9) */
  momentum?: number;
  /** largest batch a step takes (default 300) */
  batchSize?: number;
  /** threads, the main one included (default min(2, available cores)) */
  threads?: number;
}

/** Weights and momentum velocities, in the order and layout of lenet(seed).parameters(). */
export interface TrainerState {
  parameters: Float32Array[];
  velocities: Float32Array[];
}

/** One training step's result. */
export interface StepResult {
  /** batch-mean cross-entropy loss */
  loss: number;
  /** images whose largest logit was not their label, before the update */
  errors: number;
}

/** A step whose loss is not finite (non-finite input or diverged training); the weights are left unchanged. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

function checkSetting(name: string, value: number, test: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !test(value)) {
    throw new RangeError(`LenetTrainer: ${name} = ${value}, expected ${expected}`);
  }
  return value;
}

/** LeNet (SPEC §4) training on the wasm SIMD engine, the batch split over `threads` threads. */
export class LenetTrainer {
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private tail: Promise<unknown> = Promise.resolve();
  private busy = false;
  private closed = false;

  private constructor(
    private readonly engine: EngineExports,
    memory: WebAssembly.Memory,
    private readonly map: Layout,
    private readonly workers: EngineThreads | undefined,
    /** threads, the main one included */
    readonly threads: number,
    /** largest batch a step takes */
    readonly batchSize: number,
    private readonly ctx: ContextLayout,
  ) {
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
  }

  /** A trainer whose initial weights are those of lenet(seed), with zero velocities. */
  static async create(settings: TrainerSettings): Promise<LenetTrainer> {
    const seed = checkSetting('seed', settings.seed, Number.isFinite, 'a finite number');
    const decay = checkSetting(
      'weightDecay',
      settings.weightDecay,
      (v) => v >= 0 && Number.isFinite(v),
      '≥ 0',
    );
    const eta = checkSetting(
      'learningRate',
      settings.learningRate ?? 0.0005,
      (v) => v >= 0 && Number.isFinite(v),
      '≥ 0',
    );
    const mu = checkSetting('momentum', settings.momentum ?? 0.9, (v) => v >= 0 && Number.isFinite(v), '≥ 0');
    const batchSize = checkSetting(
      'batchSize',
      settings.batchSize ?? 300,
      (v) => Number.isInteger(v) && v >= 1 && v <= 100_000,
      'an integer from 1 to 100000',
    );
    const threads = checkSetting(
      'threads',
      settings.threads ?? Math.min(2, availableParallelism()),
      (v) => Number.isInteger(v) && v >= 1 && v <= 64,
      'an integer from 1 to 64',
    );
    const module = engineModule();
    // the layout's sizes come from the engine itself: ask a throwaway instance
    const probe = instantiateEngine(sharedMemory(65536), module);
    // each thread's share, rounded to 4 images so that every block of the arena stays 16-byte aligned
    const capacity = Math.ceil(Math.ceil(batchSize / threads) / 4) * 4;
    const map = layout(probe, threads, capacity);
    const memory = sharedMemory(map.bytes);
    const engine = instantiateEngine(memory, module);
    const ctx = contextLayout(engine);
    writeContexts(memory, map, ctx, threads, {
      eta,
      mu,
      decay,
      biasDecay: settings.decayBiases ? decay : 0,
    });
    const initial = lenet(seed)
      .parameters()
      .map((p) => p.w);
    let workers: EngineThreads | undefined;
    if (threads > 1) workers = await EngineThreads.start(module, memory, map.control, map.contexts.slice(1));
    const trainer = new LenetTrainer(engine, memory, map, workers, threads, batchSize, ctx);
    trainer.writeTensors(map.params, initial);
    return trainer;
  }

  /**
   * One momentum-SGD step on the batch x (n×1×28×28, 0..255 minus the mean image) with its labels: the loss is
   * the batch mean and the errors are counted on the logits before the update.
   */
  step(x: Float32Array, labels: ArrayLike<number>, n: number): Promise<StepResult> {
    return this.exclusive(async () => {
      this.checkImages('step', x, n, this.batchSize);
      if (labels.length < n)
        throw new RangeError(`LenetTrainer.step: ${labels.length} labels for ${n} images`);
      const at = this.map.labels >> 2;
      for (let b = 0; b < n; b++) {
        const y = labels[b];
        if (!Number.isInteger(y) || y < 0 || y >= CLASSES) {
          throw new RangeError(`LenetTrainer.step: label ${b} is ${y}, expected an integer from 0 to 9`);
        }
        this.i32[at + b] = y;
      }
      this.f32.set(x.subarray(0, n * IMAGE), this.map.x >> 2);
      this.assign(n, false);
      await this.run(Phase.Train);
      let sum = 0;
      let errors = 0;
      for (const r of this.map.results) {
        sum += this.f64[r >> 3];
        errors += this.i32[(r >> 2) + 2];
      }
      const loss = sum / n;
      if (!Number.isFinite(loss)) {
        throw new NonFiniteLossError(
          `LenetTrainer.step: the loss is ${loss} (non-finite input or diverged training); weights left unchanged`,
        );
      }
      await this.run(Phase.Update);
      return { loss, errors };
    });
  }

  /** The logits (n×10) of n images (n×1×28×28, 0..255 minus the mean image), without training. */
  logits(x: Float32Array, n: number): Promise<Float32Array> {
    return this.exclusive(async () => {
      this.checkImages('logits', x, n, Number.POSITIVE_INFINITY);
      const out = new Float32Array(n * CLASSES);
      const chunk = this.map.capacity * this.threads;
      for (let start = 0; start < n; start += chunk) {
        const count = Math.min(chunk, n - start);
        this.f32.set(x.subarray(start * IMAGE, (start + count) * IMAGE), this.map.x >> 2);
        this.assign(count, true);
        await this.run(Phase.Forward);
        out.set(
          this.f32.subarray(this.map.logits >> 2, (this.map.logits >> 2) + count * CLASSES),
          start * CLASSES,
        );
      }
      return out;
    });
  }

  /** A copy of the weights and velocities in the reference layout. */
  state(): TrainerState {
    this.checkIdle('state');
    return { parameters: this.readTensors(this.map.params), velocities: this.readTensors(this.map.velocity) };
  }

  /** Restores weights and velocities exactly: training then continues bit for bit as if it had never stopped. */
  setState(state: TrainerState): void {
    this.checkIdle('setState');
    for (const [name, tensors] of [
      ['parameters', state?.parameters],
      ['velocities', state?.velocities],
    ] as const) {
      if (!Array.isArray(tensors) || tensors.length !== LENET_PARAMETER_LENGTHS.length) {
        throw new RangeError(
          `LenetTrainer.setState: expected ${LENET_PARAMETER_LENGTHS.length} ${name} tensors`,
        );
      }
      for (const [i, t] of tensors.entries()) {
        if (!(t instanceof Float32Array) || t.length !== LENET_PARAMETER_LENGTHS[i]) {
          throw new RangeError(
            `LenetTrainer.setState: ${name}[${i}] (${LENET_PARAMETER_NAMES[i]}) must be a Float32Array of ${LENET_PARAMETER_LENGTHS[i]} values`,
          );
        }
        if (!t.every(Number.isFinite)) {
          throw new RangeError(
            `LenetTrainer.setState: ${name}[${i}] (${LENET_PARAMETER_NAMES[i]}) is not finite`,
          );
        }
      }
    }
    this.writeTensors(this.map.params, state.parameters);
    this.writeTensors(this.map.velocity, state.velocities);
  }

  /** Stops the worker threads; the trainer cannot be used afterwards. */
  async close(): Promise<void> {
    await this.tail;
    this.closed = true;
    await this.workers?.close();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      if (this.closed) throw new Error('LenetTrainer: closed');
      this.busy = true;
      try {
        return await task();
      } finally {
        this.busy = false;
      }
    });
    this.tail = run.catch(() => {});
    return run;
  }

  private checkIdle(what: string): void {
    if (this.closed) throw new Error('LenetTrainer: closed');
    if (this.busy) throw new Error(`LenetTrainer.${what}: a step is running, await it first`);
  }

  private checkImages(what: string, x: Float32Array, n: number, most: number): void {
    if (!Number.isInteger(n) || n < 1 || n > most) {
      throw new RangeError(
        `LenetTrainer.${what}: n = ${n}, expected an integer from 1 to ${most === Number.POSITIVE_INFINITY ? 'any' : most}`,
      );
    }
    if (!(x instanceof Float32Array) || x.length < n * IMAGE) {
      throw new RangeError(`LenetTrainer.${what}: x must be a Float32Array of n×784 = ${n * IMAGE} values`);
    }
  }

  /** Splits n images over the threads (fixed, contiguous slices) and points each context at its slice. */
  private assign(n: number, wantLogits: boolean): void {
    const { i32, ctx } = this;
    for (let t = 0; t < this.threads; t++) {
      const start = Math.floor((t * n) / this.threads);
      const end = Math.floor(((t + 1) * n) / this.threads);
      const c = this.map.contexts[t] >> 2;
      i32[c + ctx.N] = end - start;
      i32[c + ctx.TOTAL] = n;
      i32[c + ctx.X] = this.map.x + start * IMAGE * 4;
      i32[c + ctx.LABELS] = this.map.labels + start * 4;
      i32[c + ctx.LOGITS] = wantLogits ? this.map.logits + start * CLASSES * 4 : 0;
    }
  }

  private async run(phase: Phase): Promise<void> {
    const ctx = this.map.contexts[0];
    const own =
      phase === Phase.Train
        ? () => this.engine.lenetTrain(ctx)
        : phase === Phase.Update
          ? () => this.engine.lenetUpdate(ctx)
          : () => this.engine.lenetForward(ctx);
    if (this.workers) await this.workers.run(phase, own);
    else own();
  }

  private writeTensors(base: number, tensors: readonly Float32Array[]): void {
    for (const [i, t] of tensors.entries()) {
      const at = (base >> 2) + this.engine.paramOffset(i);
      toEngineLayout(i, t, this.f32.subarray(at, at + t.length));
    }
  }

  private readTensors(base: number): Float32Array[] {
    return LENET_PARAMETER_LENGTHS.map((length, i) => {
      const at = (base >> 2) + this.engine.paramOffset(i);
      const out = new Float32Array(length);
      fromEngineLayout(i, this.f32.subarray(at, at + length), out);
      return out;
    });
  }
}
