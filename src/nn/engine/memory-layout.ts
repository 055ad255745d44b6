// Where the LeNet engine's data lives in its shared memory: the thread contexts (their field offsets read from
// the engine's own exports), the parameters, velocities, per-thread gradients and work areas.
import type { EngineExports } from './module.js';
import { CONTROL_BYTES } from './threads.js';

/** Values per input image (1×28×28, 0..255 minus the mean image). */
export const IMAGE = 784;
/** Logits per image. */
export const CLASSES = 10;

// fields of a thread context (i32 words): their offsets come from the engine itself (assembly/engine.ts
// exports each as a global CTX_<name>), so the two sides cannot disagree
const CONTEXT_FIELDS = [
  'N',
  'TOTAL',
  'X',
  'LABELS',
  'LOGITS',
  'PARAMS',
  'GRADS',
  'PACKED',
  'ARENA',
  'CAPACITY',
  'WORK',
  'SCRATCH',
  'RESULT',
  'VELOCITY',
  'GRAD0',
  'GRAD_STRIDE',
  'THREADS',
  'FROM',
  'TO',
  'ETA',
  'MU',
  'DECAY',
  'BIAS_DECAY',
] as const;

/** A thread context's field offsets (in i32 words). */
export type ContextLayout = Record<(typeof CONTEXT_FIELDS)[number], number>;

/**
 * The context layout the engine exports, checked: every field present, distinct and inside contextBytes();
 * an engine built from other sources than this trainer fails here, not with corrupt training.
 */
export function contextLayout(engine: EngineExports): ContextLayout {
  const exports = engine as unknown as Record<string, unknown>;
  const words = engine.contextBytes() / 4;
  const layout = {} as ContextLayout;
  const seen = new Set<number>();
  for (const name of CONTEXT_FIELDS) {
    const global = exports[`CTX_${name}`];
    const value = global instanceof WebAssembly.Global ? Number(global.value) : Number.NaN;
    if (!Number.isInteger(value) || value < 0 || value >= words || seen.has(value)) {
      throw new Error(
        `the wasm engine's context field CTX_${name} is ${global === undefined ? 'missing' : value}: rebuild it (npm run build)`,
      );
    }
    seen.add(value);
    layout[name] = value;
  }
  return layout;
}

/** Where everything lives in the shared memory. */
export interface Layout {
  bytes: number;
  control: number;
  contexts: number[];
  results: number[];
  params: number;
  velocity: number;
  /** each thread's gradient, one after the other */
  grads: number[];
  /** each thread's packed filters, GEMM panels, scratch and activations */
  perThread: { packed: number; work: number; scratch: number; arena: number }[];
  /** images one thread holds */
  capacity: number;
  x: number;
  labels: number;
  logits: number;
  /** floats of one flat parameter array */
  floats: number;
}

function align(value: number, to = 64): number {
  return Math.ceil(value / to) * to;
}

export function layout(engine: EngineExports, threads: number, capacity: number): Layout {
  let top = align(engine.heapBase());
  const take = (bytes: number) => {
    const at = top;
    top = align(top + bytes);
    return at;
  };
  const paramBytes = engine.paramFloats() * 4;
  const control = take(CONTROL_BYTES);
  const contexts = Array.from({ length: threads }, () => take(engine.contextBytes()));
  const results = Array.from({ length: threads }, () => take(16));
  const params = take(paramBytes);
  const velocity = take(paramBytes);
  const grads = Array.from({ length: threads }, () => take(paramBytes));
  const images = capacity * threads;
  const x = take(images * IMAGE * 4);
  const labels = take(images * 4);
  const logits = take(images * CLASSES * 4);
  const perThread = contexts.map(() => ({
    packed: take(engine.packedBytes()),
    work: take(engine.packedWorkBytes()),
    scratch: take(engine.scratchBytes()),
    arena: take(engine.arenaBytes(capacity)),
  }));
  const floats = engine.paramFloats();
  return {
    bytes: top,
    control,
    contexts,
    results,
    params,
    velocity,
    grads,
    perThread,
    capacity,
    x,
    labels,
    logits,
    floats,
  };
}

/** The optimiser's settings a context carries (zero for a network that only evaluates). */
export interface StepSettings {
  eta: number;
  mu: number;
  decay: number;
  biasDecay: number;
}

/**
 * Points every thread's context at its parts of the layout: the shared parameters, its own gradient, work
 * areas and arena, and the slice of the flat parameters it updates (whole blocks of 8 floats).
 */
export function writeContexts(
  memory: WebAssembly.Memory,
  map: Layout,
  ctx: ContextLayout,
  threads: number,
  settings: StepSettings,
): void {
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  const floats = map.floats;
  for (let t = 0; t < threads; t++) {
    const c = map.contexts[t] >> 2;
    const own = map.perThread[t];
    i32[c + ctx.PARAMS] = map.params;
    i32[c + ctx.GRADS] = map.grads[t];
    i32[c + ctx.PACKED] = own.packed;
    i32[c + ctx.ARENA] = own.arena;
    i32[c + ctx.CAPACITY] = map.capacity;
    i32[c + ctx.WORK] = own.work;
    i32[c + ctx.SCRATCH] = own.scratch;
    i32[c + ctx.RESULT] = map.results[t];
    i32[c + ctx.VELOCITY] = map.velocity;
    i32[c + ctx.GRAD0] = map.grads[0];
    i32[c + ctx.GRAD_STRIDE] = threads > 1 ? map.grads[1] - map.grads[0] : 0;
    i32[c + ctx.THREADS] = threads;
    i32[c + ctx.FROM] = Math.round((t * floats) / threads / 8) * 8;
    i32[c + ctx.TO] = Math.round(((t + 1) * floats) / threads / 8) * 8;
    f32[c + ctx.ETA] = settings.eta;
    f32[c + ctx.MU] = settings.mu;
    f32[c + ctx.DECAY] = settings.decay;
    f32[c + ctx.BIAS_DECAY] = settings.biasDecay;
  }
}
