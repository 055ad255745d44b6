// Loads the WebAssembly SIMD kernels (built from assembly/kernels.ts into build/kernels.wasm by
// `npm run build:wasm`) and gives typed views of their memory. Node only for now: the browser will fetch
// the same file.
import { readFileSync } from 'node:fs';

/** The raw exports of build/kernels.wasm. */
interface KernelExports {
  memory: WebAssembly.Memory;
  packedWorkBytes(): number;
  momentumStep(w: number, v: number, g: number, n: number, mu: number, decay: number, eta: number): void;
  clippedStep(x: number, g: number, n: number, scale: number, lower: number, upper: number): void;
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
  sgemm(
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
  ): void;
}

/** A Float32 matrix living in the kernels' memory. */
export interface WasmMatrix {
  /** byte offset in the module's memory */
  readonly pointer: number;
  readonly rows: number;
  readonly cols: number;
  /** a view of its elements, row-major (renewed when memory grows: always read it through `view`) */
  view(): Float32Array;
}

/** The kernels with a simple bump allocator over their memory. */
export class Kernels {
  private readonly exports: KernelExports;
  private top: number;
  private work = -1;

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, { env: { abort: () => {} } })
      .exports as unknown as KernelExports;
    // everything past the module's own static data is ours to lay out
    this.top = this.exports.memory.buffer.byteLength;
  }

  /** Allocates a rows × cols Float32 matrix (16-byte aligned, zeroed). */
  matrix(rows: number, cols: number): WasmMatrix {
    const pointer = this.allocate(rows * cols * 4);
    const memory = this.exports.memory;
    return { pointer, rows, cols, view: () => new Float32Array(memory.buffer, pointer, rows * cols) };
  }

  /** The first `rows` rows of a matrix, as a matrix of its own (the same memory). */
  topRows(matrix: WasmMatrix, rows: number): WasmMatrix {
    if (!Number.isInteger(rows) || rows < 0 || rows > matrix.rows) {
      throw new RangeError(`topRows: ${rows} rows of a ${matrix.rows}-row matrix`);
    }
    const memory = this.exports.memory;
    const { pointer, cols } = matrix;
    return { pointer, rows, cols, view: () => new Float32Array(memory.buffer, pointer, rows * cols) };
  }

  /**
   * Momentum SGD on the first n values of three matrices: v ← μ·v − decay·w − g, w ← w + η·v, in float64
   * rounded to float32 (MomentumSgd.step's operations in its order: the same bits).
   */
  momentumStep(
    w: WasmMatrix,
    v: WasmMatrix,
    g: WasmMatrix,
    n: number,
    mu: number,
    decay: number,
    eta: number,
  ): void {
    for (const m of [w, v, g]) {
      if (n > m.rows * m.cols)
        throw new RangeError(`momentumStep: ${n} values of a ${m.rows}×${m.cols} matrix`);
    }
    this.exports.momentumStep(w.pointer, v.pointer, g.pointer, n, mu, decay, eta);
  }

  /**
   * The attacks' step on the first n values of two matrices: x ← clip(x + scale·g, lower, upper) in float64
   * rounded to float32 (attack.ts clippedStep's operations: the same bits).
   */
  clippedStep(x: WasmMatrix, g: WasmMatrix, n: number, scale: number, lower: number, upper: number): void {
    for (const m of [x, g]) {
      if (n > m.rows * m.cols)
        throw new RangeError(`clippedStep: ${n} values of a ${m.rows}×${m.cols} matrix`);
    }
    this.exports.clippedStep(x.pointer, g.pointer, n, scale, lower, upper);
  }

  /** C += A·B (shapes checked). */
  gemm(a: WasmMatrix, b: WasmMatrix, c: WasmMatrix): void {
    this.gemmPacked(a, false, b, false, c);
  }

  /**
   * C += op(A)·op(B) with the packed kernel; `transposeA` / `transposeB` read A or B as transposed in place
   * (the backward passes' Aᵀ·G and G·Bᵀ), so no transposed copy is ever made.
   */
  gemmPacked(a: WasmMatrix, transposeA: boolean, b: WasmMatrix, transposeB: boolean, c: WasmMatrix): void {
    const [m, k] = transposeA ? [a.cols, a.rows] : [a.rows, a.cols];
    const [kb, n] = transposeB ? [b.cols, b.rows] : [b.rows, b.cols];
    if (k !== kb || c.rows !== m || c.cols !== n) {
      throw new RangeError(`gemm: shapes ${m}×${k} · ${kb}×${n} → ${c.rows}×${c.cols} do not match`);
    }
    if (this.work < 0) this.work = this.allocate(this.exports.packedWorkBytes());
    const [rsA, csA] = transposeA ? [1, a.cols] : [a.cols, 1];
    const [rsB, csB] = transposeB ? [1, b.cols] : [b.cols, 1];
    this.exports.sgemmPacked(m, n, k, a.pointer, rsA, csA, b.pointer, rsB, csB, c.pointer, c.cols, this.work);
  }

  private allocate(bytes: number): number {
    const pointer = (this.top + 15) & ~15;
    const end = pointer + bytes;
    const memory = this.exports.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    new Uint8Array(memory.buffer, pointer, bytes).fill(0);
    this.top = end;
    return pointer;
  }
}

/** Compiles build/kernels.wasm (same relative path from src/nn and dist/nn). */
export function loadKernels(): Kernels {
  const url = new URL('../../build/kernels.wasm', import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch {
    throw new Error(`the wasm kernels are missing (${url.pathname}): run \`npm run build:wasm\``);
  }
  return new Kernels(new WebAssembly.Module(new Uint8Array(bytes)));
}

/** The reference C += A·B in plain TypeScript (Float64 accumulation), for tests. */
export function gemmReference(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] += s;
    }
  }
}
