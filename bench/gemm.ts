// GFLOP/s of the wasm SIMD GEMM on the shapes of LeNet's layers (batch 300), single thread, medians.
import { loadKernels } from '../src/nn/kernels.js';

/** Median GFLOP/s of C += op(A)·op(B) for an m×k by k×n product. */
export function gemmGflops(
  m: number,
  n: number,
  k: number,
  transposeA: boolean,
  transposeB: boolean,
  repeats = 7,
): number {
  const kernels = loadKernels();
  const a = transposeA ? kernels.matrix(k, m) : kernels.matrix(m, k);
  const b = transposeB ? kernels.matrix(n, k) : kernels.matrix(k, n);
  const c = kernels.matrix(m, n);
  a.view().fill(0.5);
  b.view().fill(0.25);
  // warm up into V8's optimising tier first: its baseline compiler is several times slower
  const run = () => kernels.gemmPacked(a, transposeA, b, transposeB, c);
  for (let r = 0; r < 5; r++) run();
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    run();
    rates.push((2 * m * n * k) / ((performance.now() - t0) * 1e6));
  }
  rates.sort((x, y) => x - y);
  return rates[Math.floor(rates.length / 2)];
}

/** LeNet's forward GEMMs at batch 300 (rows = output positions × batch folded, as im2col gives them). */
export const LENET_SHAPES: Array<[string, number, number, number]> = [
  ['conv1 (20 × 25 · 25 × 172800)', 20, 24 * 24 * 300, 25],
  ['conv2 (50 × 500 · 500 × 19200)', 50, 8 * 8 * 300, 500],
  ['fc1 (300 × 800 · 800 × 500)', 300, 500, 800],
  ['fc2 (300 × 500 · 500 × 10)', 300, 10, 500],
  ['square 512', 512, 512, 512],
];
