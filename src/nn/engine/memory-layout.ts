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
