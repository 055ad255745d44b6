// Loads the LeNet engine (build/engine.wasm, from assembly/engine.ts) on a shared WebAssembly.Memory, so that
// the main thread and its worker threads run the same kernels on one copy of the weights.
import { readFileSync } from 'node:fs';

/** The raw exports of build/engine.wasm (pointers are byte offsets into the shared memory). */
export interface EngineExports {
  heapBase(): number;
  contextBytes(): number;
  paramCount(): number;
  paramLength(i: number): number;
  paramOffset(i: number): number;
  paramFloats(): number;
  arenaBytes(capacity: number): number;
  packedBytes(): number;
  scratchBytes(): number;
  packedWorkBytes(): number;
  lenetTrain(ctx: number): void;
  lenetForward(ctx: number): void;
  lenetUpdate(ctx: number): void;
  /** for lenetScores and lenetInputGrad passes while the weights do not change: conv2's Winograd filters, fc1 packed */
  lenetPrepare(ctx: number, fc1: number, fc1T: number): void;
  /** lenetForward with what lenetPrepare made */
  lenetScores(ctx: number, fc1: number): void;
  /** floats of a k × n operand packed whole */
  prepackedFloats(n: number, k: number): number;
  /** after lenetForward or lenetScores: dx (n × 784) = ∂(Σ gs · s)/∂x for the score gradient gs (n × 10) */
  lenetInputGrad(ctx: number, gs: number, dx: number, fc1T: number): void;
  /** the micro-kernels' multiply-add pattern on L1 data, iterations × 64 flops (the bench's ceiling) */
  simdPeak(iterations: number, block: number): number;
  conv1Forward(x: number, w: number, bias: number, out: number): void;
  conv1WeightGrad(x: number, g: number, dw: number): void;
  conv1InputGrad(w: number, g: number, taps: number, dx: number, work: number): void;
  /** conv1InputGrad after the pooling's backward pass, from the pooled gradient and pool1's winners */
  conv1PooledInputGrad(w: number, g: number, arg: number, taps: number, dx: number, work: number): void;
  packConv2(w: number, out: number): void;
  conv2Forward(x: number, panels: number, bias: number, out: number): void;
  winogradFilterBytes(): number;
  winogradFilterTmpFloats(): number;
  winogradScratchFloats(): number;
  conv2WinogradFilters(w: number, tmp: number, out: number): void;
  conv2WinogradPool(x: number, u: number, bias: number, pooled: number, arg: number, scratch: number): void;
  conv2PooledWeightGrad(x: number, g: number, arg: number, dw: number, scratch: number): void;
  conv2PooledInputGrad(w: number, g: number, arg: number, dx: number, scratch: number): void;
  maxPoolForward(x: number, h: number, w: number, c: number, out: number, arg: number): void;
  maxPoolBackward(g: number, arg: number, count: number, c: number, dx: number): void;
  addColumnSums(g: number, rows: number, cols: number, out: number): void;
  fillRows(c: number, rows: number, cols: number, bias: number): void;
  reluForward(x: number, count: number): void;
  reluBackward(g: number, y: number, count: number): void;
  softmaxCrossEntropy(
    s: number,
    labels: number,
    n: number,
    classes: number,
    scale: number,
    grad: number,
    result: number,
  ): void;
  sgdUpdate(
    w: number,
    v: number,
    grads: number,
    gradStride: number,
    threads: number,
    count: number,
    eta: number,
    mu: number,
    decay: number,
  ): void;
  /** op(B) (k × n) packed whole, for sgemmPrepacked */
  prepackB(n: number, k: number, b: number, rsB: number, csB: number, out: number): void;
  sgemmPrepacked(
    m: number,
    n: number,
    k: number,
    a: number,
    rsA: number,
    csA: number,
    packed: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  sgemmPacked(
    m: number,
    n: number,
    k: number,
    a: number,
    rsA: number,
    csA: number,
    b: number,
    rsB: number,
    csB: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
}

/** The most 64 KiB pages the module accepts (its declared maximum, `--maximumMemory` in the build). */
export const MAX_PAGES = 32768;

let compiled: WebAssembly.Module | undefined;

/** build/engine.wasm compiled once per thread (same relative path from src/nn/engine and dist/nn/engine). */
export function engineModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const url = new URL('../../../build/engine.wasm', import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch {
    throw new Error(`the LeNet engine is missing (${url.pathname}): run \`npm run build:wasm\``);
  }
  compiled = new WebAssembly.Module(new Uint8Array(bytes));
  return compiled;
}

/** A shared memory of `bytes` bytes at least (it never grows: the trainer lays everything out up front). */
export function sharedMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / 65536);
  if (pages > MAX_PAGES) throw new RangeError(`engine: ${bytes} bytes exceed the engine's 2 GiB memory`);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** The engine's kernels running on `memory`. */
export function instantiateEngine(memory: WebAssembly.Memory, module = engineModule()): EngineExports {
  const abort = () => {
    throw new Error('engine: aborted');
  };
  return new WebAssembly.Instance(module, { env: { memory, abort } }).exports as unknown as EngineExports;
}
